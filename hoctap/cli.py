"""The `hoctap` command: Django's management commands under one name.

hoctap serve [--port N]            the web server and the task worker
hoctap units load-official         the official 34 provinces and 3,321 communes
hoctap units rebuild-closure       recompute the derived hierarchy tables
hoctap import KIND FILE            import a CSV/XLSX file (units, organisations, ...)
hoctap demo [--province 15]        demo data
hoctap learning load-frameworks    the digital-skills frameworks (reference data)
hoctap users add USERNAME --role ROLE (--unit CODE | --org CODE)
hoctap tokens create USERNAME      a new API token
hoctap migrate, hoctap shell, ...  any other Django command
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else ["hoctap", *argv])
    args[0] = "hoctap"
    execute_from_command_line(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
