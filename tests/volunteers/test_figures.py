"""The leaderboard (志愿服务排行) shows a community's approved hours of a month, names only of
those who allow it, to its organisers and residents; the participation overview (志愿服务参与情况)
gives officials each community's figures of their area, never a name."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from residents.models import Resident
from residents.models.snapshot import refresh_population
from shequ.models import Role
from tests.factories import (
    ActivityFactory,
    CommunityFactory,
    ResidentFactory,
    StreetFactory,
    UserFactory,
    VolunteerFactory,
    assign,
)
from volunteers.choices import RecordStatus
from volunteers.models import ServiceRecord, StarReached

BOARD = reverse("volunteers:leaderboard")
OVERVIEW = reverse("volunteers:participation")
OCTOBER = {"month": "2026-10"}


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def _served(volunteer, hours, *, day=datetime.date(2026, 10, 3), status=RecordStatus.APPROVED):
    return ServiceRecord.objects.create(
        community=volunteer.community, volunteer=volunteer, served_on=day, hours=Decimal(hours),
        description="清扫楼道", status=status,
    )  # fmt: skip


@pytest.fixture
def board(world, other_scopes):
    """October in 甲社区: 周 (named on the board) 8 h, 张 (the leader, anonymous) and rita's
    李 5 h each, a pending record and a September one that do not count; in 乙社区 a named
    volunteer with more hours than anyone."""
    leader, rita_volunteer = world.volunteers
    zhou = VolunteerFactory(
        resident=ResidentFactory(household=world.households[0], full_name="周公开"),
        show_on_leaderboard=True,
    )
    _served(zhou, 8)
    _served(leader, 3)
    _served(leader, 2, day=datetime.date(2026, 10, 31))
    _served(rita_volunteer, 5)
    _served(rita_volunteer, 9, status=RecordStatus.PENDING)
    _served(zhou, 20, day=datetime.date(2026, 9, 30))
    StarReached.objects.create(volunteer=zhou, level=1, reached_on=datetime.date(2026, 10, 3))
    StarReached.objects.create(volunteer=zhou, level=2, reached_on=datetime.date(2026, 11, 1))
    stranger = VolunteerFactory(
        resident=ResidentFactory(
            household__building__grid_unit__community=world.other_community, full_name="吴外社区"
        ),
        show_on_leaderboard=True,
    )
    _served(stranger, 24)
    return zhou, leader, rita_volunteer


def _rows(response) -> list[tuple]:
    return [(row.rank, row.name, row.hours, row.stars, row.own) for row in response.context["rows"]]


def test_ranks_by_approved_hours_and_hides_names_not_allowed(client, world, board):
    client.force_login(world.alice)
    response = client.get(BOARD, OCTOBER)
    assert response.status_code == 200
    assert _rows(response) == [
        (1, "周公开", Decimal(8), 1, False),  # the star reached in November is not October's
        (2, None, Decimal(5), 0, False),
        (2, None, Decimal(5), 0, False),
    ]
    text = _text(response)
    assert "周公开" in text and text.count("匿名志愿者") >= 2
    leader_name = world.volunteers[0].resident.name
    assert leader_name not in text and world.volunteers[1].resident.name not in text
    assert "吴外社区" not in text and "24" not in re.findall(r">\s*(\d+)\s*<", text)


def test_a_resident_reads_their_community_with_their_row_marked(client, world, board):
    client.force_login(world.rita)
    response = client.get(BOARD, OCTOBER)
    assert response.status_code == 200
    assert [row.own for row in response.context["rows"]] == [False, False, True]
    assert _text(response).count('data-testid="own-row"') == 1
    assert "吴外社区" not in _text(response)


def test_another_community_is_never_read(client, world, other_scopes, board):
    """charlie asking for alice's community gets his own; a resident gets only theirs."""
    client.force_login(world.charlie)
    response = client.get(BOARD, {"community": world.community.pk, **OCTOBER})
    assert response.context["community"] == world.other_community
    assert [row.name for row in response.context["rows"]] == ["吴外社区"]
    assert "周公开" not in _text(response)
    client.force_login(world.rita)
    response = client.get(BOARD, {"community": world.other_community.pk, **OCTOBER})
    assert response.context["community"] == world.community
    assert "吴外社区" not in _text(response)


def test_officials_get_no_names(client, world, board):
    client.force_login(world.bob)
    assert client.get(BOARD, OCTOBER).status_code == 404
    response = client.get(OVERVIEW, OCTOBER)
    assert response.status_code == 200
    assert "周公开" not in _text(response)
    assert world.volunteers[0].resident.name not in _text(response)


def test_the_board_runs_the_same_queries_however_many_served(client, world, board):
    client.force_login(world.rita)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(BOARD, OCTOBER).status_code == 200
        return len(queries)

    count()  # the menu is rendered once per kind of user and process
    before = count()
    for i in range(12):
        person = VolunteerFactory(
            resident=ResidentFactory(household=world.households[1], full_name=f"新{i}"),
            show_on_leaderboard=bool(i % 2),
        )
        _served(person, i + 1)
        StarReached.objects.create(volunteer=person, level=1, reached_on=datetime.date(2026, 1, 1))
    assert count() == before


def _row(response, name: str) -> list:
    return next(row for row in response.context["figure"].rows if row[0] == name)


@pytest.fixture
def overview(world, board):
    """October's activities: a patrol by the team that ended with one of its two places
    checked in, and a cancelled one that does not count."""
    tz = datetime.timezone(datetime.timedelta(hours=8))
    starts = datetime.datetime(2026, 10, 10, 19, tzinfo=tz)
    patrol = ActivityFactory(community=world.community, team=world.teams[0], starts_at=starts,
                             ends_at=starts + datetime.timedelta(hours=2))  # fmt: skip
    ActivityFactory(community=world.community, starts_at=starts, cancelled_at=starts,
                    ends_at=starts + datetime.timedelta(hours=2))  # fmt: skip
    for volunteer, checked_in in ((world.volunteers[0], starts), (world.volunteers[1], None)):
        patrol.sign_ups.create(
            volunteer=volunteer, status="confirmed", checked_in_at=checked_in,
            signed_up_at=starts - datetime.timedelta(days=1),
        )  # fmt: skip
    return patrol


def test_the_overview_gives_each_communitys_figures(client, world, board, overview):
    refresh_population([world.community.pk])  # as after the residents' commit
    client.force_login(world.bob)
    response = client.get(OVERVIEW, OCTOBER)
    residents = Resident.objects.filter(community=world.community, status="living").count()
    row = _row(response, world.community.name)
    per_mille = f"{Decimal(3000) / residents:.2f}‰"
    assert row[2:] == [
        residents, 3, per_mille,  # registered: 张, 李 and 周
        3, per_mille,  # served: the pending record counts, the September one does not
        Decimal(18), f"{Decimal(18000) / residents:.2f}‰",  # approved: 8 + 5 + 5
        1, "1/1", "50.00%",
    ]  # fmt: skip
    total = response.context["figure"].rows[-1]
    assert total[0] == "合计" and total[3] == 3 and total[7] == Decimal(18)
    assert world.other_community.name not in _text(response)  # olive's district
    export = client.get(OVERVIEW, {**OCTOBER, "export": "xlsx"})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_a_street_official_reads_their_streets_communities(client, world, board):
    neighbour = CommunityFactory(
        street=StreetFactory(district=world.district, code="370301002"), name="邻街社区"
    )
    same_street = CommunityFactory(street=world.street, name="同街社区")
    official = UserFactory(username="stella")
    assign(official, Role.OFFICIAL, world.street)
    client.force_login(official)
    response = client.get(OVERVIEW, OCTOBER)
    names = [row[0] for row in response.context["figure"].rows]
    assert names == [world.community.name, same_street.name, "合计"]
    assert neighbour.name not in _text(response)
    client.force_login(world.alice)
    names = [row[0] for row in client.get(OVERVIEW, OCTOBER).context["figure"].rows]
    assert names == [world.community.name, "合计"]


def test_the_overview_runs_the_same_queries_however_many_communities(client, world, board):
    client.force_login(world.bob)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(OVERVIEW, OCTOBER).status_code == 200
        return len(queries)

    count()  # the menu is rendered once per kind of user and process
    before = count()
    for n in range(5):
        community = CommunityFactory(street=world.street, name=f"新社区{n}")
        resident = ResidentFactory(household__building__grid_unit__community=community)
        _served(VolunteerFactory(resident=resident), 2)
    # Communities never counted are counted on the page, in a fixed number of queries too.
    missing = count()
    assert count() == before < missing
    refresh_population()  # the hourly run
    assert count() == before
    assert len(client.get(OVERVIEW, OCTOBER).context["figure"].rows) == 7


def test_bad_months_fall_back_to_this_one(client, world):
    client.force_login(world.alice)
    for junk in ("2026-13", "abc", "3000-01", "2999-12"):
        response = client.get(BOARD, {"month": junk})
        assert response.status_code == 200
        assert response.context["following"] is None
