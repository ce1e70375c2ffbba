"""What the learning pages share."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, overload

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from hoctap.core.views import domain_errors_as_http
from hoctap.learning.models import LearnerAccount
from hoctap.learning.selectors.scope import learner_account_of

V = TypeVar("V", bound=Callable[..., HttpResponse])


def password_change_first(request: HttpRequest) -> HttpResponse:
    """To the learner's password change, coming back to this page (its whole address, query
    included) once the temporary password is replaced."""
    change = reverse("learning:password_change")
    return redirect(f"{change}?{urlencode({'next': request.get_full_path()})}")


@overload
def learner_required(view: V) -> V: ...
@overload
def learner_required(*, temporary_password_ok: bool) -> Callable[[V], V]: ...


def learner_required(
    view: V | None = None, *, temporary_password_ok: bool = False
) -> V | Callable[[V], V]:
    """A learner's page: signed in, with a learner account (else the "no learner account"
    page), and with a password of their own (a temporary one must be changed first, except on
    the pages marked `temporary_password_ok`: the password change itself). The view gets the
    account as `request.learner`."""

    def decorate(view: V) -> V:
        @login_required
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            account: LearnerAccount | None = learner_account_of(request.user)
            if account is None:
                return redirect("learning:no_learner_account")
            if account.must_change_password and not temporary_password_ok:
                return password_change_first(request)
            request.learner = account  # type: ignore[attr-defined]
            return domain_errors_as_http(view)(request, *args, **kwargs)

        return wrapper  # type: ignore[return-value]

    if view is not None:
        return decorate(view)
    return decorate
