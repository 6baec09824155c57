"""bench/generate_fieldwork.py: grid work the app itself could have recorded, by the grid workers
of each grid unit, and enough of it, unevenly kept, for the assessment's metrics to tell
communities apart."""

import datetime
import io
from contextlib import redirect_stdout

import pytest
from django.db import connection
from django.utils import timezone

from bench.generate_city import generate_city
from bench.generate_fieldwork import main as generate_fieldwork
from bench.generate_fieldwork import months_back
from residents.choices import Status
from residents.models import FieldLogEntry, Resident, Visit
from shequ.metrics import Period, metrics
from shequ.models import Community, GridUnit, Role, RoleAssignment

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the generator loads rows with PostgreSQL COPY"
)


def _generate(months: int = 3) -> str:
    out = io.StringIO()
    with redirect_stdout(out):
        generate_fieldwork(["--months", str(months), "--workers", "1", "--seed", "5"])
    return out.getvalue()


@pytest.fixture
def fieldwork(db):
    generate_city(communities=3, residents=1500, workers=1, seed=4, out=io.StringIO())
    _generate()


def _grid_workers() -> dict[int, set[int]]:
    workers: dict[int, set[int]] = {}
    for unit, user in RoleAssignment.objects.filter(role=Role.GRID_WORKER).values_list(
        "grid_unit", "user"
    ):
        workers.setdefault(unit, set()).add(user)
    return workers


def test_every_grid_unit_has_its_grid_worker_and_every_visit_is_by_one_of_them(fieldwork):
    workers = _grid_workers()
    assert set(workers) == set(GridUnit.objects.values_list("pk", flat=True))
    today = timezone.localdate()
    visits = Visit.objects.select_related("household__building")
    assert visits.count() > 500
    for visit in visits:
        assert visit.community_id == visit.household.community_id
        assert visit.visitor_id in workers[visit.household.building.grid_unit_id]
        assert months_back(4) <= visit.visited_on <= today


def test_a_visit_names_living_members_of_the_household_and_must_visit_ones_are_visited(fieldwork):
    named = Visit.residents.through.objects.values_list(
        "visit__household", "resident__household", "resident__status"
    )
    assert named
    assert all(visited == household and status == Status.LIVING
               for visited, household, status in named)  # fmt: skip
    must_visit = Resident.objects.filter(
        status=Status.LIVING, tags__visit_every_days__isnull=False
    ).values("household")
    assert set(Visit.objects.filter(household__in=must_visit).values_list("household", flat=True))


def test_field_log_entries_are_written_by_the_grid_units_workers_at_its_buildings(fieldwork):
    workers = _grid_workers()
    entries = FieldLogEntry.objects.select_related("building")
    assert entries.count() > 200
    for entry in entries:
        assert entry.author_id in workers[entry.grid_unit_id]
        assert entry.building is None or entry.building.grid_unit_id == entry.grid_unit_id
        assert entry.date <= timezone.localdate()
    mentioned = FieldLogEntry.residents.through.objects.values_list(
        "fieldlogentry__building", "resident__household__building"
    )
    assert mentioned
    assert all(at == home for at, home in mentioned)


def test_last_months_metrics_have_figures_for_every_community_and_not_all_perfect(fieldwork):
    period = Period.of(timezone.localdate()).previous
    communities = set(Community.objects.values_list("pk", flat=True))
    registry = metrics()
    visited = registry["visits_in_time"].compute(period)
    logged = registry["field_log_per_grid_worker"].compute(period)
    assert set(visited) == set(logged) == communities
    numerators, denominators = zip(*visited.values(), strict=True)
    assert 0 < sum(numerators) < sum(denominators)
    assert all(entries > 0 and workers > 0 for entries, workers in logged.values())


def test_a_second_run_adds_nothing(fieldwork):
    counts = (Visit.objects.count(), FieldLogEntry.objects.count(), RoleAssignment.objects.count())
    assert "nothing to do" in _generate()
    assert counts == (
        Visit.objects.count(), FieldLogEntry.objects.count(), RoleAssignment.objects.count()
    )  # fmt: skip


def test_the_window_starts_a_month_before_the_months_asked_for():
    today = timezone.localdate()
    start = months_back(13)
    assert start.day == 1
    assert (today.year - start.year) * 12 + today.month - start.month == 13
    assert start < today - datetime.timedelta(days=365)
