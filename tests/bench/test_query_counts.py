"""Every list and detail page runs the same number of SQL queries with a few rows as with many:
nothing is fetched row by row. Both sizes take the same code path: the "few" world already has
two communities, the tags, visits and field-log entries the "many" world has, so no branch
(one community or several, an empty list, a prefetch with nothing to fetch) differs between the
two counts; and the larger page must show more rows, or the comparison proves nothing. The rows
come from bench/generate_city.py, as in the benchmarks."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench.generate_city import CommunityPlan, generate_community, write_community
from residents.models import ResidentTag
from residents.models.snapshot import refresh_population
from shequ.models import Community
from tests.factories import (
    CommunityFactory,
    FieldLogEntryFactory,
    GridUnitFactory,
    HouseholdFactory,
    ResidentFactory,
    VisitFactory,
)

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the generator loads rows with PostgreSQL COPY"
)

RESIDENTS = "residents:resident_list"
# What marks one row on each page: a link to the row (counted once per distinct id).
RESIDENT_ROW = r'href="/residents/(\d+)/"'
COMMUNITY_ROW = r'href="/communities/(\d+)/"'
ROWS = {
    RESIDENTS: RESIDENT_ROW,
    "residents:household_list": r'href="/residents/households/(\d+)/"',
    "residents:building_list": r'href="/residents/buildings/(\d+)/"',
    # The grid unit's code: officials get no link to the buildings of a grid unit.
    "residents:gridunit_list": r'font-monospace small">(\d+)</td>',
    "residents:fieldlogentry_list": r'href="/residents/field-log/(\d+)/"',
    "residents:visit_due": RESIDENT_ROW,
    "community_list": COMMUNITY_ROW,
    # An official's overview has a line per community; their home page a link per community.
    "residents:overview": r'href="\?community=(\d+)"',
    "home": COMMUNITY_ROW,
}
# Pages of counts for a community worker: no rows to count.
COUNTS_ONLY = {("alice", "residents:overview"), ("gina", "residents:overview"),
               ("alice", "home")}  # fmt: skip
# (who, page, query string)
PAGES = [
    ("alice", RESIDENTS, {}),
    ("alice", RESIDENTS, {"age_group": "60+", "tags": "elderly_alone",
                          "residence_type": "registered"}),
    ("alice", RESIDENTS, {"q": "张"}),
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


def populate(world, community: Community, residents: int, seed: int, label: str) -> None:
    """Generated residents, with visits and field-log entries, in one community's grid units.
    `label` keeps building and household numbers apart from earlier batches."""
    tag_ids = dict(ResidentTag.objects.values_list("code", "pk"))
    grid_units = tuple(community.grid_units.order_by("number").values_list("pk", flat=True))
    plan = CommunityPlan(community.pk, community.code, community.name, grid_units, residents, seed)
    rows = generate_community(plan, tag_ids)
    for building in rows.buildings:
        building.number = f"{label}{building.number}"
    for _, household in rows.households:
        household.number = f"{label}{household.number}"
    write_community(rows)
    for n, (b, household) in enumerate(rows.households[:30]):
        building = rows.buildings[b]
        VisitFactory(household=household, community=community, visitor=world.gina,
                     notes=f"走访{label}{n}")  # fmt: skip
        FieldLogEntryFactory(grid_unit=building.grid_unit, community=community, building=building,
                             author=world.gina, seen=f"民情{label}{n}")  # fmt: skip
    refresh_population([community.pk])  # as the hourly task would: COPY sends no signals


def few(world) -> None:
    """Two communities in alice's street (an official sees several either way), a few
    generated residents in each, with tags, visits and field-log entries."""
    neighbour = CommunityFactory(street=world.street, code="370301001002", name="邻社区")
    GridUnitFactory(community=neighbour, number=1)
    populate(world, world.community, 8, seed=1, label="少")
    populate(world, neighbour, 8, seed=2, label="少")


def many(world) -> None:
    """A community's worth more in both communities, more grid units and a third community."""
    for number in (3, 4, 5):
        GridUnitFactory(community=world.community, number=number)
    third = CommunityFactory(street=world.street, code="370301001003", name="远社区")
    GridUnitFactory(community=third, number=1)
    for seed, community in enumerate(world.street.communities.order_by("code"), start=3):
        populate(world, community, 150, seed=seed, label="多")
    # Must-visit residents in gina's grid unit, never visited, whose mobiles end like the
    # fixture's (5678).
    tag = ResidentTag.objects.get(code="elderly_alone")
    for n in range(5):
        ResidentFactory(household=world.households[0], tags=[tag], mobile=f"13{n}0005678")


def rows_shown(html: str, marker: str) -> int:
    return len(set(re.findall(marker, html)))


@pytest.mark.parametrize(("who", "page", "params"), PAGES)
def test_a_list_page_runs_as_many_queries_with_many_rows_as_with_few(
    client, world, who, page, params
):
    few(world)
    if params.get("tags"):
        params = {**params, "tags": ResidentTag.objects.get(code=params["tags"]).pk}
    url = reverse(page)
    client.force_login(getattr(world, who))
    client.get(url, params)  # the session's first activity stamp is written once

    def measure() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, params)
        assert response.status_code == 200
        return len(captured.captured_queries), response.content.decode()

    queries_few, html_few = measure()
    many(world)
    queries_many, html_many = measure()
    assert queries_many == queries_few
    if (who, page) not in COUNTS_ONLY:
        marker = ROWS[page]
        assert rows_shown(html_few, marker) >= 1
        assert rows_shown(html_many, marker) > rows_shown(html_few, marker)


def detail_queries(client, url: str) -> tuple[int, str]:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries), response.content.decode()


def test_the_building_floor_grid_runs_as_many_queries_with_a_full_building(client, world):
    building = world.buildings[0]  # 2 units, 6 floors
    household_row = r'href="/residents/households/(\d+)/"'
    client.force_login(world.alice)
    ResidentFactory(household=HouseholdFactory(building=building, unit=2, room="101"))
    few_queries, few_html = detail_queries(client, building.get_absolute_url())
    for floor in range(1, 7):
        for unit in (1, 2):
            if (unit, floor) not in ((1, 3), (2, 1)):  # 1单元301 and 2单元101 are taken
                household = HouseholdFactory(building=building, unit=unit, room=f"{floor}01")
                ResidentFactory.create_batch(2, household=household)
    many_queries, many_html = detail_queries(client, building.get_absolute_url())
    assert many_queries == few_queries
    assert rows_shown(few_html, household_row) == 2
    assert rows_shown(many_html, household_row) == 12


def test_the_household_page_runs_as_many_queries_with_many_members_and_visits(client, world):
    household = world.households[0]
    client.force_login(world.alice)
    few_queries, few_html = detail_queries(client, household.get_absolute_url())
    members = ResidentFactory.create_batch(10, household=household, relation_to_head="child")
    for n, member in enumerate(members):
        VisitFactory(household=household, visitor=world.gina, notes=f"多次走访{n}",
                     residents=[member])  # fmt: skip
        FieldLogEntryFactory(grid_unit=world.grid_units[0], author=world.gina,
                             seen=f"多条民情{n}", residents=[member])  # fmt: skip
    many_queries, many_html = detail_queries(client, household.get_absolute_url())
    assert many_queries == few_queries
    assert rows_shown(few_html, RESIDENT_ROW) == 2
    assert rows_shown(many_html, RESIDENT_ROW) == 12
    assert rows_shown(many_html, r"多次走访(\d+)") == 10
    assert rows_shown(many_html, r"多条民情(\d+)") == 10


def test_a_resident_with_a_long_history_runs_as_many_queries_as_a_new_one(client, world):
    resident = world.residents[0]
    client.force_login(world.alice)
    few_queries, few_html = detail_queries(client, resident.get_absolute_url())
    for n in range(25):
        resident.notes = f"第{n}次修改"
        resident.save()
        VisitFactory(household=resident.household, visitor=world.gina,
                     visited_on=datetime.date(2026, 2, 1) + datetime.timedelta(days=n),
                     notes=f"长期走访{n}", residents=[resident])  # fmt: skip
        FieldLogEntryFactory(grid_unit=world.grid_units[0], author=world.gina,
                             seen=f"长期民情{n}", residents=[resident])  # fmt: skip
    many_queries, many_html = detail_queries(client, resident.get_absolute_url())
    assert many_queries == few_queries
    assert rows_shown(few_html, r"长期走访(\d+)") == 0
    assert rows_shown(many_html, r"长期走访(\d+)") == 20  # the latest 20
    assert rows_shown(many_html, r"长期民情(\d+)") == 20
    assert "第24次修改" in many_html
