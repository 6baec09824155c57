"""Demo party organisations for the first two demo communities: a committee over two branches
built on grid units, a group, a dozen members of every kind, posts, one transfer out, and the
demo resident's own file."""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone

from partybuild import services
from partybuild.choices import Category, OrganizationKind, Post
from partybuild.models import OrganizationPost, PartyMember, PartyOrganization
from partybuild.models.organization import years_after
from residents.choices import Status
from residents.models import Resident
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
