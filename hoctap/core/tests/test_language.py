"""Vietnamese first: pages are Vietnamese unless the person chose English with the switcher."""

import datetime
import gettext

import pytest
from django.test import Client
from django.utils import formats, translation


@pytest.mark.django_db
def test_an_english_browser_still_gets_vietnamese_until_english_is_chosen():
    client = Client(headers={"Accept-Language": "en-US,en;q=0.9"})
    page = client.get("/login/")
    assert page["Content-Language"] == "vi"
    assert "Đăng nhập" in page.content.decode()

    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    page = client.get("/login/")
    assert page["Content-Language"] == "en"
    assert "Sign in" in page.content.decode()


def test_numbers_and_dates_are_written_the_vietnamese_way():
    with translation.override("vi"):
        assert formats.date_format(datetime.date(2026, 11, 22), "SHORT_DATE_FORMAT") == "22/11/2026"
        assert formats.number_format(1234567, force_grouping=False) == "1.234.567"
    with translation.override("en"):
        assert formats.number_format(1234567) == "1,234,567"


def _po_entries(path):
    """(msgid, msgid_plural, msgstr, flags, msgctxt) of each entry of a .po file (Vietnamese
    has one plural form, so a plural entry's msgstr is its `msgstr[0]`)."""
    entries: list[tuple[str, str, str, str, str]] = []
    parts: dict[str, list[str]] | None = None
    flags, target, context = "", "", ""
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if line.startswith("#,"):
            flags = line
        elif line.startswith("msgctxt "):
            context = line[8:].strip('"')
        elif line.startswith("msgid "):
            parts, target = {"id": [line[6:].strip('"')], "plural": [], "str": []}, "id"
        elif parts is not None and line.startswith("msgid_plural "):
            target = "plural"
            parts[target].append(line.split(" ", 1)[1].strip('"'))
        elif parts is not None and line.startswith(("msgstr ", "msgstr[0] ")):
            target = "str"
            parts[target].append(line.split(" ", 1)[1].strip('"'))
        elif parts is not None and line.startswith("msgstr["):
            target = ""  # further plural forms: none in Vietnamese
        elif line.startswith('"') and parts is not None and target:
            parts[target].append(line.strip('"'))
        elif not line.strip() and parts is not None:
            joined = {k: "".join(v) for k, v in parts.items()}
            entries.append((joined["id"], joined["plural"], joined["str"], flags, context))
            parts, flags, target, context = None, "", "", ""
    return entries


def test_every_message_has_a_vietnamese_translation():
    from pathlib import Path

    from django.conf import settings

    po = Path(settings.BASE_DIR) / "hoctap" / "locale" / "vi" / "LC_MESSAGES" / "django.po"
    entries = [e for e in _po_entries(po) if e[0]]  # the header has an empty msgid
    assert len(entries) > 200
    untranslated = [msgid for msgid, _plural, msgstr, _flags, _context in entries if not msgstr]
    fuzzy = [msgid for msgid, _plural, _msgstr, flags, _context in entries if "fuzzy" in flags]
    assert untranslated == []
    assert fuzzy == []
    # the compiled catalogue is the one the .po says (someone ran compilemessages)
    with po.with_suffix(".mo").open("rb") as mo_file:
        compiled = gettext.GNUTranslations(mo_file)
    stale = [
        msgid
        for msgid, plural, msgstr, _flags, context in entries
        if (
            compiled.ngettext(_unescape(msgid), _unescape(plural), 2)
            if plural
            else compiled.pgettext(context, _unescape(msgid))
            if context
            else compiled.gettext(_unescape(msgid))
        )
        != _unescape(msgstr)
    ]
    assert stale == []


def _unescape(text):
    return text.replace("\\n", "\n").replace('\\"', '"').replace("\\\\", "\\")


def test_the_audit_log_writes_stored_dates_and_numbers_the_readers_way():
    from hoctap.core.templatetags.ui import changes_summary

    changes = {
        "birth_date": ["1990-05-04", "1990-05-14"],
        "rows": 200000,
        "closed": "2026-11-22T03:05:00+00:00",
        "code": "02647",
        "note": "2026-13-45",
    }
    with translation.override("vi"):
        line = changes_summary(changes, "person.update")
    assert line.startswith(
        "birth_date: 04/05/1990 → 14/05/1990; rows: 200.000; closed: 10:05 22/11/2026"
    )
    assert "code: 02647; note: 2026-13-45" in line
    with translation.override("en"):
        assert "rows: 200,000" in changes_summary(changes, "person.update")
