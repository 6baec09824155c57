"""The population overview: who may open it, what each role counts, the officials' snapshot
(grouped, sorted, exported) and how it stays equal to a live count."""

import datetime
import io

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from residents import tasks
from residents.choices import (
    AGE_BOUNDS,
    AGE_PARTITION,
    AgeGroup,
    ResidenceStatus,
    ResidenceType,
    Status,
)
from residents.models import PopulationSnapshot, Resident, ResidentTag
from residents.models.snapshot import (
    AGE_FIELDS,
    BREAKDOWNS,
    COUNTS,
    STATUS_FIELDS,
    TYPE_FIELDS,
    count_population,
    refresh_population,
)
from residents.services import residents_import
from shequ.models import Role
from tests.conftest import SECRET
from tests.factories import (
    BuildingFactory,
    CommunityFactory,
    GridUnitFactory,
    HouseholdFactory,
    ResidentFactory,
    StreetFactory,
    UserFactory,
    assign,
    valid_id_number,
)
from tests.residents.test_excel import person, xlsx

OVERVIEW = reverse("residents:overview")


@pytest.fixture
def enqueued(monkeypatch) -> list[list[int]]:
    """Refreshes enqueued after commit, run at once as a worker would."""
    calls: list[list[int]] = []

    def delay(community_ids, requested_at=None):
        calls.append(community_ids)
        tasks.population_refresh(community_ids, requested_at)

    monkeypatch.setattr(tasks.population_refresh, "delay", delay)
    return calls


def populate(community, residents: int) -> None:
    unit = GridUnitFactory(community=community)
    household = HouseholdFactory(building=BuildingFactory(grid_unit=unit))
    ResidentFactory.create_batch(residents, household=household)


def snapshot_equals_live_count(community) -> None:
    stored = PopulationSnapshot.objects.get(community=community)
    live = count_population(Resident.objects.filter(community=community))[community.pk]
    for field in (*COUNTS, *BREAKDOWNS):
        assert getattr(stored, field) == getattr(live, field), field


# --- Who may open it --------------------------------------------------------------------------


def test_a_resident_account_and_a_user_without_roles_get_404(client, world):
    resident = UserFactory()
    assign(resident, Role.RESIDENT, world.community)
    for user in (resident, UserFactory()):
        client.force_login(user)
        assert client.get(OVERVIEW).status_code == 404
        assert client.get(OVERVIEW, {"export": "xlsx"}).status_code == 404


def test_community_staff_count_live_with_sensitive_tags_and_a_party_worker_without(client, world):
    released = ResidentTag.objects.get(code="released_prisoner")
    world.residents[2].tags.add(released)
    client.force_login(world.alice)
    response = client.get(OVERVIEW)
    assert response.context["live"] is True
    assert response.context["figures"].living == 3
    assert dict(response.context["tags"])[released.name] == 1
    assert "实时统计" in response.content.decode()

    party = UserFactory()
    assign(party, Role.PARTY_WORKER, world.community)
    client.force_login(party)
    response = client.get(OVERVIEW)
    assert response.context["figures"].living == 3
    assert released.name not in dict(response.context["tags"])
    assert released.name not in response.content.decode()


def test_a_grid_worker_counts_only_their_grid_units(client, world):
    client.force_login(world.gina)
    response = client.get(OVERVIEW)
    assert response.context["figures"].living == 2
    assert [(unit.pk, n) for unit, n in response.context["grid_units"]] == [
        (world.grid_units[0].pk, 2)
    ]
    assert world.grid_units[1].name not in response.content.decode()


def test_an_official_reads_counts_but_no_names_and_no_sensitive_groups(client, world):
    world.residents[2].tags.add(ResidentTag.objects.get(code="released_prisoner"))
    client.force_login(world.bob)
    response = client.get(OVERVIEW)
    html = response.content.decode()
    assert response.context["live"] is False
    assert response.context["figures"].living == 3
    assert all(resident.name not in html for resident in world.residents)
    assert "刑释解教人员" not in html
    assert "数据截至" in html


def test_an_official_of_another_district_sees_none_of_these_figures(client, world):
    populate(world.other_community, 5)
    stranger = UserFactory()
    assign(stranger, Role.OFFICIAL, world.other_community.street.district)
    refresh_population()
    client.force_login(stranger)
    response = client.get(OVERVIEW)
    assert response.context["figures"].living == 5
    assert SECRET not in response.content.decode()
    export = client.get(OVERVIEW, {"export": "xlsx"})
    cells = [c for row in load_workbook(io.BytesIO(export.content)).active.values for c in row]
    assert not any(SECRET in str(cell) for cell in cells)
    assert client.get(OVERVIEW, {"community": world.community.pk}).status_code == 404
    assert client.get(OVERVIEW, {"street": world.street.pk}).status_code == 404


@pytest.mark.parametrize("query", [{"community": "abc"}, {"street": "1e3"}, {"sort": "pk;--"},
                                   {"community": "²"}, {"q": "x" * 500},
                                   {"q": "\x00", "export": "\x00"}])  # fmt: skip
def test_junk_in_the_query_string_is_no_filter(client, world, query):
    client.force_login(world.bob)
    response = client.get(OVERVIEW, query)
    assert response.status_code == 200
    assert response.context["chosen"] is None


# --- Age groups -------------------------------------------------------------------------------

TODAYS = [
    datetime.date(2026, 6, 15),
    datetime.date(2028, 2, 29),  # a leap day: born on 28 February and 1 March around it
    datetime.date(2027, 2, 28),  # the day before a leap-day child's birthday in a common year
    datetime.date(2027, 3, 1),
]


@pytest.mark.parametrize("today", TODAYS)
def test_the_age_groups_partition_the_living_whatever_the_day(world, today):
    household = world.households[0]
    births = {datetime.date(2031, 1, 1), datetime.date(2024, 2, 29), datetime.date(2020, 2, 29)}
    for years in (0, 6, 7, 17, 18, 59, 60, 79, 80, 101):
        for shift in (-1, 0, 1):
            try:
                birthday = today.replace(year=today.year - years)
            except ValueError:
                birthday = today.replace(year=today.year - years, day=28)
            births.add(birthday + datetime.timedelta(days=shift))
    for birth in births:
        ResidentFactory(household=household, birth_date=birth)
    living = Resident.objects.filter(community=world.community, status=Status.LIVING)

    for resident in living:
        groups = [g for g in AGE_PARTITION if living.in_age_group(g, today).filter(pk=resident.pk)]
        assert len(groups) == 1, (resident.birth_date, groups)
        low, high = AGE_BOUNDS[groups[0]]
        age = resident.age(today)
        assert (low is None or age >= low) and (high is None or age <= high), (age, groups)

    snapshot = count_population(living, today)[world.community.pk]
    by_age = [getattr(snapshot, AGE_FIELDS[g]) for g in AGE_PARTITION]
    assert sum(by_age) == snapshot.living == living.count()
    assert snapshot.age(AgeGroup.ELDERLY) == snapshot.age_60_79 + snapshot.age_80_plus


def test_every_coded_value_has_its_snapshot_column():
    assert set(TYPE_FIELDS) == set(ResidenceType)
    assert set(STATUS_FIELDS) == set(ResidenceStatus)
    assert set(AGE_FIELDS) == set(AGE_PARTITION)
    assert {f.name for f in PopulationSnapshot._meta.fields} >= set(COUNTS)


def test_the_page_shows_60_plus_as_the_sum_of_the_older_groups(client, world):
    client.force_login(world.alice)
    by_age = client.get(OVERVIEW).context["by_age"]
    labels = [label for label, _n, _is_sum in by_age]
    assert labels[-1] == "60 岁及以上（合计）"
    assert sum(n for _label, n, is_sum in by_age if not is_sum) == 3
    assert [n for _label, n, is_sum in by_age if is_sum] == [2]


# --- The official's district: snapshot, grouping, sorting, export -----------------------------


@pytest.fixture
def district(world):
    """bob's district with a second street: 甲 street has alice's community and 甲二社区 (4
    living), 乙 street has 乙一 (2) and 乙二 (6)."""
    second = CommunityFactory(street=world.street, name="甲二社区", code="370301001002")
    populate(second, 4)
    other_street = StreetFactory(district=world.district, name="乙街道", code="370301002")
    small = CommunityFactory(street=other_street, name="乙一社区", code="370301002001")
    big = CommunityFactory(street=other_street, name="乙二社区", code="370301002002")
    populate(small, 2)
    populate(big, 6)
    return {"second": second, "street": other_street, "small": small, "big": big}


def community_lines(response) -> list[str]:
    return [line.label for line in response.context["lines"] if line.kind == "community"]


def test_the_district_is_grouped_by_street_with_subtotals_that_add_up(client, world, district):
    client.force_login(world.bob)
    response = client.get(OVERVIEW)
    lines = response.context["lines"]
    assert [(line.kind, line.label, line.figures.living) for line in lines] == [
        ("street", world.street.name, 7),
        ("community", world.community.name, 3),
        ("community", "甲二社区", 4),
        ("street", "乙街道", 8),
        ("community", "乙一社区", 2),
        ("community", "乙二社区", 6),
        ("total", "合计", 15),
    ]
    total = lines[-1].figures
    streets = [line.figures for line in lines if line.kind == "street"]
    for field in COUNTS:
        assert getattr(total, field) == sum(getattr(street, field) for street in streets), field
    assert response.context["figures"].living == 15
    assert "乙街道 小计" in response.content.decode()


def test_columns_sort_communities_within_streets_and_streets_by_subtotal(client, world, district):
    client.force_login(world.bob)
    response = client.get(OVERVIEW, {"sort": "-living"})
    assert community_lines(response) == ["乙二社区", "乙一社区", "甲二社区", world.community.name]
    response = client.get(OVERVIEW, {"sort": "age_elderly"})
    elderly = [line.figures.age(AgeGroup.ELDERLY) for line in response.context["lines"]]
    assert elderly[1] <= elderly[2] and elderly[4] <= elderly[5]
    header = response.content.decode()
    assert "?sort=-age_elderly" in header  # a second click reverses


def test_a_street_then_a_community_replace_the_long_picker(client, world, district):
    client.force_login(world.bob)
    response = client.get(OVERVIEW, {"street": district["street"].pk})
    assert community_lines(response) == ["乙一社区", "乙二社区"]
    assert [c.name for c in response.context["street_communities"]] == ["乙一社区", "乙二社区"]
    assert response.context["figures"].living == 8
    response = client.get(OVERVIEW, {"community": district["big"].pk})
    assert response.context["chosen"] == district["big"]
    assert response.context["figures"].living == 6
    assert [n for _unit, n in response.context["grid_units"]] == [6]
    assert community_lines(
        client.get(OVERVIEW, {"q": "社区", "street": district["street"].pk})
    ) == [
        "乙一社区",
        "乙二社区",
    ]
    assert client.get(OVERVIEW, {"q": "乙二"}).context["figures"].living == 6


def test_the_overview_runs_a_fixed_number_of_queries_for_2_or_20_communities(client, world):
    client.force_login(world.bob)
    populate(CommunityFactory(street=world.street, code="370301001002"), 2)
    refresh_population()
    client.get(OVERVIEW)  # the session's first request has its own queries

    def measured() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(OVERVIEW)
        return len(ctx.captured_queries), len(response.context["lines"])

    queries_for_2, rows_for_2 = measured()
    for n in range(3, 21):
        street = world.street if n % 2 else StreetFactory(district=world.district)
        populate(CommunityFactory(street=street, code=f"{street.code}{n:03d}"), 2)
    refresh_population()
    queries_for_20, rows_for_20 = measured()
    assert queries_for_20 == queries_for_2
    assert rows_for_20 > rows_for_2 + 18


def test_the_export_has_the_pages_rows_and_figures_as_text_and_numbers(client, world, district):
    district["big"].name = "=乙二\x0b社区"  # a formula and a vertical tab pasted from Word
    district["big"].save()
    client.force_login(world.bob)
    response = client.get(OVERVIEW, {"export": "xlsx", "sort": "-living"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][1].startswith("数据截至")
    living = rows[2].index("在住居民")
    elderly = rows[2].index("60 岁及以上（合计）")
    body = {(row[0], row[1]): row for row in rows[3:]}
    assert body[("乙街道", "小计")][living] == 8
    assert body[("乙街道", "=乙二社区")][living] == 6
    assert body[("合计", None)][living] == 15
    assert body[(world.street.name, world.community.name)][elderly] == 2
    names = [row[1] for row in rows[3:]]
    assert names.index("=乙二社区") < names.index("乙一社区")  # sorted as on the page
    formula_cell = next(cell for cell in sheet["B"] if cell.value == "=乙二社区")
    assert formula_cell.data_type == "s"


# --- Keeping the snapshot equal to a live count -----------------------------------------------


def test_every_change_refreshes_its_community_once_after_commit(
    world, district, enqueued, django_capture_on_commit_callbacks
):
    refresh_population()
    tag = ResidentTag.objects.get(code="disabled")
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        newcomer = ResidentFactory(
            household=world.households[1], birth_date=datetime.date(2020, 2, 29)
        )
        newcomer.tags.add(tag)
        moved = world.residents[0]
        moved.status, moved.status_changed_on = Status.MOVED_OUT, datetime.date(2026, 1, 1)
        moved.save()
        Resident.objects.get(pk=world.residents[1].pk).tags.clear()
        populate(district["small"], 1)
        moved_building = world.buildings[1]
        moved_building.grid_unit = world.grid_units[0]
        moved_building.save()
    assert enqueued == [sorted([world.community.pk, district["small"].pk])]
    snapshot_equals_live_count(world.community)
    snapshot_equals_live_count(district["small"])
    stored = PopulationSnapshot.objects.get(community=world.community)
    assert (stored.living, stored.moved_out, stored.by_tag) == (3, 1, {str(tag.pk): 1})
    assert stored.by_grid_unit == {str(world.grid_units[0].pk): 3}


def test_a_rolled_back_change_enqueues_nothing(world, enqueued, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        ResidentFactory(household=world.households[0])
        raise RuntimeError
    assert enqueued == []


def test_an_import_refreshes_its_community(
    world, enqueued, django_capture_on_commit_callbacks
):  # fmt: skip
    refresh_population()
    file = xlsx([
        person(证件号码=valid_id_number("19600101", 41)),
        person(relation="配偶", name="钱小花", 证件号码=valid_id_number("19620202", 42)),
    ])  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        result = residents_import(user=world.alice, community=world.community, file=file)
    assert result.ok
    assert enqueued == [[world.community.pk]]
    snapshot_equals_live_count(world.community)
    assert PopulationSnapshot.objects.get(community=world.community).living == 5


def test_a_queued_refresh_is_skipped_when_a_later_one_already_ran(world, django_assert_num_queries):
    requested = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=1)
    refresh_population([world.community.pk])
    with django_assert_num_queries(1):
        assert tasks.population_refresh([world.community.pk], requested.isoformat()) == 0
    assert tasks.population_refresh([world.community.pk]) == 1


def test_the_hourly_refresh_counts_every_community_and_expires_before_the_next(settings, world):
    entry = settings.CELERY_BEAT_SCHEDULE["population-refresh"]
    assert entry["task"] == tasks.population_refresh.name
    assert entry["options"]["expires"] < 3600
    assert tasks.population_refresh() == 2  # alice's community and 乙社区, which has nobody
    assert PopulationSnapshot.objects.get(community=world.other_community).living == 0


def test_without_a_broker_the_refresh_runs_in_the_request_after_commit(
    world, django_capture_on_commit_callbacks
):
    from shequ.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        refresh_population()
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            ResidentFactory(household=world.households[0])
    finally:
        app.conf.task_always_eager = eager
    assert PopulationSnapshot.objects.get(community=world.community).living == 4
