"""Small template helpers shared by every app's pages: `{% load ui %}`."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

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
    return str(value)


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
