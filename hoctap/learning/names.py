"""How a learner's name is shown to the public (the certificate verification page)."""

from __future__ import annotations

import unicodedata


def mask_name(full_name: str) -> str:
    """The name partly masked: the first word (in a Vietnamese name, the family name) in full,
    every other word as its first letter followed by one `*` per further letter.

    "Nguyễn Văn An" → "Nguyễn V** A*"; "Lù Thị Zeta" → "Lù T** Z***". A name of one word keeps
    only its first letter ("Zeta" → "Z***"). Enough for someone holding the certificate to
    recognise it as theirs, not enough to read the given name off a public page."""
    words = unicodedata.normalize("NFC", full_name or "").split()
    if not words:
        return ""
    if len(words) == 1:
        return _initial(words[0])
    return " ".join([words[0], *(_initial(word) for word in words[1:])])


def _initial(word: str) -> str:
    return word[0] + "*" * (len(word) - 1)
