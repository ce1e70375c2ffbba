"""docs/reference/roles.md must say exactly what hoctap/accounts/roles.py does.

The page's tables are parsed and compared with `Perm`, `Role` and `ROLE_PERMISSIONS`, so a
change to a role's permissions that forgets the page (or the other way round) fails here. On a
mismatch the message carries the table as the code would have it, ready to paste.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.utils import translation

from hoctap.accounts.roles import ROLE_PERMISSIONS, Perm, Role

CHECK = "✓"


def doc_path() -> Path:
    return Path(settings.BASE_DIR) / "docs" / "reference" / "roles.md"


def all_permissions() -> dict[str, str]:
    """Constant name → permission string, for every permission `Perm` defines."""
    return {
        name: value
        for name, value in vars(Perm).items()
        if name.isupper() and isinstance(value, str)
    }


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _unquote(cell: str) -> str:
    return cell.strip().strip("`").strip()


def table_under(heading: str) -> tuple[list[str], list[list[str]]]:
    """The header and rows of the first table after the `## heading` line."""
    lines = doc_path().read_text(encoding="utf-8").splitlines()
    start = lines.index(f"## {heading}") + 1
    table: list[str] = []
    for line in lines[start:]:
        if line.startswith("## "):
            break
        if line.lstrip().startswith("|"):
            table.append(line)
        elif table:
            break
    assert len(table) >= 2, f"no table under '## {heading}' in {doc_path()}"
    header, separator, *rows = table
    assert set(separator.replace("|", "").strip()) <= set("-: "), "second line is not a separator"
    return _cells(header), [_cells(row) for row in rows]


def expected_matrix() -> str:
    perms = list(all_permissions().values())
    lines = [
        "| Role | " + " | ".join(f"`{p}`" for p in perms) + " |",
        "|" + "---|" * (len(perms) + 1),
    ]
    for role in Role.values:
        marks = [CHECK if p in ROLE_PERMISSIONS[role] else "" for p in perms]
        lines.append(f"| `{role}` | " + " | ".join(marks) + " |")
    return "\n".join(lines)


def test_every_role_has_a_permission_set() -> None:
    assert set(ROLE_PERMISSIONS) == set(Role.values)
    known = set(all_permissions().values())
    for role, perms in ROLE_PERMISSIONS.items():
        assert perms <= known, f"{role} carries permissions Perm does not define: {perms - known}"


def test_the_permission_matrix_matches_role_permissions() -> None:
    header, rows = table_under("Permissions by role")
    hint = "\n\nThe table as the code has it:\n\n" + expected_matrix()
    columns = [_unquote(cell) for cell in header[1:]]
    assert len(columns) == len(set(columns)), "a permission column appears twice" + hint
    assert set(columns) == set(all_permissions().values()), (
        "the columns are not exactly the permissions Perm defines" + hint
    )
    documented: dict[str, frozenset[str]] = {}
    for row in rows:
        assert len(row) == len(header), f"row {row[0]} has {len(row)} cells, not {len(header)}"
        role = _unquote(row[0])
        assert role not in documented, f"role {role} appears twice" + hint
        marks = row[1:]
        assert set(marks) <= {CHECK, ""}, f"row {role}: use {CHECK} or leave the cell blank"
        documented[role] = frozenset(p for p, m in zip(columns, marks, strict=True) if m == CHECK)
    assert list(documented) == list(Role.values), (
        "the rows must be exactly the roles, in the order of Role" + hint
    )
    for role, perms in documented.items():
        assert perms == ROLE_PERMISSIONS[role], (
            f"{role}: the page says {sorted(perms)}, the code says "
            f"{sorted(ROLE_PERMISSIONS[role])}" + hint
        )


def test_the_roles_table_names_every_role_with_its_english_label() -> None:
    header, rows = table_under("Roles")
    assert header[:3] == ["Role", "Tiếng Việt", "English"]
    documented = {_unquote(row[0]): row for row in rows}
    assert len(documented) == len(rows), "a role appears twice in the roles table"
    assert list(documented) == list(Role.values)
    for role, row in documented.items():
        with translation.override("en"):
            english = str(Role(role).label)
        with translation.override("vi"):
            vietnamese = str(Role(role).label)
        assert row[2] == english, f"{role}: the English name differs from the code's label"
        assert row[1], f"{role}: give the Vietnamese name"
        if vietnamese != english:  # checked once the catalogue translates the label
            assert row[1] == vietnamese, f"{role}: the Vietnamese name differs from the catalogue"
        assert row[3], f"{role}: say what the role does"


def test_the_permissions_table_names_every_permission_with_its_constant() -> None:
    header, rows = table_under("Permissions")
    assert header[:2] == ["Permission", "Constant"]
    documented = {_unquote(row[0]): _unquote(row[1]) for row in rows}
    assert len(documented) == len(rows), "a permission appears twice in the permissions table"
    expected = {value: f"Perm.{name}" for name, value in all_permissions().items()}
    assert documented == expected
