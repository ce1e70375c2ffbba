"""Record ids in links, form values and data attributes are never written as numbers.

With USE_THOUSAND_SEPARATOR a template prints `{{ person.pk }}` as "1.727" once the
table passes a thousand rows, and "?person=1.727" or `value="1.727"` no longer names
the record. Ids go through `|unlocalize`; quantities keep the Vietnamese grouping.
"""

import re
from pathlib import Path

from django.template import Context, Template
from django.utils import translation

import hoctap

PRINTED_ID = re.compile(r"\{\{ *([a-zA-Z_][\w.]*(?:\.pk|\.id|_id)) *\}\}")


def test_the_formatter_would_group_an_id_so_templates_must_not_leave_it_to_it():
    with translation.override("vi"):
        template = Template("{% load l10n %}{{ n }} {{ n|unlocalize }}")
        rendered = template.render(Context({"n": 1727}))
    assert rendered == "1.727 1727"


def test_no_template_prints_a_record_id_through_the_number_formatter():
    root = Path(hoctap.__file__).parent
    offenders = [
        f"{path.relative_to(root)}:{number}: {match.group(0)}"
        for path in sorted(root.rglob("templates/**/*.html"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        for match in PRINTED_ID.finditer(line)
        if not match.group(1).endswith(("auto_id", "national_id"))
    ]
    assert offenders == []
