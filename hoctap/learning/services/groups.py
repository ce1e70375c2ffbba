"""Community digital technology groups (tổ công nghệ số cộng đồng): one per village, set up by
a decision of the commune chair, with members and roles, and the help they give people
(recorded as activities).

A group stands on an organisation of kind `digital_tech_group` attached to its village (its
code, name and place in the scope tree); `group_create` makes that organisation through the
geo services, or adopts one that already exists without a group (the demo, or an import of
organisations, makes such). Every write needs `learning.manage_digital_group` over the
group's village; the persons it names (members, persons helped) must be in the actor's scope
for that permission.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hoctap.accounts.permissions import scope_for
from hoctap.accounts.roles import Perm
from hoctap.audit.services import audit_record, audit_record_many, diff
from hoctap.core.errors import Conflict, InvalidInput, PermissionDenied
from hoctap.core.formatting import show_date
from hoctap.geo import services as geo_services
from hoctap.geo.models import AdminUnit, Organisation, OrganisationKind, UnitLevel
from hoctap.geo.selectors import unit_visible_q
from hoctap.learning.models import (
    ActivityKind,
    DigitalTechActivity,
    DigitalTechGroup,
    DigitalTechGroupMember,
    GroupRole,
)
from hoctap.learning.selectors.scope import person_scope_q
from hoctap.registry import services as registry_services
from hoctap.registry.models import EidLevel, Person, PersonStatus
from hoctap.registry.national_id import mask_national_id
from hoctap.registry.rules import ErrorCollector

GROUP_CODE_PREFIX = "CNS-"
# the default name is data (the group's official Vietnamese name), not interface text
GROUP_NAME_PREFIX = "Tổ công nghệ số cộng đồng"
MAX_PERSONS_PER_BATCH = 500
NOTE_MAX = 300


def default_group_code(village: AdminUnit) -> str:
    return f"{GROUP_CODE_PREFIX}{village.code}"


def default_group_name(village: AdminUnit) -> str:
    return f"{GROUP_NAME_PREFIX} {village.name}"


def require_manage_group(actor: Any, group: DigitalTechGroup) -> None:
    if not scope_for(actor, Perm.MANAGE_DIGITAL_GROUPS).covers_organisation(
        group.organisation_id, group.village_id
    ):
        raise PermissionDenied(_("You may not manage this community digital technology group."))


def _audit(
    actor: Any, action: str, target: Any, group: DigitalTechGroup, changes: dict[str, Any]
) -> None:
    audit_record(
        actor=actor,
        action=action,
        target=target,
        changes=changes,
        unit_id=group.village_id,
        organisation_id=group.organisation_id,
    )


def _clean_decision(
    check: ErrorCollector,
    *,
    decision_number: str,
    decision_date: datetime.date | None,
    decided_by: str,
) -> tuple[str, datetime.date | None, str]:
    number = " ".join((decision_number or "").split())
    if not number:
        check.add("decision_number", _("This field is required."))
    elif len(number) > 60:
        check.add("decision_number", _("At most %(n)s characters.") % {"n": 60})
    if decision_date is None:
        check.add("decision_date", _("This field is required."))
    elif decision_date > timezone.localdate():
        check.add("decision_date", _("The date is in the future."))
    by = " ".join((decided_by or "").split())
    if len(by) > 200:
        check.add("decided_by", _("At most %(n)s characters.") % {"n": 200})
    return number, decision_date, by


def _village_for_group(actor: Any, village_code: str) -> AdminUnit:
    """The village a new group belongs to: open, in the actor's manage scope. A village the
    actor cannot see is an unknown code (its existence is not revealed)."""
    code = (village_code or "").strip()
    unknown = InvalidInput({"village_code": _("Unknown village code “%(code)s”.") % {"code": code}})
    if not code:
        raise InvalidInput({"village_code": _("This field is required.")})
    village = AdminUnit.objects.filter(code=code).select_related("parent").first()
    if village is None:
        raise unknown
    scope = scope_for(actor, Perm.MANAGE_DIGITAL_GROUPS)
    if not scope.covers_unit(village.id):
        visible = AdminUnit.objects.filter(unit_visible_q(actor), pk=village.pk).exists() or (
            scope_for(actor, Perm.VIEW_LEARNING).covers_unit(village.id)
        )
        if not visible:
            raise unknown
        raise PermissionDenied(_("You may not set up groups in this village."))
    if village.level != UnitLevel.VILLAGE:
        raise InvalidInput(
            {
                "village_code": _(
                    "%(code)s is not a village or residential group: a group belongs to one "
                    "village."
                )
                % {"code": code}
            }
        )
    if village.valid_to is not None:
        raise InvalidInput({"village_code": _("The village %(code)s is closed.") % {"code": code}})
    return village


def _adoptable_organisation(village: AdminUnit, code: str) -> Organisation | None:
    """An organisation of kind `digital_tech_group` already attached to the village and not yet
    a group's: the one with `code` if there is one, else the default code's, else the first.
    A village has one group, so an existing group organisation is never doubled."""
    orgs = Organisation.objects.filter(
        unit=village,
        kind=OrganisationKind.DIGITAL_TECH_GROUP,
        digital_tech_group__isnull=True,
    ).order_by("code")
    return (
        (orgs.filter(code=code).first() if code else None)
        or orgs.filter(code=default_group_code(village)).first()
        or orgs.first()
    )


@transaction.atomic
def group_create(
    *,
    actor: Any,
    village_code: str,
    decision_number: str,
    decision_date: datetime.date | None,
    decided_by: str = "",
    name: str = "",
    code: str = "",
) -> DigitalTechGroup:
    """Set up the group of a village from its founding decision. The village's existing
    `digital_tech_group` organisation without a group is adopted (renamed to `name` if given);
    otherwise one is created (code `CNS-<village code>` and name "Tổ công nghệ số cộng đồng
    <village>" unless `code` / `name` say otherwise)."""
    check = ErrorCollector()
    village = check.run(_village_for_group, actor, village_code)
    number, day, by = _clean_decision(
        check, decision_number=decision_number, decision_date=decision_date, decided_by=decided_by
    )
    code = (code or "").strip()
    name = " ".join((name or "").split())
    if village is not None:
        existing = DigitalTechGroup.objects.filter(village=village).select_related("organisation")
        group = existing.first()
        if group is not None:
            raise Conflict(
                _("The village %(village)s already has its group (%(code)s): one per village.")
                % {"village": village.name, "code": group.organisation.code}
            )
    check.raise_if_any()
    assert village is not None
    assert day is not None
    organisation = _adoptable_organisation(village, code)
    adopted = organisation is not None
    if organisation is None:
        try:
            organisation = geo_services.organisation_create(
                actor=actor,
                code=code or default_group_code(village),
                name=name or default_group_name(village),
                kind=OrganisationKind.DIGITAL_TECH_GROUP,
                unit_code=village.code,
            )
        except InvalidInput as exc:
            raise InvalidInput(
                {("village_code" if f == "unit" else f): m for f, m in exc.errors.items()}
            ) from exc
    elif name and name != organisation.name:
        organisation = geo_services.organisation_update(
            actor=actor, organisation=organisation, name=name
        )
    group = DigitalTechGroup.objects.create(
        organisation=organisation,
        village=village,
        decision_number=number,
        decision_date=day,
        decided_by=by,
    )
    _audit(
        actor,
        "digital_group.create",
        group,
        group,
        {
            "village": village.code,
            "organisation": organisation.code,
            "adopted_organisation": adopted,
            "decision_number": number,
            "decision_date": day,
            "decided_by": by,
        },
    )
    return group


@transaction.atomic
def group_update(
    *,
    actor: Any,
    group: DigitalTechGroup,
    decision_number: str | None = None,
    decision_date: datetime.date | None = None,
    decided_by: str | None = None,
) -> DigitalTechGroup:
    """Correct the founding decision (None: unchanged)."""
    require_manage_group(actor, group)
    check = ErrorCollector()
    number, day, by = _clean_decision(
        check,
        decision_number=group.decision_number if decision_number is None else decision_number,
        decision_date=group.decision_date if decision_date is None else decision_date,
        decided_by=group.decided_by if decided_by is None else decided_by,
    )
    check.raise_if_any()
    before = {
        "decision_number": group.decision_number,
        "decision_date": group.decision_date,
        "decided_by": group.decided_by,
    }
    after = {"decision_number": number, "decision_date": day, "decided_by": by}
    changes = diff(before, after)
    if not changes:
        return group
    group.decision_number, group.decision_date, group.decided_by = number, day, by  # type: ignore[assignment]
    group.save(update_fields=["decision_number", "decision_date", "decided_by", "updated_at"])
    _audit(actor, "digital_group.update", group, group, changes)
    return group


# ---------------------------------------------------------------------------------------------
# Members
# ---------------------------------------------------------------------------------------------


def _person_in_scope(
    actor: Any, *, person_id: int | None, national_id: str | None, field: str
) -> Person:
    """The person an input names (by internal id, or by ID number), in the actor's scope for
    managing groups; anyone else is unknown (existence is not revealed)."""
    persons = Person.objects.filter(person_scope_q(actor, Perm.MANAGE_DIGITAL_GROUPS, ""))
    number = "".join((national_id or "").split())
    if person_id is not None:
        person = persons.filter(pk=person_id).first()
        shown = f"#{person_id}"
    elif number:
        person = persons.filter(national_id=number).first()
        shown = mask_national_id(number)
    else:
        raise InvalidInput({field: _("Choose a person.")})
    if person is None:
        raise InvalidInput(
            {field: _("No person %(who)s in your area is registered.") % {"who": shown}}
        )
    return person


def _clean_role(role: str) -> str:
    if role not in GroupRole.values:
        raise InvalidInput({"role": _("Unknown role “%(role)s”.") % {"role": role}})
    return role


def _check_one_leader(group: DigitalTechGroup, role: str, *, other_than: int | None = None) -> None:
    if role != GroupRole.LEADER:
        return
    leaders = group.members.filter(role=GroupRole.LEADER, left_on__isnull=True)
    if other_than is not None:
        leaders = leaders.exclude(pk=other_than)
    leader = leaders.select_related("person").first()
    if leader is not None:
        raise InvalidInput(
            {
                "role": _(
                    "The group already has a leader (%(name)s): end their term or change "
                    "their role first."
                )
                % {"name": leader.person.full_name}
            }
        )


def _member_state(member: DigitalTechGroupMember) -> dict[str, Any]:
    return {
        "person": mask_national_id(member.person.national_id),
        "role": member.role,
        "joined_on": member.joined_on,
        "left_on": member.left_on,
    }


@transaction.atomic
def member_add(
    *,
    actor: Any,
    group: DigitalTechGroup,
    role: str,
    joined_on: datetime.date | None,
    person_id: int | None = None,
    national_id: str | None = None,
) -> DigitalTechGroupMember:
    """Add a person of the actor's area (by internal id, or by ID number) to the group. One
    leader at a time; a person is a current member once (after leaving they may rejoin)."""
    require_manage_group(actor, group)
    check = ErrorCollector()
    person = check.run(
        _person_in_scope, actor, person_id=person_id, national_id=national_id, field="person_id"
    )
    role = check.run(_clean_role, role) or ""
    if joined_on is None:
        check.add("joined_on", _("This field is required."))
    elif joined_on > timezone.localdate():
        check.add("joined_on", _("The date is in the future."))
    if person is not None:
        if person.status != PersonStatus.LIVING_HERE:
            check.add("person_id", _("Only a person living here can be a member."))
        elif group.members.filter(person=person, left_on__isnull=True).exists():
            check.add(
                "person_id",
                _("%(name)s is already a member of the group.") % {"name": person.full_name},
            )
        elif joined_on is not None:
            left = (
                group.members.filter(person=person, left_on__gte=joined_on)
                .order_by("-left_on")
                .values_list("left_on", flat=True)
                .first()
            )
            if left is not None:
                check.add(
                    "joined_on",
                    _("%(name)s left the group on %(date)s: they can rejoin after that day.")
                    % {"name": person.full_name, "date": show_date(left)},
                )
    if role:
        check.run(_check_one_leader, group, role)
    check.raise_if_any()
    assert person is not None
    assert joined_on is not None
    member = DigitalTechGroupMember.objects.create(
        group=group, person=person, role=role, joined_on=joined_on
    )
    _audit(actor, "digital_group.member_add", member, group, _member_state(member))
    return member


@transaction.atomic
def member_end(
    *, actor: Any, member: DigitalTechGroupMember, left_on: datetime.date | None
) -> DigitalTechGroupMember:
    """The member leaves the group on `left_on` (their activities stay on record)."""
    group = member.group
    require_manage_group(actor, group)
    if member.left_on is not None:
        raise Conflict(
            _("%(name)s already left the group on %(date)s.")
            % {"name": member.person.full_name, "date": show_date(member.left_on)}
        )
    if left_on is None:
        raise InvalidInput({"left_on": _("This field is required.")})
    if left_on > timezone.localdate():
        raise InvalidInput({"left_on": _("The date is in the future.")})
    if left_on < member.joined_on:
        raise InvalidInput(
            {
                "left_on": _("The date is before the member joined (%(date)s).")
                % {"date": show_date(member.joined_on)}
            }
        )
    # the person's earlier terms ended before this one began (member_add), so help they gave
    # after `left_on` would be help from a non-member
    last = (
        group.activities.filter(helper_id=member.person_id, on__gt=left_on)
        .order_by("-on")
        .values_list("on", flat=True)
        .first()
    )
    if last is not None:
        raise InvalidInput(
            {
                "left_on": _(
                    "%(name)s helped people for the group until %(date)s: they cannot have "
                    "left before."
                )
                % {"name": member.person.full_name, "date": show_date(last)}
            }
        )
    member.left_on = left_on
    member.save(update_fields=["left_on"])
    _audit(actor, "digital_group.member_end", member, group, {"left_on": left_on})
    return member


@transaction.atomic
def member_change_role(
    *, actor: Any, member: DigitalTechGroupMember, role: str
) -> DigitalTechGroupMember:
    """A current member takes another role (one leader at a time)."""
    group = member.group
    require_manage_group(actor, group)
    if member.left_on is not None:
        raise Conflict(_("This person has left the group: add them again instead."))
    role = _clean_role(role)
    if role == member.role:
        raise InvalidInput({"role": _("The member already has this role.")})
    _check_one_leader(group, role, other_than=member.pk)
    old = member.role
    member.role = role
    member.save(update_fields=["role"])
    _audit(actor, "digital_group.member_role", member, group, {"role": [old, role]})
    return member


# ---------------------------------------------------------------------------------------------
# Activities
# ---------------------------------------------------------------------------------------------


@dataclass
class ActivitiesRecorded:
    """What `activity_record` / `activity_record_many` did."""

    activities: list[DigitalTechActivity] = field(default_factory=list)
    # persons whose e-ID link date was recorded on the register (`link_eid`)
    eid_linked: list[Person] = field(default_factory=list)
    # persons for whom it was asked but not recorded: no e-ID account, already linked, or the
    # actor may not change the registers there
    eid_not_linked: list[Person] = field(default_factory=list)
    # persons skipped by a batch: the same help on the same day is already on record
    already_recorded: list[Person] = field(default_factory=list)

    @property
    def activity(self) -> DigitalTechActivity:
        return self.activities[0]


def _clean_activity(
    check: ErrorCollector,
    group: DigitalTechGroup,
    *,
    kind: str,
    on: datetime.date | None,
    helper_id: int | None,
    note: str,
) -> tuple[Person | None, str]:
    if kind not in ActivityKind.values:
        check.add("kind", _("Unknown kind of help “%(kind)s”.") % {"kind": kind})
    if on is None:
        check.add("on", _("This field is required."))
    elif on > timezone.localdate():
        check.add("on", _("The date is in the future."))
    note = " ".join((note or "").split())
    if len(note) > NOTE_MAX:
        check.add("note", _("At most %(n)s characters.") % {"n": NOTE_MAX})
    helper = None
    if helper_id is not None and on is not None:
        member = (
            group.members.filter(person_id=helper_id, joined_on__lte=on)
            .filter(Q(left_on__isnull=True) | Q(left_on__gte=on))
            .select_related("person")
            .first()
        )
        if member is None:
            check.add(
                "helper_id",
                _("The helper must be a member of the group on the day of the activity."),
            )
        else:
            helper = member.person
    return helper, note


def _check_alive(
    check: ErrorCollector, person: Person, on: datetime.date | None, field: str
) -> None:
    if person.status == PersonStatus.DECEASED and on is not None and on > person.status_since:
        check.add(
            field,
            _("%(name)s died on %(date)s.")
            % {"name": person.full_name, "date": show_date(person.status_since)},
        )


def _link_eid(actor: Any, person: Person, on: datetime.date, result: ActivitiesRecorded) -> None:
    """Record the e-ID link date on the register, through the registry's service, when the
    person has an e-ID account not yet linked and the actor may change the registers there."""
    if (
        person.eid_level == EidLevel.NONE
        or person.eid_linked_on is not None
        or not scope_for(actor, Perm.MANAGE_REGISTRY).covers_unit(person.village_id)
    ):
        result.eid_not_linked.append(person)
        return
    try:
        registry_services.person_update(actor=actor, person=person, eid_linked_on=on)
    except (InvalidInput, PermissionDenied):
        # the register's own rules refused (e.g. an old record that no longer validates): the
        # help is still recorded, the register is left as it was
        person.refresh_from_db()
        result.eid_not_linked.append(person)
        return
    result.eid_linked.append(person)


def _activity_audit_changes(activity: DigitalTechActivity, eid_linked: bool) -> dict[str, Any]:
    return {
        "kind": activity.kind,
        "on": activity.on,
        "helper": activity.helper_id,
        "person": mask_national_id(activity.person.national_id) if activity.person else None,
        "note": activity.note,
        "eid_linked": eid_linked,
    }


@transaction.atomic
def activity_record(
    *,
    actor: Any,
    group: DigitalTechGroup,
    kind: str,
    on: datetime.date | None,
    helper_id: int | None = None,
    person_id: int | None = None,
    national_id: str | None = None,
    note: str = "",
    link_eid: bool = False,
) -> ActivitiesRecorded:
    """Record one piece of help: `helper_id` a member of the group on that day, the person
    helped (by internal id or ID number; none for help given to no one in particular) in the
    actor's scope. The same help for the same person on the same day is refused (recorded
    already). With `link_eid` and kind `eid_linking`, the link date is also recorded on the
    person, when they have an e-ID account not yet linked and the actor may change the
    registers; otherwise the activity alone is recorded."""
    require_manage_group(actor, group)
    check = ErrorCollector()
    helper, note = _clean_activity(check, group, kind=kind, on=on, helper_id=helper_id, note=note)
    person = None
    if person_id is not None or (national_id or "").strip():
        person = check.run(
            _person_in_scope, actor, person_id=person_id, national_id=national_id, field="person_id"
        )
        if person is not None:
            _check_alive(check, person, on, "person_id")
    check.raise_if_any()
    assert on is not None
    if person is not None and group.activities.filter(kind=kind, on=on, person=person).exists():
        raise Conflict(
            _("This help to %(name)s on %(date)s is already recorded.")
            % {"name": person.full_name, "date": show_date(on)}
        )
    activity = DigitalTechActivity.objects.create(
        group=group,
        kind=kind,
        on=on,
        helper=helper,
        person=person,
        note=note,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    result = ActivitiesRecorded(activities=[activity])
    if link_eid and kind == ActivityKind.EID_LINKING and person is not None:
        _link_eid(actor, person, on, result)
    _audit(
        actor,
        "digital_group.activity",
        activity,
        group,
        _activity_audit_changes(activity, bool(result.eid_linked)),
    )
    return result


@transaction.atomic
def activity_record_many(
    *,
    actor: Any,
    group: DigitalTechGroup,
    kind: str,
    on: datetime.date | None,
    person_ids: Sequence[int] = (),
    national_ids: Sequence[str] = (),
    helper_id: int | None = None,
    note: str = "",
    link_eid: bool = False,
) -> ActivitiesRecorded:
    """The same help given to many persons on one day (an e-ID linking session at the village
    hall): one activity each, by internal ids and/or ID numbers (one a line on the page). Every
    person must be in the actor's scope, or nothing is recorded and the error names each one
    not found; a person whose same help that day is already on record is skipped (so a batch
    sent again adds nothing)."""
    require_manage_group(actor, group)
    check = ErrorCollector()
    helper, note = _clean_activity(check, group, kind=kind, on=on, helper_id=helper_id, note=note)
    ids = list(dict.fromkeys(int(pid) for pid in person_ids))
    numbers = [("".join((n or "").split()), line) for line, n in enumerate(national_ids, 1)]
    numbers = [(n, line) for n, line in numbers if n]
    if not ids and not numbers:
        check.add("person_ids", _("Choose at least one person helped."))
    elif len(ids) + len(numbers) > MAX_PERSONS_PER_BATCH:
        check.add(
            "person_ids",
            _("At most %(n)s persons at a time.") % {"n": MAX_PERSONS_PER_BATCH},
        )
    persons: dict[int, Person] = {}
    if (ids or numbers) and "person_ids" not in check.errors:
        in_scope = Person.objects.filter(person_scope_q(actor, Perm.MANAGE_DIGITAL_GROUPS, ""))
        found = in_scope.in_bulk(ids) if ids else {}
        missing = [f"#{pid}" for pid in ids if pid not in found]
        if missing:
            check.add(
                "person_ids",
                _("No person %(who)s in your area is registered.") % {"who": ", ".join(missing)},
            )
        persons.update(found)
        if numbers:
            by_number = {
                p.national_id: p
                for p in in_scope.filter(national_id__in=[n for n, _line in numbers])
            }
            unknown = [
                _("line %(line)s (%(number)s)") % {"line": line, "number": mask_national_id(n)}
                for n, line in numbers
                if n not in by_number
            ]
            if unknown:
                check.add(
                    "national_ids",
                    _("No person in your area has the ID number of %(lines)s.")
                    % {"lines": ", ".join(unknown)},
                )
            for n, _line in numbers:
                if n in by_number:
                    persons.setdefault(by_number[n].pk, by_number[n])
        dead = [p for p in persons.values() if p.status == PersonStatus.DECEASED]
        for person in dead:
            _check_alive(check, person, on, "person_ids")
    check.raise_if_any()
    assert on is not None
    done = set(
        group.activities.filter(kind=kind, on=on, person_id__in=list(persons)).values_list(
            "person_id", flat=True
        )
    )
    result = ActivitiesRecorded()
    recorded_by = actor if getattr(actor, "is_authenticated", False) else None
    new: list[DigitalTechActivity] = []
    for person in persons.values():
        if person.pk in done:
            result.already_recorded.append(person)
            continue
        new.append(
            DigitalTechActivity(
                group=group,
                kind=kind,
                on=on,
                helper=helper,
                person=person,
                note=note,
                recorded_by=recorded_by,
            )
        )
    # one row at a time: the ids are needed for the audit entries, and a batch is a village
    # session (tens of people), not an import
    for activity in new:
        activity.save()
    result.activities = new
    if link_eid and kind == ActivityKind.EID_LINKING:
        for activity in new:
            assert activity.person is not None
            _link_eid(actor, activity.person, on, result)
    linked = {p.pk for p in result.eid_linked}
    audit_record_many(
        actor=actor,
        action="digital_group.activity",
        target_type=DigitalTechActivity._meta.label_lower,
        items=(
            (
                a.pk,
                str(a),
                _activity_audit_changes(a, a.person_id in linked),
                group.village_id,
                group.organisation_id,
            )
            for a in new
        ),
    )
    return result
