"""Sign-in for learners: their personal ID number or their sign-in phone, and their password.

Officers keep signing in with their user name (`AccountBackend`, Django's `ModelBackend`, first in
`AUTHENTICATION_BACKENDS`); this backend answers when the name typed is an ID number or a phone
that a learner account signs in with.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from hoctap.accounts.auth import AccountBackend
from hoctap.accounts.models import User
from hoctap.learning.selectors.learners import account_for_sign_in


class LearnerBackend(AccountBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if not username or not password:
            return None
        account = account_for_sign_in(username)
        if account is None:
            # the same work as a real check, so the answer's time does not tell whether an
            # account exists for this number
            User().set_password(password)
            return None
        user = account.user
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
