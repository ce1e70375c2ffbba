"""Offline classes: the class, its sessions, instructors and participants, attendance, test
results and the completion that issues certificates.

Holders of `learning.manage_class` over the class's place (its village or commune) or over its
organisation run it. Its instructors (persons of the register; with a learner account they sign
in on their phone) take attendance and record test results. A class is open until it is
completed or cancelled; after that nothing of it changes.

The completion rule: a participant completes when they were present at no less than
`min_attendance_percent` of the class's sessions and, if the class requires a test, scored at
least `test_pass_mark`. Every session counts, so a class is completed only when the attendance of
each session has been taken. A participant who completes gets a completion on the provincial
portal (channel `offline_class`) and, when that completion is new, a certificate.
"""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hoctap.accounts.permissions import scope_for
from hoctap.accounts.roles import Perm
from hoctap.audit.services import audit_record, audit_record_many, diff
from hoctap.core.errors import Conflict, InvalidInput, PermissionDenied
from hoctap.core.formatting import show_date
from hoctap.geo.models import AdminUnit, Organisation, UnitClosure, UnitLevel
from hoctap.geo.selectors import organisation_visible_q, unit_visible_q
from hoctap.learning.models import (
    Attendance,
    Channel,
    ClassInstructor,
    ClassParticipant,
    ClassSession,
    ClassStatus,
    Course,
    CourseStatus,
    EnrolmentSource,
    InstructorRole,
    OfflineClass,
    ParticipantResult,
    Platform,
)
from hoctap.learning.selectors.classes import meets_rule
from hoctap.learning.selectors.scope import learner_account_of, own_person_id, person_scope_q
from hoctap.learning.services.completions import certificate_issue, completion_record
from hoctap.learning.services.progress import AssignResult, enrolment_assign
from hoctap.registry.models import Person, PersonStatus
from hoctap.registry.national_id import mask_national_id
from hoctap.registry.rules import ErrorCollector, clean_code, clean_name
from hoctap.registry.selectors import registry_visible_q

MAX_CLASS_DAYS = 366  # a class runs at most a year
MAX_DAYS_AHEAD = 366  # and is planned at most a year ahead
MAX_CAPACITY = 500
MAX_TEXT = 200
ZERO = decimal.Decimal(0)
HUNDRED = decimal.Decimal(100)
INSTRUCTOR_ROLES = frozenset(InstructorRole.values)


# ---------------------------------------------------------------------------------------------
# Who may do what
# ---------------------------------------------------------------------------------------------


def can_manage_class(actor: Any, offline_class: OfflineClass) -> bool:
    """Whether the actor holds `learning.manage_class` over the class's place or organisation."""
    return scope_for(actor, Perm.MANAGE_CLASSES).covers_organisation(
        offline_class.organisation_id, offline_class.unit_id
    )


def is_instructor_of(actor: Any, offline_class: OfflineClass) -> bool:
    """Whether the actor's learner account is that of an instructor of the class."""
    account = learner_account_of(actor)
    return account is not None and (
        ClassInstructor.objects.filter(
            offline_class_id=offline_class.pk, person_id=account.person_id
        ).exists()
    )


def _require_manage(actor: Any, offline_class: OfflineClass) -> None:
    if not can_manage_class(actor, offline_class):
        raise PermissionDenied(_("You may not change this class."))


def _require_instructor_or_manage(actor: Any, offline_class: OfflineClass) -> None:
    if not (can_manage_class(actor, offline_class) or is_instructor_of(actor, offline_class)):
        raise PermissionDenied(
            _("Only an instructor of this class or an officer who runs it may do this.")
        )


def _require_open(offline_class: OfflineClass) -> None:
    if offline_class.status == ClassStatus.COMPLETED:
        raise Conflict(_("This class is completed: it does not change any more."))
    if offline_class.status == ClassStatus.CANCELLED:
        raise Conflict(_("This class is cancelled: it does not change any more."))


def _locked(offline_class: OfflineClass) -> OfflineClass:
    """The class's row, locked until the end of the transaction (participants are counted
    against the capacity, sessions numbered and the class completed one writer at a time), and
    read again: the caller's copy may be stale."""
    # of the class only: its course is shared by many classes
    locked = OfflineClass.objects.select_for_update(of=("self",)).select_related("course")
    return locked.get(pk=offline_class.pk)


def _audit(
    actor: Any, action: str, target: Any, offline_class: OfflineClass, changes: dict[str, Any]
) -> None:
    audit_record(
        actor=actor,
        action=action,
        target=target,
        changes={"class": offline_class.code, **changes},
        unit_id=offline_class.unit_id,
        organisation_id=offline_class.organisation_id,
    )


def _person_label(person: Person) -> str:
    return f"{person.full_name} ({person.masked_national_id})"


# ---------------------------------------------------------------------------------------------
# The class
# ---------------------------------------------------------------------------------------------


def _class_state(offline_class: OfflineClass) -> dict[str, Any]:
    return {
        "title": offline_class.title,
        "venue": offline_class.venue,
        "capacity": offline_class.capacity,
        "starts_on": offline_class.starts_on,
        "ends_on": offline_class.ends_on,
        "min_attendance_percent": offline_class.min_attendance_percent,
        "requires_test": offline_class.requires_test,
        "test_pass_mark": str(offline_class.test_pass_mark),
    }


def _place(
    actor: Any, unit_code: str, organisation_code: str | None, check: ErrorCollector
) -> tuple[AdminUnit | None, Organisation | None]:
    """The class's village or commune, and its organisation, where the actor runs classes:
    over the unit, or over the organisation when the unit is the organisation's or lies
    beneath it. Units and organisations the actor does not see are unknown codes."""
    scope = scope_for(actor, Perm.MANAGE_CLASSES)
    org: Organisation | None = None
    org_code = (organisation_code or "").strip()
    if org_code:
        org = Organisation.objects.filter(organisation_visible_q(actor), code=org_code).first()
        if org is None:
            check.add(
                "organisation", _("Unknown organisation code “%(code)s”.") % {"code": org_code}
            )
        elif not org.is_active:
            check.add("organisation", _("This organisation is no longer active."))
    runs_org = org is not None and scope.covers_organisation(org.pk, org.unit_id)
    code = (unit_code or "").strip()
    if not code:
        check.add("unit", _("This field is required."))
        return None, org
    visible = unit_visible_q(actor)
    if runs_org:
        assert org is not None
        visible |= Q(
            pk__in=UnitClosure.objects.filter(ancestor_id=org.unit_id).values("descendant_id")
        )
    unit = AdminUnit.objects.filter(visible, code=code).first()
    if unit is None:
        check.add("unit", _("Unknown unit code “%(code)s”.") % {"code": code})
        return None, org
    if unit.level not in (UnitLevel.VILLAGE, UnitLevel.COMMUNE):
        check.add("unit", _("%(code)s is not a village or a commune.") % {"code": unit.code})
    elif unit.valid_to is not None:
        check.add("unit", _("The unit %(code)s is closed.") % {"code": unit.code})
    elif scope.covers_unit(unit.pk):
        pass
    elif org is not None and runs_org:
        under = UnitClosure.objects.filter(ancestor_id=org.unit_id, descendant_id=unit.pk)
        if not under.exists():
            check.add("unit", _("The place must be the organisation's unit or beneath it."))
    elif org is not None and not scope.covers_unit(unit.pk):
        check.add("organisation", _("You may not run classes for this organisation."))
    else:
        check.add("unit", _("You may not run classes here."))
    return unit, org


def _course(code: str, check: ErrorCollector) -> Course | None:
    course = Course.objects.filter(code=(code or "").strip()).first()
    if course is None or course.status != CourseStatus.PUBLISHED:
        check.add(
            "course",
            _("No published course has the code “%(code)s”.") % {"code": code or ""},
        )
        return None
    return course


def _clean_int(
    check: ErrorCollector, field_name: str, value: Any, low: int, high: int
) -> int | None:
    try:
        number = int(value)
        if number != decimal.Decimal(str(value)):
            raise ValueError
    except (TypeError, ValueError, decimal.InvalidOperation):
        check.add(field_name, _("Give a whole number."))
        return None
    if not low <= number <= high:
        check.add(
            field_name,
            _("Give a number from %(low)s to %(high)s.") % {"low": low, "high": high},
        )
        return None
    return number


def _clean_score(check: ErrorCollector, field_name: str, value: Any) -> decimal.Decimal | None:
    try:
        score = decimal.Decimal(str(value).strip().replace(",", "."))
        if not score.is_finite():
            raise decimal.InvalidOperation
    except (decimal.InvalidOperation, ValueError):
        check.add(field_name, _("Give a number from 0 to 100."))
        return None
    if not ZERO <= score <= HUNDRED:
        check.add(field_name, _("Give a number from 0 to 100."))
        return None
    return score.quantize(decimal.Decimal("0.01"))


def _clean_text(check: ErrorCollector, field_name: str, value: str) -> str:
    text = " ".join((value or "").split())
    if len(text) > MAX_TEXT:
        check.add(field_name, _("At most %(n)s characters.") % {"n": MAX_TEXT})
    return text


def _clean_dates(
    check: ErrorCollector,
    starts_on: datetime.date | None,
    ends_on: datetime.date | None,
    *,
    today: datetime.date,
) -> None:
    if starts_on is None:
        check.add("starts_on", _("This field is required."))
    if ends_on is None:
        check.add("ends_on", _("This field is required."))
    if starts_on is None or ends_on is None:
        return
    if ends_on < starts_on:
        check.add("ends_on", _("The class cannot end before it starts."))
    elif (ends_on - starts_on).days > MAX_CLASS_DAYS:
        check.add("ends_on", _("A class runs at most a year."))
    if starts_on > today + datetime.timedelta(days=MAX_DAYS_AHEAD):
        check.add("starts_on", _("A class is planned at most a year ahead."))


def _clean_rule(
    check: ErrorCollector,
    *,
    capacity: Any,
    min_attendance_percent: Any,
    test_pass_mark: Any,
) -> tuple[int | None, int | None, decimal.Decimal | None]:
    return (
        _clean_int(check, "capacity", capacity, 1, MAX_CAPACITY),
        _clean_int(check, "min_attendance_percent", min_attendance_percent, 1, 100),
        _clean_score(check, "test_pass_mark", test_pass_mark),
    )


@transaction.atomic
def class_create(
    *,
    actor: Any,
    code: str,
    course_code: str,
    title: str = "",
    unit_code: str,
    organisation_code: str | None = None,
    venue: str = "",
    capacity: int,
    starts_on: datetime.date,
    ends_on: datetime.date,
    min_attendance_percent: int = 80,
    requires_test: bool = True,
    test_pass_mark: decimal.Decimal | int | str = 50,
) -> OfflineClass:
    """A new open class of a published course, held at a village or commune (and optionally by
    an organisation) where the actor runs classes. The title defaults to the course's."""
    if scope_for(actor, Perm.MANAGE_CLASSES).is_empty:
        raise PermissionDenied(_("You may not run offline classes."))
    check = ErrorCollector()
    clean = check.run(clean_code, code)
    if clean and OfflineClass.objects.filter(code=clean).exists():
        check.add("code", _("A class with this code already exists."))
    course = _course(course_code, check)
    unit, org = _place(actor, unit_code, organisation_code, check)
    clean_title = title.strip() if title else ""
    if clean_title:
        clean_title = check.run(clean_name, clean_title, "title") or ""
    elif course is not None:
        clean_title = course.title
    clean_venue = _clean_text(check, "venue", venue)
    _clean_dates(check, starts_on, ends_on, today=timezone.localdate())
    cap, percent, mark = _clean_rule(
        check,
        capacity=capacity,
        min_attendance_percent=min_attendance_percent,
        test_pass_mark=test_pass_mark,
    )
    check.raise_if_any()
    assert clean
    assert course
    assert unit
    assert cap
    assert percent
    assert mark is not None
    offline_class = OfflineClass.objects.create(
        code=clean,
        course=course,
        title=clean_title,
        unit=unit,
        organisation=org,
        venue=clean_venue,
        capacity=cap,
        starts_on=starts_on,
        ends_on=ends_on,
        min_attendance_percent=percent,
        requires_test=bool(requires_test),
        test_pass_mark=mark,
    )
    _audit(
        actor,
        "class.create",
        offline_class,
        offline_class,
        {
            "course": course.code,
            "unit": unit.code,
            "organisation": org.code if org else None,
            **_class_state(offline_class),
        },
    )
    return offline_class


@transaction.atomic
def class_update(
    *,
    actor: Any,
    offline_class: OfflineClass,
    title: str | None = None,
    venue: str | None = None,
    capacity: int | None = None,
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
    min_attendance_percent: int | None = None,
    requires_test: bool | None = None,
    test_pass_mark: decimal.Decimal | int | str | None = None,
) -> OfflineClass:
    """Change what is given (None: unchanged) of an open class. Its course and place stay: a
    class given at the wrong place is cancelled and created again. The dates must still hold
    every session, and the capacity every participant."""
    _require_manage(actor, offline_class)
    offline_class = _locked(offline_class)
    _require_open(offline_class)
    before = _class_state(offline_class)
    check = ErrorCollector()
    if title is not None:
        offline_class.title = check.run(clean_name, title, "title") or offline_class.title
    if venue is not None:
        offline_class.venue = _clean_text(check, "venue", venue)
    new_start = starts_on or offline_class.starts_on
    new_end = ends_on or offline_class.ends_on
    if starts_on is not None or ends_on is not None:
        _clean_dates(check, new_start, new_end, today=timezone.localdate())
        outside = (
            ClassSession.objects.filter(offline_class=offline_class)
            .exclude(on__gte=new_start, on__lte=new_end)
            .order_by("number")
            .first()
        )
        if outside is not None:
            check.add(
                "starts_on" if outside.on < new_start else "ends_on",
                _("Session %(n)s is on %(date)s, outside these dates.")
                % {"n": outside.number, "date": show_date(outside.on)},
            )
    cap, percent, mark = _clean_rule(
        check,
        capacity=offline_class.capacity if capacity is None else capacity,
        min_attendance_percent=(
            offline_class.min_attendance_percent
            if min_attendance_percent is None
            else min_attendance_percent
        ),
        test_pass_mark=offline_class.test_pass_mark if test_pass_mark is None else test_pass_mark,
    )
    participants = ClassParticipant.objects.filter(offline_class=offline_class).count()
    if cap is not None and cap < participants:
        check.add(
            "capacity",
            _("The class already has %(n)s participants.") % {"n": participants},
        )
    check.raise_if_any()
    assert cap
    assert percent
    assert mark is not None
    offline_class.starts_on, offline_class.ends_on = new_start, new_end
    offline_class.capacity = cap
    offline_class.min_attendance_percent = percent
    offline_class.test_pass_mark = mark
    if requires_test is not None:
        offline_class.requires_test = bool(requires_test)
    changes = diff(before, _class_state(offline_class))
    if changes:
        offline_class.save()
        _audit(actor, "class.update", offline_class, offline_class, changes)
    return offline_class


@transaction.atomic
def class_cancel(*, actor: Any, offline_class: OfflineClass, reason: str) -> OfflineClass:
    """Cancel an open class, saying why (kept in the audit log). Its records stay."""
    _require_manage(actor, offline_class)
    offline_class = _locked(offline_class)
    _require_open(offline_class)
    clean_reason = " ".join((reason or "").split())
    if not clean_reason:
        raise InvalidInput({"reason": _("Say why the class is cancelled.")})
    if len(clean_reason) > 300:
        raise InvalidInput({"reason": _("At most %(n)s characters.") % {"n": 300}})
    offline_class.status = ClassStatus.CANCELLED
    offline_class.save(update_fields=["status", "updated_at"])
    _audit(
        actor,
        "class.cancel",
        offline_class,
        offline_class,
        {"status": [ClassStatus.OPEN, ClassStatus.CANCELLED], "reason": clean_reason},
    )
    return offline_class


# ---------------------------------------------------------------------------------------------
# Sessions
# ---------------------------------------------------------------------------------------------


def _clean_session(
    check: ErrorCollector,
    offline_class: OfflineClass,
    *,
    on: datetime.date | None,
    topic: str,
) -> str:
    if on is None:
        check.add("on", _("This field is required."))
    elif not offline_class.starts_on <= on <= offline_class.ends_on:
        check.add(
            "on",
            _("The class runs from %(start)s to %(end)s.")
            % {
                "start": show_date(offline_class.starts_on),
                "end": show_date(offline_class.ends_on),
            },
        )
    return _clean_text(check, "topic", topic)


def _session_state(session: ClassSession) -> dict[str, Any]:
    return {"number": session.number, "on": session.on, "starts_at": session.starts_at,
            "topic": session.topic}  # fmt: skip


@transaction.atomic
def session_add(
    *,
    actor: Any,
    offline_class: OfflineClass,
    on: datetime.date,
    starts_at: datetime.time | None = None,
    topic: str = "",
) -> ClassSession:
    """The next session of an open class (numbered 1, 2, …), on a day within its dates."""
    _require_manage(actor, offline_class)
    offline_class = _locked(offline_class)
    _require_open(offline_class)
    check = ErrorCollector()
    clean_topic = _clean_session(check, offline_class, on=on, topic=topic)
    check.raise_if_any()
    last = ClassSession.objects.filter(offline_class=offline_class).aggregate(n=Max("number"))["n"]
    session = ClassSession.objects.create(
        offline_class=offline_class,
        number=(last or 0) + 1,
        on=on,
        starts_at=starts_at,
        topic=clean_topic,
    )
    _audit(actor, "class_session.create", session, offline_class, _session_state(session))
    return session


_UNSET: Any = object()


@transaction.atomic
def session_update(
    *,
    actor: Any,
    session: ClassSession,
    on: datetime.date | None = None,
    starts_at: datetime.time | None = _UNSET,
    topic: str | None = None,
) -> ClassSession:
    """Change the day, the time (None clears it) or the topic of a session of an open class.
    A session whose attendance was taken cannot move to a day still to come."""
    offline_class = session.offline_class
    _require_manage(actor, offline_class)
    offline_class = _locked(offline_class)
    _require_open(offline_class)
    session = ClassSession.objects.get(pk=session.pk)
    before = _session_state(session)
    check = ErrorCollector()
    new_on = on or session.on
    clean_topic = _clean_session(
        check, offline_class, on=new_on, topic=session.topic if topic is None else topic
    )
    if (
        new_on != session.on
        and new_on > timezone.localdate()
        and Attendance.objects.filter(session=session).exists()
    ):
        check.add("on", _("The attendance of this session was taken: it cannot move ahead."))
    check.raise_if_any()
    session.on, session.topic = new_on, clean_topic
    if starts_at is not _UNSET:
        session.starts_at = starts_at
    changes = diff(before, _session_state(session))
    if changes:
        session.save()
        _audit(actor, "class_session.update", session, offline_class, changes)
    return session


@transaction.atomic
def session_remove(*, actor: Any, session: ClassSession) -> None:
    """Remove a session of an open class whose attendance was not taken; the sessions after
    it move up one number, so the sessions stay numbered 1 to n."""
    offline_class = session.offline_class
    _require_manage(actor, offline_class)
    offline_class = _locked(offline_class)
    _require_open(offline_class)
    if Attendance.objects.filter(session_id=session.pk).exists():
        raise Conflict(_("The attendance of this session was taken: it cannot be removed."))
    number = session.number
    state = _session_state(session)
    _audit(actor, "class_session.delete", session, offline_class, state)
    ClassSession.objects.filter(pk=session.pk).delete()
    # one by one, upwards: each number is free when its session moves into it
    for later in ClassSession.objects.filter(
        offline_class=offline_class, number__gt=number
    ).order_by("number"):
        ClassSession.objects.filter(pk=later.pk).update(number=later.number - 1)


# ---------------------------------------------------------------------------------------------
# Instructors and participants
# ---------------------------------------------------------------------------------------------


def _persons_in_scope(actor: Any, person_ids: Iterable[int]) -> dict[int, Person]:
    """The persons among `person_ids` in the actor's `learning.manage_class` scope."""
    wanted = {int(pid) for pid in person_ids}
    if not wanted:
        return {}
    return {
        p.pk: p
        for p in Person.objects.filter(
            person_scope_q(actor, Perm.MANAGE_CLASSES, ""), pk__in=wanted
        )
    }


def _person_for(actor: Any, person_id: int, field_name: str = "person") -> Person:
    person = _persons_in_scope(actor, [person_id]).get(int(person_id))
    if person is None:
        raise InvalidInput({field_name: _("Unknown person.")})
    if person.status == PersonStatus.DECEASED:
        raise InvalidInput({field_name: _("%(name)s is deceased.") % {"name": person.full_name}})
    return person


@transaction.atomic
def instructor_add(
    *,
    actor: Any,
    offline_class: OfflineClass,
    person_id: int,
    role: str = InstructorRole.LEAD,
) -> ClassInstructor:
    """A person of the register in the actor's scope teaches the class (a member of the
    village's community digital technology group, a teacher). With a learner account they take
    its attendance from their phone."""
    _require_manage(actor, offline_class)
    offline_class = _locked(offline_class)
    _require_open(offline_class)
    if role not in INSTRUCTOR_ROLES:
        raise InvalidInput({"role": _("Unknown instructor role.")})
    person = _person_for(actor, person_id)
    if ClassInstructor.objects.filter(offline_class=offline_class, person=person).exists():
        raise Conflict(_("%(name)s already teaches this class.") % {"name": _person_label(person)})
    if ClassParticipant.objects.filter(offline_class=offline_class, person=person).exists():
        raise Conflict(
            _("%(name)s is a participant of this class.") % {"name": _person_label(person)}
        )
    instructor = ClassInstructor.objects.create(
        offline_class=offline_class, person=person, role=role
    )
    _audit(
        actor,
        "class_instructor.create",
        instructor,
        offline_class,
        {"person": person.masked_national_id, "role": role},
    )
    return instructor


@transaction.atomic
def instructor_remove(*, actor: Any, instructor: ClassInstructor) -> None:
    offline_class = instructor.offline_class
    _require_manage(actor, offline_class)
    offline_class = _locked(offline_class)
    _require_open(offline_class)
    _audit(
        actor,
        "class_instructor.delete",
        instructor,
        offline_class,
        {"person": instructor.person.masked_national_id, "role": instructor.role},
    )
    ClassInstructor.objects.filter(pk=instructor.pk).delete()


@dataclass
class ParticipantsAdded:
    added: list[ClassParticipant] = field(default_factory=list)
    already: int = 0  # persons who were participants before


@transaction.atomic
def participants_add(
    *, actor: Any, offline_class: OfflineClass, person_ids: Iterable[int]
) -> ParticipantsAdded:
    """Add persons of the register in the actor's scope (no account needed) to an open class,
    within its capacity. Persons already in it are left as they are. All or nothing: one
    person outside the scope, deceased, teaching the class, or one too many for the capacity,
    and nobody is added."""
    _require_manage(actor, offline_class)
    offline_class = _locked(offline_class)
    _require_open(offline_class)
    wanted = sorted({int(pid) for pid in person_ids})
    if not wanted:
        raise InvalidInput({"persons": _("Choose at least one person.")})
    persons = _persons_in_scope(actor, wanted)
    unknown = [pid for pid in wanted if pid not in persons]
    if unknown:
        raise InvalidInput(
            {"persons": _("Unknown person: %(ids)s.") % {"ids": ", ".join(map(str, unknown))}}
        )
    deceased = [p for p in persons.values() if p.status == PersonStatus.DECEASED]
    if deceased:
        raise InvalidInput(
            {"persons": _("%(name)s is deceased.") % {"name": _person_label(deceased[0])}}
        )
    teaching = list(
        ClassInstructor.objects.filter(offline_class=offline_class, person_id__in=wanted)
        .select_related("person")
        .order_by("person__search_name")[:1]
    )
    if teaching:
        raise InvalidInput(
            {
                "persons": _("%(name)s teaches this class.")
                % {"name": _person_label(teaching[0].person)}
            }
        )
    already = set(
        ClassParticipant.objects.filter(
            offline_class=offline_class, person_id__in=wanted
        ).values_list("person_id", flat=True)
    )
    new = [persons[pid] for pid in wanted if pid not in already]
    count = ClassParticipant.objects.filter(offline_class=offline_class).count()
    if count + len(new) > offline_class.capacity:
        raise Conflict(
            _(
                "The class is full: it takes %(capacity)s participants and has %(count)s; "
                "%(new)s more do not fit."
            )
            % {"capacity": offline_class.capacity, "count": count, "new": len(new)}
        )
    now = timezone.now()
    made = ClassParticipant.objects.bulk_create(
        [ClassParticipant(offline_class=offline_class, person=p, added_at=now) for p in new]
    )
    if not all(m.pk for m in made):  # a backend that returns no ids: read them back
        made = list(
            ClassParticipant.objects.filter(
                offline_class=offline_class, person_id__in=[p.pk for p in new]
            ).select_related("person")
        )
    audit_record_many(
        actor=actor,
        action="class_participant.create",
        target_type="learning.classparticipant",
        items=(
            (
                m.pk,
                f"{offline_class.pk}: {m.person_id}",
                {"class": offline_class.code, "person": mask_national_id(m.person.national_id)},
                offline_class.unit_id,
                offline_class.organisation_id,
            )
            for m in made
        ),
    )
    return ParticipantsAdded(added=list(made), already=len(already))


@transaction.atomic
def participant_add(*, actor: Any, offline_class: OfflineClass, person_id: int) -> ClassParticipant:
    """One person joins the class (the rules of `participants_add`); a person already in it is
    a conflict."""
    try:
        result = participants_add(actor=actor, offline_class=offline_class, person_ids=[person_id])
    except InvalidInput as exc:
        raise InvalidInput({"person": next(iter(exc.errors.values()))}) from exc
    if not result.added:
        raise Conflict(_("This person is already a participant of this class."))
    return result.added[0]


@transaction.atomic
def participant_remove(*, actor: Any, participant: ClassParticipant) -> None:
    """Take a person out of an open class, as long as no attendance was taken for them."""
    offline_class = participant.offline_class
    _require_manage(actor, offline_class)
    offline_class = _locked(offline_class)
    _require_open(offline_class)
    if Attendance.objects.filter(participant_id=participant.pk).exists():
        raise Conflict(
            _("Attendance was taken for %(name)s: they stay in the class.")
            % {"name": participant.person.full_name}
        )
    _audit(
        actor,
        "class_participant.delete",
        participant,
        offline_class,
        {"person": participant.person.masked_national_id},
    )
    ClassParticipant.objects.filter(pk=participant.pk).delete()


# ---------------------------------------------------------------------------------------------
# Attendance and test results
# ---------------------------------------------------------------------------------------------


@dataclass
class AttendanceTaken:
    session: ClassSession
    present: int
    absent: int
    created: int
    updated: int
    unchanged: int


def _name_outsiders(actor: Any, ids: list[int]) -> str:
    """How an error names persons who are not participants: by name (and masked ID number)
    when the actor may see them, by their internal id otherwise."""
    seen = person_scope_q(actor, Perm.VIEW_LEARNING, "") | registry_visible_q(actor, "village_id")
    own = own_person_id(actor)
    if own is not None:
        seen |= Q(pk=own)  # a learner sees their own record
    visible = {p.pk: p for p in Person.objects.filter(seen, pk__in=ids)}
    return ", ".join(
        _person_label(visible[pid]) if pid in visible else _("person #%(id)s") % {"id": pid}
        for pid in ids
    )


def _check_session_day(session: ClassSession) -> None:
    if session.on > timezone.localdate():
        raise Conflict(
            _("Session %(n)s is on %(date)s: its attendance is taken on the day or later.")
            % {"n": session.number, "date": show_date(session.on)}
        )


@transaction.atomic
def attendance_take(
    *,
    actor: Any,
    session: ClassSession,
    present_ids: set[int],
    absent_ids: set[int],
) -> AttendanceTaken:
    """Who was present at a session and who was absent (persons, by internal id). Every id
    must be a participant of this class, or nothing is recorded and the error names them.
    Taking it again changes what differs; participants left out keep what they had. One
    audit entry per take that changed anything, with the counts."""
    offline_class = session.offline_class
    _require_instructor_or_manage(actor, offline_class)
    offline_class = _locked(offline_class)
    _require_open(offline_class)
    _check_session_day(session)
    present = {int(i) for i in present_ids}
    absent = {int(i) for i in absent_ids}
    if not present and not absent:
        raise InvalidInput({"present": _("Mark at least one participant present or absent.")})
    both = sorted(present & absent)
    if both:
        raise InvalidInput(
            {
                "absent": _("Marked both present and absent: %(names)s.")
                % {"names": _name_outsiders(actor, both)}
            }
        )
    participants = dict(
        ClassParticipant.objects.filter(
            offline_class=offline_class, person_id__in=present | absent
        ).values_list("person_id", "pk")
    )
    outsiders = sorted((present | absent) - participants.keys())
    if outsiders:
        raise InvalidInput(
            {
                "present" if outsiders[0] in present else "absent": _(
                    "Not a participant of this class: %(names)s. Nothing was recorded."
                )
                % {"names": _name_outsiders(actor, outsiders)}
            }
        )
    wanted = {participants[pid]: pid in present for pid in present | absent}
    existing = {
        a.participant_id: a
        for a in Attendance.objects.filter(session=session, participant_id__in=wanted)
    }
    now = timezone.now()
    recorder = actor if getattr(actor, "is_authenticated", False) else None
    creates = [
        Attendance(session=session, participant_id=pid, present=is_present, recorded_at=now,
                   recorded_by=recorder)
        for pid, is_present in wanted.items()
        if pid not in existing
    ]  # fmt: skip
    updates = []
    for pid, is_present in wanted.items():
        row = existing.get(pid)
        if row is not None and row.present != is_present:
            row.present, row.recorded_at, row.recorded_by = is_present, now, recorder
            updates.append(row)
    Attendance.objects.bulk_create(creates)
    Attendance.objects.bulk_update(updates, ["present", "recorded_at", "recorded_by"])
    result = AttendanceTaken(
        session=session,
        present=len(present),
        absent=len(absent),
        created=len(creates),
        updated=len(updates),
        unchanged=len(wanted) - len(creates) - len(updates),
    )
    if creates or updates:
        _audit(
            actor,
            "attendance.take",
            session,
            offline_class,
            {
                "session": session.number,
                "present": result.present,
                "absent": result.absent,
                "created": result.created,
                "updated": result.updated,
            },
        )
    return result


@transaction.atomic
def test_score_record(
    *, actor: Any, participant: ClassParticipant, score: decimal.Decimal | int | str | None
) -> ClassParticipant:
    """A participant's score (0–100) in the class's test; None clears it. By an instructor of
    the class or an officer who runs it, while the class is open."""
    try:
        test_scores_record(
            actor=actor,
            offline_class=participant.offline_class,
            scores={participant.person_id: score},
        )
    except InvalidInput as exc:
        raise InvalidInput({"score": next(iter(exc.errors.values()))}) from exc
    return ClassParticipant.objects.select_related("person").get(pk=participant.pk)


@transaction.atomic
def test_scores_record(
    *,
    actor: Any,
    offline_class: OfflineClass,
    scores: Mapping[int, decimal.Decimal | int | str | None],
) -> int:
    """Several participants' test scores at once (by person id; None clears one), all or
    nothing: a bad score is an error on `score-<person id>`. Returns how many changed; each
    change is audited as by `test_score_record`."""
    _require_instructor_or_manage(actor, offline_class)
    offline_class = _locked(offline_class)
    _require_open(offline_class)
    participants = {
        p.person_id: p
        for p in ClassParticipant.objects.filter(
            offline_class=offline_class, person_id__in=list(scores)
        ).select_related("person")
    }
    outsiders = sorted(set(scores) - participants.keys())
    if outsiders:
        raise InvalidInput(
            {
                "score": _("Not a participant of this class: %(names)s.")
                % {"names": _name_outsiders(actor, outsiders)}
            }
        )
    check = ErrorCollector()
    values = {
        pid: None
        if score is None or str(score).strip() == ""
        else _clean_score(check, f"score-{pid}", score)
        for pid, score in scores.items()
    }
    check.raise_if_any()
    changed = [
        (participants[pid], value)
        for pid, value in values.items()
        if participants[pid].test_score != value
    ]
    for participant, value in changed:
        before = participant.test_score
        participant.test_score = value
        participant.save(update_fields=["test_score"])
        _audit(
            actor,
            "class_participant.test_score",
            participant,
            offline_class,
            {
                "person": participant.person.masked_national_id,
                "test_score": [None if before is None else str(before),
                               None if value is None else str(value)],
            },
        )  # fmt: skip
    return len(changed)


# ---------------------------------------------------------------------------------------------
# Completing the class
# ---------------------------------------------------------------------------------------------


@dataclass
class ClassCompleted:
    offline_class: OfflineClass
    completed: int = 0
    not_completed: int = 0
    certificates: int = 0  # issued now
    already_done: bool = False  # the class was completed before: nothing changed


@transaction.atomic
def class_complete(*, actor: Any, offline_class: OfflineClass) -> ClassCompleted:
    """Decide each participant's result by the class's rule, record the completions (and issue
    the certificates of the new ones), and mark the class completed. The attendance of every
    session must have been taken. Completing a completed class again changes nothing."""
    _require_manage(actor, offline_class)
    offline_class = _locked(offline_class)
    if offline_class.status == ClassStatus.COMPLETED:
        decided = ClassParticipant.objects.filter(offline_class=offline_class)
        return ClassCompleted(
            offline_class=offline_class,
            completed=decided.filter(result=ParticipantResult.COMPLETED).count(),
            not_completed=decided.filter(result=ParticipantResult.NOT_COMPLETED).count(),
            already_done=True,
        )
    _require_open(offline_class)
    sessions = list(ClassSession.objects.filter(offline_class=offline_class).order_by("number"))
    if not sessions:
        raise Conflict(_("The class has no sessions: add them and take their attendance first."))
    taken = set(
        Attendance.objects.filter(session__offline_class=offline_class).values_list(
            "session_id", flat=True
        )
    )
    missing = [s.number for s in sessions if s.pk not in taken]
    if missing:
        raise Conflict(
            _("Take the attendance of session %(numbers)s first (or remove it).")
            % {"numbers": ", ".join(map(str, missing))}
        )
    participants = list(
        ClassParticipant.objects.filter(offline_class=offline_class).select_related(
            "person", "offline_class__organisation", "offline_class__course__owner"
        )
    )
    if not participants:
        raise Conflict(_("The class has no participants."))
    attended: dict[int, int] = {}
    for pid in Attendance.objects.filter(
        session__offline_class=offline_class, present=True
    ).values_list("participant_id", flat=True):
        attended[pid] = attended.get(pid, 0) + 1
    completed_on = max(s.on for s in sessions)
    course = offline_class.course
    outcome = ClassCompleted(offline_class=offline_class)
    for participant in participants:
        ok = meets_rule(
            attended=attended.get(participant.pk, 0),
            sessions=len(sessions),
            min_attendance_percent=offline_class.min_attendance_percent,
            requires_test=offline_class.requires_test,
            test_score=participant.test_score,
            test_pass_mark=offline_class.test_pass_mark,
        )
        participant.result = ParticipantResult.COMPLETED if ok else ParticipantResult.NOT_COMPLETED
        if not ok:
            outcome.not_completed += 1
            continue
        outcome.completed += 1
        completion, created = completion_record(
            actor=actor,
            person=participant.person,
            course=course,
            title=course.title,
            platform=Platform.PROVINCIAL_PORTAL,
            channel=Channel.OFFLINE_CLASS,
            completed_on=completed_on,
            score=participant.test_score,
            class_participant_id=participant.pk,
        )
        if created:
            certificate_issue(actor=actor, completion=completion)
            outcome.certificates += 1
    ClassParticipant.objects.bulk_update(participants, ["result"])
    offline_class.status = ClassStatus.COMPLETED
    offline_class.completed_at = timezone.now()
    offline_class.save(update_fields=["status", "completed_at", "updated_at"])
    _audit(
        actor,
        "class.complete",
        offline_class,
        offline_class,
        {
            "sessions": len(sessions),
            "completed": outcome.completed,
            "not_completed": outcome.not_completed,
            "certificates": outcome.certificates,
        },
    )
    return outcome


def class_assign_online(*, actor: Any, offline_class: OfflineClass) -> AssignResult:
    """Enrol the participants in the class's course online too, so they can learn between
    sessions (the progress service checks `learning.manage_learner` over each of them)."""
    _require_manage(actor, offline_class)
    person_ids = list(
        ClassParticipant.objects.filter(offline_class_id=offline_class.pk).values_list(
            "person_id", flat=True
        )
    )
    if not person_ids:
        raise Conflict(_("The class has no participants."))
    return enrolment_assign(
        actor=actor,
        course=offline_class.course,
        person_ids=person_ids,
        source=EnrolmentSource.CLASS,
        offline_class_id=offline_class.pk,
    )
