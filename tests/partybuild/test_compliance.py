"""Quarterly compliance against the rules, its exemptions, and the assessment's metric."""

import datetime

import pytest

from partybuild.compliance import EXEMPT, HELD, MISSING, NONE, branch_quarters
from partybuild.models import ComplianceExemption, ComplianceRule
from shequ.metrics import Period, Quarter, metrics
from tests.factories import (
    CommunityFactory,
    HouseholdFactory,
    PartyOrganizationFactory,
    ResidentFactory,
    add_meeting,
    add_party_member,
)

QUARTER = Quarter.current().previous.previous  # wholly past, whatever today is
M1, M2, M3 = (QUARTER.first.replace(month=QUARTER.first.month + i, day=10) for i in range(3))


def _members(organization, by, full: int, probationary: int = 0) -> None:
    household = HouseholdFactory(building__grid_unit__community=organization.community)
    for n in range(full + probationary):
        resident = ResidentFactory(household=household)
        add_party_member(resident, organization, by, joined_on=datetime.date(1990, 7, 1),
                         full_on=datetime.date(1991, 7, 1) if n < full else None)  # fmt: skip


@pytest.fixture
def city(world):
    """A community of four branches over the quarter:
    A: 7 full members over two groups; committee met in months 1 and 2, group 1 every month,
       group 2 in month 1, a general meeting with a lecture in month 1;
    B: 3 full and 2 probationary members (no committee); a lecture in month 2;
    C: founded in month 2;
    D: 7 full members, excused from month 3's committee meeting; committee met in months 1, 2."""
    peggy = world.peggy
    community = CommunityFactory(street=world.street)
    top = PartyOrganizationFactory(community=community, kind="committee", name="党委")
    a = PartyOrganizationFactory(community=community, parent=top, name="A")
    groups = [PartyOrganizationFactory(community=community, parent=a, kind="group")
              for _ in range(2)]  # fmt: skip
    _members(groups[0], peggy, 4)
    _members(groups[1], peggy, 3)
    for day in (M1, M2):
        add_meeting(a, "committee", day, peggy)
    for day in (M1, M2, M3):
        add_meeting(groups[0], "group", day, peggy)
    add_meeting(groups[1], "group", M1, peggy)
    add_meeting(a, "general", M1, peggy, also_lecture=True)
    b = PartyOrganizationFactory(community=community, parent=top, name="B")
    _members(b, peggy, 3, probationary=2)
    add_meeting(b, "lecture", M2, peggy)
    c = PartyOrganizationFactory(community=community, parent=top, name="C", founded_on=M2)
    d = PartyOrganizationFactory(community=community, parent=top, name="D")
    _members(d, peggy, 7)
    for day in (M1, M2):
        add_meeting(d, "committee", day, peggy)
    ComplianceExemption.objects.create(
        organization=d, kind="committee", starts_on=M3, ends_on=M3, reason="书记住院",
        recorded_by=peggy,
    )  # fmt: skip
    return community, (a, b, c, d)


def _states(row, kind):
    return [cell.state for cell in row.cells if cell.column.kind == kind]


def test_each_branch_against_the_rules_with_its_exemptions(city):
    community = city[0]
    rows = {
        row.branch.name: row
        for row in branch_quarters([community.pk], QUARTER, QUARTER.last, day_over=True)
    }
    assert list(rows) == ["A", "B", "C", "D"]
    a_row, b_row, c_row, d_row = rows.values()
    assert _states(a_row, "committee") == [HELD, HELD, MISSING]
    assert _states(a_row, "group") == [HELD, MISSING, MISSING]
    assert [(c.held, c.required) for c in a_row.cells if c.column.kind == "group"] == [
        (2, 2), (1, 2), (1, 2),
    ]  # fmt: skip
    assert _states(a_row, "general") == [HELD] and _states(a_row, "lecture") == [HELD]
    assert _states(a_row, "theme_day") == []  # not required by default
    assert a_row.counted == (8, 11) and a_row.missing

    assert b_row.full_members == 3
    assert _states(b_row, "committee") == [EXEMPT] * 3  # fewer than 7 full members
    assert _states(b_row, "group") == [NONE] * 3
    assert _states(b_row, "lecture") == [HELD] and _states(b_row, "general") == [MISSING]
    assert b_row.counted == (1, 2)

    assert {cell.state for cell in c_row.cells} == {EXEMPT, NONE} and c_row.counted == (0, 0)

    assert _states(d_row, "committee") == [HELD, HELD, EXEMPT]
    excused = [cell for cell in d_row.cells if cell.column.kind == "committee"][2]
    assert excused.exempt == "书记住院" and excused.recorded
    assert d_row.counted == (2, 4)

    # The rules are reference data: a theme day every month asks three more of everyone.
    ComplianceRule.objects.filter(kind="theme_day").update(frequency="monthly")
    rows = branch_quarters([community.pk], QUARTER, QUARTER.last, day_over=True)
    assert [len(_states(row, "theme_day")) for row in rows] == [3, 3, 3, 3]


def test_a_quarter_in_progress_asks_only_what_is_due(city):
    community = city[0]
    rows = branch_quarters([community.pk], QUARTER, M2)
    a_row = rows[0]
    # Month 2 and the quarter have not ended: held is held, not held is not yet missing.
    assert _states(a_row, "committee") == [HELD, HELD, "pending"]
    assert _states(a_row, "group") == [HELD, "pending", "pending"]
    assert _states(rows[1], "general") == ["pending"]


def test_the_metric_counts_the_quarter_to_the_months_end(city):
    community = city[0]
    compute = metrics()["party_meeting_compliance"].compute
    # Month 1: A's committee and groups, its general meeting and lecture held early; D's
    # committee. B's lecture of month 2 and everyone's missing quarterly meetings not yet.
    assert compute(Period.of(M1))[community.pk] == (6, 6)
    assert compute(Period.of(M3))[community.pk] == (8 + 1 + 2, 11 + 2 + 4)
    records = metrics()["party_meeting_compliance"].records(Period.of(M1))
    assert records.filter(organization__community=community).count() == 5
