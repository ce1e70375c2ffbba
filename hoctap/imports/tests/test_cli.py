import csv

import pytest
from django.core.management import CommandError, call_command

from hoctap.geo.models import AdminUnit
from hoctap.imports.tests.helpers import counts

HEADER = "code,name,kind,parent_code,valid_from\n"


@pytest.mark.django_db
def test_the_command_imports_then_reimports_unchanged(world, tmp_path, capsys):
    path = tmp_path / "villages.csv"
    path.write_text(HEADER + "02647-801,Thôn Tám,village,02647,2025-08-01\n", encoding="utf-8")
    call_command("import", "units", str(path))
    assert "created 1, updated 0, unchanged 0 (1 rows" in capsys.readouterr().out
    call_command("import", "units", str(path))
    assert "created 0, updated 0, unchanged 1" in capsys.readouterr().out
    assert AdminUnit.objects.filter(code="02647-801").exists()


@pytest.mark.django_db
def test_dry_run_writes_nothing(world, tmp_path, capsys):
    path = tmp_path / "villages.csv"
    path.write_text(HEADER + "02647-802,Thôn,village,02647,\n", encoding="utf-8")
    before = counts()
    call_command("import", "units", str(path), "--dry-run")
    assert "would create 1" in capsys.readouterr().out
    assert counts() == before


@pytest.mark.django_db
def test_a_rejected_file_exits_1_prints_the_first_errors_and_writes_all(world, tmp_path, capsys):
    path = tmp_path / "villages.csv"
    lines = [f"99999-{i:03d},Thôn {i},village,99999,\n" for i in range(25)]
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    out = tmp_path / "errors.csv"
    before = counts()
    with pytest.raises(CommandError, match=r"rejected: 25 errors in 25 rows; nothing written"):
        call_command("import", "units", str(path), "--errors", str(out))
    err = capsys.readouterr().err
    assert "row 2, column parent_code “99999”:" in err
    assert "row 21, column" in err
    assert "row 22, column" not in err
    assert "... and 5 more" in err
    with out.open(encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["Row", "Column", "Value", "Problem"]
    assert len(rows) == 26
    assert rows[1][:3] == ["2", "parent_code", "99999"]
    assert counts() == before


@pytest.mark.django_db
def test_an_unknown_kind_is_refused_by_the_parser(world, tmp_path):
    with pytest.raises(CommandError, match="invalid choice"):
        call_command("import", "castles", str(tmp_path / "x.csv"))
