"""`hoctap tokens create USERNAME [--name NAME]`: prints a new API token once.
`hoctap tokens revoke USERNAME [--prefix PREFIX]`: revokes a user's active tokens (all of them,
or the one whose key starts with PREFIX), audited as the system actor."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from hoctap.accounts import services
from hoctap.accounts.models import ApiToken, User
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
        revoke = sub.add_parser(
            "revoke", help=_("Revoke a user's active tokens (e.g. a token that leaked).")
        )
        revoke.add_argument("username")
        revoke.add_argument(
            "--prefix", default="", help=_("Only the token whose key starts with this.")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(_("No user named “%(name)s”.") % {"name": options["username"]})
        if options["action"] == "revoke":
            self._revoke(user, options["prefix"].strip())
            return
        with request_context.bound(channel="cli"):
            _token, key = services.token_create(actor=SYSTEM, user=user, name=options["name"])
        self.stdout.write(key)

    def _revoke(self, user: User, prefix: str) -> None:
        tokens = ApiToken.objects.filter(user=user, revoked_at__isnull=True).order_by("id")
        # the prefix the tokens page shows (hct_ and 6 more), or any longer part of the key
        chosen = [
            t
            for t in tokens
            if not prefix or prefix.startswith(t.prefix) or t.prefix.startswith(prefix)
        ]
        if not chosen:
            raise CommandError(_("%(name)s has no such active token.") % {"name": user.username})
        with request_context.bound(channel="cli"):
            for token in chosen:
                services.token_revoke(actor=SYSTEM, token=token)
                self.stdout.write(_("revoked %(prefix)s…") % {"prefix": token.prefix})
