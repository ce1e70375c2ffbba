"""`hoctap serve`: gunicorn for the web app and the database task worker, stopped together."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _


class Command(BaseCommand):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # in the language the command runs in (see hoctap/cli.py)
        self.help = _(
            "Serve Hoctap with gunicorn (static files by WhiteNoise) and run the task worker."
        )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2"))
        )
        parser.add_argument("--threads", type=int, default=int(os.environ.get("WEB_THREADS", "4")))
        parser.add_argument(
            "--no-worker", action="store_true", help=_("Do not start the task worker.")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("collectstatic", "--noinput", verbosity=0)
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ["DJANGO_SETTINGS_MODULE"]}
        bind = f"{options['host']}:{options['port']}"
        web = subprocess.Popen(  # noqa: S603 - fixed argument list
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi:application",
                "--bind",
                bind,
                "--workers",
                str(options["workers"]),
                "--threads",
                str(options["threads"]),
                "--worker-class",
                "gthread",
                "--access-logfile",
                "-",
                "--graceful-timeout",
                "10",
            ],
            env=env,
        )
        processes = [web]
        if not options["no_worker"]:
            processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", "hoctap.cli", "db_worker", "--queue-name", "default"],
                    env=env,
                )
            )
        self.stdout.write(
            self.style.SUCCESS(
                _("Hoctap is serving at %(url)s (Ctrl+C stops it)") % {"url": f"http://{bind}/"}
            )
        )

        def stop(signum: int, frame: Any) -> None:
            for process in processes:
                if process.poll() is None:
                    process.terminate()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            while all(p.poll() is None for p in processes):
                time.sleep(0.5)
        finally:
            stop(signal.SIGTERM, None)
            for process in processes:
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
        if web.returncode not in (0, None, -signal.SIGTERM):
            raise SystemExit(web.returncode)
