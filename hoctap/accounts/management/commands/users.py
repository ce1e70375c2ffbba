"""`hoctap users add USERNAME --role ROLE (--unit CODE | --org CODE) [--password P]`."""

from __future__ import annotations

import secrets
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from hoctap.accounts import services
from hoctap.accounts.permissions import SYSTEM
from hoctap.accounts.roles import Role
from hoctap.core import request_context
from hoctap.core.errors import DomainError


class Command(BaseCommand):
    help = "Users: add a user with a role on a unit or an organisation."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="Add a user with a first role grant.")
        add.add_argument("username")
        add.add_argument("--role", required=True, choices=Role.values)
        scope = add.add_mutually_exclusive_group(required=True)
        scope.add_argument("--unit", help="Unit code the role is granted on.")
        scope.add_argument("--org", help="Organisation code the role is granted on.")
        add.add_argument("--password", help="Password (a random one is printed if omitted).")
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
        self.stdout.write(f"created user {user.username} ({options['role']})")
        if not options["password"]:
            self.stdout.write(f"password: {password}")
