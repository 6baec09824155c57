"""The registry's figures for the monthly assessment: must-visit residents visited in time, counted
for the whole city in one query, and the residents behind the figure."""

import datetime

import pytest

from residents.choices import Status
from residents.metrics import must_visit
from residents.models import ResidentTag, Visit
from shequ.metrics import Period, metrics
from tests.factories import HouseholdFactory, ResidentFactory, VisitFactory

MARCH = Period(datetime.date(2026, 3, 1))  # 31 March minus 30 days is 1 March


@pytest.fixture
def tags(db):
    monthly = ResidentTag.objects.get(code="elderly_alone")  # every 30 days
    quarterly = ResidentTag.objects.create(code="quarterly", name="季度走访", visit_every_days=90)
    return monthly, quarterly


def _household_visited(world, on: datetime.date | None):
    household = HouseholdFactory(building=world.buildings[0])
    if on:
        VisitFactory(household=household, visitor=world.gina, visited_on=on)
    return household


def test_visits_in_time_counts_each_must_visit_resident_against_their_shortest_period(world, tags):
    monthly, quarterly = tags
    on_the_day = _household_visited(world, datetime.date(2026, 3, 1))
    day_before = _household_visited(world, datetime.date(2026, 2, 28))
    after_the_month = _household_visited(world, datetime.date(2026, 4, 1))
    both = [ResidentFactory(household=on_the_day, full_name=n, tags=[monthly]) for n in "甲乙"]
    late = ResidentFactory(household=day_before, full_name="丙", tags=[monthly])
    # Sixty days is in time for a quarterly tag, and late for a monthly one beside it.
    quarterly_only = ResidentFactory(
        household=_household_visited(world, datetime.date(2026, 1, 31)), full_name="丁",
        tags=[quarterly],
    )  # fmt: skip
    both_periods = ResidentFactory(
        household=_household_visited(world, datetime.date(2026, 1, 31)), full_name="戊",
        tags=[quarterly, monthly],
    )  # fmt: skip
    not_yet = ResidentFactory(household=after_the_month, full_name="己", tags=[monthly])
    ResidentFactory(household=on_the_day, full_name="无标签")  # no must-visit tag: not counted
    ResidentFactory(household=on_the_day, full_name="已故", tags=[monthly], status=Status.DECEASED,
                    status_changed_on=datetime.date(2026, 2, 1))  # fmt: skip
    never = ResidentFactory(household=_household_visited(world, None), full_name="庚",
                            tags=[quarterly])  # fmt: skip

    figures = metrics()["visits_in_time"].compute(MARCH)

    # The world's own: 王 (monthly), whose household was last visited in January.
    assert figures == {world.community.pk: (3, 8)}
    counted = {r.pk: r.last_visit for r in must_visit(MARCH).filter(community=world.community)}
    expected = [*both, late, quarterly_only, both_periods, not_yet, never, world.residents[1]]
    assert set(counted) == {r.pk for r in expected}
    assert counted[not_yet.pk] is None and counted[never.pk] is None
    assert counted[late.pk] == datetime.date(2026, 2, 28)


def test_every_community_is_counted_in_the_same_query(world, tags, django_assert_num_queries):
    for n in range(3):
        ResidentFactory(household=_household_visited(world, datetime.date(2026, 3, 2)),
                        full_name=f"必访{n}", tags=[tags[0]])  # fmt: skip
    other = HouseholdFactory(building__grid_unit__community=world.other_community)
    ResidentFactory(household=other, full_name="乙社区必访", tags=[tags[0]])
    Visit.objects.create(community=world.other_community, household=other,
                         visitor=world.charlie, visited_on=MARCH.last, notes="上门")  # fmt: skip
    # The tags' periods, then the figures of every community.
    with django_assert_num_queries(2):
        figures = metrics()["visits_in_time"].compute(MARCH)
    assert figures == {world.community.pk: (3, 4), world.other_community.pk: (1, 1)}
