"""The bulk writer stores values exactly as the ORM would read them back, on either database."""

import datetime

import pytest
from django.db import transaction

from hoctap.core import bulk
from hoctap.registry.models import Clan


@pytest.mark.django_db
def test_bulk_insert_and_update_round_trip_through_the_orm(world):
    now = bulk.stored_now()
    commune = world.commune_a.id
    rows = [(f"BULK-{n}", f"Họ Thứ {n}", f"ho thu {n}", commune, now, now) for n in range(3)]
    fields = ("code", "name", "search_name", "commune", "created_at", "updated_at")
    with transaction.atomic():
        bulk.bulk_insert(Clan, fields, rows)
    clans = list(Clan.objects.filter(code__startswith="BULK-").order_by("code"))
    assert [(c.name, c.commune_id) for c in clans] == [(f"Họ Thứ {n}", commune) for n in range(3)]
    assert all(isinstance(c.created_at, datetime.datetime) and c.created_at.tzinfo for c in clans)
    ids = dict(bulk.rows_where_in(Clan, ("code", "id"), "code", ["BULK-0", "BULK-2", "NOT-THERE"]))
    assert ids == {"BULK-0": clans[0].id, "BULK-2": clans[2].id}
    with transaction.atomic():
        bulk.bulk_update(Clan, ("name", "search_name"), [("Họ Mới", "ho moi", clans[1].id)])
    clans[1].refresh_from_db()
    clans[0].refresh_from_db()
    assert (clans[1].name, clans[0].name) == ("Họ Mới", "Họ Thứ 0")


def test_fields_that_are_not_columns_are_refused():
    with pytest.raises(ValueError, match="not concrete fields"):
        bulk.bulk_insert(Clan, ("households",), [])


@pytest.mark.django_db
def test_bulk_insert_writes_every_row_across_several_statements(world):
    """SQLite writes a thousand rows per statement: 2,345 rows are two full statements and a
    shorter one, and every row lands once with its own values."""
    now = bulk.stored_now()
    commune = world.commune_a.id
    rows = [(f"MANY-{n:05}", f"Họ {n}", f"ho {n}", commune, now, now) for n in range(2345)]
    fields = ("code", "name", "search_name", "commune", "created_at", "updated_at")
    with transaction.atomic():
        assert bulk.bulk_insert(Clan, fields, iter(rows)) == 2345
    stored = dict(Clan.objects.filter(code__startswith="MANY-").values_list("code", "name"))
    assert stored == {code: name for code, name, *_rest in rows}


def test_gc_paused_nests_and_brings_the_collector_back():
    import gc

    assert gc.isenabled()
    with bulk.gc_paused() as collect_young:
        assert not gc.isenabled()
        with bulk.gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer block still runs
        collect_young()
    assert gc.isenabled()
    gc.disable()
    try:
        with bulk.gc_paused():
            pass
        assert not gc.isenabled()  # it was off before: it stays off
    finally:
        gc.enable()
