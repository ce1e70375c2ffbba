"""The import pages through the HTTP client: upload → errors or preview → confirm → done, the
error report, who may import, whose jobs one sees, and the background check's progress."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

from hoctap.accounts.models import User
from hoctap.audit.models import AuditEntry
from hoctap.conftest import World
from hoctap.imports.models import ImportJob, ImportStatus
from hoctap.imports.tests.helpers import persons_csv, xlsx_bytes
from hoctap.registry.models import Person

pytestmark = pytest.mark.django_db

PERSONS = (
    "national_id,full_name,birth_date,sex,ethnicity,village_code,household_code,relation_to_head"
)
DB_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


class CommittingClient(Client):
    """A test client whose requests run the callbacks queued on commit (the tasks), as they
    run in production once the request's transaction commits; the test's own transaction
    never commits."""

    capture: Any = None

    def request(self, **request: Any) -> Any:
        with self.capture(execute=True):
            return super().request(**request)


@pytest.fixture(autouse=True)
def _commits(django_capture_on_commit_callbacks: Any) -> None:
    CommittingClient.capture = django_capture_on_commit_callbacks


def signed_in(user: User, language: str = "en") -> Client:
    client = CommittingClient()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def english(user: User) -> Client:
    return signed_in(user)


def text(response: Any) -> str:
    return response.content.decode()


def upload(
    client: Client, content: str | bytes, *, name: str = "persons.csv", kind: str = "persons"
) -> Any:
    data = content.encode() if isinstance(content, str) else content
    file = SimpleUploadedFile(name, data)
    return client.post(reverse("imports:import_new"), {"kind": kind, "file": file})


def job_of(response: Any) -> ImportJob:
    assert response.status_code == 302, text(response)
    return ImportJob.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))


def snapshot() -> tuple[int, ...]:
    return (
        Person.objects.count(),
        AuditEntry.objects.exclude(action__startswith="import.").count(),
    )


# ---------------------------------------------------------------------------------------------
# Upload → errors → fixed file → preview → confirm → done
# ---------------------------------------------------------------------------------------------


def test_a_file_with_an_error_shows_the_error_table_and_the_error_csv(world: World) -> None:
    client = english(world.officer_a)
    before = snapshot()
    job = job_of(upload(client, persons_csv(world, fixed=False)))
    page = client.get(reverse("imports:import_detail", args=[job.pk]))
    assert page.status_code == 200
    body = text(page)
    assert "Rejected" in body
    assert "1 error found; nothing was imported." in body
    assert '<td class="num">3</td>' in body  # the row as the sheet shows it
    assert "<code>national_id</code>" in body
    assert "010191002222" in body
    assert "Confirm the import" not in body
    assert snapshot() == before

    report = client.get(reverse("imports:import_errors_csv", args=[job.pk]))
    assert report.status_code == 200
    assert report["Content-Type"].startswith("text/csv")
    assert f'filename="import-{job.pk}-errors.csv"' in report["Content-Disposition"]
    assert "no-store" in report["Cache-Control"]
    csv_text = b"".join(report.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    lines = csv_text.splitlines()
    assert lines[0] == "Row,Column,Value,Problem"
    assert lines[1].startswith("3,national_id,010191002222,")
    assert len(lines) == 2
    # the report may hold ID numbers in full: each download is audited
    entry = AuditEntry.objects.get(action="import.errors_download", target_id=str(job.pk))
    assert (entry.actor, entry.changes) == (world.officer_a, {"errors": 1})

    # a rejected import cannot be confirmed, even by posting directly
    confirm = client.post(reverse("imports:import_confirm", args=[job.pk]), follow=True)
    assert "Only a validated import without errors can be confirmed." in text(confirm)
    assert ImportJob.objects.get(pk=job.pk).status == ImportStatus.REJECTED
    assert snapshot() == before


def test_the_fixed_file_previews_then_confirms_then_reimports_unchanged(world: World) -> None:
    client = english(world.officer_a)
    before = snapshot()
    job = job_of(upload(client, persons_csv(world, fixed=True)))
    preview = text(client.get(reverse("imports:import_detail", args=[job.pk])))
    assert "The file is correct: 2 rows checked. Nothing has been written yet." in preview
    assert 'Will be created</dt><dd data-count="created">2</dd>' in preview
    assert 'data-count="updated">0<' in preview
    assert "Confirm the import" in preview
    assert snapshot() == before  # the preview writes no record

    done = client.post(reverse("imports:import_confirm", args=[job.pk]), follow=True)
    body = text(done)
    assert "The import is finished: 2 rows." in body
    assert 'Added</dt><dd data-count="created">2</dd>' in body
    assert ImportJob.objects.get(pk=job.pk).status == ImportStatus.DONE
    dung = Person.objects.get(national_id="010191002222")
    assert (dung.full_name, dung.village, dung.sex) == ("Lê Thị Dung", world.village_a, "female")
    assert Person.objects.get(national_id="010090001111").household == world.household_a
    assert AuditEntry.objects.filter(action="person.create").count() >= 2
    assert AuditEntry.objects.filter(action="import.confirm", actor=world.officer_a).count() == 1

    # the same file again: every row unchanged, nothing to write
    again = job_of(upload(client, persons_csv(world, fixed=True)))
    body = text(client.get(reverse("imports:import_detail", args=[again.pk])))
    assert 'data-count="created">0<' in body
    assert 'Unchanged</dt><dd data-count="unchanged">2</dd>' in body
    assert "importing it changes nothing" in body


def test_the_page_keeps_the_first_200_errors_and_the_csv_has_them_all(world: World) -> None:
    client = english(world.officer_a)
    lines = ["household_code,village_code", *(f"HH-X-{n:04},99999" for n in range(205))]
    job = job_of(upload(client, "\n".join(lines), kind="households", name="ho.csv"))
    body = text(client.get(reverse("imports:import_detail", args=[job.pk])))
    assert "205 errors found; nothing was imported." in body
    assert "The first 200 errors" in body
    assert "And 5 more errors in the CSV file." in body
    assert "Download all 205 errors (CSV)" in body
    assert body.count("<code>village_code</code>") == 200
    report = client.get(reverse("imports:import_errors_csv", args=[job.pk]))
    rows = b"".join(report.streaming_content).decode("utf-8-sig").splitlines()  # type: ignore[attr-defined]
    assert len(rows) == 1 + 205
    assert rows[-1].startswith("206,village_code,99999,")


def test_an_xlsx_file_is_imported_too(world: World) -> None:
    client = english(world.officer_a)
    rows = [line.split(",") for line in persons_csv(world, fixed=True).splitlines()]
    job = job_of(upload(client, xlsx_bytes(rows).getvalue(), name="Nhân khẩu.XLSX"))
    assert ImportJob.objects.get(pk=job.pk).status == ImportStatus.VALIDATED
    assert job.file_name == "Nhân khẩu.XLSX"


def test_a_file_that_is_not_what_its_name_says_is_rejected_with_a_file_error(
    world: World,
) -> None:
    client = english(world.officer_a)
    job = job_of(upload(client, b"\xd0\xcf\x11\xe0 an old xls workbook", name="old.csv"))
    job.refresh_from_db()
    assert (job.status, job.errors[0]["row"]) == (ImportStatus.REJECTED, 0)
    body = text(client.get(reverse("imports:import_detail", args=[job.pk])))
    # a file-level error: the worker writes it in the site's language (Vietnamese)
    message = job.errors[0]["message"]
    cells = '<td class="num">file</td>\n      <td>—</td>\n      <td>—</td>\n      '
    assert f"{cells}<td>{message}</td>" in body


# ---------------------------------------------------------------------------------------------
# The upload form
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("persons.xls", b"anything", "Only CSV (.csv) and Excel (.xlsx) files can be imported"),
        (
            "persons.txt",
            b"national_id\n",
            "Only CSV (.csv) and Excel (.xlsx) files can be imported",
        ),
        ("persons.csv", b"", "The file is empty."),
    ],
)
def test_a_wrong_or_empty_file_is_refused_on_the_form(
    world: World, name: str, content: bytes, message: str
) -> None:
    client = english(world.officer_a)
    response = upload(client, content, name=name)
    assert response.status_code == 200
    assert message in text(response)
    assert not ImportJob.objects.exists()


def test_no_file_and_an_unknown_kind_are_refused_on_the_form(world: World) -> None:
    client = english(world.officer_a)
    response = client.post(reverse("imports:import_new"), {"kind": "persons"})
    assert "Choose a CSV or XLSX file." in text(response)
    refused = upload(client, "a,b\n", kind="fund_entries")
    assert "Select a valid choice." in text(refused)
    assert not ImportJob.objects.exists()


@override_settings(HOCTAP_IMPORT_MAX_UPLOAD_MB=1)
def test_a_file_over_the_size_limit_is_refused(world: World) -> None:
    client = english(world.officer_a)
    response = upload(client, PERSONS + "\n" + "x" * (1024 * 1024))
    assert "The file is larger than 1.0\xa0MB." in text(response)
    assert not ImportJob.objects.exists()


def test_the_form_offers_the_kinds_the_user_may_import_with_their_columns(world: World) -> None:
    officer = text(english(world.officer_a).get(reverse("imports:import_new") + "?kind=persons"))
    for kind in ("units", "organisations", "clans", "households", "persons", "memberships"):
        assert f'<option value="{kind}"' in officer
    assert '<option value="persons" selected>' in officer
    assert "số định danh cá nhân" in officer  # a Vietnamese header accepted for national_id
    assert 'enctype="multipart/form-data"' in officer
    # an organisation officer manages organisations only
    org_officer = text(english(world.org_officer_b).get(reverse("imports:import_new")))
    assert '<option value="organisations"' in org_officer
    assert '<option value="persons"' not in org_officer


def test_a_kind_the_user_may_not_import_is_not_offered_nor_accepted(world: World) -> None:
    client = english(world.org_officer_b)
    response = upload(client, "clan_code,name,commune_code\nHO-X,Họ X,04465\n", kind="clans")
    assert response.status_code == 200
    assert "Select a valid choice." in text(response)
    assert not ImportJob.objects.exists()


# ---------------------------------------------------------------------------------------------
# Who may import, whose imports one sees
# ---------------------------------------------------------------------------------------------


def test_a_user_who_may_import_nothing_gets_403_and_no_menu_entry(world: World) -> None:
    client = english(world.viewer)
    assert client.get(reverse("imports:import_list")).status_code == 403
    assert client.get(reverse("imports:import_new")).status_code == 403
    refused = upload(client, persons_csv(world, fixed=True))
    assert refused.status_code == 403
    assert not ImportJob.objects.exists()
    home = text(client.get(reverse("accounts:home")))
    assert reverse("imports:import_list") not in home
    officer_home = text(english(world.officer_a).get(reverse("accounts:home")))
    assert f'href="{reverse("imports:import_list")}"' in officer_home


def test_anonymous_visitors_are_sent_to_sign_in(world: World) -> None:
    response = Client().get(reverse("imports:import_list"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_another_users_import_is_not_found_and_cannot_be_confirmed(world: World) -> None:
    job = job_of(upload(english(world.officer_a), persons_csv(world, fixed=True)))
    before = snapshot()
    for user in (world.officer_b, world.sysadmin_a, world.admin):
        client = english(user)
        for name in ("import_detail", "import_progress", "import_errors_csv"):
            assert client.get(reverse(f"imports:{name}", args=[job.pk])).status_code == 404
        assert client.post(reverse("imports:import_confirm", args=[job.pk])).status_code == 404
        assert str(job.file_name) not in text(client.get(reverse("imports:import_list")))
    assert ImportJob.objects.get(pk=job.pk).status == ImportStatus.VALIDATED
    assert snapshot() == before


def test_an_import_without_errors_has_no_error_report(world: World) -> None:
    client = english(world.officer_a)
    job = job_of(upload(client, persons_csv(world, fixed=True)))
    assert client.get(reverse("imports:import_errors_csv", args=[job.pk])).status_code == 404


def test_the_confirm_address_answers_post_only(world: World) -> None:
    client = english(world.officer_a)
    job = job_of(upload(client, persons_csv(world, fixed=True)))
    assert client.get(reverse("imports:import_confirm", args=[job.pk])).status_code == 405
    assert ImportJob.objects.get(pk=job.pk).status == ImportStatus.VALIDATED


# ---------------------------------------------------------------------------------------------
# The list
# ---------------------------------------------------------------------------------------------


def test_the_list_shows_ones_own_imports_newest_first_with_counts(
    world: World, django_assert_max_num_queries: Any
) -> None:
    officer = english(world.officer_a)
    first = job_of(upload(officer, persons_csv(world, fixed=False), name="first.csv"))
    second = job_of(upload(officer, persons_csv(world, fixed=True), name="second.csv"))
    job_of(
        upload(
            english(world.officer_b),
            "clan_code,name,commune_code\n",
            kind="clans",
            name="theirs.csv",
        )
    )
    with django_assert_max_num_queries(8):
        response = officer.get(reverse("imports:import_list"))
    body = text(response)
    assert body.index("second.csv") < body.index("first.csv")
    assert "theirs.csv" not in body
    assert reverse("imports:import_detail", args=[first.pk]) in body
    assert reverse("imports:import_detail", args=[second.pk]) in body
    assert "Rejected" in body
    assert "Validated" in body
    assert "2 results" in body


def test_the_list_is_paginated_and_its_query_count_does_not_grow(
    world: World, django_assert_max_num_queries: Any
) -> None:
    ImportJob.objects.bulk_create(
        ImportJob(kind="persons", file_name=f"f{n}.csv", actor=world.officer_a) for n in range(60)
    )
    client = english(world.officer_a)
    with django_assert_max_num_queries(8):
        first = text(client.get(reverse("imports:import_list")))
    assert "60 results" in first
    assert "Page 1 of 3" in first
    second = text(client.get(reverse("imports:import_list") + "?page=2"))
    assert "Page 2 of 3" in second


def test_numbers_are_shown_the_vietnamese_way(world: World) -> None:
    client = signed_in(world.officer_a, "vi")  # the default language
    job = job_of(upload(client, persons_csv(world, fixed=True)))
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.DONE, rows_total=1234567, created_count=1234000, unchanged_count=567
    )
    body = text(client.get(reverse("imports:import_detail", args=[job.pk])))
    assert 'data-count="created">1.234.000<' in body
    assert "1.234.567" in body
    listing = text(client.get(reverse("imports:import_list")))
    assert "1.234.567" in listing


# ---------------------------------------------------------------------------------------------
# The background check and its progress
# ---------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DB_QUEUE)
def test_the_check_runs_in_the_background_and_the_page_follows_its_progress(
    world: World,
) -> None:
    client = english(world.officer_a)
    job = job_of(upload(client, persons_csv(world, fixed=True)))
    assert ImportJob.objects.get(pk=job.pk).status == ImportStatus.UPLOADED
    page = text(client.get(reverse("imports:import_detail", args=[job.pk])))
    progress_url = reverse("imports:import_progress", args=[job.pk])
    assert f'data-progress-url="{progress_url}"' in page
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in page
    assert "Checking the file: 0 rows checked so far." in page
    progress = client.get(progress_url)
    assert progress["Cache-Control"].startswith("max-age=0")
    assert progress.json() == {
        "status": "uploaded",
        "finished": False,
        "done": 0,
        "total": None,
        "text": "Checking the file: 0 rows checked so far.",
    }

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert client.get(progress_url).json()["finished"] is True
    done = text(client.get(reverse("imports:import_detail", args=[job.pk])))
    assert "data-progress-url" not in done
    assert "http-equiv" not in done
    assert "Confirm the import" in done

    client.post(reverse("imports:import_confirm", args=[job.pk]))
    queued = client.get(progress_url).json()
    assert (queued["status"], queued["finished"]) == ("queued", False)
    assert "Waiting for the import to start." in text(
        client.get(reverse("imports:import_detail", args=[job.pk]))
    )
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert client.get(progress_url).json()["status"] == "done"
    assert Person.objects.filter(national_id="010191002222").exists()


def test_the_validate_task_is_safe_to_run_twice(world: World) -> None:
    from hoctap.imports.tasks import import_validate_task

    client = english(world.officer_a)
    job = job_of(upload(client, persons_csv(world, fixed=True)))
    checked_at = ImportJob.objects.get(pk=job.pk).validated_at
    result = import_validate_task.enqueue(job.pk).return_value
    assert result is not None
    assert (result["status"], result["created"]) == ("validated", 2)
    assert ImportJob.objects.get(pk=job.pk).validated_at == checked_at  # not checked again
    assert import_validate_task.enqueue(987654).return_value == {"status": None}


def test_a_running_import_shows_rows_of_total(world: World) -> None:
    client = english(world.officer_a)
    job = job_of(upload(client, persons_csv(world, fixed=True)))
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.RUNNING, rows_done=1500, rows_total=3000
    )
    page = text(client.get(reverse("imports:import_detail", args=[job.pk])))
    assert '<progress max="3000" value="1500">' in page
    assert "Importing: 1,500 of 3,000 rows checked again before writing." in page
    data = client.get(reverse("imports:import_progress", args=[job.pk])).json()
    assert (data["done"], data["total"]) == (1500, 3000)


def test_a_failed_import_shows_its_message(world: World) -> None:
    client = english(world.officer_a)
    job = job_of(upload(client, persons_csv(world, fixed=True)))
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.FAILED, message="The data changed while importing."
    )
    body = text(client.get(reverse("imports:import_detail", args=[job.pk])))
    assert "The import failed" in body
    assert "Nothing was written. The data changed while importing." in body


def test_upload_is_audited(world: World) -> None:
    client = english(world.officer_a)
    job = job_of(upload(client, persons_csv(world, fixed=True), name="nhan-khau.csv"))
    entry = AuditEntry.objects.get(action="import.upload", target_id=str(job.pk))
    assert entry.actor == world.officer_a
    assert entry.changes == {"kind": "persons", "file": "nhan-khau.csv"}


def test_the_background_check_writes_its_messages_in_the_uploaders_language(
    world: World,
) -> None:
    from django.utils import translation

    from hoctap.imports.tasks import import_validate_task

    bad = persons_csv(world, fixed=False)
    jobs = {lang: job_of(upload(signed_in(world.officer_a, lang), bad)) for lang in ("en", "vi")}
    messages = {}
    for lang, job in jobs.items():
        # the worker runs in whatever language its process has: here the other one
        ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.UPLOADED)
        with translation.override("vi" if lang == "en" else "en"):
            import_validate_task.enqueue(job.pk)
        checked = ImportJob.objects.get(pk=job.pk)
        assert checked.language == lang
        messages[lang] = checked.errors[0]["message"]
    assert messages["en"].startswith("Digits 5–6 (91) must be")
    assert messages["vi"] != messages["en"]
    assert "91" in messages["vi"]
