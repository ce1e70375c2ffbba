from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from hoctap.accounts import selectors


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The home page: what the signed-in user's roles let them do, and where."""
    grants = selectors.home_grants(user=request.user)  # type: ignore[arg-type]
    return render(request, "accounts/home.html", {"grants": grants})
