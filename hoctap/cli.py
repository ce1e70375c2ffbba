"""The `hoctap` command: Django's management commands under one name.

hoctap serve [--port N]            the web server and the task worker
hoctap units load-official         the official 34 provinces and 3,321 communes
hoctap units rebuild-closure       recompute the derived hierarchy tables
hoctap import KIND FILE            import a CSV/XLSX file (units, organisations, ...)
hoctap demo [--province 15]        demo data
hoctap learning load-frameworks    the digital-skills frameworks (reference data)
hoctap users add USERNAME --role ROLE (--unit CODE | --org CODE)
hoctap tokens create USERNAME      a new API token
hoctap tokens revoke USERNAME      revoke a user's tokens
hoctap migrate, hoctap shell, ...  any other Django command

The commands speak the site's language, Vietnamese; `HOCTAP_LANGUAGE=en` makes them speak
English (a language the site ships, see `LANGUAGES` in the settings).
"""

from __future__ import annotations

import os
import sys

LANGUAGE_VARIABLE = "HOCTAP_LANGUAGE"


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else ["hoctap", *argv])
    args[0] = "hoctap"
    language = os.environ.get(LANGUAGE_VARIABLE, "").strip()
    if not language:
        execute_from_command_line(args)
        return 0
    import django
    from django.conf import settings
    from django.utils import translation

    django.setup()
    if language not in dict(settings.LANGUAGES):
        known = ", ".join(dict(settings.LANGUAGES))
        sys.stderr.write(f"{LANGUAGE_VARIABLE}={language}: not one of {known}\n")
        return 2
    with translation.override(language):
        execute_from_command_line(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
