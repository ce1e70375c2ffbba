"""Writes to users, role grants and API tokens. Each is audited in its transaction."""

from __future__ import annotations

import datetime
import hashlib
import re
import secrets
from collections.abc import Sequence
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hoctap.accounts import throttle
from hoctap.accounts.models import ApiToken, RoleGrant, User
from hoctap.accounts.permissions import forget_cached_grants, scope_for
from hoctap.accounts.roles import Perm, Role
from hoctap.accounts.selectors import grant_in_scope_q
from hoctap.audit.services import audit_record
from hoctap.core import bulk
from hoctap.core.errors import Conflict, InvalidInput, PermissionDenied
from hoctap.core.formatting import show_date
from hoctap.geo.models import AdminUnit, Organisation

USERNAME = re.compile(r"^[A-Za-z0-9_.@+-]{3,150}$")
# `hv<person id>` is the user name of a person's learner account (`learning.services.learners.
# username_for`): an officer taking one would keep that resident from ever having an account.
LEARNER_USERNAME = re.compile(r"hv[0-9]+", re.IGNORECASE)
# The lengths of the User columns; phone numbers as the register keeps them (8–15 digits,
# optionally after +, without spaces, dots or dashes).
FULL_NAME_MAX = 200
EMAIL_MAX = 254
PHONE = re.compile(r"^\+?[0-9]{8,15}$")
TOKEN_PREFIX = "hct_"  # noqa: S105 - a visible marker, not a secret


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _resolve_scope(
    *, actor: Any, unit_code: str | None, organisation_code: str | None
) -> tuple[AdminUnit | None, Organisation | None]:
    """The unit or organisation a grant is on: exactly one, existing, and inside the actor's
    user-management scope. One outside it answers as unknown so as not to reveal it."""
    if bool(unit_code) == bool(organisation_code):
        raise InvalidInput({"scope": _("Give exactly one of a unit or an organisation.")})
    manage = scope_for(actor, Perm.MANAGE_USERS)
    if unit_code:
        unit = AdminUnit.objects.filter(code=unit_code).first()
        if unit is None or not manage.covers_unit(unit.id):
            raise InvalidInput({"unit": _("Unknown unit code “%(code)s”.") % {"code": unit_code}})
        return unit, None
    org = Organisation.objects.filter(code=organisation_code).first()
    if org is None or not manage.covers_organisation(org.id, org.unit_id):
        raise InvalidInput(
            {
                "organisation": _("Unknown organisation code “%(code)s”.")
                % {"code": organisation_code}
            }
        )
    # A role on an organisation also covers the organisations beneath it, wherever they are
    # attached: granting it needs all of them in scope, or a commune's administrator could
    # reach into another commune through a branch attached there.
    if not manage.covers_organisation_subtree(org.id):
        raise InvalidInput(
            {
                "organisation": _(
                    "The organisation “%(code)s” has organisations beneath it outside your "
                    "area: only an administrator whose area covers them all may grant roles on it."
                )
                % {"code": organisation_code}
            }
        )
    return None, org


def require_manage_user(actor: Any, user: User, message: str) -> None:
    """Changing someone else (their password, their tokens...) needs user management over ALL of
    their roles still in force: a commune's administrator must not reset the password of a
    province secretary who merely also holds a role in that commune. A role on an organisation
    counts as in scope only with every organisation beneath it (`grant_in_scope_q`). Superusers
    are changed by superusers only."""
    if getattr(actor, "pk", None) is not None and actor.pk == user.pk:
        return
    manage = scope_for(actor, Perm.MANAGE_USERS)
    if manage.is_global:
        return
    if user.is_superuser or manage.is_empty:
        raise PermissionDenied(message)
    grants = RoleGrant.objects.filter(user=user)
    in_force = grants.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=timezone.localdate()))
    considered = in_force if in_force.exists() else grants
    if not considered.exists() or considered.exclude(grant_in_scope_q(manage)).exists():
        raise PermissionDenied(message)


def _audit_scope_of(user: Any) -> dict[str, int | None]:
    """Where entries about a user belong: the unit / organisation of their first role, so the
    administrators who see the user also see what was done to them."""
    grant = (
        RoleGrant.objects.filter(user_id=user.pk).select_related("organisation").first()
        if getattr(user, "pk", None)
        else None
    )
    if grant is None:
        return {"unit_id": None, "organisation_id": None}
    if grant.unit_id is not None:
        return {"unit_id": grant.unit_id, "organisation_id": None}
    assert grant.organisation is not None
    return {"unit_id": grant.organisation.unit_id, "organisation_id": grant.organisation_id}


def _clean_profile(
    *, full_name: str | None = None, email: str | None = None, phone: str | None = None
) -> tuple[dict[str, str], dict[str, str]]:
    """The stored form of the profile fields given (None: not given) and an error for each bad
    one, for pages, the API and commands alike."""
    clean: dict[str, str] = {}
    errors: dict[str, str] = {}
    if full_name is not None:
        clean["full_name"] = full_name.strip()
        if len(clean["full_name"]) > FULL_NAME_MAX:
            errors["full_name"] = _("At most %(n)s characters.") % {"n": FULL_NAME_MAX}
    if email is not None:
        clean["email"] = email.strip()
        if len(clean["email"]) > EMAIL_MAX:
            errors["email"] = _("At most %(n)s characters.") % {"n": EMAIL_MAX}
        elif clean["email"]:
            try:
                validate_email(clean["email"])
            except ValidationError as exc:
                errors["email"] = " ".join(exc.messages)
    if phone is not None:
        clean["phone"] = "".join(phone.split()).replace(".", "").replace("-", "")
        if clean["phone"] and not PHONE.match(clean["phone"]):
            errors["phone"] = _("A phone number has 8–15 digits, optionally after +.")
    return clean, errors


def _validate_dates(valid_from: datetime.date, valid_to: datetime.date | None) -> None:
    if valid_to is not None and valid_to < valid_from:
        raise InvalidInput(
            {
                "valid_to": _("Valid to (%(to)s) is before valid from (%(from)s).")
                % {"to": show_date(valid_to), "from": show_date(valid_from)}
            }
        )


@transaction.atomic
def role_grant(
    *,
    actor: Any,
    user: User,
    role: str,
    unit_code: str | None = None,
    organisation_code: str | None = None,
    valid_from: datetime.date | None = None,
    valid_to: datetime.date | None = None,
) -> RoleGrant:
    if role not in Role.values:
        raise InvalidInput({"role": _("Unknown role “%(role)s”.") % {"role": role}})
    if (
        role == Role.SYSTEM_ADMIN
        and not getattr(actor, "is_superuser", False)
        and not scope_for(actor, Perm.MANAGE_USERS).unit_ids
    ):
        raise PermissionDenied(_("Only administrators of a unit may grant this role."))
    if scope_for(actor, Perm.MANAGE_USERS).is_empty:
        raise PermissionDenied(_("You may not grant roles."))
    unit, org = _resolve_scope(
        actor=actor, unit_code=unit_code, organisation_code=organisation_code
    )
    start = valid_from or timezone.localdate()
    _validate_dates(start, valid_to)
    duplicate = RoleGrant.objects.filter(
        user=user, role=role, unit=unit, organisation=org, valid_to__isnull=True
    ).exists()
    if duplicate:
        raise Conflict(_("The user already holds this role on this scope."))
    grant = RoleGrant.objects.create(
        user=user,
        role=role,
        unit=unit,
        organisation=org,
        valid_from=start,
        valid_to=valid_to,
        granted_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    forget_cached_grants(user)
    audit_record(
        actor=actor,
        action="role.grant",
        target=grant,
        changes={
            "user": user.username,
            "role": role,
            "unit": unit.code if unit else None,
            "organisation": org.code if org else None,
            "valid_from": start,
            "valid_to": valid_to,
        },
        unit_id=unit.id if unit else (org.unit_id if org else None),
        organisation_id=org.id if org else None,
    )
    return grant


@transaction.atomic
def role_revoke(
    *, actor: Any, grant: RoleGrant, valid_to: datetime.date | None = None
) -> RoleGrant:
    """End a grant (it stays on record with its end date)."""
    manage = scope_for(actor, Perm.MANAGE_USERS)
    covered = (
        manage.covers_unit(grant.unit_id)
        if grant.unit_id
        else manage.covers_organisation_subtree(grant.organisation_id)
    )
    if not covered:
        raise PermissionDenied(_("You may not revoke this grant."))
    end = valid_to or timezone.localdate()
    if grant.valid_to is not None and grant.valid_to <= end:
        raise Conflict(_("This grant has already ended."))
    if end < grant.valid_from:
        end = grant.valid_from
    grant.valid_to = end
    grant.save(update_fields=["valid_to"])
    forget_cached_grants(grant.user)
    audit_record(
        actor=actor,
        action="role.revoke",
        target=grant,
        changes={"user": grant.user.username, "role": grant.role, "valid_to": end},
        unit_id=grant.unit_id or (grant.organisation.unit_id if grant.organisation else None),
        organisation_id=grant.organisation_id,
    )
    return grant


@transaction.atomic
def user_create(
    *,
    actor: Any,
    username: str,
    role: str,
    unit_code: str | None = None,
    organisation_code: str | None = None,
    password: str | None = None,
    full_name: str = "",
    email: str = "",
    phone: str = "",
) -> User:
    """A user with a first role grant (a user without a grant would be visible to nobody)."""
    # Checked first: without it every scope looks unknown, a 400 that should be a 403.
    if scope_for(actor, Perm.MANAGE_USERS).is_empty:
        raise PermissionDenied(_("You may not create users."))
    errors: dict[str, str] = {}
    username = (username or "").strip()
    if not USERNAME.match(username):
        errors["username"] = _("3–150 letters, digits or . @ + - _ characters.")
    elif LEARNER_USERNAME.fullmatch(username):
        errors["username"] = _(
            "User names of the form hv followed by digits are kept for learner accounts: "
            "choose another."
        )
    elif User.objects.filter(username__iexact=username).exists():
        errors["username"] = _("The username “%(name)s” is taken.") % {"name": username}
    profile, profile_errors = _clean_profile(full_name=full_name, email=email, phone=phone)
    errors.update(profile_errors)
    if password:
        try:
            validate_password(password, User(username=username, full_name=full_name))
        except ValidationError as exc:
            errors["password"] = " ".join(exc.messages)
    if role not in Role.values:
        errors["role"] = _("Unknown role “%(role)s”.") % {"role": role}
    unit: AdminUnit | None = None
    org: Organisation | None = None
    try:
        unit, org = _resolve_scope(
            actor=actor, unit_code=unit_code, organisation_code=organisation_code
        )
    except InvalidInput as exc:
        errors.update(exc.errors)
    if errors:
        raise InvalidInput(errors)
    user = User(username=username, **profile)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    audit_record(
        actor=actor,
        action="user.create",
        target=user,
        changes={"username": username, "full_name": user.full_name, "email": user.email},
        # in the scope of the first grant, so the administrators who see the user see this
        unit_id=unit.id if unit else (org.unit_id if org else None),
        organisation_id=org.id if org else None,
    )
    role_grant(
        actor=actor, user=user, role=role, unit_code=unit_code, organisation_code=organisation_code
    )
    return user


def user_update(
    *,
    actor: Any,
    user: User,
    full_name: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    is_active: bool | None = None,
    password: str | None = None,
    current_password: str | None = None,
) -> User:
    """Change a user's profile, activity or password (None: unchanged). Someone who manages
    all of the user's roles changes them (`require_manage_user`); a user changes their own
    profile and password, the password only with the current one, so that whoever holds a
    signed-in browser for a moment cannot keep the account."""
    if password and getattr(actor, "pk", None) is not None and actor.pk == user.pk:
        _check_current_password(user, current_password)
    with transaction.atomic():
        require_manage_user(actor, user, _("You may not change users."))
        if is_active is not None and actor.pk == user.pk:
            raise InvalidInput({"is_active": _("You cannot deactivate yourself.")})
        profile, errors = _clean_profile(full_name=full_name, email=email, phone=phone)
        if errors:
            raise InvalidInput(errors)
        before = {
            "full_name": user.full_name,
            "email": user.email,
            "phone": user.phone,
            "is_active": user.is_active,
        }
        for field, value in profile.items():
            setattr(user, field, value)
        if is_active is not None:
            user.is_active = is_active
        changes = {
            k: [before[k], getattr(user, k)] for k in before if before[k] != getattr(user, k)
        }
        if password:
            try:
                validate_password(password, user)
            except ValidationError as exc:
                raise InvalidInput({"password": " ".join(exc.messages)}) from exc
            user.set_password(password)
            changes["password"] = ["***", "***"]
        if not changes:
            return user
        user.save()
        audit_record(
            actor=actor, action="user.update", target=user, changes=changes, **_audit_scope_of(user)
        )
        return user


def _check_current_password(user: User, current_password: str | None) -> None:
    """A user setting their own password proves they know the current one. A wrong one counts
    as a failed sign-in (ADR 0015), so it runs before, not in, the change's transaction: a
    refused change rolls its transaction back, and the count with it."""
    if not current_password:
        raise InvalidInput({"current_password": _("This field is required.")})
    tried = {"name": user.username, "address": throttle.client_address()}
    if throttle.attempts_blocked("sign_in", tried):
        raise InvalidInput({"current_password": str(throttle.TOO_MANY_ATTEMPTS)})
    if not user.check_password(current_password):
        throttle.attempt_failed("sign_in", tried)
        raise InvalidInput({"current_password": _("The current password is not right.")})


@transaction.atomic
def token_create(*, actor: Any, user: User, name: str = "") -> tuple[ApiToken, str]:
    """A new API token; the plain key is returned once and never stored."""
    require_manage_user(actor, user, _("You may not create tokens for other users."))
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name[:100], prefix=key[: len(TOKEN_PREFIX) + 6], key_hash=_hash(key)
    )
    audit_record(
        actor=actor,
        action="token.create",
        target=token,
        changes={"user": user.username, "name": name},
        **_audit_scope_of(user),
    )
    return token, key


@transaction.atomic
def token_revoke(*, actor: Any, token: ApiToken) -> ApiToken:
    if actor.pk != token.user_id and not getattr(actor, "is_superuser", False):
        raise PermissionDenied(_("You may not revoke this token."))
    if token.revoked_at is not None:
        raise Conflict(_("This token is already revoked."))
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(
        actor=actor,
        action="token.revoke",
        target=token,
        changes={"prefix": token.prefix},
        **_audit_scope_of(token.user),
    )
    return token


def token_authenticate(key: str) -> User | None:
    """The active user a bearer token belongs to, or None. Not audited (it is a read)."""
    if not key or not key.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_hash(key), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    # Touch last_used_at at most once a minute, so reads do not turn into writes.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def superuser_ensure(*, username: str, password: str, full_name: str = "") -> tuple[User, bool]:
    """Create the demo / first administrator if missing. Returns (user, created)."""
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user, False
    user = User.objects.create_superuser(username=username, password=password, full_name=full_name)
    audit_record(
        actor=None, action="user.create_superuser", target=user, changes={"username": username}
    )
    return user, True


def sign_in_user_create(
    *, username: str, full_name: str, password: str | None = None, encoded_password: str = ""
) -> User:
    """A user with no role grant, for another app that owns what the user is (a learner
    account of the register). The caller validates, checks its own permission and audits in
    its transaction. `encoded_password` is an already hashed password (bulk creation)."""
    user = User(username=username, full_name=full_name.strip())
    if encoded_password:
        user.password = encoded_password
    elif password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    return user


def sign_in_users_create_many(*, users: Sequence[tuple[str, str, str]]) -> dict[str, int]:
    """Many users with no role grant at once (learner accounts created in bulk for an
    organisation's members): `(username, full name, encoded password)` each, written with one
    bulk insert. Returns their ids by user name. As for `sign_in_user_create`, the caller
    validates, checks its own permission and audits, inside its transaction."""
    if not users:
        return {}
    now = bulk.stored_now()
    bulk.bulk_insert(
        User,
        ["username", "full_name", "password", "first_name", "last_name", "email", "phone",
         "is_superuser", "is_staff", "is_active", "date_joined", "last_login"],
        [(name, full.strip(), encoded, "", "", "", "", False, False, True, now, None)
         for name, full, encoded in users],
    )  # fmt: skip
    return {
        username: pk
        for pk, username in bulk.rows_where_in(
            User, ["id", "username"], "username", [name for name, _full, _encoded in users]
        )
    }
