"""`hoctap demo [--province 15] [--scale small|province] [--seed N] [--if-empty]`."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from hoctap.core import request_context
from hoctap.core.formatting import show_number
from hoctap.demo import services
from hoctap.geo.models import AdminUnit
from hoctap.learning.models import Platform


class Command(BaseCommand):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # in the language the command runs in (see hoctap/cli.py)
        self.help = _(
            "Load demo data for a real province "
            "(official communes, villages, organisations, users)."
        )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--province", default=settings.HOCTAP_DEMO_PROVINCE)
        parser.add_argument("--scale", choices=["small", "province"], default="small")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help=_("Do nothing but print the login if data exists."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        with request_context.bound(channel="cli"):
            if options["if_empty"] and AdminUnit.objects.exists():
                # Never add the demo administrator (a published password) to a database that
                # already holds data: it may be a real one.
                self.stdout.write(_("The database already has data: demo not loaded again."))
            else:
                services.demo_admin_ensure()

                def progress(step: str, seconds: float, note: str) -> None:
                    took = _("%(seconds)s s") % {"seconds": show_number(seconds, 1)}
                    self.stdout.write(f"  {step:<48} {took:>10}  {note}".rstrip())

                result = services.demo_build(
                    province_code=options["province"],
                    scale=options["scale"],
                    seed=options["seed"],
                    progress=progress,
                )
                self.stdout.write(
                    _(
                        "Demo for province %(province)s: %(communes)s communes, "
                        "%(villages)s villages, %(organisations)s organisations, "
                        "%(clans)s clans, %(households)s households, %(persons)s persons, "
                        "%(memberships)s memberships"
                    )
                    % {
                        "province": options["province"],
                        "communes": show_number(result.communes),
                        "villages": show_number(result.villages),
                        "organisations": show_number(result.organisations),
                        "clans": show_number(result.clans),
                        "households": show_number(result.households),
                        "persons": show_number(result.persons),
                        "memberships": show_number(result.memberships),
                    }
                )
                if result.registers_skipped:
                    self.stdout.write(
                        "  " + _("(the registers were already there: left as they were)")
                    )
                platforms = ", ".join(
                    f"{Platform(p).label if p in Platform.values else p} {show_number(n)}"
                    for p, n in result.completions.items()
                )
                self.stdout.write(
                    _(
                        "Learning: %(courses)s courses, %(accounts)s learner accounts, "
                        "%(enrolments)s enrolments (%(completed)s completed), "
                        "%(certificates)s certificates; completions: %(platforms)s"
                    )
                    % {
                        "courses": show_number(result.courses),
                        "accounts": show_number(result.learner_accounts),
                        "enrolments": show_number(result.enrolments),
                        "completed": show_number(result.enrolments_completed),
                        "certificates": show_number(result.certificates),
                        "platforms": platforms or _("none"),
                    }
                )
                if result.learning_skipped:
                    self.stdout.write(
                        "  " + _("(the learning records were there already: left as they are)")
                    )
                self.stdout.write(
                    _(
                        "Demo province %(province)s (%(scale)s scale): "
                        "%(persons)s persons in %(seconds)s s"
                    )
                    % {
                        "province": options["province"],
                        "scale": options["scale"],
                        "persons": show_number(result.persons),
                        "seconds": show_number(time.perf_counter() - started, 1),
                    }
                )
                for username, role, scope in result.users:
                    self.stdout.write(
                        "  "
                        + _("user %(username)s %(role)s on %(scope)s")
                        % {"username": f"{username:<12}", "role": f"{role:<22}", "scope": scope}
                    )
        login = services.demo_admin_login()
        if login:
            self.stdout.write(
                self.style.SUCCESS(
                    _("Sign in at /login/ as %(login)s (the other demo users share the password)")
                    % {"login": login}
                )
            )
        else:
            self.stdout.write(_("Sign in with your own account (the demo login is not in use)."))
            return  # no demo learners' ID numbers printed from a database that may be real
        learner = services.demo_learner_login(options["province"])
        if learner:
            self.stdout.write(
                self.style.SUCCESS(
                    _("A demo learner signs in at /login/ with %(login)s") % {"login": learner}
                )
            )
        instructor = services.demo_instructor_login(options["province"])
        if instructor:
            self.stdout.write(
                self.style.SUCCESS(
                    _("The instructor of a running class signs in at /login/ with %(login)s")
                    % {"login": instructor}
                )
            )
