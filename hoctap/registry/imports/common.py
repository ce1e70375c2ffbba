"""What the registry's import kinds share: choice words in English and Vietnamese, running a
field rule on a cell, dates, the importer's units, and the context of one import."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from hoctap.accounts.permissions import Scope, scope_for
from hoctap.accounts.roles import Perm
from hoctap.core.errors import InvalidInput
from hoctap.core.text import fold
from hoctap.geo.models import AdminUnit
from hoctap.imports.kinds import (
    Row,
    RowError,
)
from hoctap.imports.readers import parse_date
from hoctap.registry.models import (
    RelationToHead,
)

SEX_WORDS = {"male": "male", "nam": "male", "female": "female", "nu": "female"}
RELATION_WORDS = {
    **{v: v for v in RelationToHead.values},
    "chu ho": "head",
    "vo": "spouse",
    "chong": "spouse",
    "vo chong": "spouse",
    "con": "child",
    "bo": "parent",
    "me": "parent",
    "bo me": "parent",
    "chau": "grandchild",
    "anh chi em": "sibling",
    "khac": "other",
}
POVERTY_WORDS = {
    "": "none",
    "none": "none",
    "khong": "none",
    "near poor": "near_poor",
    "near_poor": "near_poor",
    "can ngheo": "near_poor",
    "ho can ngheo": "near_poor",
    "poor": "poor",
    "ngheo": "poor",
    "ho ngheo": "poor",
}
POSITION_WORDS = {
    "can bo": "staff",
    "nhan vien": "staff",
    "giao vien": "teacher",
    "si quan": "officer",
    "chien si": "soldier",
    "hoc sinh": "pupil",
    "hoi vien": "member",
    "thanh vien": "member",
    "khac": "other",
}
EID_WORDS = {"": "none", "none": "none", "khong": "none", "0": "none", "1": "1", "2": "2"}


def word(words: dict[str, str], value: str) -> str:
    """A choice written in English or Vietnamese; unknown words are left for the rule to refuse."""
    return words.get(fold(value).replace("_", " "), words.get(value, value))


def run_rule(
    found: list[RowError],
    row: Row,
    columns: dict[str, str],
    cleaner: Callable[..., Any],
    *args: Any,
    **kwargs: Any,
) -> Any:
    """Run a rule; its field errors become row errors (field → column via `columns`)."""
    try:
        return cleaner(*args, **kwargs)
    except InvalidInput as exc:
        for name, message in exc.errors.items():
            found.append(row.error(columns.get(name, name), str(message)))
        return None


def cell_date(found: list[RowError], row: Row, column: str) -> datetime.date | None:
    text = row.values.get(column, "")
    if not text:
        return None
    try:
        return parse_date(text)
    except ValueError as exc:
        found.append(row.error(column, str(exc)))
        return None


def units_by_code(scope: Scope, codes: set[str], level: int) -> dict[str, dict[str, Any]]:
    """Open units of `level` that the importer manages, by code; others count as unknown."""
    codes.discard("")
    return {
        u["code"]: dict(u)
        for u in AdminUnit.objects.filter(scope.units_q("id"), code__in=codes, level=level).values(
            "id", "code", "parent_id", "valid_to"
        )
    }


def unit_error(row: Row, column: str, unit: dict[str, Any] | None) -> RowError | None:
    if unit is None:
        return row.error(column, _("Unknown unit code “%(code)s”.") % {"code": row.values[column]})
    if unit["valid_to"] is not None:
        return row.error(column, _("The unit %(code)s is closed.") % {"code": unit["code"]})
    return None


@dataclass
class RegistryContext:
    actor: Any
    scope: Scope
    in_file: dict[str, Any] = field(default_factory=dict)  # key → what later rows need
    ids: dict[str, int] = field(default_factory=dict)


def registry_context(actor: Any) -> RegistryContext:
    return RegistryContext(actor=actor, scope=scope_for(actor, Perm.MANAGE_REGISTRY))


# ---------------------------------------------------------------------------------------------
# For the kinds of the big registers (households, persons): plain cells, lookups kept per import
# ---------------------------------------------------------------------------------------------


def word_reader(words: dict[str, str]) -> Callable[[str], str]:
    """`word` for one table of words, remembered: a million rows hold a handful of spellings."""
    return functools.lru_cache(maxsize=4096)(functools.partial(word, words))


folded_name = functools.lru_cache(maxsize=1 << 18)(fold)  # names repeat: fold each once


@dataclass(frozen=True)
class UnitRef:
    id: int
    code: str
    parent_id: int | None
    is_open: bool


@dataclass
class BulkContext:
    """One import of a big register: the actor's scope as a set of unit ids, and the units and
    records looked up so far, so that each code is asked of the database once per import."""

    actor: Any
    scope: Scope
    level: int  # the level of the units rows name (villages)
    unit_ids: frozenset[int] | None  # None: the whole country
    units: dict[str, UnitRef | None] = field(default_factory=dict)
    in_file: dict[Any, Any] = field(default_factory=dict)  # what later rows of the file need
    today: datetime.date = field(default_factory=timezone.localdate)

    def covers(self, unit_id: int) -> bool:
        return self.unit_ids is None or unit_id in self.unit_ids

    def unit_refs(self, codes: Iterable[str]) -> dict[str, UnitRef | None]:
        """The units of `level` named by `codes` that the actor manages (None: unknown)."""
        missing = {c for c in codes if c and c not in self.units}
        if missing:
            found = {
                code: UnitRef(pk, code, parent_id, valid_to is None)
                for pk, code, parent_id, valid_to in AdminUnit.objects.filter(
                    self.scope.units_q("id"), code__in=missing, level=self.level
                ).values_list("id", "code", "parent_id", "valid_to")
            }
            for code in missing:
                self.units[code] = found.get(code)
        return self.units


def bulk_context(actor: Any, *, level: int) -> BulkContext:
    scope = scope_for(actor, Perm.MANAGE_REGISTRY)
    unit_ids = None
    if not scope.is_global:
        unit_ids = frozenset(scope.unit_subtree_ids().values_list("descendant_id", flat=True))
    return BulkContext(actor=actor, scope=scope, level=level, unit_ids=unit_ids)


def unit_problem(unit: UnitRef | None, code: str) -> str | None:
    if unit is None:
        return _("Unknown unit code “%(code)s”.") % {"code": code}
    if not unit.is_open:
        return _("The unit %(code)s is closed.") % {"code": code}
    return None


def rule_errors(exc: InvalidInput, number: int, cells: dict[str, str]) -> list[RowError]:
    """A rule's field errors as row errors (the rule's field names are the kind's columns)."""
    return [
        RowError(number, name, cells.get(name, ""), str(message))
        for name, message in exc.errors.items()
    ]


def chunks(values: list[Any], size: int = 5000) -> Iterator[list[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]
