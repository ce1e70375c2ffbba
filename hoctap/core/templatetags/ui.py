"""Small template helpers shared by every app's pages: `{% load ui %}`."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from hoctap.core.formatting import show_date, show_number

register = template.Library()

EMPTY = "—"


def _text(value: Any) -> str:
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list | tuple):
        return ", ".join(_text(v) for v in value) or EMPTY
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_text(v)}" for k, v in value.items())
    if isinstance(value, int | float):
        return show_number(value)
    if isinstance(value, str):
        return _date_text(value) or value
    return str(value)


def _date_text(value: str) -> str | None:
    """A date or a time the audit log stored in ISO form (2026-11-22, 2026-11-22T10:05:00+00:00),
    written the way the reader's language writes it; None for any other text."""
    if len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            day = parse_date(value)
        except ValueError:  # 2026-13-45: a text that looks like a date
            return None
        return show_date(day) if day is not None else None
    if len(value) >= 19 and value[4] == "-" and value[10] == "T":
        try:
            moment = parse_datetime(value)
        except ValueError:
            return None
        if moment is None:
            return None
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return date_format(moment, "SHORT_DATETIME_FORMAT")
    return None


def _is_pair(value: Any, verb: str) -> bool:
    """Updates record `{"field": [old, new]}`; other actions record plain values."""
    return "update" in verb and isinstance(value, list | tuple) and len(value) == 2


@register.filter
def change_rows(changes: Any, verb: str = "") -> list[tuple[str, str | None, str]]:
    """`(field, before or None, after)` rows of an audit entry's `changes`."""
    if not isinstance(changes, dict):
        return [("", None, _text(changes))] if changes else []
    rows: list[tuple[str, str | None, str]] = []
    for field, value in changes.items():
        if _is_pair(value, verb):
            rows.append((field, _text(value[0]), _text(value[1])))
        else:
            rows.append((field, None, _text(value)))
    return rows


@register.filter
def changes_summary(changes: Any, verb: str = "") -> str:
    """One short line: `name: Old → New; kind: village`, cut at about 120 characters."""
    parts = [
        f"{field}: {before} → {after}" if before is not None else f"{field}: {after}"
        for field, before, after in change_rows(changes, verb)
    ]
    line = "; ".join(parts)
    return line if len(line) <= 120 else line[:119] + "…"
