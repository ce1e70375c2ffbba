"""The shape of a register record, field by field: pure functions, no database.

Each `clean_*` returns the value in its stored form or raises `InvalidInput` naming the field.
The services use them for the API (and the pages); the importer uses the same ones, so a row of a
file and a request body are held to exactly the same rules.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any, TypeVar

from django.utils import timezone
from django.utils.translation import gettext as _

from hoctap.core.errors import InvalidInput
from hoctap.core.formatting import show_date
from hoctap.registry.ethnicity import ethnicity_code
from hoctap.registry.models import EidLevel, PersonStatus, Position, PovertyStatus, RelationToHead
from hoctap.registry.models import Sex as SexChoice
from hoctap.registry.national_id import LEGACY_ID_CARD, validate_national_id

T = TypeVar("T")

RECORD_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
PHONE = re.compile(r"^\+?[0-9]{8,15}$")
EARLIEST_BIRTH = datetime.date(1900, 1, 1)
# A poverty status year: from 2000 to next year (`clean_poverty`). Forms and API schemas bound
# the number to four digits first, so that no size of number reaches the database.
EARLIEST_POVERTY_YEAR = 2000
LARGEST_YEAR = 9999
# the choices as sets, once: `TextChoices.values` builds a new list at every call
SEXES = frozenset(SexChoice.values)
RELATIONS = frozenset(RelationToHead.values)
EID_LEVELS = frozenset(EidLevel.values)
STATUSES = frozenset(PersonStatus.values)
POVERTY_STATUSES = frozenset(PovertyStatus.values)
POSITIONS = frozenset(Position.values)


class ErrorCollector:
    """Runs cleaners and gathers every field's error, so one answer names all that is wrong."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def run(self, cleaner: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        try:
            return cleaner(*args, **kwargs)
        except InvalidInput as exc:
            for field, message in exc.errors.items():
                self.errors.setdefault(field, message)
            return None

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, message)

    def raise_if_any(self) -> None:
        if self.errors:
            raise InvalidInput(self.errors)


def _required(value: str, field: str) -> str:
    value = " ".join((value or "").split())
    if not value:
        raise InvalidInput({field: _("This field is required.")})
    return value


def clean_code(value: str, field: str = "code") -> str:
    value = (value or "").strip()
    if not RECORD_CODE.match(value):
        raise InvalidInput(
            {
                field: _(
                    "Use 1–40 letters, digits, dots, dashes or underscores, "
                    "starting with a letter or digit."
                )
            }
        )
    return value


def clean_name(value: str, field: str = "name", max_length: int = 200) -> str:
    value = _required(value, field)
    if len(value) > max_length:
        raise InvalidInput({field: _("At most %(n)s characters.") % {"n": max_length}})
    return value


def clean_birth_date(
    value: datetime.date | None, *, today: datetime.date | None = None
) -> datetime.date:
    if value is None:
        raise InvalidInput({"birth_date": _("This field is required.")})
    if value > (today or timezone.localdate()):
        raise InvalidInput({"birth_date": _("The birth date is in the future.")})
    if value < EARLIEST_BIRTH:
        raise InvalidInput(
            {
                "birth_date": _("The birth date is before %(date)s.")
                % {"date": show_date(EARLIEST_BIRTH)}
            }
        )
    return value


def clean_sex(value: str) -> str:
    if value not in SEXES:
        raise InvalidInput({"sex": _("Sex must be male or female.")})
    return value


def clean_ethnicity(value: str) -> str:
    code = ethnicity_code(value)
    if code is None:
        raise InvalidInput(
            {"ethnicity": _("Unknown ethnic group “%(value)s”.") % {"value": value or ""}}
        )
    return code


def clean_national_id(value: str, *, birth_date: datetime.date | None, sex: str | None) -> str:
    return validate_national_id(value, birth_date=birth_date, sex=sex)


def clean_legacy_id_card(value: str) -> str:
    value = (value or "").strip()
    if value and not LEGACY_ID_CARD.match(value):
        raise InvalidInput({"legacy_id_card": _("An old ID card number has exactly 9 digits.")})
    return value


def clean_phone(value: str) -> str:
    value = "".join((value or "").split()).replace(".", "").replace("-", "")
    if value and not PHONE.match(value):
        raise InvalidInput({"phone": _("A phone number has 8–15 digits, optionally after +.")})
    return value


def clean_relation(value: str, *, has_household: bool) -> str:
    value = (value or "").strip()
    if not has_household:
        if value:
            raise InvalidInput({"relation_to_head": _("A relation to the head needs a household.")})
        return ""
    if value not in RELATIONS:
        raise InvalidInput(
            {"relation_to_head": _("Give the relation to the head of the household.")}
        )
    return value


def clean_eid(
    level: str,
    linked_on: datetime.date | None,
    *,
    birth_date: datetime.date | None,
    today: datetime.date | None = None,
) -> tuple[str, datetime.date | None]:
    if level not in EID_LEVELS:
        raise InvalidInput({"eid_level": _("The e-ID level must be none, 1 or 2.")})
    if linked_on is not None:
        if level == EidLevel.NONE:
            raise InvalidInput(
                {"eid_linked_on": _("Only a person with an e-ID account can have it linked.")}
            )
        if linked_on > (today or timezone.localdate()):
            raise InvalidInput({"eid_linked_on": _("The date is in the future.")})
        if birth_date is not None and linked_on < birth_date:
            raise InvalidInput({"eid_linked_on": _("The date is before the birth date.")})
    return level, linked_on


def clean_status(value: str) -> str:
    if value not in STATUSES:
        raise InvalidInput({"status": _("Unknown status “%(value)s”.") % {"value": value}})
    return value


def clean_poverty(status: str, year: int | None) -> tuple[str, int | None]:
    """The status and its year. A poor or near-poor household needs the year; a household not
    poor may keep one (the year it was last assessed), held to the same range: pages show it
    beside any status, and the database takes no negative or overlarge year."""
    if status not in POVERTY_STATUSES:
        raise InvalidInput(
            {"poverty_status": _("The poverty status must be none, near_poor or poor.")}
        )
    if year is None:
        if status != PovertyStatus.NONE:
            raise InvalidInput({"poverty_year": _("Give the year of the poverty status.")})
        return status, None
    if not EARLIEST_POVERTY_YEAR <= year <= timezone.localdate().year + 1:
        raise InvalidInput(
            {"poverty_year": _("The year %(year)s is not plausible.") % {"year": year}}
        )
    return status, year


def clean_position(value: str) -> str:
    if value not in POSITIONS:
        raise InvalidInput({"position": _("Unknown position “%(value)s”.") % {"value": value}})
    return value


def clean_period(
    start: datetime.date | None, end: datetime.date | None
) -> tuple[datetime.date, datetime.date | None]:
    if start is None:
        raise InvalidInput({"start_date": _("This field is required.")})
    if end is not None and end < start:
        raise InvalidInput({"end_date": _("The end date is before the start date.")})
    return start, end
