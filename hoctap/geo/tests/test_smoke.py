from hoctap.geo.models import AdminUnit, UnitClosure


def test_world_builds_with_closure(world):
    # the village of commune B is beneath the province and commune B, not commune A
    rows = UnitClosure.objects.filter(descendant=world.village_b)
    ancestors = set(rows.values_list("ancestor__code", flat=True))
    assert ancestors == {"15", "04465", world.village_b.code}
    assert AdminUnit.objects.filter(parent=world.commune_a).count() == 1
