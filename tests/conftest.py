"""Shared fixtures. The cast, as in Healthchecks' tests:

- alice: community staff of 甲社区 (the community whose data must never leak)
- gina: grid worker of 甲社区's first grid unit only
- greg: grid worker of 甲社区's second grid unit only: sees none of gina's rows
- peggy: party affairs worker of 甲社区 (reads the registry, changes none of it)
- rita: a resident of 甲社区 with an account (sees her community office, no registry)
- bob: official of the district 甲社区 is in (reads everything below it)
- charlie: community staff of 乙社区, in another district: sees none of alice's rows
- dora: handler of the department 城管局; dan: handler of 住建局. Each sees only the case of
  甲社区 escalated to their own department.

Each household has a head (户主); the first household has a visit and a field-log entry. 甲社区
has four grievances: one in each grid unit, and one escalated to each department.
"""

import datetime
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.cache import cache
from django.utils import timezone

from shequ.celery import app
from shequ.models import Community, Department, District, GridUnit, Role, Street, User
from tests.factories import (
    ActivityFactory,
    BuildingFactory,
    CommunityFactory,
    DistrictFactory,
    FieldLogEntryFactory,
    GridUnitFactory,
    HouseholdFactory,
    PartyOrganizationFactory,
    ResidentFactory,
    StreetFactory,
    UserFactory,
    VisitFactory,
    add_meeting,
    add_party_member,
    add_photo,
    assign,
    png_bytes,
    register_grievance,
    set_dues,
    valid_id_number,
)

# The marker every row of alice's world carries, so a leak shows up in any page's HTML.
SECRET = "甲机密"
# What only the case escalated to dora's (城管局) or to dan's department (住建局) carries.
DEPARTMENT_A_SECRET = "城管件机密"
DEPARTMENT_B_SECRET = "住建件机密"


@dataclass
class World:
    district: District
    street: Street
    community: Community
    grid_units: list[GridUnit]
    other_community: Community
    alice: User
    gina: User
    bob: User
    charlie: User
    greg: User
    peggy: User
    rita: User
    buildings: list = field(default_factory=list)
    households: list = field(default_factory=list)
    residents: list = field(default_factory=list)
    departments: list = field(default_factory=list)
    grievances: list = field(default_factory=list)
    dispute: object = None  # alice's mediated dispute, apart from `grievances`
    dora: User | None = None
    dan: User | None = None
    olive: User | None = None  # the other district's official, who inspects charlie's community
    party_organizations: list = field(default_factory=list)  # committee, branch 1, group, branch 2
    party_members: list = field(default_factory=list)  # 张 (secretary, group), 李 (probationary)
    meetings: list = field(default_factory=list)  # branch 1 committee, branch 2 general, a plan
    volunteers: list = field(default_factory=list)  # 张 (patrol leader), 李 (rita's, left it)
    activities: list = field(default_factory=list)  # full (张 in, 李 waiting), roomy (张 in)
    teams: list = field(default_factory=list)  # the patrol


@pytest.fixture
def world(db, request) -> World:
    district = DistrictFactory(name=f"{SECRET}区", code="370301")
    street = StreetFactory(district=district, name=f"{SECRET}街道", code="370301001")
    community = CommunityFactory(street=street, name=f"{SECRET}社区", code="370301001001")
    grid_units = [
        GridUnitFactory(community=community, number=n, name=f"{SECRET}第{n}网格") for n in (1, 2)
    ]
    other = CommunityFactory(
        street=StreetFactory(
            district=DistrictFactory(name="乙区", code="370302"), code="370302001"
        ),
        name="乙社区",
        code="370302001001",
    )
    alice = UserFactory(username="alice", name="爱丽丝", phone="13900000001")
    gina = UserFactory(username="gina", name="吉娜")
    bob = UserFactory(username="bob", name="鲍勃")
    charlie = UserFactory(username="charlie", name="查理")
    greg = UserFactory(username="greg", name="格雷")
    peggy = UserFactory(username="peggy", name="佩吉")
    rita = UserFactory(username="rita", name="丽塔")
    assign(alice, Role.COMMUNITY_STAFF, community)
    assign(gina, Role.GRID_WORKER, grid_units[0])
    assign(bob, Role.OFFICIAL, district)
    assign(charlie, Role.COMMUNITY_STAFF, other)
    assign(greg, Role.GRID_WORKER, grid_units[1])
    assign(peggy, Role.PARTY_WORKER, community)
    assign(rita, Role.RESIDENT, community)
    world = World(
        district, street, community, grid_units, other, alice, gina, bob, charlie, greg, peggy, rita
    )
    _register_households(world)
    # Tests of the register's own numbering and counts start from an empty book.
    if not request.node.get_closest_marker("empty_desk"):
        _register_grievances(world)
    world.olive = UserFactory(username="olive", name="奥利芙")
    assign(world.olive, Role.OFFICIAL, other.street.district)
    _score_assessments(world)
    _record_four_no(world)
    _build_party(world)
    from volunteers.defaults import seed_star_levels

    seed_star_levels()  # flushed by transactional tests, as the party's rules are
    world.volunteers, world.teams = _build_volunteers(
        world.community, world.residents[0], world.residents[2], world.rita, world.alice, SECRET
    )
    _volunteer_activities(world)
    return world


def _weekly_shift(community, title: str):
    """A weekly shift whose activities are not made yet (beat, or saving it, makes them)."""
    from volunteers.models import ActivityTemplate

    return ActivityTemplate.objects.create(
        community=community, title=title, weekday=2, start_time=datetime.time(21, 0),
        minutes=240, address=f"{title}集合点", capacity=6, starts_on=datetime.date(2026, 1, 1),
    )  # fmt: skip


def _volunteer_activities(world: World) -> None:
    """Two upcoming activities of 甲社区: one full with rita (李) waiting, one with room."""
    from volunteers.services import sign_up

    tomorrow = timezone.localtime().replace(hour=19, minute=0, second=0, microsecond=0)
    tomorrow += datetime.timedelta(days=1)
    world.activities = [
        ActivityFactory(community=world.community, title=f"{SECRET}夜间巡逻", capacity=1,
                        starts_at=tomorrow, ends_at=tomorrow + datetime.timedelta(hours=4),
                        building=world.buildings[0], address=""),
        ActivityFactory(community=world.community, title=f"{SECRET}清扫楼道", capacity=10,
                        starts_at=tomorrow + datetime.timedelta(days=2),
                        ends_at=tomorrow + datetime.timedelta(days=2, hours=2)),
    ]  # fmt: skip
    _weekly_shift(world.community, f"{SECRET}周三夜巡")
    full, roomy = world.activities
    for activity, volunteer in ((full, world.volunteers[0]), (full, world.volunteers[1]),
                                (roomy, world.volunteers[0])):  # fmt: skip
        sign_up(activity, volunteer, world.alice)


def _build_volunteers(community, leader, member, account, by, secret: str) -> tuple[list, list]:
    """`leader` leads the community's patrol, has an approved record and a certificate, `by`
    issued; `member` (signed in as `account`) was in it and left, so each form has someone to
    add, and has a record waiting for review. Other residents have no volunteer file."""
    from volunteers.hours import certificate_issue, records_decide
    from volunteers.models import ServiceRecord, Team, TeamMembership, Volunteer

    people = [
        Volunteer.objects.create(community=community, resident=leader, status="active",
                                 registered_on=datetime.date(2024, 1, 1), skills=f"{secret}急救",
                                 notes=f"{secret}志愿者备注"),
        Volunteer.objects.create(community=community, resident=member, status="active",
                                 registered_on=datetime.date(2024, 2, 1), account=account),
    ]  # fmt: skip
    patrol = Team.objects.create(community=community, kind="service", name=f"{secret}治安巡逻队",
                                 purpose=f"{secret}夜间巡逻", founded_on=datetime.date(2020, 1, 1),
                                 charter=f"{secret}章程")  # fmt: skip
    TeamMembership.objects.create(team=patrol, volunteer=people[0], role="leader",
                                  joined_on=datetime.date(2024, 3, 1))  # fmt: skip
    TeamMembership.objects.create(team=patrol, volunteer=people[1],
                                  joined_on=datetime.date(2024, 3, 1),
                                  left_on=datetime.date(2025, 6, 30))  # fmt: skip
    records = [
        ServiceRecord.objects.create(community=community, volunteer=person, hours=hours,
                                     served_on=datetime.date(2025, 5, 1),
                                     description=f"{secret}夜间巡逻")
        for person, hours in zip(people, (Decimal(3), Decimal("2.5")), strict=True)
    ]  # fmt: skip
    records_decide(records[:1], by, approve=True)
    certificate_issue(people[0], by)
    _team_records(patrol, people[0], by, secret)
    return people, [patrol]


def _team_records(patrol, leader, by, secret: str) -> None:
    """The patrol's charter as a file and a meeting the leader came to, its sign-in sheet
    photographed: what the charter and meeting pages serve."""
    from django.core.files.base import ContentFile

    from volunteers.models import TeamMeeting
    from volunteers.services import team_meeting_save

    patrol.charter_file = ContentFile(b"%PDF-1.4 charter", name="charter.pdf")
    patrol.charter_file_name = f"{secret}章程.pdf"
    patrol.save()
    meeting = TeamMeeting(team=patrol, date=datetime.date(2025, 3, 1), topic=f"{secret}队务会",
                          place=f"{secret}活动室", minutes=f"{secret}会议纪要",
                          recorded_by=by)  # fmt: skip
    team_meeting_save(meeting, by=by, attendees=[leader],
                      sheet=ContentFile(png_bytes(), name="sheet.png"))  # fmt: skip


def _build_party(world: World) -> None:
    """A committee over two branches built on alice's grid units, the first with a group; 张 a
    full member and the first branch's secretary, 李 a probationary member whose account is
    rita's."""
    from partybuild.defaults import seed_compliance_rules, seed_must_visit_tags
    from partybuild.models import OrganizationPost

    # Transactional tests (browser journeys) flush the rules and tags the migrations wrote.
    seed_compliance_rules()
    seed_must_visit_tags()
    committee = PartyOrganizationFactory(community=world.community, kind="committee",
                                         name=f"{SECRET}社区党委",
                                         elected_on=datetime.date(2024, 1, 10))  # fmt: skip
    branch1 = PartyOrganizationFactory(community=world.community, parent=committee,
                                       name=f"{SECRET}第一党支部", grid_units=[world.grid_units[0]],
                                       elected_on=datetime.date(2022, 3, 1))  # fmt: skip
    group = PartyOrganizationFactory(community=world.community, parent=branch1, kind="group",
                                     name=f"{SECRET}第一党小组")  # fmt: skip
    branch2 = PartyOrganizationFactory(community=world.community, parent=committee,
                                       name=f"{SECRET}第二党支部", grid_units=[world.grid_units[1]],
                                       elected_on=datetime.date(2025, 6, 1))  # fmt: skip
    world.party_organizations = [committee, branch1, group, branch2]
    zhang = add_party_member(world.residents[0], group, world.peggy,
                             joined_on=datetime.date(1975, 7, 1), full_on=datetime.date(1976, 7, 1),
                             post=f"{SECRET}楼栋信息员")  # fmt: skip
    li = add_party_member(world.residents[2], branch2, world.peggy,
                          joined_on=datetime.date(2026, 3, 1), account=world.rita)  # fmt: skip
    OrganizationPost.objects.create(organization=branch1, member=zhang, post="secretary",
                                    started_on=datetime.date(2022, 3, 1))  # fmt: skip
    world.party_members = [zhang, li]
    # Organisational life: branch 1's committee met today (a sign-in sheet kept), branch 2's
    # general meeting with 李 on leave, a lecture planned; branch 2 excused for its election.
    from django.utils import timezone

    from partybuild.models import ComplianceExemption

    today = timezone.localdate()
    world.meetings = [
        add_meeting(branch1, "committee", today, world.peggy, topic=f"{SECRET}支委会",
                    minutes=f"{SECRET}会议记录", attendance={zhang: ("present", "")},
                    files=[(f"{SECRET}签到表.png", png_bytes())]),
        add_meeting(branch2, "general", today, world.peggy, topic=f"{SECRET}党员大会",
                    attendance={li: ("leave", f"{SECRET}住院")}),
        add_meeting(branch1, "lecture", today + datetime.timedelta(days=7), world.peggy,
                    status="planned", topic=f"{SECRET}党课"),
    ]  # fmt: skip
    ComplianceExemption.objects.create(
        organization=branch2, starts_on=today.replace(day=1), ends_on=today,
        reason=f"{SECRET}换届", recorded_by=world.peggy,
    )  # fmt: skip
    # Dues since two months ago: 张 retired on a 4,000 base (0.5 %: 20.00), the first month
    # paid; 李 a student at the fixed 0.20, nothing paid.
    from partybuild.dues.services import dues_pay

    set_dues(zhang, world.peggy, category="retired", base=Decimal(4000))
    set_dues(li, world.peggy, category="minimal", note=f"{SECRET}在校学生")
    first = zhang.dues_months.order_by("month")[0]
    dues_pay(zhang.dues_months.filter(pk=first.pk), paid_on=first.month, by=world.peggy)
    _party_fieldwork(world.community, zhang, li, world.households[1], world.peggy, SECRET)


def _party_fieldwork(community, member, other, household, by, secret: str,
                     ended: bool = False) -> None:  # fmt: skip
    """`member` paired with `household` (the pair `ended` since, where asked); `member`'s good
    deed; a need open on the community's board and one `other` claimed, with an hour `other`
    served. The pairs' visits come with `other_scopes`: the registry's tests count the world's."""
    from partybuild import services
    from partybuild.models import CommunityNeed, Pairing, ServiceHours

    pairing = Pairing.objects.create(community=community, member=member, household=household,
                                     kind="poor_member", started_on=datetime.date(2026, 1, 10),
                                     notes=f"{secret}帮扶")  # fmt: skip
    if ended:
        pairing.ended_on, pairing.end_reason = datetime.date(2026, 6, 30), f"{secret}脱困"
        pairing.save()
    services.four_ones_record(member=member, item="good_deed", done_on=datetime.date(2026, 3, 5),
                              description=f"{secret}好事", by=by)  # fmt: skip
    CommunityNeed.objects.create(community=community, kind="wish", title=f"{secret}微心愿",
                                 posted_by=by)  # fmt: skip
    post = CommunityNeed.objects.create(community=community, kind="post",
                                        title=f"{secret}认领岗位", posted_by=by)  # fmt: skip
    services.need_claim(post, other, by)
    ServiceHours.objects.create(community=community, member=other, hours=2, need=post,
                                served_on=datetime.date(2026, 4, 1), what=f"{secret}服务",
                                recorded_by=by)  # fmt: skip


def _score_assessments(world: World) -> None:
    """Each district's scheme (a computed and an inspected indicator): last month scored and
    published, this month computed and not yet published; the inspected indicator scored in
    both months for alice's and charlie's communities by their districts' officials (bob,
    olive); alice's community has appealed last month's computed indicator."""
    from decimal import Decimal

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from assessments.choices import Kind
    from assessments.models import Appeal, EvidencePhoto, IndicatorScore, Inspection, Scheme
    from assessments.scoring import score_month
    from assessments.services import month_publish
    from shequ.metrics import Period

    this_month = Period.of(timezone.localdate())
    last_month = this_month.previous
    for district in (world.district, world.other_community.street.district):
        scheme = Scheme.objects.create(
            district=district, name=f"{district.name}社区考核", effective_from=last_month.first
        )
        scheme.indicators.create(
            group="信访调解", name="诉求按时办结", order=1, full_marks=Decimal(10),
            kind=Kind.COMPUTED, metric="grievance_on_time", zero_at=Decimal(60),
            full_at=Decimal(95),
        )  # fmt: skip
        tidy = scheme.indicators.create(
            group="环境卫生", name="楼道整洁", order=2, full_marks=Decimal(10), kind=Kind.INSPECTED
        )
        own = district == world.district
        for period in (last_month, this_month):
            Inspection.objects.create(
                indicator=tidy, community=world.community if own else world.other_community,
                month=period.first, score=Decimal(8) if own else Decimal(6),
                evidence="楼道基本整洁，3号楼有杂物。" if own else "乙社区楼道堆放杂物。",
                inspector=world.bob if own else world.olive,
            )  # fmt: skip
        month_publish(score_month(district, last_month))
        score_month(district, this_month)
    # alice's community disputes last month's computed indicator, with a photo.
    part = IndicatorScore.objects.get(
        community_score__community=world.community, community_score__publication=1,
        indicator__kind=Kind.COMPUTED, community_score__assessment_month__month=last_month.first,
    )  # fmt: skip
    appeal = Appeal.objects.create(
        assessment_month=part.community_score.assessment_month, community=world.community,
        indicator=part.indicator, publication=1, marks_before=part.score, filed_by=world.alice,
        reason="两件诉求因系统故障晚登记，实际按时办结。",
    )  # fmt: skip
    EvidencePhoto.objects.create(
        community=world.community, appeal=appeal,
        image=ContentFile(png_bytes(), name="photo.png"),
    )  # fmt: skip


def four_no_year(building, entered_by, year: int, failed: dict[int, str] | None = None) -> None:
    """四无 records of every quarter of the year, all passed but the quarters in `failed`, where
    quarrels (无口角打架) failed with the note given."""
    from assessments.models import FourNoRecord

    failed = failed or {}
    for quarter in (1, 2, 3, 4):
        FourNoRecord.objects.create(
            community=building.community, building=building, year=year, quarter=quarter,
            no_mess=True, no_vice=True, no_theft_or_fire=True, no_fights=quarter not in failed,
            no_fights_note=failed.get(quarter, ""), entered_by=entered_by,
        )  # fmt: skip


def _record_four_no(world: World) -> None:
    """Last year gina's building kept the four-no target in every quarter, and staff (alice)
    confirmed it 文明楼院 and its first household 文明户; greg's building failed the last
    quarter. This quarter each grid worker has recorded a failure, whose note names the
    building (and greg's carries his grid's secret)."""
    from assessments.models import CivilityAward
    from assessments.models.civility import Decision, award_year

    year = award_year()
    first, second = world.buildings
    four_no_year(first, world.gina, year)
    four_no_year(second, world.greg, year, failed={4: f"{GRID2_SECRET}两户打架"})
    for household in (None, world.households[0]):
        CivilityAward.objects.create(
            community=world.community, year=year, building=first, household=household,
            decision=Decision.CONFIRMED, decided_by=world.alice,
        )  # fmt: skip
    four_no_now(first, world.gina, f"{first.address}楼道堆放纸箱")
    four_no_now(second, world.greg, f"{GRID2_SECRET}楼道堆放纸箱")


def four_no_now(building, entered_by, note: str) -> None:
    """This quarter's record of the building: dirt or mess (无脏乱差) failed, with the note."""
    from assessments.models import FourNoRecord
    from assessments.models.civility import Quarter

    now = Quarter.current()
    FourNoRecord.objects.create(
        community=building.community, building=building, year=now.year, quarter=now.number,
        no_mess=False, no_mess_note=note, no_vice=True, no_theft_or_fire=True, no_fights=True,
        entered_by=entered_by,
    )  # fmt: skip


def _register_households(world: World) -> None:
    """In each of alice's grid units a building with one household; the first has two people,
    one of them tagged, a visit and a field-log entry mentioning her."""
    from residents.models import ResidentTag

    for n, unit in enumerate(world.grid_units, start=1):
        building = BuildingFactory(grid_unit=unit, number=str(n), address=f"{SECRET}路{n}号")
        household = HouseholdFactory(building=building, unit=1, room="301", number=f"{SECRET}{n}")
        world.buildings.append(building)
        world.households.append(household)
    # Transactional tests (browser journeys, the worker) flush the migration's reference rows.
    elderly_alone, _ = ResidentTag.objects.get_or_create(
        code="elderly_alone", defaults={"name": "独居/空巢老人", "visit_every_days": 30}
    )
    world.residents = [
        ResidentFactory(household=world.households[0], full_name=f"张{SECRET}", sex="M",
                        birth_date=datetime.date(1950, 3, 7),
                        id_number=valid_id_number("19500307", 11), mobile="13812345678"),
        ResidentFactory(household=world.households[0], full_name=f"王{SECRET}", sex="F",
                        birth_date=datetime.date(1952, 5, 1), relation_to_head="spouse",
                        id_number=valid_id_number("19520501", 22), mobile="13912345678",
                        tags=[elderly_alone]),
        ResidentFactory(household=world.households[1], full_name=f"李{SECRET}", sex="M",
                        birth_date=datetime.date(1990, 1, 1),
                        id_number=valid_id_number("19900101", 33), mobile="13712345678"),
    ]  # fmt: skip
    for household, head in zip(world.households, world.residents[::2], strict=True):
        household.head = head  # relation_to_head is 户主 by default
        household.save()
    VisitFactory(household=world.households[0], visitor=world.gina,
                 visited_on=datetime.date(2026, 1, 5), notes=f"{SECRET}走访",
                 residents=[world.residents[1]])  # fmt: skip
    FieldLogEntryFactory(grid_unit=world.grid_units[0], building=world.buildings[0],
                         author=world.gina, seen=f"{SECRET}楼道堆放杂物", done="已清理",
                         residents=[world.residents[0]])  # fmt: skip


def _register_grievances(world: World) -> None:
    """A case in each grid unit (a walk-in with a phone), and one escalated to each
    department, registered and moved on through the services as the desk would."""
    from grievances import services
    from grievances.choices import Channel, Kind, Level
    from grievances.defaults import seed_categories
    from grievances.models import Category

    # Transactional tests (browser journeys) flush the categories the migration wrote.
    seed_categories()
    category = Category.objects.get(code="sanitation")
    world.departments = [Department.objects.create(name="城管局"),
                         Department.objects.create(name="住建局")]  # fmt: skip
    world.dora = UserFactory(username="dora", name="多拉")
    world.dan = UserFactory(username="dan", name="丹")
    assign(world.dora, Role.DEPARTMENT_HANDLER, world.departments[0])
    assign(world.dan, Role.DEPARTMENT_HANDLER, world.departments[1])

    def register(title: str, **where):
        return services.grievance_register(
            community=world.community, category=category, kind=Kind.HELP, channel=Channel.VISIT,
            title=title, description=f"{title}，请社区处理。", by=world.alice,
            contact_name="反映人", contact_phone="13512345678", **where,
        )  # fmt: skip

    world.grievances = [
        register(f"{SECRET}楼道灯坏了", building=world.buildings[0]),
        register(f"{GRID2_SECRET}单元门坏了", building=world.buildings[1]),
    ]
    for department, secret in zip(
        world.departments, (DEPARTMENT_A_SECRET, DEPARTMENT_B_SECRET), strict=True
    ):
        case = register(f"{SECRET}{secret}", address=f"{SECRET}广场")
        services.grievance_escalate(
            grievance=case, by=world.alice, to=Level.DEPARTMENT, department=department,
            reason="超出社区职权",
        )  # fmt: skip
        world.grievances.append(case)
    add_photo(world.grievances[0])  # the walkers need a photo each party may see
    world.dispute = services.grievance_register(
        community=world.community, category=category, kind=Kind.DISPUTE, channel=Channel.VISIT,
        title=f"{SECRET}邻里纠纷", description="楼上漏水", by=world.alice,
        building=world.buildings[0],
    )  # fmt: skip
    mediation = services.mediation_open(
        grievance=world.dispute, by=world.alice, mediator=world.alice, facts=f"{SECRET}争议"
    )
    services.mediation_add_party(mediation=mediation, by=world.alice, side="applicant", name="甲方")
    services.mediation_add_party(
        mediation=mediation, by=world.alice, side="respondent", name="乙方"
    )
    services.mediation_conclude(
        mediation=mediation, by=world.alice, outcome="agreed", agreement=f"{SECRET}协议"
    )


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()


def pytest_sessionfinish(session, exitstatus):
    """In CI a skipped worker or browser test would hide a broken component, so it fails."""
    if not os.environ.get("SHEQU_TESTS_NO_SKIP"):
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped:
        reporter.write_line(
            f"SHEQU_TESTS_NO_SKIP is set and {len(skipped)} test(s) were skipped.", red=True
        )
        session.exitstatus = 1


# What only rows of 乙社区 (charlie's) and of 甲社区's second grid unit (greg's) carry.
OTHER_SECRET = "乙机密"
GRID2_SECRET = "二格机密"


@pytest.fixture
def other_scopes(world) -> World:
    """Rows of charlie's community and more of greg's grid unit, each marked with its own
    secret, so a leak towards alice or gina shows up as well as one from them. Two grid-2 rows
    name a grid-1 resident: a field-log entry, as the field-log form let staff file them
    (issue 11), and a visit from before she moved to grid 1. A page that lists related rows
    without the scoping mechanism shows them to the other grid's worker."""
    unit = GridUnitFactory(community=world.other_community, number=1, name=f"{OTHER_SECRET}第1网格")
    building = BuildingFactory(grid_unit=unit, number="1", address=f"{OTHER_SECRET}路1号")
    household = HouseholdFactory(building=building, number=f"{OTHER_SECRET}1", room="101")
    # Born long enough before the party file's 1990 admission for it to be a valid file.
    resident = ResidentFactory(household=household, full_name=f"赵{OTHER_SECRET}",
                               birth_date=datetime.date(1960, 5, 5))  # fmt: skip
    household.head = resident
    household.save()
    VisitFactory(household=household, visitor=world.charlie, notes=f"{OTHER_SECRET}走访",
                 residents=[resident])  # fmt: skip
    FieldLogEntryFactory(grid_unit=unit, building=building, author=world.charlie,
                         seen=f"{OTHER_SECRET}民情", residents=[resident])  # fmt: skip

    grid2, building2, household2 = world.grid_units[1], world.buildings[1], world.households[1]
    FieldLogEntryFactory(grid_unit=grid2, building=building2, author=world.greg,
                         seen=f"{GRID2_SECRET}提及", residents=[world.residents[0]])  # fmt: skip
    FieldLogEntryFactory(grid_unit=grid2, building=building2, author=world.greg,
                         seen=f"{GRID2_SECRET}民情", residents=[world.residents[2]])  # fmt: skip
    VisitFactory(household=household2, visitor=world.greg, notes=f"{GRID2_SECRET}走访",
                 residents=[world.residents[2], world.residents[0]])  # fmt: skip
    add_photo(register_grievance(world.other_community, title=f"{OTHER_SECRET}诉求",
                                 building=building))  # fmt: skip
    from assessments.models.civility import award_year
    from partybuild.models import OrganizationPost

    four_no_year(building, world.charlie, award_year())
    four_no_now(building, world.charlie, f"{OTHER_SECRET}楼道堆放纸箱")
    branch = PartyOrganizationFactory(community=world.other_community,
                                      name=f"{OTHER_SECRET}党支部", grid_units=[unit])  # fmt: skip
    zhao = add_party_member(resident, branch, world.charlie, full_on=datetime.date(1991, 7, 1),
                            post=f"{OTHER_SECRET}岗位")  # fmt: skip
    OrganizationPost.objects.create(organization=branch, member=zhao, post="secretary")
    set_dues(zhao, world.charlie, fixed_amount=Decimal(5), note=f"{OTHER_SECRET}自愿多交")
    # Someone of charlie's community without a party file, whom a new file may be for.
    ResidentFactory(household=household, full_name=f"钱{OTHER_SECRET}", relation_to_head="child")
    sun = ResidentFactory(household=household, full_name=f"孙{OTHER_SECRET}",
                          relation_to_head="child")  # fmt: skip
    zhao_volunteer = _build_volunteers(
        world.other_community, resident, sun, None, world.charlie, OTHER_SECRET
    )[0][0]
    from django.utils import timezone

    from partybuild.models import ComplianceExemption

    today = timezone.localdate()
    add_meeting(branch, "general", today, world.charlie, topic=f"{OTHER_SECRET}党员大会",
                minutes=f"{OTHER_SECRET}会议记录",
                attendance={zhao: ("leave", f"{OTHER_SECRET}事由")},
                files=[(f"{OTHER_SECRET}签到表.png", png_bytes())])  # fmt: skip
    ComplianceExemption.objects.create(
        organization=branch, starts_on=today.replace(day=1), ends_on=today,
        reason=f"{OTHER_SECRET}换届", recorded_by=world.charlie,
    )  # fmt: skip
    # Ended: charlie's one household is paired no more, so his pairing form can pair it again.
    _party_fieldwork(world.other_community, zhao, zhao, household, world.charlie,
                     OTHER_SECRET, ended=True)  # fmt: skip
    from partybuild.models import Pairing
    from partybuild.services import pairing_visit

    visits = ((world.community, world.peggy, SECRET),
              (world.other_community, world.charlie, OTHER_SECRET))  # fmt: skip
    for community, by, secret in visits:
        pairing_visit(Pairing.objects.get(community=community), by,
                      visited_on=datetime.date(2026, 2, 1), notes=f"{secret}结对走访")  # fmt: skip
    add_photo(register_grievance(world.community, title=f"{GRID2_SECRET}诉求",
                                 building=building2))  # fmt: skip

    from grievances import services
    from grievances.choices import Channel, Kind
    from grievances.models import Category

    services.grievance_register(
        community=world.other_community, category=Category.objects.get(code="sanitation"),
        kind=Kind.COMPLAINT, channel=Channel.PHONE, title=f"{OTHER_SECRET}诉求",
        description=f"{OTHER_SECRET}诉求", by=world.charlie, building=building,
    )  # fmt: skip
    from volunteers.services import sign_up

    activity = ActivityFactory(community=world.other_community, title=f"{OTHER_SECRET}义诊",
                               address=f"{OTHER_SECRET}广场", capacity=1)  # fmt: skip
    _weekly_shift(world.other_community, f"{OTHER_SECRET}周三夜巡")
    # 孙, signed up nowhere, is whom charlie's sign-up form offers.
    sign_up(activity, zhao_volunteer, world.charlie)
    return world


@pytest.fixture
def broker_down(settings):
    """The broker's port is closed: every enqueue fails as it would with Redis stopped."""
    closed = "redis://127.0.0.1:9/0"
    settings.CELERY_BROKER_URL = closed
    before = app.conf.broker_write_url, app.conf.task_always_eager
    app.conf.broker_write_url, app.conf.task_always_eager = closed, False
    app._pool = app.amqp._producer_pool = None
    yield
    app.conf.broker_write_url, app.conf.task_always_eager = before
    app._pool = app.amqp._producer_pool = None


@dataclass
class Worker:
    queue: str
    process: subprocess.Popen


def tests_database_url() -> str:
    from django.db import connection

    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker(transactional_db) -> Iterator[Worker]:
    """A real Celery worker on a queue of its own, through the Redis broker, on the test
    database."""
    from django.db import connection

    if not os.environ.get("CELERY_BROKER_URL"):
        pytest.skip("CELERY_BROKER_URL is not set: no broker for a real worker")
    if connection.vendor != "postgresql":
        pytest.skip("the worker needs the test database on PostgreSQL to share it")
    queue = f"test-{uuid.uuid4().hex[:12]}"
    env = {**os.environ, "DATABASE_URL": tests_database_url()}
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "shequ", "worker", "--pool=solo", "-Q", queue,
         "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO"],
        cwd=Path(__file__).resolve().parents[1], env=env, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    yield Worker(queue, process)
    if process.poll() is None:
        process.terminate()
    output, _ = process.communicate(timeout=30)
    print(output)
