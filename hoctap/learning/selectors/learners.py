"""Reads of learner accounts."""

from __future__ import annotations

import re

from hoctap.learning.models import LearnerAccount

_NATIONAL_ID = re.compile(r"^\d{12}$")


def account_for_sign_in(identifier: str) -> LearnerAccount | None:
    """The learner account that signs in with this ID number or phone (spaces ignored)."""
    text = "".join((identifier or "").split())
    rows = LearnerAccount.objects.select_related("user")
    if _NATIONAL_ID.match(text):
        account = rows.filter(person__national_id=text).first()
        if account is not None:
            return account
    if text.lstrip("+").isdigit():
        return rows.filter(phone=text).first()
    return None
