"""Add party building to a generated city: every community's organisations, about 60,000 members
(20 % in-service) with their registration events, and three years of meetings with attendance.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/shequ_bench
    .venv/bin/python bench/generate_city.py
    .venv/bin/python bench/generate_party.py --members 60000

Each community gets a committee (a general branch where it has fewer than 50 members) over one
branch per grid unit (支部建在网格上), and two groups in each branch of twelve members or more.
Members are living adult residents of the community; a branch of seven full members or more has
a committee of five (secretary, deputy, three members), a smaller one a secretary only, as the
2018 regulations have it. Every month of the last three years each committee met (90 %) and
each group (85 %); every quarter each branch held its general meeting (90 %, half of them with
the lecture) and, where the general meeting had none, a lecture (80 %). Each meeting has the
attendance of its roll: present, on leave with a reason, or absent.

Rows are written with COPY, one transaction per community, so generated rows have no history.
Communities that already have party organisations are skipped: a second run adds nothing.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shequ.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.generate_city import analyze, copy_instances, copy_rows, reserve_ids  # noqa: E402
from partybuild.choices import (  # noqa: E402
    Category,
    EventKind,
    MeetingKind,
    MeetingStatus,
    OrganizationKind,
    Post,
    Presence,
)
from partybuild.models import (  # noqa: E402
    Attendance,
    MemberEvent,
    OrganizationalLife,
    OrganizationPost,
    PartyMember,
    PartyOrganization,
)
from residents.choices import Status  # noqa: E402
from residents.models import Resident  # noqa: E402
from shequ.models import Community, GridUnit, User  # noqa: E402

TODAY = datetime.date.today()
YEARS = 3
WORK_UNITS = ("市供电公司", "区人民医院", "市第一中学", "区税务局", "淄博银行", "区住建局")
LEAVE_REASONS = ("外出务工", "住院治疗", "照顾病人", "单位值班", "外地探亲")
TOPICS = {
    MeetingKind.COMMITTEE: ("研究发展党员工作", "讨论本月网格走访安排", "研究困难党员帮扶"),
    MeetingKind.GROUP: ("学习党章", "交流责任区情况", "讨论楼栋环境整治"),
    MeetingKind.GENERAL: ("通报季度工作", "民主评议党员", "讨论预备党员转正"),
    MeetingKind.LECTURE: ("学习党的二十大精神", "党史专题", "廉洁自律专题"),
}


def months_back(years: int) -> list[datetime.date]:
    first = TODAY.replace(day=1)
    months = []
    for i in range(years * 12, -1, -1):
        month = first.month - i
        months.append(datetime.date(first.year + (month - 1) // 12, (month - 1) % 12 + 1, 1))
    return months


def a_day(rng: random.Random, month: datetime.date) -> datetime.date:
    day = month.replace(day=rng.randint(5, 25))
    return min(day, TODAY)


class CommunityParty:
    """One community's rows, made in Python and written with COPY."""

    def __init__(
        self,
        rng,
        community_id: int,
        grid_units: list[int],
        residents: list[int],
        size: int,
        by: int,
    ) -> None:
        self.rng, self.community_id, self.by = rng, community_id, by
        self.grid_units, self.residents, self.size = grid_units, residents, size

    def write(self, cursor) -> tuple[int, int, int]:
        rng, now = self.rng, timezone.now()
        chosen = rng.sample(self.residents, min(self.size, len(self.residents)))
        top_kind = (
            OrganizationKind.COMMITTEE if len(chosen) >= 50 else OrganizationKind.GENERAL_BRANCH
        )
        ids = iter(reserve_ids(cursor, PartyOrganization, 1 + 3 * len(self.grid_units)))
        founded = datetime.date(2005, 7, 1)
        top = PartyOrganization(
            pk=next(ids),
            community_id=self.community_id,
            kind=top_kind,
            name="社区党委" if top_kind == OrganizationKind.COMMITTEE else "社区党总支",
            founded_on=founded,
            order=0,
        )
        organizations, grid_links = [top], []
        share = len(chosen) // len(self.grid_units)
        branches = []
        for n, grid_unit in enumerate(self.grid_units):
            branch = PartyOrganization(
                pk=next(ids),
                community_id=self.community_id,
                parent_id=top.pk,
                kind=OrganizationKind.BRANCH,
                name=f"第{n + 1}网格党支部",
                founded_on=founded,
                order=n + 1,
            )
            organizations.append(branch)
            grid_links.append((branch.pk, grid_unit))
            people = (
                chosen[n * share : (n + 1) * share]
                if n < len(self.grid_units) - 1
                else chosen[n * share :]
            )
            groups = []
            if len(people) >= 12:
                for g in range(2):
                    group = PartyOrganization(
                        pk=next(ids),
                        community_id=self.community_id,
                        parent_id=branch.pk,
                        kind=OrganizationKind.GROUP,
                        name=f"第{n + 1}支部第{g + 1}党小组",
                        founded_on=founded,
                        order=g,
                    )
                    organizations.append(group)
                    grid_links.append((group.pk, grid_unit))
                    groups.append(group)
            branches.append((branch, groups, people))

        members, events, posts = [], [], []
        member_ids = iter(reserve_ids(cursor, PartyMember, len(chosen)))
        placed: dict[int, list[PartyMember]] = {}
        for branch, groups, people in branches:
            for i, resident in enumerate(people):
                home = branch if not groups or i % 10 < 3 else groups[i % 2]
                member = self.member(next(member_ids), resident, home)
                members.append(member)
                placed.setdefault(home.pk, []).append(member)
                events.append(
                    MemberEvent(
                        member_id=member.pk,
                        kind=EventKind.REGISTERED,
                        organization_id=home.pk,
                        happened_on=member.joined_on,
                        by_id=self.by,
                        recorded_at=now,
                    )
                )
                if member.full_on:
                    events.append(
                        MemberEvent(
                            member_id=member.pk,
                            kind=EventKind.CONFIRMED,
                            organization_id=home.pk,
                            happened_on=member.full_on,
                            by_id=self.by,
                            recorded_at=now,
                        )
                    )
        event_ids = reserve_ids(cursor, MemberEvent, len(events))
        for event, pk in zip(events, event_ids, strict=True):
            event.pk = pk

        meetings, attendance = [], []
        months = months_back(YEARS)
        for branch, groups, _people in branches:
            everyone = [m for org in (branch, *groups) for m in placed.get(org.pk, [])]
            full = [m for m in everyone if m.full_on]
            committee = full[:5] if len(full) >= 7 else full[:1]
            for k, member in enumerate(committee):
                post = (
                    Post.SECRETARY,
                    Post.DEPUTY,
                    Post.ORGANIZATION,
                    Post.PROPAGANDA,
                    Post.DISCIPLINE,
                )[k]
                posts.append(
                    OrganizationPost(
                        organization_id=branch.pk,
                        member_id=member.pk,
                        post=post,
                        started_on=datetime.date(2023, 3, 1),
                    )
                )
            for group in groups:
                if placed.get(group.pk):
                    posts.append(
                        OrganizationPost(
                            organization_id=group.pk,
                            member_id=placed[group.pk][0].pk,
                            post=Post.GROUP_LEADER,
                            started_on=datetime.date(2023, 3, 1),
                        )
                    )
            for month in months:
                if len(full) >= 7 and rng.random() < 0.9:
                    meetings.append(
                        (
                            branch.pk,
                            MeetingKind.COMMITTEE,
                            False,
                            a_day(rng, month),
                            list(committee),
                        )
                    )
                for group in groups:
                    if rng.random() < 0.85:
                        meetings.append(
                            (
                                group.pk,
                                MeetingKind.GROUP,
                                False,
                                a_day(rng, month),
                                placed.get(group.pk, []),
                            )
                        )
                if month.month % 3 == 0:
                    with_lecture = False
                    if rng.random() < 0.9:
                        with_lecture = rng.random() < 0.5
                        meetings.append(
                            (
                                branch.pk,
                                MeetingKind.GENERAL,
                                with_lecture,
                                a_day(rng, month),
                                everyone,
                            )
                        )
                    if not with_lecture and rng.random() < 0.8:
                        meetings.append(
                            (branch.pk, MeetingKind.LECTURE, False, a_day(rng, month), everyone)
                        )
        meeting_ids = reserve_ids(cursor, OrganizationalLife, len(meetings))
        meeting_rows = []
        for pk, (organization, kind, also_lecture, day, roll) in zip(
            meeting_ids, meetings, strict=True
        ):
            meeting_rows.append(
                (
                    pk,
                    organization,
                    kind,
                    also_lecture,
                    MeetingStatus.HELD,
                    day,
                    "党员活动室",
                    rng.choice(TOPICS[kind if not also_lecture else MeetingKind.GENERAL]),
                    "",
                    None,
                    "会议按议程进行。",
                    self.by,
                    now,
                )
            )
            for member in roll:
                if member.joined_on > day:
                    continue
                draw = rng.random()
                if draw < 0.85:
                    attendance.append((pk, member.pk, Presence.PRESENT, ""))
                elif draw < 0.95:
                    attendance.append((pk, member.pk, Presence.LEAVE, rng.choice(LEAVE_REASONS)))
                else:
                    attendance.append((pk, member.pk, Presence.ABSENT, ""))

        copy_instances(cursor, PartyOrganization, organizations)
        through = PartyOrganization.grid_units.through
        copy_rows(
            cursor,
            through._meta.db_table,
            [
                through._meta.get_field("partyorganization").column,
                through._meta.get_field("gridunit").column,
            ],
            grid_links,
        )
        copy_instances(cursor, PartyMember, members)
        copy_instances(cursor, MemberEvent, events)
        post_ids = reserve_ids(cursor, OrganizationPost, len(posts))
        for post, pk in zip(posts, post_ids, strict=True):
            post.pk = pk
        copy_instances(cursor, OrganizationPost, posts)
        copy_rows(
            cursor,
            OrganizationalLife._meta.db_table,
            [
                "id",
                "organization_id",
                "kind",
                "also_lecture",
                "status",
                "date",
                "place",
                "topic",
                "speaker",
                "speaker_member_id",
                "minutes",
                "recorded_by_id",
                "recorded_at",
            ],
            meeting_rows,
        )
        copy_rows(
            cursor,
            Attendance._meta.db_table,
            ["meeting_id", "member_id", "presence", "reason"],
            attendance,
        )
        return len(members), len(meetings), len(attendance)

    def member(self, pk: int, resident: int, home: PartyOrganization) -> PartyMember:
        rng = self.rng
        draw = rng.random()
        category = (
            Category.IN_SERVICE
            if draw < 0.2
            else Category.RETIRED
            if draw < 0.6
            else Category.FLOATING
            if draw < 0.65
            else Category.RESIDENT
        )
        probationary = rng.random() < 0.03
        joined = (
            TODAY - datetime.timedelta(days=rng.randint(30, 330))
            if probationary
            else datetime.date(rng.randint(1965, 2022), rng.randint(1, 12), 1)
        )
        return PartyMember(
            pk=pk,
            community_id=self.community_id,
            resident_id=resident,
            organization_id=home.pk,
            category=category,
            status="active",
            joined_on=joined,
            full_on=None if probationary else joined + datetime.timedelta(days=366),
            post="",
            notes="",
            account_id=None,
            work_unit=rng.choice(WORK_UNITS) if category == Category.IN_SERVICE else "",
            reported_on=(
                datetime.date(2023, rng.randint(1, 12), 1)
                if category == Category.IN_SERVICE
                else None
            ),
            floating_to="外地务工" if category == Category.FLOATING else "",
        )


def generate(members: int, seed: int, out=sys.stdout) -> None:
    started = time.perf_counter()
    rng = random.Random(seed)
    by, _created = User.objects.get_or_create(
        username="bench_party_generator", defaults={"name": "党建数据生成"}
    )
    communities = list(Community.objects.order_by("code").values_list("pk", flat=True))
    done = set(PartyOrganization.objects.values_list("community_id", flat=True))
    grid_units: dict[int, list[int]] = {}
    for community, pk in GridUnit.objects.order_by("community_id", "number").values_list(
        "community_id", "pk"
    ):
        grid_units.setdefault(community, []).append(pk)
    weights = [0.7 + 0.6 * rng.random() for _ in communities]
    scale = members / sum(weights)
    adult = TODAY.replace(year=TODAY.year - 18)
    totals = [0, 0, 0]
    for i, (community, weight) in enumerate(zip(communities, weights, strict=True), start=1):
        if community in done or not grid_units.get(community):
            continue
        residents = list(
            Resident.objects.filter(
                community=community, status=Status.LIVING, birth_date__lte=adult
            ).values_list("pk", flat=True)
        )
        rows = CommunityParty(
            random.Random(seed * 7919 + community),
            community,
            grid_units[community],
            residents,
            round(weight * scale),
            by.pk,
        )
        with transaction.atomic(), connection.cursor() as wrapper:
            wrapper.execute("SET LOCAL synchronous_commit TO off")
            counts = rows.write(wrapper.cursor)
        for k in range(3):
            totals[k] += counts[k]
        if i % 50 == 0 or i == len(communities):
            print(
                f"  [{i:>5}/{len(communities)}] {totals[0]:>7,} members {totals[1]:>8,} meetings "
                f"{totals[2]:>10,} attendances {time.perf_counter() - started:7.1f} s",
                file=out,
                flush=True,
            )
    analyze(
        PartyOrganization,
        PartyMember,
        MemberEvent,
        OrganizationPost,
        OrganizationalLife,
        Attendance,
    )
    print(
        f"Done in {time.perf_counter() - started:.1f} s: {totals[0]:,} members, "
        f"{totals[1]:,} meetings, {totals[2]:,} attendances.",
        file=out,
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=60_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    if connection.vendor != "postgresql":
        parser.error("needs PostgreSQL (COPY): set DATABASE_URL=postgres://…")
    generate(args.members, args.seed)


if __name__ == "__main__":
    main()
