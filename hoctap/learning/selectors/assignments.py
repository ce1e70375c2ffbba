"""Reads for assigning courses and following the enrolments of the persons in scope (the
officers' side; a learner's own courses are the portal's).

An officer sees the enrolments of the persons in their `learning.view_record` scope; a learner
(through the API) their own."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from hoctap.accounts.roles import Perm
from hoctap.core.errors import NotFound
from hoctap.learning.models import Course, CourseStatus, Enrolment
from hoctap.learning.selectors.learners import member_of_q, person_search_q, within_unit_q
from hoctap.learning.selectors.scope import own_person_id, person_scope_q


def assignable_courses() -> QuerySet[Course]:
    """Published courses: what an officer may assign (the catalogue is public once published)."""
    return Course.objects.filter(status=CourseStatus.PUBLISHED).order_by("code")


def assignable_course_get(*, code: str) -> Course:
    course = assignable_courses().filter(code=(code or "").strip()).select_related("owner").first()
    if course is None:
        raise NotFound(_("No published course has this code."))
    return course


def enrolment_courses() -> QuerySet[Course]:
    """The courses a list of enrolments may be filtered by: published or archived."""
    return Course.objects.exclude(status=CourseStatus.DRAFT).order_by("code")


def enrolment_list(
    *,
    actor: Any,
    course_code: str | None = None,
    organisation_code: str | None = None,
    within_unit_code: str | None = None,
    status: str | None = None,
    q: str | None = None,
    person_id: int | None = None,
) -> QuerySet[Enrolment]:
    """Enrolments of the persons in the actor's `learning.view_record` scope, and the actor's
    own (a learner sees theirs), newest first."""
    visible = person_scope_q(actor, Perm.VIEW_LEARNING)
    own = own_person_id(actor)
    if own is not None:
        visible |= Q(person_id=own)
    enrolments = Enrolment.objects.filter(visible)
    if course_code:
        enrolments = enrolments.filter(course__code=course_code)
    if organisation_code:
        enrolments = enrolments.filter(member_of_q(organisation_code))
    if within_unit_code:
        enrolments = enrolments.filter(within_unit_q(within_unit_code))
    if status:
        enrolments = enrolments.filter(status=status)
    if q and q.strip():
        enrolments = enrolments.filter(person_search_q(q, actor=actor))
    if person_id is not None:
        enrolments = enrolments.filter(person_id=person_id)
    return enrolments.select_related("person__village", "course", "organisation").order_by(
        "-enrolled_at", "-id"
    )
