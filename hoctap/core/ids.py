"""Numbers typed by people or sent by programs, read strictly: internal ids and small counts.

`str.isdigit()` then `int()` is not a safe check: "²" and other Unicode digits pass
`isdigit()` and make `int()` raise, `int()` refuses more than 4,300 digits, and the database
refuses integers above 2**63 - 1 (SQLite raises `OverflowError`). These helpers answer None
for anything but a few ASCII digits, so that bad input is refused the way an unknown id is.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

MAX_ID = 2**63 - 1  # the largest value of a 64-bit signed integer column (BigAutoField)
MAX_ID_DIGITS = 18  # any id of 18 digits fits; no table here comes near

# An internal id in an API schema: a body field (`person_ids: list[Id]`) or a path parameter.
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


def parse_digits(text: str, *, maximum: int, max_digits: int | None = None) -> int | None:
    """The whole number 0…`maximum` written in `text` with ASCII digits only (spaces around
    it ignored), at most `max_digits` of them (default: as many as `maximum` has); else
    None."""
    text = text.strip()
    limit = max_digits if max_digits is not None else len(str(maximum))
    if not text or len(text) > limit or not text.isascii() or not text.isdigit():
        return None
    number = int(text)
    return number if number <= maximum else None


def parse_id(text: str) -> int | None:
    """The internal id written in `text` (1 to 18 ASCII digits, not 0), or None: read it as
    an id that names nothing."""
    number = parse_digits(text, maximum=MAX_ID, max_digits=MAX_ID_DIGITS)
    return number if number else None
