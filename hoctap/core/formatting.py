"""Values put into user-facing messages, formatted for the active language (22/11/2026 and
1.234.567 in vi)."""

from __future__ import annotations

import datetime

from django.utils.formats import date_format, number_format


def show_date(day: datetime.date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def show_number(value: float, decimals: int | None = None) -> str:
    """A count or a measure with its thousands grouped: 12.394 in vi, 12,394 in en."""
    return number_format(value, decimals, force_grouping=True)
