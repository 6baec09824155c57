"""Data steps of migrations, run on rows the older schema allowed."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("residents", "0004_resident_indexes")]
AFTER = [("residents", "0005_datasense_dates_heads_buildings_tag_history")]


@pytest.fixture
def latest_schema_after():
    """Going back to 0004 unapplies every app's migrations that depend on it: put them all back
    afterwards, whatever the test found, or the next tests meet missing tables."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_0005_keeps_one_living_head_and_normalises_building_numbers(latest_schema_after):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    district = apps.get_model("shequ", "District").objects.create(name="区", code="370301")
    street = apps.get_model("shequ", "Street").objects.create(
        district=district, name="街道", code="370301001"
    )
    community = apps.get_model("shequ", "Community").objects.create(
        street=street, name="社区", code="370301001001"
    )
    grid_unit = apps.get_model("shequ", "GridUnit").objects.create(
        community=community, number=1, name="第1网格"
    )
    Building = apps.get_model("residents", "Building")
    numbers = ["1", "1号楼", "２号楼", "10", "A座"]
    buildings = [
        Building.objects.create(community=community, grid_unit=grid_unit, number=n) for n in numbers
    ]
    household = apps.get_model("residents", "Household").objects.create(
        community=community, building=buildings[0], room="301", number="H1"
    )
    Resident = apps.get_model("residents", "Resident")
    heads = [
        Resident.objects.create(
            community=community, household=household, relation_to_head="head", name=name,
            sex="M", birth_date=datetime.date(1960, 1, 1),
        )
        for name in ("甲", "乙")
    ]  # fmt: skip

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)

    apps = executor.loader.project_state(AFTER).apps
    Building = apps.get_model("residents", "Building")
    # 1号楼 would collide with 1, so it is left for a person to merge; ２号楼 becomes 2.
    assert list(Building.objects.order_by("sort_key").values_list("number", flat=True)) == [
        "1", "1号楼", "2", "10", "A座",
    ]  # fmt: skip
    Resident = apps.get_model("residents", "Resident")
    relations = dict(Resident.objects.values_list("pk", "relation_to_head"))
    assert relations == {heads[0].pk: "head", heads[1].pk: "other"}
    household = apps.get_model("residents", "Household").objects.get()
    assert household.head_id == heads[0].pk
