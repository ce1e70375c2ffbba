"""Certificate verification codes: random, unguessable, easy to read aloud and to type."""

from __future__ import annotations

import secrets

# Crockford's base32 without the letters people confuse (I, L, O, U): 12 symbols = 60 bits,
# printed as XXXX-XXXX-XXXX. Unguessable: a random code names a certificate with odds of
# about one in 10^18 per certificate issued.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_GROUPS, CODE_GROUP_LENGTH = 3, 4
_LOOK_ALIKES = str.maketrans("OIL", "011")


def new_certificate_code() -> str:
    symbols = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_GROUPS * CODE_GROUP_LENGTH))
    return "-".join(
        symbols[i : i + CODE_GROUP_LENGTH] for i in range(0, len(symbols), CODE_GROUP_LENGTH)
    )


def normalise_certificate_code(text: str) -> str | None:
    """The stored form of a code as a person may type it (lower case, without dashes or with
    spaces, O for 0 …), or None when it cannot be a code."""
    raw = (text or "").upper().replace("-", "").replace(" ", "")
    raw = raw.translate(_LOOK_ALIKES)
    if len(raw) != CODE_GROUPS * CODE_GROUP_LENGTH or any(c not in CODE_ALPHABET for c in raw):
        return None
    return "-".join(raw[i : i + CODE_GROUP_LENGTH] for i in range(0, len(raw), CODE_GROUP_LENGTH))
