"""`hoctap demo [--province 15] [--scale small|province] [--seed N] [--if-empty]`."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from hoctap.core import request_context
from hoctap.demo import services
from hoctap.geo.models import AdminUnit


class Command(BaseCommand):
    help = "Load demo data for a real province (official communes, villages, organisations, users)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--province", default=settings.HOCTAP_DEMO_PROVINCE)
        parser.add_argument("--scale", choices=["small", "province"], default="small")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing but print the login if data exists."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        with request_context.bound(channel="cli"):
            if options["if_empty"] and AdminUnit.objects.exists():
                # Never add the demo administrator (a published password) to a database that
                # already holds data: it may be a real one.
                self.stdout.write("The database already has data: demo not loaded again.")
            else:
                services.demo_admin_ensure()

                def progress(step: str, seconds: float, note: str) -> None:
                    self.stdout.write(f"  {step:<34} {seconds:8.1f} s  {note}".rstrip())

                result = services.demo_build(
                    province_code=options["province"],
                    scale=options["scale"],
                    seed=options["seed"],
                    progress=progress,
                )
                self.stdout.write(
                    f"Demo for province {options['province']}: {result.communes} communes, "
                    f"{result.villages:,} villages, {result.organisations:,} organisations, "
                    f"{result.clans:,} clans, {result.households:,} households, "
                    f"{result.persons:,} persons, {result.memberships:,} memberships"
                )
                if result.registers_skipped:
                    self.stdout.write("  (the registers were already there: left as they were)")
                platforms = ", ".join(f"{p} {n:,}" for p, n in result.completions.items())
                self.stdout.write(
                    f"Learning: {result.courses} courses, {result.learner_accounts:,} learner "
                    f"accounts, {result.enrolments:,} enrolments "
                    f"({result.enrolments_completed:,} completed), "
                    f"{result.certificates:,} certificates; completions: {platforms or 'none'}"
                )
                if result.learning_skipped:
                    self.stdout.write(
                        "  (the learning records were there already: left as they are)"
                    )
                self.stdout.write(
                    f"Demo province {options['province']} ({options['scale']} scale): "
                    f"{result.persons:,} persons in {time.perf_counter() - started:.1f} s"
                )
                for username, role, scope in result.users:
                    self.stdout.write(f"  user {username:<12} {role:<22} on {scope}")
        login = services.demo_admin_login()
        if login:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Sign in at /login/ as {login} (the other demo users share the password)"
                )
            )
        else:
            self.stdout.write("Sign in with your own account (the demo login is not in use).")
            return  # no demo learners' ID numbers printed from a database that may be real
        learner = services.demo_learner_login(options["province"])
        if learner:
            self.stdout.write(
                self.style.SUCCESS(f"A demo learner signs in at /login/ with {learner}")
            )
        instructor = services.demo_instructor_login(options["province"])
        if instructor:
            self.stdout.write(
                self.style.SUCCESS(
                    f"The instructor of a running class signs in at /login/ with {instructor}"
                )
            )
