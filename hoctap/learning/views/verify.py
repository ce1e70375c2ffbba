"""Pages: verify (see `hoctap.learning.views`)."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
