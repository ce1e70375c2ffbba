"""Learner accounts: one per person of the register.

An officer creates one (or many, see `learning.services.account_batches`) for persons in their
`learning.manage_learner` scope; a resident signs up by proving who they are (ID number and
birth date matching the register). Learners sign in with their ID number or their sign-in
phone. An officer resets a forgotten password to a temporary one the learner must change.
"""

from __future__ import annotations

import datetime
import secrets
from typing import Any

from django.contrib.auth.hashers import PBKDF2PasswordHasher, get_hasher
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from hoctap.accounts import throttle
from hoctap.accounts.models import RoleGrant, User
from hoctap.accounts.roles import Perm
from hoctap.accounts.services import require_manage_user, sign_in_user_create
from hoctap.audit.services import audit_record
from hoctap.core.errors import Conflict, InvalidInput, PermissionDenied
from hoctap.learning.models import AccountOrigin, LearnerAccount
from hoctap.learning.selectors.scope import person_in_scope
from hoctap.registry.models import Person, PersonStatus
from hoctap.registry.national_id import mask_national_id
from hoctap.registry.rules import PHONE

# Temporary passwords an officer hands out: 10 symbols of an alphabet without look-alikes.
TEMPORARY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
TEMPORARY_LENGTH = 10
# PBKDF2 iterations of a temporary password created in bulk (ADR 0013, "Creating accounts in
# bulk"): random, short-lived, changed at first sign-in; Django hashes it again at its full
# work factor the first time it is checked.
TEMPORARY_ITERATIONS = 1000


def temporary_password() -> str:
    return "".join(secrets.choice(TEMPORARY_ALPHABET) for _ in range(TEMPORARY_LENGTH))


def temporary_password_hash(password: str) -> str:
    """The stored form of a temporary password created in bulk: PBKDF2 (the default hasher)
    at `TEMPORARY_ITERATIONS`, which `check_password` upgrades to the full work factor at the
    first sign-in (`must_update`). Another configured hasher hashes at its own cost."""
    hasher = get_hasher("default")
    if isinstance(hasher, PBKDF2PasswordHasher):
        return hasher.encode(password, hasher.salt(), iterations=TEMPORARY_ITERATIONS)
    return hasher.encode(password, hasher.salt())


def username_for(person_id: int) -> str:
    return f"hv{person_id}"


def learner_username(person: Person) -> str:
    """The user name of a learner account: never the ID number (user names appear in the
    audit log and user lists, which roles without the personal-data permission read)."""
    return username_for(person.pk)


def _clean_phone(phone: str, *, account: LearnerAccount | None = None) -> str:
    value = "".join((phone or "").split())
    if not value:
        return ""
    if not PHONE.match(value):
        raise InvalidInput({"phone": _("Give a phone number of 8 to 15 digits.")})
    taken = LearnerAccount.objects.filter(phone=value)
    if account is not None:
        taken = taken.exclude(pk=account.pk)
    if taken.exists():
        raise InvalidInput({"phone": _("Another account already signs in with this phone.")})
    return value


def _check_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise InvalidInput({"password": " ".join(exc.messages)}) from exc


def _create(
    *,
    actor: Any,
    person: Person,
    origin: str,
    phone: str,
    password: str | None,
    must_change: bool,
) -> LearnerAccount:
    if LearnerAccount.objects.filter(person=person).exists():
        raise Conflict(_("This person already has a learner account."))
    if person.status != PersonStatus.LIVING_HERE:
        raise Conflict(_("Only a person living here can have a learner account."))
    clean_phone = _clean_phone(phone)
    if password is not None:
        _check_password(
            password, User(username=learner_username(person), full_name=person.full_name)
        )
    username = learner_username(person)
    try:
        # a savepoint: on PostgreSQL a failed INSERT spoils the rest of the transaction
        with transaction.atomic():
            user = sign_in_user_create(
                username=username, full_name=person.full_name, password=password
            )
    except IntegrityError as exc:
        # The name is kept for this account, but a user created before officers' names were
        # checked (or a concurrent request) may hold it.
        raise Conflict(
            _("The user name “%(name)s” of this person's learner account is taken by another "
              "user: ask an administrator.") % {"name": username}
        ) from exc  # fmt: skip
    account = LearnerAccount.objects.create(
        user=user,
        person=person,
        phone=clean_phone,
        origin=origin,
        must_change_password=must_change,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        actor=actor if origin != AccountOrigin.SELF_SIGNUP else user,
        action="learner_account.create",
        target=account,
        changes={
            "person": mask_national_id(person.national_id),
            "origin": origin,
            "phone": bool(clean_phone),
        },
        unit_id=person.village_id,
    )
    return account


@transaction.atomic
def learner_account_create(
    *, actor: Any, person: Person, phone: str = ""
) -> tuple[LearnerAccount, str]:
    """An officer creates the account of a person in scope; returns it with a temporary
    password to hand over (the learner changes it at first sign-in)."""
    if not person_in_scope(actor, person.pk, Perm.MANAGE_LEARNERS):
        raise PermissionDenied(_("You may not create accounts for this person."))
    password = temporary_password()
    account = _create(
        actor=actor,
        person=person,
        origin=AccountOrigin.OFFICER,
        phone=phone,
        password=password,
        must_change=True,
    )
    return account, password


def learner_signup(
    *, national_id: str, birth_date: datetime.date | None, password: str, phone: str = ""
) -> LearnerAccount:
    """A resident signs up: the ID number and birth date must match a person of the register
    who lives here and has no account yet. The message never says which of the two was wrong
    (that would let anyone probe the register), and after a few wrong tries for one ID number
    or from one address, no more are checked this hour (`hoctap.accounts.throttle`): so the
    failure is counted outside the transaction that creates the account."""
    number = "".join((national_id or "").split())
    tried = {"name": number, "address": throttle.client_address()}
    if throttle.attempts_blocked("sign_up", tried):
        raise InvalidInput(str(throttle.TOO_MANY_ATTEMPTS))
    person = (
        Person.objects.filter(national_id=number, birth_date=birth_date).first()
        if birth_date
        else None
    )
    if person is None or person.status != PersonStatus.LIVING_HERE:
        throttle.attempt_failed("sign_up", tried)
        raise InvalidInput(
            _(
                "No resident with this ID number and birth date is registered. Check both, or "
                "ask your commune's officer to register you."
            )
        )
    with transaction.atomic():
        if LearnerAccount.objects.filter(person=person).exists():
            raise Conflict(
                _("You already have an account: sign in with your ID number, or ask an officer "
                  "to reset your password.")
            )  # fmt: skip
        return _create(
            actor=None,
            person=person,
            origin=AccountOrigin.SELF_SIGNUP,
            phone=phone,
            password=password,
            must_change=False,
        )


def _require_change_by_officer(actor: Any, account: LearnerAccount, message: str) -> None:
    """An officer's learner permission covers a plain learner account. A learner user who also
    holds roles (an instructor, an officer) or is staff is changed only by whoever manages
    users over all of those roles (ADR 0007): resetting their password would otherwise hand
    their roles to the officer who resets it."""
    if not person_in_scope(actor, account.person_id, Perm.MANAGE_LEARNERS):
        raise PermissionDenied(message)
    user = account.user
    if user.is_staff or user.is_superuser or RoleGrant.objects.filter(user_id=user.pk).exists():
        require_manage_user(actor, user, message)


@transaction.atomic
def learner_password_reset(*, actor: Any, account: LearnerAccount) -> str:
    """An officer sets a new temporary password, returned once; the learner must change it."""
    _require_change_by_officer(actor, account, _("You may not reset this account's password."))
    password = temporary_password()
    user = account.user
    user.set_password(password)
    user.save(update_fields=["password"])
    account.must_change_password = True
    account.save(update_fields=["must_change_password", "updated_at"])
    audit_record(
        actor=actor,
        action="learner_account.reset_password",
        target=account,
        changes={},
        unit_id=account.person.village_id,
    )
    return password


@transaction.atomic
def learner_password_change(
    *, actor: Any, account: LearnerAccount, current_password: str, new_password: str
) -> LearnerAccount:
    """The learner changes their own password (required after a temporary one)."""
    user = account.user
    if getattr(actor, "pk", None) != user.pk:
        raise PermissionDenied(_("You may only change your own password."))
    errors: dict[str, str] = {}
    if not user.check_password(current_password):
        errors["current_password"] = _("The current password is not right.")
    if new_password == current_password:
        errors["new_password"] = _("Choose a password other than the current one.")
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        errors["new_password"] = " ".join(exc.messages)
    if errors:
        raise InvalidInput(errors)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    account.must_change_password = False
    account.save(update_fields=["must_change_password", "updated_at"])
    audit_record(
        actor=actor,
        action="learner_account.change_password",
        target=account,
        changes={},
        unit_id=account.person.village_id,
    )
    return account


@transaction.atomic
def learner_phone_set(*, actor: Any, account: LearnerAccount, phone: str) -> LearnerAccount:
    """The learner (or an officer in scope) sets the phone they sign in with ("" removes it)."""
    if getattr(actor, "pk", None) != account.user_id:
        _require_change_by_officer(actor, account, _("You may not change this account."))
    clean = _clean_phone(phone, account=account)
    if clean != account.phone:
        account.phone = clean
        account.save(update_fields=["phone", "updated_at"])
        audit_record(
            actor=actor,
            action="learner_account.set_phone",
            target=account,
            changes={"phone": bool(clean)},
            unit_id=account.person.village_id,
        )
    return account
