"""No URL of the project shows or changes a row of another scope: another community, or another
grid unit of the same community. Negative controls prove the walk catches each kind of leak."""

import re

import pytest

from tests.conftest import (
    DEPARTMENT_A_SECRET,
    DEPARTMENT_B_SECRET,
    GRID2_SECRET,
    OTHER_SECRET,
    SECRET,
)
from tests.scope_walker import Party, walk


def parties(world) -> dict[str, Party]:
    grid1 = (world.grid_units[0].name, world.buildings[0].address, world.households[0].number,
             world.residents[0].name, world.residents[1].name, f"{SECRET}走访",
             f"{SECRET}楼道堆放杂物")  # fmt: skip
    grid2 = (GRID2_SECRET, world.grid_units[1].name, world.buildings[1].address,
             world.households[1].number, world.residents[2].name)  # fmt: skip
    return {
        "alice": Party(world.alice, (SECRET,)),
        "charlie": Party(world.charlie, (OTHER_SECRET, world.other_community.name)),
        "gina": Party(world.gina, grid1),
        "greg": Party(world.greg, grid2),
        "dora": Party(world.dora, (DEPARTMENT_A_SECRET,)),
        "dan": Party(world.dan, (DEPARTMENT_B_SECRET,)),
        "bob": Party(world.bob, (SECRET,)),
        "olive": Party(world.olive, (OTHER_SECRET, world.other_community.name)),
    }


def pairs(world) -> list[tuple[Party, Party]]:
    """Each pair of strangers: another community; another grid unit of the same community; the
    handlers of two departments (the second axis of scope); the officials of two districts."""
    cast = parties(world)
    return [
        (cast["alice"], cast["charlie"]),
        (cast["gina"], cast["greg"]),
        (cast["dora"], cast["dan"]),
        (cast["bob"], cast["olive"]),
    ]


def test_the_walk_over_the_project_finds_no_leak(other_scopes):
    world = other_scopes
    report = walk(pairs(other_scopes))
    print(f"{report.requests} requests", *report.findings, *report.problems, sep="\n")

    assert report.problems == []
    assert report.unwalked == set()
    assert report.walked_with_row >= {
        "residents:resident_detail", "residents:fieldlogentry_detail",
        "residents:building_edit", "residents:resident_reveal",
        "grievances:grievance_detail", "grievances:grievance_accept",
        "grievances:grievance_answer",
    }  # fmt: skip
    assert report.forms_posted >= {
        "residents:building_add", "residents:building_edit", "residents:household_add",
        "residents:household_edit", "residents:resident_add", "residents:resident_edit",
        "residents:resident_move_out", "residents:visit_add", "residents:fieldlogentry_add",
        "grievances:grievance_add",
    }  # fmt: skip

    # The public desk's pages were walked signed out, for each party's community and case.
    assert {f"/g/{world.community.code}/", f"/g/{world.other_community.code}/", "/g/track/"} <= (
        report.public_walked
    )
    assert sum(url.startswith("/g/track/") for url in report.public_walked) >= 4

    assert report.findings == []


def leaky_walk(world):
    return walk(
        pairs(world),
        urlconf="tests.shequ.leaky_urls",
        only=lambda route: route.name.startswith("leaky"),
    )


@pytest.fixture
def leaky(other_scopes, settings):
    settings.ROOT_URLCONF = "tests.shequ.leaky_urls"
    report = leaky_walk(other_scopes)
    print(*report.findings, sep="\n")
    assert report.problems == []
    assert all("/leaky/" in finding for finding in report.findings)
    return report.findings


def found(findings: list[str], pattern: str) -> bool:
    return any(re.search(pattern, finding) for finding in findings)


def test_it_catches_views_that_forget_the_scoping_mechanism(leaky):
    # A row fetched without visible_to, and a list without it.
    assert found(leaky, r"^GET /leaky/communities/\d+/ as charlie: 200, expected 404")
    assert found(leaky, r"^GET /leaky/communities/ as charlie shows another scope's \['甲机密'\]")
    assert found(leaky, r"^GET /leaky/communities/ as alice shows another scope's \['乙社区'\]")
    # A scoped row whose related rows are listed without visible_to, on the stranger's own page.
    assert found(leaky, r"^GET /leaky/communities/\d+/residents/ as gina shows .*李甲机密")
    # A form that links a row outside the poster's scope.
    assert found(
        leaky,
        r"^POST /leaky/field-log/add/ as gina with greg's residents: .* links Resident #\d+ "
        r"outside the scope",
    )
    assert found(leaky, r"^POST /leaky/field-log/add/ as alice with charlie's residents: ")
    # A query parameter read without visible_to, with another scope's id and with junk.
    assert found(leaky, r"^GET /leaky/members/\?household=\d+ as gina shows greg's .*李甲机密")
    assert found(leaky, r"^GET /leaky/members/\?household=abc as \w+: 500")
    # A leak only inside an exported workbook.
    assert found(leaky, r"^GET /leaky/export/ as gina shows another scope's .*李甲机密")


def test_a_row_parameter_it_cannot_fill_with_a_real_row_fails_the_walk(world):
    from residents.models import Resident
    from tests.scope_walker import ROWS_PER_ROUTE, probes

    built, problems = probes(world.alice, urlconf="tests.shequ.unresolvable_urls")
    assert [probe.url for probe in built] == [
        f"/residents/{r.pk}/" for r in Resident.objects.order_by("pk")[:ROWS_PER_ROUTE]
    ]
    assert len(problems) == 2
    assert problems[0].startswith("mystery: cannot tell which scoped model 'pk' names")
    assert problems[1].startswith("ghost: cannot tell which scoped model 'ghost_pk' names")
    # A route no party has a row for is reported by the walk, not skipped. Party files hold
    # residents; their events and paid dues refuse deletion but for this test's own transaction.
    from django.db import connection

    from partybuild.models import (
        CommunityNeed,
        DuesBasis,
        DuesMonth,
        FourOnesRecord,
        MemberEvent,
        OrganizationalLife,
        OrganizationPost,
        Pairing,
        PairingVisit,
        PartyMember,
        ServiceHours,
    )

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        MemberEvent.objects.all().delete()
        DuesMonth.objects.all().delete()
        DuesBasis.objects.all().delete()
        cursor.execute("SET LOCAL session_replication_role = DEFAULT")
    OrganizationPost.objects.all().delete()
    OrganizationalLife.objects.all().delete()
    for model in (PairingVisit, Pairing, FourOnesRecord, ServiceHours, CommunityNeed):
        model.objects.all().delete()
    PartyMember.objects.all().delete()
    from volunteers.models import Certificate, ServiceRecord, SignUp, TeamMembership, Volunteer

    for model in (Certificate, ServiceRecord, SignUp, TeamMembership, Volunteer):
        model.objects.all().delete()
    Resident.history.all().delete()
    Resident.objects.all().delete()
    report = walk(
        pairs(world),
        urlconf="tests.shequ.unresolvable_urls",
        only=lambda route: route.name == "resident",
    )
    assert report.problems == ["resident: walked with no party's own row"]
