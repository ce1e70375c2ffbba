"""Values put into user-facing messages, formatted for the active language (22/11/2026 in vi)."""

from __future__ import annotations

import datetime

from django.utils.formats import date_format


def show_date(day: datetime.date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")
