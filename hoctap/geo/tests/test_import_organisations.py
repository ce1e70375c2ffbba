import pytest

from hoctap.accounts.permissions import SYSTEM
from hoctap.audit.models import AuditEntry
from hoctap.geo.imports.organisations import organisations
from hoctap.geo.models import Organisation, OrganisationClosure
from hoctap.imports import services
from hoctap.imports.tests.conftest import _english  # noqa: F401 (messages in English)
from hoctap.imports.tests.helpers import counts, csv_bytes, located, xlsx_bytes

HEADER = "code,name,kind,unit_code,parent_code"
GOOD = (
    HEADER,
    "THPT-1,Trường THPT số 1,school,02647,SGDDT-15",
    "HKH-A,Hội Khuyến học Phường Lào Cai,association_body,02647,",
    "CHI-HKH-A,Chi hội thôn Cốc Lếu,association_body,02647,HKH-A",  # parent from row 3
)


def run(stream, actor=SYSTEM, **kwargs):
    return services.import_file(actor=actor, kind=organisations, stream=stream, **kwargs)


@pytest.mark.django_db
def test_organisations_are_created_with_parents_from_the_same_file(world):
    result = run(csv_bytes(*GOOD))
    assert (result.created, result.errors) == (3, [])
    branch = Organisation.objects.get(code="CHI-HKH-A")
    assert branch.parent is not None
    assert branch.parent.code == "HKH-A"
    assert set(
        OrganisationClosure.objects.filter(descendant=branch).values_list("ancestor__code", "depth")
    ) == {("CHI-HKH-A", 0), ("HKH-A", 1)}
    assert set(
        OrganisationClosure.objects.filter(ancestor=world.province_org).values_list(
            "descendant__code", flat=True
        )
    ) == {"SGDDT-15", "THCS-A", "THPT-1"}
    entry = AuditEntry.objects.get(action="organisation.create", target_id=str(branch.id))
    assert entry.organisation_id == branch.id
    assert entry.changes["parent"] == "HKH-A"


@pytest.mark.django_db
def test_reimport_unchanged_then_a_change_is_updated_and_audited(world):
    run(csv_bytes(*GOOD))
    before = counts()
    again = run(csv_bytes(*GOOD))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert counts() == before
    changed = run(csv_bytes(HEADER, "THPT-1,Trường THPT số 1 Lào Cai,school,02647,"))
    assert (changed.created, changed.updated) == (0, 1)
    school = Organisation.objects.get(code="THPT-1")
    assert (school.name, school.parent) == ("Trường THPT số 1 Lào Cai", None)
    entry = AuditEntry.objects.get(action="organisation.update", target_id=str(school.id))
    assert entry.changes == {
        "name": ["Trường THPT số 1", "Trường THPT số 1 Lào Cai"],
        "parent": ["SGDDT-15", None],
    }
    assert not OrganisationClosure.objects.filter(
        ancestor=world.province_org, descendant=school
    ).exists()


@pytest.mark.django_db
def test_bad_rows_are_all_reported_and_nothing_is_written(world):
    before = counts()
    result = run(
        csv_bytes(
            HEADER,
            "OK-1,Tốt,school,02647,",
            "X-1,Đơn vị lạ,school,99999,",  # unknown unit
            "X-2,Cha lạ,school,02647,NOPE",  # unknown parent
            "X-3,Cha sau,school,02647,X-4",  # parent only later in the file
            "X-4,Loại lạ,castle,02647,",  # unknown kind
            "OK-1,Trùng,school,02647,",  # same code twice
            "X-5,,school,02647,",  # empty required cell
            "TH-B,Đã có,school,02647,",  # code of an existing organisation (fine for SYSTEM)
            "X 6,Mã sai,school,02647,",  # bad code
        )
    )
    assert located(result) == [
        (3, "unit_code", "99999"),
        (4, "parent_code", "NOPE"),
        (5, "parent_code", "X-4"),
        (6, "kind", "castle"),
        (7, "code", "OK-1"),
        (8, "name", ""),
        (10, "code", "X 6"),
    ]
    assert counts() == before


@pytest.mark.django_db
def test_outside_the_scope_is_unknown_and_existing_codes_are_taken(world):
    before = counts()
    result = run(
        csv_bytes(
            HEADER,
            "A-1,Ở A,school,02647,",
            "B-1,Ở B,school,04465,",  # commune B: unknown to officer A
            "B-2,Dưới HKH-B,school,02647,HKH-B",  # an organisation of commune B
            "TH-B,Chiếm mã,school,02647,",  # the code exists outside their scope
        ),
        actor=world.officer_a,
    )
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (3, "unit_code", "Unknown unit code “04465”."),
        (4, "parent_code", "Unknown organisation code “HKH-B”."),
        (5, "code", "The code “TH-B” is already used."),
    ]
    assert counts() == before


@pytest.mark.django_db
def test_moving_into_a_cycle_fails_whole(world):
    before = counts()
    # SGDDT-15 under THCS-A, which is itself under SGDDT-15
    with pytest.raises(Exception, match="cycle"):
        run(csv_bytes(HEADER, "SGDDT-15,Sở Giáo dục và Đào tạo,provincial_department,15,THCS-A"))
    assert counts() == before


@pytest.mark.django_db
def test_xlsx_with_vietnamese_headers(world):
    result = run(
        xlsx_bytes(
            [
                ["Mã", "Tên", "Loại", "Mã đơn vị", "Mã tổ chức cha"],
                ["CA-15", "Công an tỉnh", "công an", "15", None],
                ["CA-A", "Công an phường", "police", "02647", "CA-15"],
            ]
        )
    )
    assert (result.created, result.errors) == (2, [])
    assert Organisation.objects.get(code="CA-A").parent == Organisation.objects.get(code="CA-15")
