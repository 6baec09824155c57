"""Every list page runs the same number of SQL queries with a few rows as with a community's worth:
nothing is fetched row by row. The rows come from bench/generate_city.py, as in the benchmarks."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench.generate_city import CommunityPlan, generate_community, write_community
from residents.models import FieldLogEntry, ResidentTag, Visit
from residents.models.snapshot import refresh_population
from tests.factories import CommunityFactory, GridUnitFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the generator loads rows with PostgreSQL COPY"
)

RESIDENTS = "residents:resident_list"
# (who, page, query string)
PAGES = [
    ("alice", RESIDENTS, {}),
    ("alice", RESIDENTS, {"age_group": "60+", "tags": "elderly_alone",
                          "residence_type": "registered"}),
    ("alice", RESIDENTS, {"q": "张"}),
    ("alice", RESIDENTS, {"q": "zjm"}),
    ("alice", RESIDENTS, {"q": "5678"}),
    ("alice", "residents:household_list", {}),
    ("alice", "residents:building_list", {}),
    ("alice", "residents:gridunit_list", {}),
    ("alice", "residents:fieldlogentry_list", {}),
    ("alice", "residents:visit_due", {}),
    ("alice", "residents:overview", {}),
    ("alice", "home", {}),
    ("gina", RESIDENTS, {}),
    ("gina", "residents:household_list", {}),
    ("gina", "residents:fieldlogentry_list", {}),
    ("gina", "residents:visit_due", {}),
    ("gina", "residents:overview", {}),
    ("bob", "residents:overview", {}),
    ("bob", "community_list", {}),
    ("bob", "residents:gridunit_list", {}),
    ("bob", "home", {}),
]  # fmt: skip


def grow(world) -> None:
    """150 generated residents in alice's community and 150 in a new one of the same street,
    with visits and field-log entries."""
    tag_ids = dict(ResidentTag.objects.values_list("code", "pk"))
    neighbour = CommunityFactory(street=world.street, code="370301001002")
    GridUnitFactory(community=neighbour, number=1)
    for seed, community in enumerate((world.community, neighbour), start=1):
        grid_units = tuple(community.grid_units.order_by("number").values_list("pk", flat=True))
        plan = CommunityPlan(community.pk, community.code, community.name, grid_units, 150, seed)
        rows = generate_community(plan, tag_ids)
        for building in rows.buildings:
            building.number = f"新{building.number}"  # after the fixture's buildings 1 and 2
        write_community(rows)
        for n, (b, household) in enumerate(rows.households[:30]):
            Visit.objects.create(community=community, household=household, visitor=world.gina,
                                 notes="走访")  # fmt: skip
            FieldLogEntry.objects.create(
                community=community, grid_unit_id=rows.buildings[b].grid_unit_id,
                building=rows.buildings[b], author=world.gina, seen=f"民情{n}",
            )  # fmt: skip
    refresh_population()  # as the hourly task would: COPY sends no signals


@pytest.mark.parametrize(("who", "page", "params"), PAGES)
def test_a_list_page_runs_as_many_queries_with_many_rows_as_with_few(
    client, world, who, page, params
):
    if params.get("tags"):
        params = {**params, "tags": ResidentTag.objects.get(code=params["tags"]).pk}
    url = reverse(page)
    client.force_login(getattr(world, who))
    client.get(url, params)  # the session's first activity stamp is written once

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, params).status_code == 200
        return len(captured.captured_queries)

    few = queries()
    grow(world)
    assert queries() == few
