"""The officers' learning reports: completions in total and by platform, by course, by offline
class, by organisation and by unit. One selector per table serves the page, its exports and
the API, so the three always show the same numbers.

Every figure is scoped: a completion counts when its person is in the actor's
`learning.view_record` scope (`selectors.scope.person_scope_q`), a class when it is held in the
actor's units or by their organisations. Persons are counted once ("persons trained") however
many completions they have; records are counted as they are. The grouped figures are computed
by the database with GROUP BY or conditional counts: a few queries whatever the number of rows.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hoctap.accounts.permissions import has_permission_somewhere, scope_for
from hoctap.accounts.roles import Perm
from hoctap.core.errors import InvalidInput, PermissionDenied
from hoctap.geo.models import AdminUnit, Organisation, OrganisationClosure, UnitClosure
from hoctap.geo.selectors import unit_visible_q
from hoctap.learning.models import (
    Attendance,
    Channel,
    ClassParticipant,
    Completion,
    Course,
    CourseStatus,
    OfflineClass,
    ParticipantResult,
    Platform,
)
from hoctap.learning.selectors.scope import person_scope_q
from hoctap.registry.models import Person, PersonStatus, Position
from hoctap.registry.selectors import current_member_ids

ADULT_AGE = 15  # "adult residents": living here, aged 15 or more
# Child organisations counted per query of the organisation report (conditional counts: two
# per child); a Department of Education with 600 schools takes 15 queries, not 600.
BRANCHES_PER_QUERY = 40


@dataclass(frozen=True)
class ReportFilters:
    """What every report of completions is filtered by: the period (completion dates, both
    ends included), the platform and the channel."""

    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    platform: str = ""
    channel: str = ""

    def completions_q(self) -> Q:
        q = Q()
        if self.date_from:
            q &= Q(completed_on__gte=self.date_from)
        if self.date_to:
            q &= Q(completed_on__lte=self.date_to)
        if self.platform:
            q &= Q(platform=self.platform)
        if self.channel:
            q &= Q(channel=self.channel)
        return q

    def check(self) -> None:
        errors: dict[str, str] = {}
        if self.platform and self.platform not in Platform.values:
            errors["platform"] = _("Unknown platform %(value)s.") % {"value": self.platform}
        if self.channel and self.channel not in Channel.values:
            errors["channel"] = _("Unknown channel %(value)s.") % {"value": self.channel}
        if self.date_from and self.date_to and self.date_from > self.date_to:
            errors["date_to"] = _("The end of the period is before its start.")
        if errors:
            raise InvalidInput(errors)

    def as_list(self) -> list[str]:
        """The filters set, as the audit log keeps them."""
        values = {
            "date_from": self.date_from.isoformat() if self.date_from else "",
            "date_to": self.date_to.isoformat() if self.date_to else "",
            "platform": self.platform,
            "channel": self.channel,
        }
        return [f"{key}={value}" for key, value in values.items() if value]


@dataclass(frozen=True)
class Column:
    key: str
    label: Any
    kind: str = "int"  # text | code | int | percent | date


@dataclass
class ReportTable:
    """A report as a table: the page renders it, the exports write it, the API returns its
    rows. `subject` is the organisation or unit the report is about (or None)."""

    name: str  # "by-course": the URL and the file name
    title: Any
    columns: list[Column]
    rows: list[dict[str, Any]]
    total: dict[str, Any] | None = None
    subject: Any = None
    links: dict[str, str] = field(default_factory=dict)  # column key → row key of a drill-down


def share(part: int, whole: int) -> float | None:
    """`part` of `whole` in percent, one decimal; None when there is no whole."""
    return round(100 * part / whole, 1) if whole else None


def report_require_view(actor: Any) -> None:
    if not has_permission_somewhere(actor, Perm.VIEW_LEARNING):
        raise PermissionDenied(_("You may not see learning records."))


def _completions(actor: Any, filters: ReportFilters) -> QuerySet[Completion]:
    filters.check()
    return Completion.objects.filter(
        person_scope_q(actor, Perm.VIEW_LEARNING, "person"), filters.completions_q()
    )


def _trained_ids(filters: ReportFilters) -> QuerySet[Any]:
    """Ids of the persons with at least one completion matching the filters, on any platform
    (the outer query is the one scoped)."""
    return Completion.objects.filter(filters.completions_q()).values("person_id")


# ---------------------------------------------------------------------------------------------
# Completions in total and by platform
# ---------------------------------------------------------------------------------------------


def _channel_counts() -> dict[str, Count]:
    return {
        f"channel_{channel}": Count("id", filter=Q(channel=channel)) for channel in Channel.values
    }


def _channel_columns() -> list[Column]:
    return [Column(f"channel_{value}", label) for value, label in Channel.choices]


def report_summary(*, actor: Any, filters: ReportFilters) -> ReportTable:
    """Completions by platform: records, distinct persons, records per channel; the total
    counts each person once whatever the platforms."""
    report_require_view(actor)
    completions = _completions(actor, filters)
    grouped = {
        row["platform"]: row
        for row in completions.order_by()
        .values("platform")
        .annotate(
            records=Count("id"), persons=Count("person_id", distinct=True), **_channel_counts()
        )
    }
    total = completions.aggregate(
        records=Count("id"), persons=Count("person_id", distinct=True), **_channel_counts()
    )
    rows = []
    for value, label in Platform.choices:
        row = grouped.get(value)
        if row is None:
            continue
        rows.append({"platform": value, "platform_label": str(label), **row})
    total["platform_label"] = _("All platforms")
    return ReportTable(
        name="summary",
        title=gettext_lazy("Completions by platform"),
        columns=[
            Column("platform_label", gettext_lazy("Platform"), "text"),
            Column("persons", gettext_lazy("Persons")),
            Column("records", gettext_lazy("Completions")),
            *_channel_columns(),
        ],
        rows=rows,
        total=total,
    )


# ---------------------------------------------------------------------------------------------
# By course
# ---------------------------------------------------------------------------------------------


def report_by_course(*, actor: Any, filters: ReportFilters) -> ReportTable:
    """One row per course: catalogue courses by code, external courses by their (folded)
    title; distinct persons and completion records, records per channel."""
    report_require_view(actor)
    completions = _completions(actor, filters)
    grouped = (
        completions.order_by()
        .values("course_key")
        .annotate(
            course_code=Max("course__code"),
            catalogue_title=Max("course__title"),
            recorded_title=Max("title"),
            records=Count("id"),
            persons=Count("person_id", distinct=True),
            **_channel_counts(),
        )
    )
    rows: list[dict[str, Any]] = []
    for found in grouped:
        row: dict[str, Any] = dict(found)
        # a catalogue course under its title today; an external one as it was recorded
        catalogue_title, recorded_title = row.pop("catalogue_title"), row.pop("recorded_title")
        rows.append(
            {
                **row,
                "course_code": row["course_code"] or "",
                "title": catalogue_title or recorded_title,
                "external": not row["course_code"],
            }
        )
    rows.sort(key=lambda r: (-r["persons"], r["title"]))
    total = completions.aggregate(
        records=Count("id"), persons=Count("person_id", distinct=True), **_channel_counts()
    )
    total.update(course_code="", title=_("All courses"))
    return ReportTable(
        name="by-course",
        title=gettext_lazy("Completions by course"),
        columns=[
            Column("course_code", gettext_lazy("Course code"), "code"),
            Column("title", gettext_lazy("Course"), "text"),
            Column("persons", gettext_lazy("Persons")),
            Column("records", gettext_lazy("Completions")),
            *_channel_columns(),
        ],
        rows=rows,
        total=total,
    )


# ---------------------------------------------------------------------------------------------
# By offline class
# ---------------------------------------------------------------------------------------------


def report_by_class(*, actor: Any, filters: ReportFilters) -> ReportTable:
    """One row per offline class held in the actor's units or by their organisations during
    the period (its dates overlap it): participants, how many completed (and the share), and
    the attendance rate (present marks of the attendance taken)."""
    report_require_view(actor)
    filters.check()
    scope = scope_for(actor, Perm.VIEW_LEARNING)
    classes = OfflineClass.objects.filter(scope.organisations_q("organisation_id", "unit_id"))
    if filters.date_from:
        classes = classes.filter(ends_on__gte=filters.date_from)
    if filters.date_to:
        classes = classes.filter(starts_on__lte=filters.date_to)
    listed = list(
        classes.select_related("course", "unit")
        .annotate(session_count=Count("sessions"))
        .order_by("-starts_on", "code")
    )
    ids = classes.values("pk")
    people: dict[int, dict[str, Any]] = {
        row["offline_class_id"]: dict(row)
        for row in ClassParticipant.objects.filter(offline_class_id__in=ids)
        .order_by()
        .values("offline_class_id")
        .annotate(
            participants=Count("id"),
            completed=Count("id", filter=Q(result=ParticipantResult.COMPLETED)),
        )
    }
    marks: dict[int, dict[str, Any]] = {
        row["session__offline_class_id"]: dict(row)
        for row in Attendance.objects.filter(session__offline_class_id__in=ids)
        .order_by()
        .values("session__offline_class_id")
        .annotate(marks=Count("id"), present=Count("id", filter=Q(present=True)))
    }
    rows = []
    sums = {"participants": 0, "completed": 0, "marks": 0, "present": 0, "sessions": 0}
    for klass in listed:
        counts = people.get(klass.pk, {})
        attendance = marks.get(klass.pk, {})
        row: dict[str, Any] = {
            "code": klass.code,
            "title": klass.title,
            "course_code": klass.course.code,
            "place": klass.unit.name,
            "starts_on": klass.starts_on,
            "ends_on": klass.ends_on,
            "sessions": klass.session_count,
            "participants": counts.get("participants", 0),
            "completed": counts.get("completed", 0),
            "marks": attendance.get("marks", 0),
            "present": attendance.get("present", 0),
        }
        for key in sums:
            sums[key] += row[key]
        rows.append(row)
    for row in [*rows, sums]:
        row["completed_share"] = share(row["completed"], row["participants"])
        row["attendance_rate"] = share(row["present"], row["marks"])
    total = {**sums, "code": "", "title": _("All classes"), "course_code": "", "place": ""}
    return ReportTable(
        name="by-class",
        title=gettext_lazy("Offline classes"),
        columns=[
            Column("code", gettext_lazy("Class code"), "code"),
            Column("title", gettext_lazy("Class"), "text"),
            Column("course_code", gettext_lazy("Course code"), "code"),
            Column("place", gettext_lazy("Place"), "text"),
            Column("starts_on", gettext_lazy("Starts on"), "date"),
            Column("ends_on", gettext_lazy("Ends on"), "date"),
            Column("sessions", gettext_lazy("Sessions")),
            Column("participants", gettext_lazy("Participants")),
            Column("completed", gettext_lazy("Completed")),
            Column("completed_share", gettext_lazy("Completed (%)"), "percent"),
            Column("attendance_rate", gettext_lazy("Attendance rate (%)"), "percent"),
        ],
        rows=rows,
        total=total,
    )


# ---------------------------------------------------------------------------------------------
# By organisation
# ---------------------------------------------------------------------------------------------


def report_default_organisation(*, actor: Any) -> Organisation | None:
    """The organisation an organisation officer's report opens on: their only granted one."""
    scope = scope_for(actor, Perm.VIEW_LEARNING)
    if scope.is_global or scope.unit_ids or len(scope.org_ids) != 1:
        return None
    return Organisation.objects.filter(pk=next(iter(scope.org_ids))).first()


def _organisation(actor: Any, code: str) -> Organisation:
    scope = scope_for(actor, Perm.VIEW_LEARNING)
    organisation = (
        Organisation.objects.filter(scope.organisations_q("id", "unit_id"), code=code.strip())
        .select_related("unit")
        .first()
        if code and code.strip()
        else None
    )
    if organisation is None:
        raise InvalidInput(
            {"organisation": _("Unknown organisation code %(code)s.") % {"code": code}}
            if code and code.strip()
            else {"organisation": _("Choose an organisation.")}
        )
    return organisation


def _subtree(organisation_id: int) -> QuerySet[Any]:
    return OrganisationClosure.objects.filter(ancestor_id=organisation_id).values("descendant_id")


def report_by_organisation(
    *, actor: Any, organisation_code: str, position: str = "", filters: ReportFilters
) -> ReportTable:
    """For an organisation and everything beneath it: its current members in the actor's scope
    (optionally of one position) and how many have at least one completion on any platform,
    the share trained; one row per direct child organisation (its own subtree) and one for the
    members of the organisation itself. A person who belongs to several is counted once in
    each row and once in the total."""
    report_require_view(actor)
    filters.check()
    if position and position not in Position.values:
        raise InvalidInput({"position": _("Unknown position %(value)s.") % {"value": position}})
    organisation = _organisation(actor, organisation_code)
    children = list(
        Organisation.objects.filter(parent=organisation).only("id", "code", "name").order_by("code")
    )
    persons = Person.objects.filter(person_scope_q(actor, Perm.VIEW_LEARNING, "")).order_by()
    trained = Q(id__in=_trained_ids(filters))

    def members_of(organisation_ids: Any) -> Q:
        return Q(id__in=current_member_ids(organisation_ids=organisation_ids, position=position))

    # only the subtree's members are read; each row counts those of its own branch
    persons = persons.filter(members_of(_subtree(organisation.pk)))
    total = persons.aggregate(members=Count("id"), trained=Count("id", filter=trained))
    groups: list[tuple[Organisation, Any, bool]] = [(organisation, [organisation.pk], True)]
    groups += [(child, _subtree(child.pk), False) for child in children]
    rows = []
    for start in range(0, len(groups), BRANCHES_PER_QUERY):
        chunk = groups[start : start + BRANCHES_PER_QUERY]
        counts = persons.aggregate(
            **{
                name: Count("id", filter=members_of(ids) & extra)
                for index, (_org, ids, _own) in enumerate(chunk)
                for name, extra in ((f"m{index}", Q()), (f"t{index}", trained))
            }
        )
        for index, (org, _ids, own) in enumerate(chunk):
            members, done = counts[f"m{index}"], counts[f"t{index}"]
            if own and not members:
                continue  # no member attached to the organisation itself
            rows.append(
                {
                    "code": org.code,
                    "name": (
                        _("%(name)s (its own members)") % {"name": org.name} if own else org.name
                    ),
                    "members": members,
                    "trained": done,
                    "share": share(done, members),
                    "drill": not own,
                }
            )
    total.update(
        code=organisation.code,
        name=organisation.name,
        share=share(total["trained"], total["members"]),
    )
    return ReportTable(
        name="by-organisation",
        title=gettext_lazy("Members trained, by organisation"),
        columns=[
            Column("code", gettext_lazy("Code"), "code"),
            Column("name", gettext_lazy("Organisation"), "text"),
            Column("members", gettext_lazy("Current members")),
            Column("trained", gettext_lazy("Trained")),
            Column("share", gettext_lazy("Trained (%)"), "percent"),
        ],
        rows=rows,
        total=total,
        subject=organisation,
        links={"name": "organisation"},
    )


# ---------------------------------------------------------------------------------------------
# By unit
# ---------------------------------------------------------------------------------------------


def _adult_born_by(today: datetime.date) -> datetime.date:
    try:
        return today.replace(year=today.year - ADULT_AGE)
    except ValueError:  # 29 February
        return today.replace(year=today.year - ADULT_AGE, day=28)


def report_default_unit(*, actor: Any) -> AdminUnit | None:
    """The unit a report by unit opens on: the highest unit the actor sees if there is one
    (a province for its secretariat, a commune for its officer)."""
    roots = list(
        AdminUnit.objects.filter(unit_visible_q(actor, Perm.VIEW_LEARNING))
        .order_by("level", "code")
        .values_list("pk", "level")[:2]
    )
    if not roots or (len(roots) == 2 and roots[0][1] == roots[1][1]):
        return None
    return AdminUnit.objects.get(pk=roots[0][0])


def _unit(actor: Any, code: str | None) -> AdminUnit:
    unit = (
        AdminUnit.objects.filter(unit_visible_q(actor, Perm.VIEW_LEARNING), code=code.strip())
        .select_related("parent")
        .first()
        if code and code.strip()
        else report_default_unit(actor=actor)
    )
    if unit is None:
        raise InvalidInput(
            {"unit": _("Unknown unit code %(code)s.") % {"code": code}}
            if code and code.strip()
            else {"unit": _("Choose a unit.")}
        )
    return unit


def report_by_unit(
    *, actor: Any, unit_code: str | None = None, filters: ReportFilters
) -> ReportTable:
    """For a unit, one row per unit one level down (a province's communes, a commune's
    villages; a village is its own row): adult residents (living here, aged 15 or more) in the
    actor's scope, how many have at least one completion, the share."""
    report_require_view(actor)
    filters.check()
    unit = _unit(actor, unit_code)
    children = list(
        AdminUnit.objects.filter(parent=unit)
        .only("id", "code", "name", "valid_to")
        .order_by("code")
    ) or [unit]
    today = timezone.localdate()
    by_village = (
        Person.objects.filter(
            person_scope_q(actor, Perm.VIEW_LEARNING, ""),
            status=PersonStatus.LIVING_HERE,
            birth_date__lte=_adult_born_by(today),
            village_id__in=UnitClosure.objects.filter(ancestor_id=unit.pk).values("descendant_id"),
        )
        .order_by()
        .values("village_id")
        .annotate(adults=Count("id"), trained=Count("id", filter=Q(id__in=_trained_ids(filters))))
    )
    branch_of = dict(
        UnitClosure.objects.filter(ancestor_id__in=[c.pk for c in children]).values_list(
            "descendant_id", "ancestor_id"
        )
    )
    sums: dict[int, dict[str, int]] = defaultdict(lambda: {"adults": 0, "trained": 0})
    for row in by_village:
        branch = branch_of.get(row["village_id"])
        if branch is not None:
            sums[branch]["adults"] += row["adults"]
            sums[branch]["trained"] += row["trained"]
    rows: list[dict[str, Any]] = []
    for child in children:
        counts = sums.get(child.pk, {"adults": 0, "trained": 0})
        if not counts["adults"] and child.valid_to is not None:
            continue  # a closed unit with nobody left
        rows.append(
            {
                "code": child.code,
                "name": child.name,
                **counts,
                "share": share(counts["trained"], counts["adults"]),
                "drill": child.pk != unit.pk,
            }
        )
    adults = sum(r["adults"] for r in rows)
    trained_total = sum(r["trained"] for r in rows)
    total = {
        "code": unit.code,
        "name": unit.name,
        "adults": adults,
        "trained": trained_total,
        "share": share(trained_total, adults),
    }
    return ReportTable(
        name="by-unit",
        title=gettext_lazy("Adult residents trained, by unit"),
        columns=[
            Column("code", gettext_lazy("Code"), "code"),
            Column("name", gettext_lazy("Unit"), "text"),
            Column("adults", gettext_lazy("Adult residents")),
            Column("trained", gettext_lazy("Trained")),
            Column("share", gettext_lazy("Trained (%)"), "percent"),
        ],
        rows=rows,
        total=total,
        subject=unit,
        links={"name": "unit"},
    )


def report_course_choices() -> list[tuple[str, str]]:
    """(code, title) of the catalogue's courses that can have learners (published or
    archived), for the filters: a draft is visible to its editors only."""
    return list(
        Course.objects.exclude(status=CourseStatus.DRAFT)
        .order_by("code")
        .values_list("code", "title")
    )
