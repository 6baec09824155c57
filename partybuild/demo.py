"""Demo party building for the first two demo communities: a committee over two branches built
on grid units, a group, a dozen members of every kind, posts, one transfer out, the demo
resident's own file, two quarters of meetings (and their figures for officials), dues, a pairing,
四个一 and the needs board."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from partybuild import services
from partybuild.choices import (
    Category,
    FourOnesItem,
    MeetingKind,
    MeetingStatus,
    NeedKind,
    OrganizationKind,
    PairingKind,
    Post,
    Presence,
)
from partybuild.compliance import refresh_compliance
from partybuild.dues.services import dues_basis_set, dues_pay
from partybuild.models import (
    CommunityNeed,
    DuesBasis,
    OrganizationalLife,
    OrganizationPost,
    Pairing,
    PartyMember,
    PartyOrganization,
    ServiceHours,
)
from partybuild.models.dues import DuesCategory
from partybuild.models.meetings import roll_on
from partybuild.models.organization import years_after
from residents.choices import Status
from residents.models import Household, Resident
from shequ.models import Community, District, Role, User

POSTS = ["楼栋信息员", "政策宣传员", "环境监督员", "矛盾调解员", "平安巡逻员", "文明劝导员"]
UNITS = ["区税务局", "市第三中学", "区人民医院", "国网供电公司"]


@transaction.atomic
def seed(district: District) -> None:
    rng = random.Random(2026)
    today = timezone.localdate()
    for community in Community.objects.filter(street__district=district).order_by("code")[:2]:
        if community.party_organizations.exists():
            continue
        keeper = User.objects.filter(
            role_assignments__community=community,
            role_assignments__role__in=[Role.PARTY_WORKER, Role.COMMUNITY_STAFF],
        ).first()
        resident_account = User.objects.filter(
            role_assignments__community=community, role_assignments__role=Role.RESIDENT
        ).first()
        units = list(community.grid_units.order_by("number")[:2])
        committee = PartyOrganization.objects.create(
            community=community, kind=OrganizationKind.COMMITTEE, name=f"{community.name}党委",
            founded_on=datetime.date(2005, 7, 1), elected_on=datetime.date(2024, 1, 10),
        )  # fmt: skip
        branches = []
        for n, unit in enumerate(units, start=1):
            branch = PartyOrganization.objects.create(
                community=community, parent=committee, kind=OrganizationKind.BRANCH,
                name=f"第{'一二'[n - 1]}党支部", founded_on=datetime.date(2010, 3, 1),
                # The first branch's term has run out: the tree shows the warning.
                elected_on=datetime.date(2022 if n == 1 else 2025, 3, 1), order=n,
            )  # fmt: skip
            branch.grid_units.set([unit])
            branches.append(branch)
        group = PartyOrganization.objects.create(
            community=community, parent=branches[0], kind=OrganizationKind.GROUP,
            name="第一党小组", founded_on=datetime.date(2015, 5, 1),
        )  # fmt: skip
        group.grid_units.set(units[:1])
        adults = list(
            Resident.objects.filter(
                community=community, status=Status.LIVING,
                birth_date__lte=years_after(today, -30),
            ).order_by("pk")[:14]
        )  # fmt: skip
        members = []
        for index, resident in enumerate(adults):
            organization = (group, branches[0], branches[-1])[index % 3]
            joined = years_after(resident.birth_date, rng.randrange(22, 40))
            joined = min(joined, years_after(today, -3))
            category = Category.RETIRED if resident.birth_date.year < 1962 else Category.RESIDENT
            fields = {}
            if index == 3:
                category = Category.IN_SERVICE
                fields = {"work_unit": rng.choice(UNITS), "reported_on": years_after(today, -1)}
            elif index == 5:
                category, fields = Category.FLOATING, {"floating_to": "广东省深圳市务工"}
            full_on = years_after(joined, 1)
            if index in (1, 7):  # probationary: one not yet due, one waiting to be confirmed
                joined = today - datetime.timedelta(days=120 if index == 1 else 400)
                full_on = None
            member = PartyMember(
                resident=resident, organization=organization, category=category,
                joined_on=joined, full_on=full_on, post=POSTS[index % len(POSTS)], **fields,
            )  # fmt: skip
            if index == 4 and resident_account:
                member.account = resident_account
            services.member_register(member, keeper)
            member.zone.set([resident.household.building])
            members.append(member)
        # Probationary members (1 and 7) are neither elected nor electors.
        for branch, member in zip(branches, members[2::2], strict=False):
            OrganizationPost.objects.create(
                organization=branch, member=member, post=Post.SECRETARY,
                started_on=branch.elected_on,
            )  # fmt: skip
        OrganizationPost.objects.create(
            organization=committee, member=members[0], post=Post.SECRETARY,
            started_on=committee.elected_on,
        )  # fmt: skip
        if len(members) > 10:
            services.member_transfer_out(
                members[10], keeper, day=today - datetime.timedelta(days=20),
                counterpart="邻区某街道党工委",
            )  # fmt: skip
        _organisational_life(rng, [*branches, group], keeper, today)
        _dues(members, keeper, today)
        _field_work(community, members, keeper, today)
    # The officials' overview reads stored figures: the demo has them at once, without waiting
    # for a worker to take the refresh its meetings enqueue.
    refresh_compliance(
        Community.objects.filter(street__district=district).values_list("pk", flat=True)
    )


TOPICS = ["学习党章党规", "学习贯彻全会精神", "社区治理议事", "志愿服务安排", "党员民主评议"]


def _organisational_life(rng, organizations, keeper, today) -> None:
    """Last quarter's and this quarter's meetings: a general meeting with its lecture each
    quarter and a group meeting most months, everyone present but one on leave; the second
    branch missed this quarter's general meeting, so the table shows a gap."""
    start = (today.replace(day=1) - datetime.timedelta(days=100)).replace(day=1)
    for organization in organizations:
        month = start
        while month <= today:
            day = month.replace(day=12)
            if day > today:
                break
            kinds = []
            if organization.kind == OrganizationKind.GROUP:
                kinds.append(MeetingKind.GROUP)
            elif month.month % 3 == 1 and not (
                organization.order == 2 and day > today - datetime.timedelta(days=60)
            ):
                kinds.append(MeetingKind.GENERAL)
            for kind in kinds:
                meeting = OrganizationalLife(
                    organization=organization, kind=kind, date=day, place="社区党群服务中心",
                    topic=rng.choice(TOPICS), also_lecture=kind == MeetingKind.GENERAL,
                    speaker="社区党委书记", minutes="传达学习有关精神，讨论本月工作。",
                    recorded_by=keeper, status=MeetingStatus.HELD,
                )  # fmt: skip
                roll = list(roll_on(organization, kind, day).values_list("pk", flat=True))
                attendance = {pk: (Presence.PRESENT, "") for pk in roll}
                if roll:
                    attendance[roll[-1]] = (Presence.LEAVE, "外出探亲")
                services.meeting_save(meeting, by=keeper, attendance=attendance, files=[])
            month = (month + datetime.timedelta(days=32)).replace(day=1)


def _dues(members, keeper, today) -> None:
    """Bases from three months ago; every month paid but this one."""
    since = today.replace(day=1)
    for _ in range(3):
        since = (since - datetime.timedelta(days=1)).replace(day=1)
    for member in members:
        if not member.active:
            continue
        retired = member.category == Category.RETIRED
        basis = DuesBasis(
            member=member, effective_from=since,
            category=DuesCategory.RETIRED if retired else DuesCategory.EMPLOYED,
            base=Decimal(4200 if retired else 6500),
        )  # fmt: skip
        basis.full_clean()  # fills the rate of the band, as the basis form does
        dues_basis_set(basis, keeper)
        dues_pay(
            member.dues_months.filter(month__lt=today.replace(day=1)),
            paid_on=today.replace(day=1),
            by=keeper,
        )


def _field_work(community, members, keeper, today) -> None:
    """A pairing with last month's visit, a good deed, an open wish and a claimed post."""
    active = [member for member in members if member.active]
    household = (
        Household.objects.filter(community=community)
        .exclude(pk=active[2].resident.household_id)
        .order_by("pk")
        .first()
    )
    pairing = Pairing.objects.create(
        community=community, member=active[2], household=household,
        kind=PairingKind.ELDERLY_ALONE, started_on=today - datetime.timedelta(days=90),
    )  # fmt: skip
    services.pairing_visit(
        pairing, keeper, visited_on=today - datetime.timedelta(days=20),
        notes="陪老人聊天，帮助打扫卫生，身体状况良好。",
    )  # fmt: skip
    for member in active[:3]:
        services.four_ones_record(
            member=member, item=FourOnesItem.GOOD_DEED, done_on=today - datetime.timedelta(days=30),
            description="帮助邻居修理楼道灯。", by=keeper,
        )  # fmt: skip
    CommunityNeed.objects.create(
        community=community, kind=NeedKind.WISH, title="独居老人希望有人教用智能手机",
        posted_by=keeper,
    )  # fmt: skip
    post = CommunityNeed.objects.create(
        community=community, kind=NeedKind.POST, title="周末小区文明劝导岗", posted_by=keeper
    )
    in_service = next((m for m in active if m.category == Category.IN_SERVICE), active[0])
    services.need_claim(post, in_service, keeper)
    ServiceHours.objects.create(
        community=community, member=in_service, hours=Decimal(3), need=post,
        served_on=today - datetime.timedelta(days=6), what="文明劝导、清理小广告",
        recorded_by=keeper,
    )  # fmt: skip
