"""`hoctap tokens create USERNAME [--name NAME]`: prints a new API token once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from hoctap.accounts import services
from hoctap.accounts.models import User
from hoctap.accounts.permissions import SYSTEM
from hoctap.core import request_context


class Command(BaseCommand):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # in the language the command runs in (see hoctap/cli.py)
        self.help = _("API tokens: create one for a user (shown once; only its hash is stored).")

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help=_("Create a token and print it."))
        create.add_argument("username")
        create.add_argument("--name", default="cli")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(_("No user named “%(name)s”.") % {"name": options["username"]})
        with request_context.bound(channel="cli"):
            _token, key = services.token_create(actor=SYSTEM, user=user, name=options["name"])
        self.stdout.write(key)
