"""Demo volunteers for the demo communities with staff accounts: a dozen volunteers (the demo
resident's own file among them, the same person as their party file), one registration awaiting
confirmation and one 注销, the night patrol with its leader, members and two meetings, and the
table-tennis association with its charter. In the first two, activities: one held last week, a
full clean-up with the demo resident on its waitlist, a visit offering them a freed place, and a
night patrol across midnight."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from partybuild.models import PartyMember
from residents.choices import Status
from residents.models import Resident
from shequ.models import Community, District, Role, User
from volunteers.choices import TeamKind, TeamRole, VolunteerStatus
from volunteers.defaults import seed_star_levels
from volunteers.hours import (
    certificate_issue,
    check_in,
    check_out,
    check_out_the_forgotten,
    records_decide,
)
from volunteers.models import (
    Activity,
    ServiceRecord,
    Team,
    TeamMeeting,
    TeamMembership,
    Volunteer,
)
from volunteers.models.people import ADULT_AGE, members_on, years_between
from volunteers.services import sign_up, sign_up_cancel, team_meeting_save

SKILLS = ["急救", "理发", "家电维修", "书法", "驾驶", "心理疏导", "法律咨询", "摄影"]
CHARTER = """第一条 本会名称为{community}乒乓球协会，是社区居民自愿组成的群众性体育组织。
第二条 本会宗旨：开展乒乓球健身活动，增进邻里交流，丰富居民文化生活。
第三条 凡本社区居民，热爱乒乓球运动，承认本章程，均可申请入会。
第四条 会员享有参加本会活动、提出意见建议的权利，履行遵守章程、爱护场地器材的义务。
第五条 本会设会长一名、副会长一名，由会员大会选举产生，任期三年。
第六条 本会活动场地为社区活动中心乒乓球室，每周二、四、六下午开放。"""


@transaction.atomic
def seed(district: District) -> None:
    seed_star_levels()  # a transactional test's flush empties what the migration wrote
    _seed_people(district)
    _seed_activities(district)


def _seed_people(district: District) -> None:
    today = timezone.localdate()
    communities = Community.objects.filter(
        street__district=district, role_assignments__role=Role.COMMUNITY_STAFF
    ).distinct()
    for community in communities.order_by("code"):
        if community.volunteers.exists():
            continue
        account = User.objects.filter(
            role_assignments__community=community, role_assignments__role=Role.RESIDENT
        ).first()
        own = getattr(getattr(account, "party_member", None), "resident", None)
        adults = [
            resident
            for resident in Resident.objects.filter(
                community=community, status=Status.LIVING, birth_date__isnull=False
            ).order_by("-pk")[:40]
            if years_between(resident.birth_date, today) >= ADULT_AGE and resident != own
        ][:11]
        if own is not None:
            adults.insert(0, own)
        people = []
        for index, resident in enumerate(adults):
            volunteer = Volunteer(
                community=community, resident=resident, skills=SKILLS[index % len(SKILLS)],
                registered_on=today - datetime.timedelta(days=30 * (12 - index)),
                show_on_leaderboard=index % 3 != 2,
                status=VolunteerStatus.PENDING if index == 10 else VolunteerStatus.ACTIVE,
            )  # fmt: skip
            if resident == own:
                volunteer.account = account
            if index == 11:
                volunteer.status = VolunteerStatus.LEFT
            volunteer._change_reason = "演示数据"
            volunteer.save()
            people.append(volunteer)
        active = [v for v in people if v.status == VolunteerStatus.ACTIVE]
        if len(active) < 4:
            continue
        patrol = Team.objects.create(
            community=community, kind=TeamKind.SERVICE, name="治安巡逻队",
            purpose="每晚 19:00–22:00 巡查楼院、车棚和沿街商铺，发现隐患及时报告社区和派出所。",
            founded_on=datetime.date(2018, 5, 1),
        )  # fmt: skip
        ping_pong = Team.objects.create(
            community=community, kind=TeamKind.ASSOCIATION, name="乒乓球协会",
            purpose="组织居民乒乓球健身活动和邻里友谊赛。", founded_on=datetime.date(2020, 9, 1),
            charter=CHARTER.format(community=community.name),
        )  # fmt: skip
        roles = [TeamRole.LEADER, TeamRole.DEPUTY, *[TeamRole.MEMBER] * 4]
        for volunteer, role in zip(active[:6], roles, strict=False):
            TeamMembership.objects.create(
                team=patrol, volunteer=volunteer, role=role, joined_on=datetime.date(2024, 3, 1)
            )
        for volunteer, role in zip(active[4:], roles, strict=False):
            TeamMembership.objects.create(
                team=ping_pong, volunteer=volunteer, role=role, joined_on=datetime.date(2024, 9, 1)
            )
        # One who left the patrol: the team's page keeps their dates.
        left = patrol.memberships.filter(role=TeamRole.MEMBER).last()
        if left:
            left.left_on = today - datetime.timedelta(days=10)
            left.save()
        _patrol_meetings(community, patrol, today)


def _patrol_meetings(community: Community, patrol: Team, today: datetime.date) -> None:
    """Two meetings of the patrol, recorded by the community's staff: the one before a member
    left has them on its list, the one after not."""
    keeper = User.objects.filter(
        role_assignments__community=community, role_assignments__role=Role.COMMUNITY_STAFF
    ).first()
    if keeper is None:
        return
    meetings = [
        (40, "季度队务会：调整夜间巡逻班次", "社区党群服务中心二楼会议室",
         "队长通报上季度巡逻情况：发现并报告隐患 6 处，均已处理。\n"
         "议定：入冬后巡逻提前到 18:30 开始；车棚充电口每晚必查。"),
        (5, "消防安全培训", "社区广场",
         "请街道消防站讲解灭火器和消火栓的使用，全体队员现场演练。"),
    ]  # fmt: skip
    for days, topic, place, minutes in meetings:
        day = today - datetime.timedelta(days=days)
        meeting = TeamMeeting(team=patrol, date=day, topic=topic, place=place, minutes=minutes,
                              recorded_by=keeper)  # fmt: skip
        team_meeting_save(meeting, by=keeper, attendees=list(members_on(patrol, day)), sheet=None)


# Enough people to fill the clean-up and leave two waiting.
VOLUNTEERS = 7


def _seed_activities(district: District) -> None:
    """For the first two demo communities: one held last week, a full clean-up with a waitlist
    (the demo resident waiting in it), a visit where the demo resident has been offered a freed
    place to confirm, and a night patrol across midnight."""
    now = timezone.now()
    for community in Community.objects.filter(street__district=district).order_by("code")[:2]:
        if Activity.objects.filter(community=community).exists():
            continue
        keeper = User.objects.filter(
            role_assignments__community=community, role_assignments__role=Role.COMMUNITY_STAFF
        ).first()
        if keeper is None:
            continue
        resident_account = User.objects.filter(
            role_assignments__community=community, role_assignments__role=Role.RESIDENT
        ).first()
        people = _volunteers(community, now.date())
        own = _own_volunteer(community, resident_account, people) if resident_account else None
        _activities(community, keeper, people, own, now)


def _volunteers(community: Community, today: datetime.date) -> list[Volunteer]:
    people = list(
        Volunteer.objects.filter(community=community, status=VolunteerStatus.ACTIVE)
        .filter(account__isnull=True)
        .order_by("pk")[:VOLUNTEERS]
    )
    if len(people) < VOLUNTEERS:
        adults = (
            Resident.objects.filter(
                community=community, status=Status.LIVING,
                birth_date__lte=today - datetime.timedelta(days=365 * 20),
                volunteer__isnull=True, party_member__account__isnull=True,
            ).order_by("pk")[: VOLUNTEERS - len(people)]
        )  # fmt: skip
        people += [
            Volunteer.objects.create(
                community=community,
                resident=resident,
                status=VolunteerStatus.ACTIVE,
                registered_on=datetime.date(2025, 3, 5),
            )
            for resident in adults
        ]
    return people


def _own_volunteer(community: Community, account: User, people: list) -> Volunteer:
    """The demo resident's own volunteer file: theirs if another part of the demo made it, else
    made on their party file's resident (or the next resident free)."""
    own = Volunteer.objects.filter(account=account).first()
    if own is not None:
        return own
    member = PartyMember.objects.filter(account=account).select_related("resident").first()
    resident = member.resident if member else None
    if resident is not None and hasattr(resident, "volunteer"):
        volunteer = resident.volunteer
        volunteer.account = account
        volunteer.save(update_fields=["account"])
        return volunteer
    if resident is None:
        resident = (
            Resident.objects.filter(community=community, status=Status.LIVING,
                                    volunteer__isnull=True)
            .exclude(pk__in=[p.resident_id for p in people])
            .order_by("pk")
            .first()
        )  # fmt: skip
    return Volunteer.objects.create(
        community=community, resident=resident, account=account,
        status=VolunteerStatus.ACTIVE, registered_on=datetime.date(2025, 3, 5),
    )  # fmt: skip


def _at(now: datetime.datetime, days: int, hour: int) -> datetime.datetime:
    day = timezone.localtime(now) + datetime.timedelta(days=days)
    return day.replace(hour=hour, minute=0, second=0, microsecond=0)


def _activities(community, keeper, people: list, own: Volunteer | None, now) -> None:
    team = Team.objects.filter(community=community, dissolved_on__isnull=True).first()
    building = community.buildings.order_by("sort_key").first()

    def activity(title, days, hour, hours, capacity, **fields):
        starts = _at(now, days, hour)
        return Activity.objects.create(
            community=community, title=title, starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=hours), capacity=capacity,
            created_by=keeper, **{"address": "社区广场", **fields},
        )  # fmt: skip

    past = activity("垃圾分类宣传", -7, 9, 2, 10, team=team,
                    description="在小区门口设点，发放垃圾分类宣传册，讲解投放时间。")  # fmt: skip
    held = [
        sign_up(past, person, keeper, now=past.starts_at - datetime.timedelta(days=2))
        for person in people[:5]
    ]
    _served(past, held, keeper, now)
    if own:
        _own_service(own, keeper, now)

    full = activity("周六楼道清扫", 2, 8, 3, 3, address="", building=building, team=team,
                    description="清理楼道堆放杂物、擦拭扶手，工具由社区提供。",
                    skills="无")  # fmt: skip
    for person in people[:5]:
        sign_up(full, person, keeper)
    if own:
        sign_up(full, own, keeper)

    visit = activity("敬老院探访", 4, 14, 2, 2, offer_hours=48,
                     address="幸福敬老院", description="陪老人聊天、读报，表演小节目。",
                     skills="文艺表演、理发")  # fmt: skip
    held = [sign_up(visit, person, keeper) for person in people[5:7]]
    if own and held:
        sign_up(visit, own, keeper)
        # One who had a place cannot come: the demo resident is offered it, to confirm.
        sign_up_cancel(held[0], keeper)

    patrol = activity("夜间治安巡逻", 6, 21, 4, 6, team=team, address="小区东门集合",
                      description="巡查楼道、车棚和围墙，次日凌晨 1 点结束。")  # fmt: skip
    for person in people[:2]:
        sign_up(patrol, person, keeper)


def _served(past: Activity, held: list, keeper: User, now: datetime.datetime) -> None:
    """Last week's: four came, one of them never checked out (flagged by the automatic
    check-out); two records approved, the rest waiting for the organiser."""
    for each in held[:4]:
        check_in(each, keeper, now=past.starts_at)
    for each in held[:3]:
        check_out(each, keeper, now=past.ends_at - datetime.timedelta(minutes=15))
    check_out_the_forgotten(now)
    records = ServiceRecord.objects.filter(activity=past).order_by("pk")
    records_decide(records[:2], keeper, approve=True)


def _own_service(own: Volunteer, keeper: User, now: datetime.datetime) -> None:
    """A year of the demo resident's service, approved: past the first star, with a
    certificate."""
    today = timezone.localdate(now)
    kinds = [
        ("夜间治安巡逻", "4"), ("敬老院探访", "3.5"), ("垃圾分类宣传", "6"), ("社区义诊服务", "8"),
    ]  # fmt: skip
    records = []
    for n in range(22):
        what, hours = kinds[n % len(kinds)]
        served_on = today - datetime.timedelta(days=15 * n + 20)
        records.append(ServiceRecord.objects.create(
            community=own.community, volunteer=own, hours=Decimal(hours), description=what,
            served_on=served_on,
        ))  # fmt: skip
    records_decide(records, keeper, approve=True)
    certificate_issue(own, keeper)
