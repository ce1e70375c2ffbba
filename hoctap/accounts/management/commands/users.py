"""`hoctap users add USERNAME --role ROLE (--unit CODE | --org CODE) [--password P]`."""

from __future__ import annotations

import secrets
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from hoctap.accounts import services
from hoctap.accounts.permissions import SYSTEM
from hoctap.accounts.roles import Role
from hoctap.core import request_context
from hoctap.core.errors import DomainError


class Command(BaseCommand):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # in the language the command runs in (see hoctap/cli.py)
        self.help = _("Users: add a user with a role on a unit or an organisation.")

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help=_("Add a user with a first role grant."))
        add.add_argument("username")
        add.add_argument("--role", required=True, choices=Role.values)
        scope = add.add_mutually_exclusive_group(required=True)
        scope.add_argument("--unit", help=_("Unit code the role is granted on."))
        scope.add_argument("--org", help=_("Organisation code the role is granted on."))
        add.add_argument("--password", help=_("Password (a random one is printed if omitted)."))
        add.add_argument("--full-name", default="")
        add.add_argument("--email", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        password = options["password"] or secrets.token_urlsafe(12)
        with request_context.bound(channel="cli"):
            try:
                user = services.user_create(
                    actor=SYSTEM,
                    username=options["username"],
                    role=options["role"],
                    unit_code=options["unit"],
                    organisation_code=options["org"],
                    password=password,
                    full_name=options["full_name"],
                    email=options["email"],
                )
            except DomainError as exc:
                raise CommandError(str(exc)) from exc
        self.stdout.write(
            _("created user %(username)s (%(role)s)")
            % {"username": user.username, "role": options["role"]}
        )
        if not options["password"]:
            self.stdout.write(_("password: %(password)s") % {"password": password})
