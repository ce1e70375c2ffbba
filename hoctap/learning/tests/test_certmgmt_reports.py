"""The officers' learning reports: the numbers of each table (persons counted once, any
platform), the filters, the scope (commune A's officer never counts commune B), set-based
queries (the number of queries does not grow with the rows), the pages in Vietnamese number
format, the audited CSV / XLSX exports and the API (the same numbers as the pages)."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hoctap.accounts import services as accounts
from hoctap.accounts.permissions import SYSTEM
from hoctap.accounts.roles import Role
from hoctap.audit.models import AuditEntry
from hoctap.conftest import PASSWORD, World
from hoctap.core.errors import InvalidInput, PermissionDenied
from hoctap.geo import services as geo
from hoctap.geo.models import OrganisationKind
from hoctap.learning.selectors import reports
from hoctap.learning.selectors.reports import ReportFilters
from hoctap.learning.tests.certmgmt_data import add_persons, complete, offline_class
from hoctap.learning.tests.conftest import LearningWorld, build_course
from hoctap.registry import services as registry

pytestmark = pytest.mark.django_db

AsUser = Callable[[Any], Client]
NONE = ReportFilters()
EXTERNAL = "An toàn thông tin cho người dân"


@pytest.fixture
def done(learning: LearningWorld) -> LearningWorld:
    """person_a: KNS-01 online here and on the national portal; person_a2: an external course
    on a ministry platform; person_b (commune B): KNS-01 online."""
    w = learning.world
    complete(w.person_a, learning.course)
    complete(
        w.person_a, learning.course, channel="imported", platform="national_portal",
        on=datetime.date(2025, 8, 1),
    )  # fmt: skip
    complete(
        w.person_a2, None, title=EXTERNAL, channel="imported", platform="ministry_platform",
        on=datetime.date(2025, 10, 1),
    )  # fmt: skip
    complete(w.person_b, learning.course)
    return learning


def _by_key(table: reports.ReportTable, key: str = "code") -> dict[str, dict[str, Any]]:
    return {row[key]: row for row in table.rows}


# ---------------------------------------------------------------------------------------------
# Summary and by course
# ---------------------------------------------------------------------------------------------


def test_by_course_counts_persons_once_and_records_each(done: LearningWorld) -> None:
    w = done.world
    table = reports.report_by_course(actor=w.officer_a, filters=NONE)
    rows = _by_key(table, "title")
    assert set(rows) == {"Kỹ năng số cơ bản", EXTERNAL}
    kns = rows["Kỹ năng số cơ bản"]
    assert (kns["course_code"], kns["persons"], kns["records"]) == ("KNS-01", 1, 2)
    assert (kns["channel_online"], kns["channel_imported"]) == (1, 1)
    assert rows[EXTERNAL]["course_code"] == ""
    assert (table.total or {})["persons"] == 2
    assert (table.total or {})["records"] == 3
    # the province sees commune B too
    rows = _by_key(reports.report_by_course(actor=w.secretariat, filters=NONE), "title")
    assert (rows["Kỹ năng số cơ bản"]["persons"], rows["Kỹ năng số cơ bản"]["records"]) == (2, 3)


def test_filters_by_period_platform_and_channel(done: LearningWorld) -> None:
    w = done.world

    def records(**kw: Any) -> int:
        table = reports.report_by_course(actor=w.officer_a, filters=ReportFilters(**kw))
        return int((table.total or {})["records"])

    assert records(platform="national_portal") == 1
    assert records(channel="imported") == 2
    assert records(date_from=datetime.date(2025, 9, 1)) == 2
    assert records(date_to=datetime.date(2025, 8, 31)) == 1
    assert records(date_from=datetime.date(2025, 9, 1), date_to=datetime.date(2025, 9, 30)) == 1
    with pytest.raises(InvalidInput) as caught:
        records(date_from=datetime.date(2025, 9, 2), date_to=datetime.date(2025, 9, 1))
    assert "date_to" in caught.value.errors
    with pytest.raises(InvalidInput) as caught:
        records(platform="facebook")
    assert "platform" in caught.value.errors


def test_summary_by_platform(done: LearningWorld) -> None:
    table = reports.report_summary(actor=done.world.officer_a, filters=NONE)
    rows = _by_key(table, "platform")
    assert set(rows) == {"provincial_portal", "national_portal", "ministry_platform"}
    assert rows["provincial_portal"]["persons"] == 1
    assert ((table.total or {})["persons"], (table.total or {})["records"]) == (2, 3)


def test_without_the_view_right_every_report_is_refused(done: LearningWorld) -> None:
    treasurer = accounts.user_create(
        actor=SYSTEM, username="treasurer", role=Role.FUND_TREASURER, unit_code="15"
    )
    for call in (
        lambda: reports.report_summary(actor=treasurer, filters=NONE),
        lambda: reports.report_by_course(actor=treasurer, filters=NONE),
        lambda: reports.report_by_class(actor=treasurer, filters=NONE),
        lambda: reports.report_by_unit(actor=treasurer, unit_code="15", filters=NONE),
        lambda: reports.report_by_organisation(
            actor=treasurer, organisation_code="SGDDT-15", filters=NONE
        ),
    ):
        with pytest.raises(PermissionDenied):
            call()


# ---------------------------------------------------------------------------------------------
# By class
# ---------------------------------------------------------------------------------------------


def test_by_class_participants_completed_and_attendance(learning: LearningWorld) -> None:
    w = learning.world
    offline_class(
        "LOP-A-1", learning.course, w.village_a, [w.person_a, w.person_a2],
        present={w.person_a2.pk: 1}, completed=[w.person_a],
    )  # fmt: skip
    offline_class("LOP-B-1", learning.course, w.village_b, [w.person_b])
    table = reports.report_by_class(actor=w.officer_a, filters=NONE)
    rows = _by_key(table)
    assert set(rows) == {"LOP-A-1"}
    row = rows["LOP-A-1"]
    assert (row["sessions"], row["participants"], row["completed"]) == (2, 2, 1)
    assert (row["completed_share"], row["marks"], row["present"]) == (50.0, 4, 3)
    assert row["attendance_rate"] == 75.0
    assert set(_by_key(reports.report_by_class(actor=w.secretariat, filters=NONE))) == {
        "LOP-A-1",
        "LOP-B-1",
    }
    before = ReportFilters(date_to=datetime.date(2025, 1, 1))
    assert reports.report_by_class(actor=w.officer_a, filters=before).rows == []


# ---------------------------------------------------------------------------------------------
# By organisation
# ---------------------------------------------------------------------------------------------


def _command(world: World) -> None:
    """BCHQS-15 (province) with BCHQS-15-1 (commune A) and BCHQS-15-2 (commune B) beneath:
    person_b2 an officer of the command itself; person_a an officer and person_a2 a soldier of
    the first; person_a2 (again) and person_b soldiers of the second; person_a was a soldier
    of the second until 2025-08-01 (not a current member there)."""
    geo.organisation_create(
        actor=SYSTEM, code="BCHQS-15", name="Bộ Chỉ huy Quân sự tỉnh",
        kind=OrganisationKind.MILITARY_COMMAND, unit_code="15",
    )  # fmt: skip
    geo.organisation_create(
        actor=SYSTEM, code="BCHQS-15-1", name="Ban Chỉ huy Quân sự Phường Lào Cai",
        kind=OrganisationKind.MILITARY_COMMAND, unit_code=world.commune_a.code,
        parent_code="BCHQS-15",
    )  # fmt: skip
    geo.organisation_create(
        actor=SYSTEM, code="BCHQS-15-2", name="Ban Chỉ huy Quân sự Xã Khao Mang",
        kind=OrganisationKind.MILITARY_COMMAND, unit_code=world.commune_b.code,
        parent_code="BCHQS-15",
    )  # fmt: skip
    start = datetime.date(2025, 7, 1)
    for person, org, position, end in (
        (world.person_b2, "BCHQS-15", "officer", None),
        (world.person_a, "BCHQS-15-1", "officer", None),
        (world.person_a2, "BCHQS-15-1", "soldier", None),
        (world.person_a2, "BCHQS-15-2", "soldier", None),
        (world.person_b, "BCHQS-15-2", "soldier", None),
        (world.person_a, "BCHQS-15-2", "soldier", datetime.date(2025, 8, 1)),
    ):
        registry.membership_create(
            actor=SYSTEM, national_id=person.national_id, organisation_code=org,
            position=position, start_date=start, end_date=end,
        )  # fmt: skip


def test_by_organisation_counts_current_members_once_whatever_the_platform(
    learning: LearningWorld,
) -> None:
    w = learning.world
    _command(w)
    complete(w.person_a, learning.course)
    complete(w.person_b, None, title=EXTERNAL, channel="imported", platform="national_portal")
    table = reports.report_by_organisation(
        actor=w.secretariat, organisation_code="BCHQS-15", filters=NONE
    )
    assert table.total == {
        "code": "BCHQS-15", "name": "Bộ Chỉ huy Quân sự tỉnh",
        "members": 4, "trained": 2, "share": 50.0,
    }  # fmt: skip
    rows = {row["code"]: (row["members"], row["trained"], row["share"]) for row in table.rows}
    assert rows == {"BCHQS-15": (1, 0, 0.0), "BCHQS-15-1": (2, 1, 50.0), "BCHQS-15-2": (2, 1, 50.0)}
    soldiers = reports.report_by_organisation(
        actor=w.secretariat, organisation_code="BCHQS-15", position="soldier", filters=NONE
    )
    assert (soldiers.total or {})["members"] == 2  # person_a2 once, person_b
    on_portal = reports.report_by_organisation(
        actor=w.secretariat,
        organisation_code="BCHQS-15",
        filters=ReportFilters(platform="provincial_portal"),
    )
    assert (on_portal.total or {})["trained"] == 1
    # an organisation officer of the command sees all its members, wherever they live
    commander = accounts.user_create(
        actor=SYSTEM, username="bchqs", role=Role.ORG_OFFICER, organisation_code="BCHQS-15",
        password=PASSWORD,
    )  # fmt: skip
    assert reports.report_default_organisation(actor=commander).code == "BCHQS-15"  # type: ignore[union-attr]
    mine = reports.report_by_organisation(
        actor=commander, organisation_code="BCHQS-15", filters=NONE
    )
    assert (mine.total or {})["members"] == 4


def test_by_organisation_is_scoped(learning: LearningWorld) -> None:
    w = learning.world
    _command(w)
    complete(w.person_b, learning.course)
    # commune A's officer: the province's command and commune B's are unknown codes
    for code in ("BCHQS-15", "BCHQS-15-2", "NOWHERE"):
        with pytest.raises(InvalidInput) as caught:
            reports.report_by_organisation(actor=w.officer_a, organisation_code=code, filters=NONE)
        assert "organisation" in caught.value.errors
    table = reports.report_by_organisation(
        actor=w.officer_a, organisation_code="BCHQS-15-1", filters=NONE
    )
    assert ((table.total or {})["members"], (table.total or {})["trained"]) == (2, 0)
    with pytest.raises(InvalidInput) as caught:
        reports.report_by_organisation(
            actor=w.officer_a, organisation_code="BCHQS-15-1", position="general", filters=NONE
        )
    assert "position" in caught.value.errors


# ---------------------------------------------------------------------------------------------
# By unit
# ---------------------------------------------------------------------------------------------


def _residents(world: World) -> None:
    """In commune A, besides person_a and person_a2: a child (not an adult) and a man who
    moved away (not living here)."""
    registry.person_create(
        actor=SYSTEM, national_id="010215001111", full_name="Nguyễn Văn Nhỏ",
        birth_date=datetime.date(2015, 2, 2), sex="male", ethnicity="01",
        village_code=world.village_a.code, status_since=datetime.date(2025, 7, 1),
    )  # fmt: skip
    [gone] = add_persons(world.village_a, 1)
    registry.person_change_status(actor=SYSTEM, person=gone, status="moved_away")
    complete(gone, None, title=EXTERNAL, channel="imported", platform="other")


def test_by_unit_counts_adult_residents_trained(done: LearningWorld) -> None:
    w = done.world
    _residents(w)
    table = reports.report_by_unit(actor=w.secretariat, unit_code="15", filters=NONE)
    rows = {row["code"]: (row["adults"], row["trained"], row["share"]) for row in table.rows}
    assert rows == {w.commune_a.code: (2, 2, 100.0), w.commune_b.code: (2, 1, 50.0)}
    assert table.total is not None
    assert (table.total["adults"], table.total["trained"], table.total["share"]) == (4, 3, 75.0)
    # one level down: the commune's villages
    table = reports.report_by_unit(actor=w.secretariat, unit_code=w.commune_a.code, filters=NONE)
    assert [(r["code"], r["adults"]) for r in table.rows] == [(w.village_a.code, 2)]
    # a village is its own row
    table = reports.report_by_unit(actor=w.secretariat, unit_code=w.village_a.code, filters=NONE)
    assert [(r["code"], r["adults"], r["drill"]) for r in table.rows] == [
        (w.village_a.code, 2, False)
    ]
    on_portal = ReportFilters(platform="provincial_portal")
    table = reports.report_by_unit(actor=w.secretariat, unit_code="15", filters=on_portal)
    assert {row["code"]: row["trained"] for row in table.rows} == {
        w.commune_a.code: 1,
        w.commune_b.code: 1,
    }


def test_by_unit_is_scoped(done: LearningWorld) -> None:
    w = done.world
    table = reports.report_by_unit(actor=w.officer_a, filters=NONE)  # opens on commune A
    assert table.subject == w.commune_a
    assert [row["code"] for row in table.rows] == [w.village_a.code]
    for code in (w.commune_b.code, w.village_b.code, "15"):
        with pytest.raises(InvalidInput) as caught:
            reports.report_by_unit(actor=w.officer_a, unit_code=code, filters=NONE)
        assert "unit" in caught.value.errors
    # commune B's organisation officer counts the members of their association in commune B
    table = reports.report_by_unit(actor=w.org_officer_b, filters=NONE)
    assert (table.total or {})["adults"] == 1  # person_b, the member
    assert (table.total or {})["trained"] == 1


# ---------------------------------------------------------------------------------------------
# Set-based: the number of queries does not grow with the rows
# ---------------------------------------------------------------------------------------------


def _queries(call: Callable[[], Any]) -> int:
    call()  # warm the per-request caches (the actor's grants)
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured.captured_queries)


def test_grouped_reports_take_the_same_queries_for_many_rows(learning: LearningWorld) -> None:
    w = learning.world
    _command(w)
    actor = w.secretariat
    calls = {
        "course": lambda: reports.report_by_course(actor=actor, filters=NONE),
        "class": lambda: reports.report_by_class(actor=actor, filters=NONE),
        "organisation": lambda: reports.report_by_organisation(
            actor=actor, organisation_code="BCHQS-15", filters=NONE
        ),
        "unit": lambda: reports.report_by_unit(
            actor=actor, unit_code=w.commune_a.code, filters=NONE
        ),
    }
    complete(w.person_a, learning.course)
    offline_class("LOP-0", learning.course, w.village_a, [w.person_a])
    few = {name: _queries(call) for name, call in calls.items()}
    # many more rows of each table: courses, classes, child organisations, villages
    people = add_persons(w.village_a, 12)
    for n, person in enumerate(people):
        village = geo.village_create(actor=SYSTEM, parent_code=w.commune_a.code, name=f"Thôn {n}")
        registry.person_update(actor=SYSTEM, person=person, village_code=village.code)
        course = build_course(code=f"KNS-X{n}", lessons=1)
        complete(person, course)
        complete(person, None, title=f"Khoá ngoài {n}", channel="imported", platform="other")
        offline_class(f"LOP-{n + 1}", course, village, [person, w.person_a])
        geo.organisation_create(
            actor=SYSTEM, code=f"BCHQS-15-X{n}", name=f"Đơn vị {n}",
            kind=OrganisationKind.MILITARY_COMMAND, unit_code=village.code,
            parent_code="BCHQS-15",
        )  # fmt: skip
        registry.membership_create(
            actor=SYSTEM, national_id=person.national_id, organisation_code=f"BCHQS-15-X{n}",
            position="soldier", start_date=datetime.date(2025, 7, 1),
        )  # fmt: skip
    many = {name: _queries(call) for name, call in calls.items()}
    assert many == few
    assert len(calls["course"]().rows) == 1 + 12 * 2
    assert len(calls["class"]().rows) == 13
    assert len(calls["organisation"]().rows) == 2 + 12 + 1  # own members + children
    assert len(calls["unit"]().rows) == 13


# ---------------------------------------------------------------------------------------------
# Pages, exports, API
# ---------------------------------------------------------------------------------------------


def _english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _text(response: Any) -> str:
    return response.content.decode()


def test_pages_show_the_scope_with_vietnamese_numbers(done: LearningWorld, as_user: AsUser) -> None:
    w = done.world
    officer = as_user(w.officer_a)
    for name in ("reports", "report_by_course", "report_by_class", "report_by_unit"):
        response = officer.get(reverse(f"learning:{name}"))
        assert response.status_code == 200, name
        page = _text(response)
        assert "Zeta" not in page
        assert w.commune_b.code not in page
    page = _text(as_user(w.secretariat).get(reverse("learning:report_by_unit"), {"unit": "15"}))
    assert "75,0%" in page  # 3 of 4 adults, in Vietnamese
    assert f"?unit={w.commune_a.code}" in page  # drill down to the commune
    english = _text(_english(as_user(w.secretariat)).get(reverse("learning:report_by_unit")))
    assert "75.0%" in english
    # an organisation: asked for, then shown; an unknown code is an error on the form
    page = _text(_english(officer).get(reverse("learning:report_by_organisation")))
    assert "Choose an organisation." in page
    page = _text(officer.get(reverse("learning:report_by_organisation"), {"organisation": "HKH-B"}))
    assert "errorlist" in page
    assert "Khao Mang" not in page
    page = _text(
        officer.get(reverse("learning:report_by_course"), {"date_from": "2025-09-02",
                                                           "date_to": "2025-09-01"})
    )  # fmt: skip
    assert "errorlist" in page


def test_report_page_query_count(
    learning: LearningWorld, as_user: AsUser, django_assert_max_num_queries: Any
) -> None:
    w = learning.world
    client = as_user(w.officer_a)
    url = reverse("learning:report_by_course")
    complete(w.person_a, learning.course)
    client.get(url)
    with django_assert_max_num_queries(10) as few:
        client.get(url)
    for n, person in enumerate(add_persons(w.village_a, 15)):
        complete(person, None, title=f"Khoá ngoài {n}", channel="imported", platform="other")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert "Khoá ngoài 14" in _text(response)


def test_without_the_view_right_the_pages_and_api_are_refused(
    done: LearningWorld, as_user: AsUser
) -> None:
    treasurer = accounts.user_create(
        actor=SYSTEM, username="treasurer", role=Role.FUND_TREASURER, unit_code="15"
    )
    client = as_user(treasurer)
    entries = AuditEntry.objects.count()
    assert client.get(reverse("learning:reports")).status_code == 403
    assert client.get(reverse("learning:report_by_course_csv")).status_code == 403
    assert client.get("/api/v1/learning/reports/by-course").status_code == 403
    assert AuditEntry.objects.count() == entries


def test_csv_export_with_bom_scoped_and_audited(done: LearningWorld, as_user: AsUser) -> None:
    w = done.world
    client = _english(as_user(w.officer_a))
    entries = AuditEntry.objects.count()
    response = client.get(reverse("learning:report_by_course_csv"), {"channel": "imported"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    raw = response.content
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Course code,Course,Persons,Completions")
    assert any(EXTERNAL in line for line in lines)
    assert lines[-1].startswith(",All courses,2,2")
    assert "Zeta" not in raw.decode()
    assert AuditEntry.objects.count() == entries + 1
    entry = AuditEntry.objects.latest("id")
    assert entry.action == "learning_report.export"
    assert entry.unit_id == w.commune_a.pk
    assert entry.changes["report"] == "by-course"
    assert entry.changes["filters"] == ["channel=imported"]
    # in Vietnamese, a share is written with a decimal comma
    vietnamese = as_user(w.secretariat).get(reverse("learning:report_by_unit_csv"), {"unit": "15"})
    assert "75,0" in vietnamese.content.decode("utf-8-sig")


def test_xlsx_export(done: LearningWorld, as_user: AsUser) -> None:
    from openpyxl import load_workbook

    w = done.world
    response = as_user(w.secretariat).get(reverse("learning:report_by_unit_xlsx"), {"unit": "15"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[1][:4] == [w.commune_a.code, w.commune_a.name, 2, 2]
    assert values[-1][2:] == [4, 3, 0.75]
    assert AuditEntry.objects.filter(action="learning_report.export").count() == 1
    # an export that cannot be made: 400, nothing audited
    bad = as_user(w.officer_a).get(reverse("learning:report_by_unit_xlsx"), {"unit": "04465"})
    assert bad.status_code == 400
    assert AuditEntry.objects.filter(action="learning_report.export").count() == 1


def test_api_gives_the_numbers_of_the_pages(done: LearningWorld, as_user: AsUser) -> None:
    w = done.world
    _command(w)
    client = as_user(w.secretariat)
    api = "/api/v1/learning/reports"
    body = client.get(f"{api}/by-course").json()
    table = reports.report_by_course(actor=w.secretariat, filters=NONE)
    assert [(r["course_code"], r["persons"], r["records"]) for r in body["rows"]] == [
        (r["course_code"], r["persons"], r["records"]) for r in table.rows
    ]
    assert body["total"]["persons"] == 3
    body = client.get(f"{api}/by-organisation", {"organisation": "BCHQS-15", "position": "soldier"})
    assert body.status_code == 200
    assert body.json()["organisation"]["code"] == "BCHQS-15"
    assert body.json()["total"]["members"] == 2
    body = client.get(f"{api}/by-unit", {"unit": "15"}).json()
    assert body["unit"]["code"] == "15"
    assert body["total"] == {
        "code": "15", "name": "Lào Cai", "adults": 4, "trained": 3, "share": 75.0,
    }  # fmt: skip
    body = client.get(f"{api}/by-class").json()
    assert body["rows"] == []
    assert body["total"]["participants"] == 0
    assert client.get(f"{api}/summary").json()["total"]["records"] == 4
    # bad input names the field
    officer = as_user(w.officer_a)
    assert "organisation" in officer.get(f"{api}/by-organisation").json()["errors"]
    refused = officer.get(f"{api}/by-organisation", {"organisation": "BCHQS-15-2"})
    assert refused.status_code == 400
    assert "organisation" in refused.json()["errors"]
    refused = officer.get(f"{api}/by-unit", {"unit": w.commune_b.code})
    assert refused.status_code == 400
    assert "Zeta" not in refused.content.decode()
    assert officer.get(f"{api}/by-course", {"platform": "facebook"}).status_code == 400
    body = officer.get(f"{api}/by-unit").json()
    assert body["unit"]["code"] == w.commune_a.code
    assert body["total"]["adults"] == 2
