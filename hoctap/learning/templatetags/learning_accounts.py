"""`{% learner_account_box person %}`: a register's person page shows whether the person has a
learner account, with the actions the user may take (the learning app's part of that page)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

from hoctap.learning.selectors.learners import can_manage_learner, person_account
from hoctap.registry.models import Person, PersonStatus, Position

register = template.Library()


@register.inclusion_tag("learning/learners/_person_account.html", takes_context=True)
def learner_account_box(context: template.Context, person: Person) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    visible, account = person_account(actor=user, person_id=person.pk)
    return {
        "visible": visible,
        "account": account,
        "person": person,
        "living_here": person.status == PersonStatus.LIVING_HERE,
        "can_manage": visible and can_manage_learner(user, person.pk),
        "csrf_token": context.get("csrf_token"),
    }


@register.filter
def position_label(value: str) -> str:
    """The label of a membership position ("teacher" → "Teacher"), "every position" for ""."""
    if not value:
        return str(_("every position"))
    return str(dict(Position.choices).get(value, value))
