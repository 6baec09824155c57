"""Quarterly compliance against the rules, its exemptions, the assessment's metric, and the
figures stored for officials."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from partybuild import tasks
from partybuild.compliance import (
    EXEMPT,
    HELD,
    MISSING,
    NONE,
    branch_quarters,
    community_figures,
    refresh_compliance,
    stale_communities,
)
from partybuild.models import (
    ComplianceExemption,
    ComplianceQuarter,
    ComplianceRule,
    PartyOrganization,
)
from partybuild.services import member_move, member_status
from shequ.metrics import Period, Quarter, metrics
from shequ.models import Community
from tests.factories import (
    CommunityFactory,
    HouseholdFactory,
    PartyOrganizationFactory,
    ResidentFactory,
    UserFactory,
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


# -- the officials' stored figures -----------------------------------------------------------


@pytest.fixture
def enqueued(monkeypatch) -> list[tuple]:
    """Refreshes enqueued after commit, run at once as a worker would."""
    calls: list[tuple] = []

    def delay(*arguments):
        calls.append(arguments)
        tasks.compliance_refresh(*arguments)

    monkeypatch.setattr(tasks.compliance_refresh, "delay", delay)
    return calls


def _stored(community, quarter: Quarter) -> tuple[int, int, int, int]:
    row = ComplianceQuarter.objects.get(community=community, quarter=quarter.first)
    return row.held, row.required, row.branches, row.missing


def _live(community, quarter: Quarter) -> tuple[int, int, int, int]:
    rows = branch_quarters([community.pk], quarter, timezone.localdate())
    return community_figures(rows).get(community.pk, (0, 0, 0, 0))


def test_the_stored_figures_are_the_live_ones(world, city):
    community = city[0]
    current = Quarter.current()
    quarters = [QUARTER, current.previous, current]
    rows = refresh_compliance(None, quarters)
    assert len(rows) == 3 * Community.objects.count()
    for quarter in quarters:
        for place in (community, world.community, world.other_community):
            assert _stored(place, quarter) == _live(place, quarter)
    assert _stored(community, QUARTER) == (8 + 1 + 2, 11 + 2 + 4, 4, 3)
    # A community without branches has a row of zeros: counted, not forgotten.
    assert _stored(world.other_community, current) == (0, 0, 0, 0)
    # Idempotent: a second run replaces the rows.
    refresh_compliance(None, quarters)
    assert ComplianceQuarter.objects.count() == len(rows)


def test_a_meeting_refreshes_its_quarter_once_after_commit(
    world, city, enqueued, django_capture_on_commit_callbacks
):
    community, (a, b, _c, _d) = city
    current = Quarter.current()
    refresh_compliance(None, [QUARTER, current.previous, current])
    # A late record: B's general meeting of a quarter long past, entered today.
    with django_capture_on_commit_callbacks(execute=True):
        add_meeting(b, "general", M3, world.peggy)
        add_meeting(a, "committee", M3, world.peggy)
    assert [call[0] for call in enqueued] == [[community.pk], [community.pk]]
    assert enqueued[0][2] == M3.isoformat()
    assert _stored(community, QUARTER) == _live(community, QUARTER) == (13, 17, 4, 2)
    # A plan counts for nothing until it is held.
    enqueued.clear()
    with django_capture_on_commit_callbacks(execute=True):
        add_meeting(a, "general", timezone.localdate(), world.peggy, status="planned")
    assert enqueued == []


def test_every_change_to_what_is_asked_refreshes_its_community(
    client, world, enqueued, django_capture_on_commit_callbacks
):
    committee, branch1, group, branch2 = world.party_organizations
    zhang, li = world.party_members
    today, current = timezone.localdate(), Quarter.current()
    community = world.community
    refresh_compliance([community.pk])
    steps = [
        (member_move, zhang, {"organization": branch2}),
        (member_status, li, {"kind": "suspended", "note": "停止党籍"}),
    ]
    for step, member, fields in steps:
        enqueued.clear()
        with django_capture_on_commit_callbacks(execute=True):
            step(member, world.peggy, day=today, **fields)
        assert [call[0] for call in enqueued] == [[community.pk]]
        assert _stored(community, current) == _live(community, current)

    client.force_login(world.peggy)
    posts = [
        (reverse("partybuild:organization_add"), {
            "parent": committee.pk, "kind": "branch", "name": "第三党支部",
            "founded_on": today.isoformat(), "initial-founded_on": today.isoformat(), "order": 3,
        }),  # as the browser sends it: nothing changed from what the form offered
        (reverse("partybuild:exemption_add"), {
            "organization": branch1.pk, "kind": "", "reason": "整顿",
            "starts_on": current.first.isoformat(), "ends_on": today.isoformat(),
        }),
        (reverse("partybuild:organization_edit", args=[group.pk]), {
            "parent": branch1.pk, "kind": "group", "name": group.name,
            "founded_on": group.founded_on.isoformat(), "order": 0,
            "dissolved_on": current.first.isoformat(),
        }),
    ]  # fmt: skip
    for url, data in posts:
        enqueued.clear()
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(url, data).status_code == 302
        assert [call[0] for call in enqueued] == [[community.pk]]
        assert _stored(community, current) == _live(community, current)
    assert ComplianceExemption.objects.filter(reason="整顿").exists()
    assert PartyOrganization.objects.get(pk=group.pk).dissolved_on == current.first


def test_a_rule_changed_in_the_admin_refreshes_every_community_in_every_stored_quarter(
    client, world, city, enqueued, django_capture_on_commit_callbacks
):
    community = city[0]
    refresh_compliance(None, [QUARTER])
    client.force_login(UserFactory(is_superuser=True, is_staff=True, username="root"))
    rule = ComplianceRule.objects.get(kind="theme_day")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:partybuild_compliancerule_change", args=[rule.pk]),
            {"kind": "theme_day", "frequency": "monthly"},
        )
    assert response.status_code == 302
    assert [call[0] for call in enqueued] == [
        sorted(Community.objects.values_list("pk", flat=True))
    ]
    assert _stored(community, QUARTER) == _live(community, QUARTER)
    # A theme day a month: three more for A, B and D, and month 3 for C, founded in month 2.
    assert _stored(community, QUARTER)[1] == 11 + 2 + 4 + 3 * 3 + 1


def test_a_queued_refresh_is_skipped_when_a_later_one_already_ran(
    world, django_assert_num_queries
):  # fmt: skip
    requested = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=1)
    refresh_compliance([world.community.pk])
    with django_assert_num_queries(1):
        assert tasks.compliance_refresh([world.community.pk], requested.isoformat()) == 0
    assert tasks.compliance_refresh([world.community.pk]) == 2  # this quarter and the last


def test_the_hourly_catch_up_recounts_only_communities_whose_refresh_was_lost(world, city):
    community, (a, *_rest) = city
    assert tasks.compliance_refresh() == 2 * Community.objects.count()
    assert stale_communities() == []
    # The test's transaction never commits: the refresh this meeting asks for is lost, as with
    # a broker that is down.
    add_meeting(a, "general", timezone.localdate(), world.peggy)
    assert stale_communities() == [community.pk]
    assert tasks.compliance_catch_up() == 2
    current = Quarter.current()
    assert _stored(community, current) == _live(community, current)
    assert stale_communities() == []


def test_the_beat_refreshes_hourly_and_every_night_before_the_next_run(settings):
    catch_up = settings.CELERY_BEAT_SCHEDULE["partybuild-compliance-catch-up"]
    assert catch_up["task"] == tasks.compliance_catch_up.name
    assert catch_up["options"]["expires"] < 3600
    nightly = settings.CELERY_BEAT_SCHEDULE["partybuild-compliance-refresh"]
    assert nightly["task"] == tasks.compliance_refresh.name
    assert nightly["options"]["expires"] < 24 * 3600
