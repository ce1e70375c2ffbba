"""What every page form shares: a base class, and turning a service's domain errors into
form errors (the one place where pages map `hoctap.core.errors` for writes)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import PermissionDenied as HttpPermissionDenied
from django.http import Http404

from hoctap.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied

T = TypeVar("T")


class PageForm(forms.Form):
    """Marks required fields and fields with errors with CSS classes the stylesheet knows."""

    required_css_class = "required"
    error_css_class = "has-error"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")  # the stylesheet marks labels; no trailing colon
        super().__init__(*args, **kwargs)


class DateInput(forms.DateInput):
    """The browser's date picker; it always submits ISO dates, which every locale accepts."""

    input_type = "date"

    def __init__(self, attrs: dict[str, str] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def add_invalid_input(
    form: forms.BaseForm, exc: InvalidInput, *, fields: Mapping[str, str] | None = None
) -> None:
    """Put each `InvalidInput` error on the form field of the same name (or the one `fields`
    maps it to); errors for `__all__` or for a field the form lacks become non-field errors."""
    for name, message in exc.errors.items():
        target = (fields or {}).get(name, name)
        if target in form.fields:
            form.add_error(target, message)
        else:
            form.add_error(None, message)


def submit(
    form: forms.BaseForm, call: Callable[[], T], *, fields: Mapping[str, str] | None = None
) -> T | None:
    """Run one service call for a valid form and return its result, or None when the service
    refused the input (its errors are then on the form).

    InvalidInput → field errors; Conflict → a non-field error; NotFound → 404;
    PermissionDenied → 403.
    """
    try:
        return call()
    except InvalidInput as exc:
        add_invalid_input(form, exc, fields=fields)
    except Conflict as exc:
        form.add_error(None, exc.message)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except PermissionDenied as exc:
        raise HttpPermissionDenied(exc.message) from exc
    return None
