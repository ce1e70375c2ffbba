"""The `completions` import kind (records from other platforms) and the import pipeline's
skipped rows: errors reject the file, unmatched ID numbers are skipped and reported, a re-sent
record is unchanged; the CLI, the job page and the skipped-rows report."""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation

from hoctap.accounts.permissions import SYSTEM
from hoctap.audit.models import AuditEntry
from hoctap.conftest import World
from hoctap.core.errors import PermissionDenied
from hoctap.imports import services as imports
from hoctap.imports.models import ImportJob, ImportStatus
from hoctap.imports.tests.helpers import xlsx_bytes
from hoctap.learning.models import Channel, Completion
from hoctap.learning.services import catalogue
from hoctap.learning.services.completions import completion_record
from hoctap.learning.tests.conftest import LearningWorld

pytestmark = pytest.mark.django_db

HEADER = "national_id,course_code,external_course_title,platform,completed_on,score,certificate_no"
NOBODY = "001090123456"  # a well-formed ID number no person of the register has


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


def csv_file(*lines: str, header: str = HEADER) -> io.BytesIO:
    return io.BytesIO(("\n".join([header, *lines]) + "\n").encode())


def run(actor: Any, stream: io.BytesIO, **kw: Any) -> imports.ImportResult:
    kind = imports.kind_get("completions")
    return imports.import_file(actor=actor, kind=kind, stream=stream, file_name="ext.csv", **kw)


def snapshot() -> tuple[int, int]:
    return Completion.objects.count(), AuditEntry.objects.count()


def test_the_kind_is_registered_with_its_columns() -> None:
    kind = imports.kind_get("completions")
    assert [c.name for c in kind.columns] == HEADER.split(",")
    assert kind.permission == "learning.manage_learner"


def test_matched_rows_are_recorded_unmatched_skipped_and_reported(learning: LearningWorld) -> None:
    w = learning.world
    stream = csv_file(
        f"{w.person_a.national_id},KNS-01,,national_portal,2025-09-01,8.5,QG-001",
        f"{NOBODY},KNS-01,,national_portal,2025-09-01,,",
        f"{w.person_a2.national_id},,Kỹ năng số cho  phụ nữ,sector_system,15/08/2025,,",
        f"{w.person_b.national_id},KNS-01,,other,2025-09-02,,",  # commune B: not in A's scope
    )
    result = run(w.officer_a, stream)
    assert not result.rejected
    assert (result.rows, result.created, result.unchanged) == (4, 2, 0)
    assert [(e.row, e.column, e.value) for e in result.skipped] == [
        (3, "national_id", NOBODY),
        (5, "national_id", w.person_b.national_id),
    ]
    # unknown and out of scope look the same
    assert result.skipped[0].message == result.skipped[1].message
    assert "No person of the register" in result.skipped[0].message
    first = Completion.objects.get(person=w.person_a)
    assert (first.course_id, first.course_key, first.title) == (
        learning.course.pk,
        "KNS-01",
        learning.course.title,
    )
    assert (first.platform, first.channel) == ("national_portal", Channel.IMPORTED)
    assert first.completed_on == datetime.date(2025, 9, 1)
    assert str(first.score) == "8.50"
    assert first.certificate_no == "QG-001"
    assert first.recorded_by == w.officer_a
    external = Completion.objects.get(person=w.person_a2)
    assert external.course_id is None
    assert external.title == "Kỹ năng số cho phụ nữ"
    assert external.course_key == "~ky nang so cho phu nu"
    assert external.completed_on == datetime.date(2025, 8, 15)
    assert not Completion.objects.filter(person=w.person_b).exists()
    entry = AuditEntry.objects.get(action="completions.import")
    assert entry.changes["created"] == 2
    assert entry.changes["skipped"] == 2
    assert not AuditEntry.objects.filter(action="completion.create").exists()


def test_a_reimport_is_unchanged_even_with_another_score(learning: LearningWorld) -> None:
    w = learning.world
    line = f"{w.person_a.national_id},KNS-01,,national_portal,2025-09-01,8.5,QG-001"
    run(w.officer_a, csv_file(line, f"{NOBODY},KNS-01,,other,2025-09-01,,"))
    before = snapshot()
    again = run(
        w.officer_a,
        csv_file(
            # the same record, re-sent with another score and number: the first one stands
            f"{w.person_a.national_id},KNS-01,,Cổng quốc gia,01/09/2025,9,QG-999",
            f"{NOBODY},KNS-01,,other,2025-09-01,,",
        ),
    )
    assert (again.created, again.unchanged, again.skipped_count) == (0, 1, 1)
    assert again.written
    assert not again.rejected
    assert snapshot() == before  # nothing written, not even an audit entry
    kept = Completion.objects.get(person=w.person_a)
    assert (str(kept.score), kept.certificate_no) == ("8.50", "QG-001")


def test_the_same_person_and_course_on_another_platform_is_another_record(
    learning: LearningWorld,
) -> None:
    w = learning.world
    nid = w.person_a.national_id
    result = run(
        w.officer_a,
        csv_file(
            f"{nid},KNS-01,,national_portal,2025-09-01,,",
            f"{nid},KNS-01,,sector_system,2025-09-01,,",
            f"{nid},,An toàn trên mạng,national_portal,2025-09-01,,",
        ),
    )
    assert result.created == 3


def test_an_online_completion_here_is_not_overwritten_by_an_import(
    learning: LearningWorld,
) -> None:
    w = learning.world
    with transaction.atomic():
        online, _created = completion_record(
            actor=SYSTEM,
            person=w.person_a,
            course=learning.course,
            title="",
            platform="provincial_portal",
            channel=Channel.ONLINE,
            completed_on=datetime.date(2025, 10, 1),
        )
    result = run(
        w.officer_a,
        csv_file(f"{w.person_a.national_id},KNS-01,,Cổng tỉnh,2025-09-01,50,"),
    )
    assert (result.created, result.unchanged) == (0, 1)
    online.refresh_from_db()
    assert (online.channel, online.completed_on, online.score) == (
        Channel.ONLINE,
        datetime.date(2025, 10, 1),
        None,
    )


@pytest.mark.parametrize(
    ("line", "column", "message"),
    [
        ("{a},NOPE-99,,national_portal,2025-09-01,,", "course_code", "Unknown course code"),
        ("12345,KNS-01,,national_portal,2025-09-01,,", "national_id", "exactly 12 digits"),
        ("999085001234,KNS-01,,national_portal,2025-09-01,,", "national_id", "province code"),
        ("{a},KNS-01,,facebook,2025-09-01,,", "platform", "Unknown platform"),
        ("{a},KNS-01,,national_portal,2025-13-01,,", "completed_on", "Not a date"),
        ("{a},KNS-01,,national_portal,2999-01-01,,", "completed_on", "in the future"),
        ("{a},KNS-01,,national_portal,1999-12-31,,", "completed_on", "before 2000"),
        ("{a},KNS-01,,national_portal,2025-09-01,101,", "score", "from 0 to 100"),
        ("{a},KNS-01,,national_portal,2025-09-01,8.555,", "score", "two decimals"),
        ("{a},KNS-01,,national_portal,2025-09-01,tám,", "score", "from 0 to 100"),
        ("{a},,,national_portal,2025-09-01,,", "course_code", "course code or the title"),
        ("{a},,!!!,national_portal,2025-09-01,,", "external_course_title", "no letters"),
        ("{a},KNS-01,,national_portal,2025-09-01,," + "9" * 61, "certificate_no", "At most 60"),
        ("{a},KNS-01,,,2025-09-01,,", "platform", "This field is required."),
        (",KNS-01,,national_portal,2025-09-01,,", "national_id", "This field is required."),
    ],
)
def test_a_malformed_row_rejects_the_whole_file(
    learning: LearningWorld, line: str, column: str, message: str
) -> None:
    w = learning.world
    good = f"{w.person_a2.national_id},KNS-01,,national_portal,2025-09-01,,"
    before = snapshot()
    result = run(
        w.officer_a,
        csv_file(
            good, line.format(a=w.person_a.national_id), f"{NOBODY},KNS-01,,other,2025-09-01,,"
        ),
    )
    assert result.rejected
    assert not result.written
    assert [(e.row, e.column) for e in result.errors] == [(3, column)]
    assert message in result.errors[0].message
    assert snapshot() == before


def test_an_unknown_id_number_with_a_malformed_cell_is_an_error_not_a_skip(
    learning: LearningWorld,
) -> None:
    result = run(learning.world.officer_a, csv_file(f"{NOBODY},NOPE,,other,2025-09-01,,"))
    assert [e.column for e in result.errors] == ["course_code"]
    assert result.skipped == []


def test_the_same_record_twice_in_a_file_is_an_error(learning: LearningWorld) -> None:
    w = learning.world
    nid = w.person_a.national_id
    before = snapshot()
    result = run(
        w.officer_a,
        csv_file(
            f"{nid},,Kỹ năng số,national_portal,2025-09-01,,",
            f"{nid},,KỸ NĂNG  SỐ,Cổng quốc gia,2025-09-02,,",  # the same title and platform
        ),
    )
    assert [(e.row, e.column) for e in result.errors] == [(3, "national_id")]
    assert "appears twice in this file (first in row 2)" in result.errors[0].message
    assert snapshot() == before


def test_vietnamese_headers_and_values_from_xlsx(learning: LearningWorld) -> None:
    w = learning.world
    stream = xlsx_bytes(
        [
            [
                "Số định danh",
                "Mã khoá học",
                "Tên khoá học",
                "Nền tảng",
                "Ngày hoàn thành",
                "Điểm",
                "Số chứng chỉ",
            ],
            [
                w.person_a.national_id,
                "KNS-01",
                None,
                "Cổng quốc gia",
                datetime.date(2025, 9, 1),
                9.5,
                "A1",
            ],
            [
                w.person_a2.national_id,
                None,
                "Sử dụng AI",
                "Hệ thống ngành",
                "02/09/2025",
                "8,25",
                None,
            ],
            [
                w.person_a2.national_id,
                None,
                "Thanh toán số",
                "Nền tảng bộ",
                "2025-09-03",
                None,
                None,
            ],
            [w.person_a2.national_id, None, "Dịch vụ công", "Khác", "2025-09-04", 7, None],
        ]
    )
    result = run(w.officer_a, stream)
    assert not result.rejected, result.errors
    assert result.created == 4
    rows = {c.title: (c.platform, str(c.score)) for c in Completion.objects.all()}
    assert rows == {
        learning.course.title: ("national_portal", "9.50"),
        "Sử dụng AI": ("sector_system", "8.25"),
        "Thanh toán số": ("ministry_platform", "None"),
        "Dịch vụ công": ("other", "7.00"),
    }


def test_an_organisation_officer_matches_the_organisations_members(world: World) -> None:
    from hoctap.learning.tests.conftest import build_course

    build_course()
    result = run(
        world.org_officer_b,
        csv_file(
            f"{world.person_b.national_id},KNS-01,,national_portal,2025-09-01,,",  # a member
            f"{world.person_b2.national_id},KNS-01,,national_portal,2025-09-01,,",  # not one
        ),
    )
    assert result.created == 1
    assert [e.value for e in result.skipped] == [world.person_b2.national_id]


def test_who_may_import_completions(learning: LearningWorld) -> None:
    w = learning.world
    for user in (w.secretariat, w.viewer):
        with pytest.raises(PermissionDenied):
            run(user, csv_file(f"{w.person_a.national_id},KNS-01,,other,2025-09-01,,"))
    result = run(SYSTEM, csv_file(f"{w.person_b.national_id},KNS-01,,other,2025-09-01,,"))
    assert result.created == 1  # the CLI's system actor matches the whole register


def test_the_preview_counts_what_would_be_created_and_skipped(learning: LearningWorld) -> None:
    w = learning.world
    before = snapshot()
    result = run(
        w.officer_a,
        csv_file(
            f"{w.person_a.national_id},KNS-01,,other,2025-09-01,,",
            f"{NOBODY},KNS-01,,other,2025-09-01,,",
        ),
        dry_run=True,
    )
    assert (result.created, result.skipped_count) == (1, 1)
    assert snapshot() == before


# ---------------------------------------------------------------------------------------------
# `hoctap import completions FILE`: the count of skipped rows, and --skipped OUT.csv
# ---------------------------------------------------------------------------------------------


def test_the_command_prints_the_skipped_rows_and_writes_them(
    learning: LearningWorld, tmp_path: Any, capsys: Any
) -> None:
    w = learning.world
    path = tmp_path / "ext.csv"
    lines = [f"{w.person_a.national_id},KNS-01,,national_portal,2025-09-01,,"]
    lines += [f"00109{n:07d},KNS-01,,national_portal,2025-09-01,," for n in range(25)]
    path.write_bytes(csv_file(*lines).getvalue())
    out = tmp_path / "skipped.csv"
    call_command("import", "completions", str(path), "--skipped", str(out))
    captured = capsys.readouterr()
    assert "created 1, updated 0, unchanged 0, skipped 25 (26 rows" in captured.out
    assert "row 3, column national_id “001090000000”: No person of the register" in captured.err
    assert "... and 5 more" in captured.err
    with out.open(encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["Row", "Column", "Value", "Problem"]
    assert len(rows) == 26
    assert rows[1][:3] == ["3", "national_id", "001090000000"]
    call_command("import", "completions", str(path), "--dry-run")
    assert (
        "would create 0, update 0, leave unchanged 1, skip 25 (26 rows" in capsys.readouterr().out
    )


def test_the_command_rejects_a_file_with_an_error_and_still_reports_skips(
    learning: LearningWorld, tmp_path: Any, capsys: Any
) -> None:
    w = learning.world
    path = tmp_path / "ext.csv"
    path.write_bytes(
        csv_file(
            f"{w.person_a.national_id},NOPE,,national_portal,2025-09-01,,",
            f"{NOBODY},KNS-01,,national_portal,2025-09-01,,",
        ).getvalue()
    )
    out = tmp_path / "skipped.csv"
    before = snapshot()
    with pytest.raises(CommandError, match=r"rejected: 1 error in 2 rows"):
        call_command("import", "completions", str(path), "--skipped", str(out))
    assert "Unknown course code" in capsys.readouterr().err
    assert len(out.read_text(encoding="utf-8-sig").splitlines()) == 2
    assert snapshot() == before


# ---------------------------------------------------------------------------------------------
# The import page: the preview says how many rows will be skipped; the job keeps them
# ---------------------------------------------------------------------------------------------


def _signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def test_the_job_page_shows_the_skipped_rows_and_their_report_is_audited(
    learning: LearningWorld, django_capture_on_commit_callbacks: Any
) -> None:
    w = learning.world
    content = csv_file(
        f"{w.person_a.national_id},KNS-01,,national_portal,2025-09-01,,",
        f"{NOBODY},KNS-01,,national_portal,2025-09-01,,",
        f"{w.person_b.national_id},KNS-01,,national_portal,2025-09-01,,",
    ).getvalue()
    client = _signed_in(w.officer_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("imports:import_new"),
            {"kind": "completions", "file": SimpleUploadedFile("qg.csv", content)},
        )
    assert response.status_code == 302
    job = ImportJob.objects.get(actor=w.officer_a)
    assert job.status == ImportStatus.VALIDATED
    assert (job.created_count, job.skipped_count) == (1, 2)
    page = client.get(reverse("imports:import_detail", args=[job.pk])).content.decode()
    assert "2 rows will be skipped" in page
    assert 'data-count="skipped">2<' in page
    assert NOBODY in page  # the uploader sees the values of their own file
    assert reverse("imports:import_skipped_csv", args=[job.pk]) in page

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:import_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert (job.created_count, job.skipped_count, len(job.skipped)) == (1, 2, 2)
    page = client.get(reverse("imports:import_detail", args=[job.pk])).content.decode()
    assert "2 rows were skipped; the other rows were imported." in page
    listing = client.get(reverse("imports:import_list")).content.decode()
    assert '<td class="num">2</td>' in listing

    before = AuditEntry.objects.filter(action="import.skipped_download").count()
    response = client.get(reverse("imports:import_skipped_csv", args=[job.pk]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]  # ID numbers in full: never kept in a cache
    report = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    assert NOBODY in report
    assert w.person_b.national_id in report
    entries = AuditEntry.objects.filter(action="import.skipped_download")
    assert entries.count() == before + 1
    last = entries.last()
    assert last is not None
    assert last.changes == {"skipped": 2}

    # someone else: not found, and nothing audited
    other = _signed_in(w.officer_b)
    assert other.get(reverse("imports:import_skipped_csv", args=[job.pk])).status_code == 404
    assert entries.count() == before + 1


def test_a_job_without_skipped_rows_has_no_skipped_report(world: World) -> None:
    job = ImportJob.objects.create(
        kind="completions", file_name="x.csv", actor=world.officer_a, status="done"
    )
    client = _signed_in(world.officer_a)
    assert client.get(reverse("imports:import_skipped_csv", args=[job.pk])).status_code == 404
    page = client.get(reverse("imports:import_detail", args=[job.pk])).content.decode()
    assert "skipped" not in page.lower()
    assert not AuditEntry.objects.filter(action="import.skipped_download").exists()


@pytest.fixture
def two_rows_a_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of two rows, so that a small file goes through the pipeline as a big one does:
    batch after batch written in one transaction."""
    monkeypatch.setattr(imports.kind_get("completions"), "batch_size", 2)


PLATFORMS = ["national_portal", "sector_system", "ministry_platform", "other", "provincial_portal"]


def _lines(world: World, platforms: list[str]) -> list[str]:
    return [
        f"{world.person_a.national_id},KNS-01,,{platform},2025-09-0{n},,"
        for n, platform in enumerate(platforms, start=1)
    ]


@pytest.mark.usefixtures("two_rows_a_batch")
def test_many_batches_all_land_and_a_reimport_finds_them(learning: LearningWorld) -> None:
    w = learning.world
    lines = [*_lines(w, PLATFORMS), f"{NOBODY},KNS-01,,other,2025-09-01,,"]
    result = run(w.officer_a, csv_file(*lines))
    assert (result.rows, result.created, result.skipped_count) == (6, 5, 1)
    recorded = Completion.objects.filter(person=w.person_a)
    assert sorted(recorded.values_list("platform", flat=True)) == sorted(PLATFORMS)
    again = run(w.officer_a, csv_file(*lines))
    assert (again.created, again.unchanged) == (0, 5)
    assert recorded.count() == 5


@pytest.mark.usefixtures("two_rows_a_batch")
def test_an_error_in_a_late_batch_undoes_the_batches_already_written(
    learning: LearningWorld,
) -> None:
    w = learning.world
    before = snapshot()
    bad = f"{w.person_a2.national_id},KNS-01,,nowhere,2025-09-01,,"
    result = run(w.officer_a, csv_file(*_lines(w, PLATFORMS), bad))
    assert [(e.row, e.column) for e in result.errors] == [(7, "platform")]
    assert not result.written
    assert snapshot() == before


def test_the_system_actor_knows_every_course_even_a_draft(learning: LearningWorld) -> None:
    """`hoctap import` acts as the system actor, whose scope is global: a draft's code is
    known to it (a global scope must not shrink to "published only" when combined with OR)."""
    w = learning.world
    catalogue.course_create(
        actor=SYSTEM, code="ZETA-DRAFT", title="Bản nháp của Zeta", owner_code=w.org_b.code
    )
    result = run(
        SYSTEM, csv_file(f"{w.person_b.national_id},ZETA-DRAFT,,national_portal,2025-09-01,,")
    )
    assert (result.rejected, result.created) == (False, 1)
    assert Completion.objects.filter(course_key="ZETA-DRAFT").count() == 1
