"""Names shown to people who may not see the register: partly masked."""

from __future__ import annotations


def mask_name(full_name: str) -> str:
    """The first word in full and the initials of the others ("Lù Thị Zeta" → "Lù T. Z."):
    enough for the holder of a certificate to recognise it, not enough to identify a stranger."""
    words = (full_name or "").split()
    if not words:
        return ""
    return " ".join([words[0], *(f"{word[0].upper()}." for word in words[1:])])
