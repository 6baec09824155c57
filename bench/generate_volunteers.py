"""Add volunteering to a generated city: about 100,000 volunteers, their teams, a year of
activities with sign-ups and check-ins, and about 500,000 service records.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/shequ_bench
    .venv/bin/python bench/generate_city.py
    .venv/bin/python bench/generate_volunteers.py --volunteers 100000

Each community gets volunteers among its living adults (about one in ten), a night-patrol team
and a cleaning team with half its volunteers between them, and one or two hobby associations.
Over the last year the patrol went out every week and the cleaning team every fortnight, and
each association met monthly; each activity had places for eight and about seven sign-ups, a
tenth of them cancelled and a tenth not turning up. Everyone checked in made a service record:
approved, except the last month's, which wait for the organiser (a few declined).

Rows are written with COPY, one transaction per community, so generated rows have no history.
Communities that already have volunteers are skipped: a second run adds nothing.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shequ.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.generate_city import analyze, copy_instances, reserve_ids  # noqa: E402
from residents.choices import Status  # noqa: E402
from residents.models import Resident  # noqa: E402
from shequ.models import Community  # noqa: E402
from volunteers.choices import (  # noqa: E402
    RecordStatus,
    SignUpStatus,
    TeamKind,
    TeamRole,
    VolunteerStatus,
)
from volunteers.models import (  # noqa: E402
    Activity,
    ServiceRecord,
    SignUp,
    Team,
    TeamMembership,
    Volunteer,
)

TODAY = datetime.date.today()
ASSOCIATIONS = ("乒乓球协会", "门球协会", "书画协会", "合唱团", "钓鱼协会")
SKILLS = ("", "", "急救", "理发", "维修", "驾驶", "书法", "医护")


def local(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


class CommunityVolunteers:
    """One community's rows, made in Python and written with COPY."""

    def __init__(self, rng: random.Random, community_id: int, residents: list[int], size: int):
        self.rng, self.community_id = rng, community_id
        self.residents, self.size = residents, size

    def write(self, cursor) -> tuple[int, int, int]:
        rng, community = self.rng, self.community_id
        chosen = rng.sample(self.residents, min(self.size, len(self.residents)))
        if not chosen:
            return 0, 0, 0
        ids = iter(reserve_ids(cursor, Volunteer, len(chosen)))
        volunteers = [
            Volunteer(
                pk=next(ids), community_id=community, resident_id=resident,
                status=VolunteerStatus.ACTIVE, skills=rng.choice(SKILLS),
                registered_on=TODAY - datetime.timedelta(days=rng.randint(30, 2000)),
                show_on_leaderboard=rng.random() < 0.3,
            )
            for resident in chosen
        ]  # fmt: skip
        copy_instances(cursor, Volunteer, volunteers)
        kinds = [("治安巡逻队", TeamKind.SERVICE, 7), ("保洁队", TeamKind.SERVICE, 14)] + [
            (name, TeamKind.ASSOCIATION, 30) for name in rng.sample(ASSOCIATIONS, rng.randint(1, 2))
        ]
        team_ids = iter(reserve_ids(cursor, Team, len(kinds)))
        teams = [
            Team(pk=next(team_ids), community_id=community, name=name, kind=kind,
                 founded_on=datetime.date(2015, 3, 1), purpose=name)
            for name, kind, _every in kinds
        ]  # fmt: skip
        copy_instances(cursor, Team, teams)
        members: dict[int, list[Volunteer]] = {}
        memberships = []
        pool = volunteers[:]
        rng.shuffle(pool)
        share = max(len(pool) // (2 * len(teams)), 3)
        for n, team in enumerate(teams):
            people = pool[n * share : (n + 1) * share] or pool[:3]
            members[team.pk] = people
            for k, volunteer in enumerate(people):
                memberships.append(TeamMembership(
                    team_id=team.pk, volunteer_id=volunteer.pk, joined_on=datetime.date(2020, 1, 1),
                    role=TeamRole.LEADER if k == 0 else TeamRole.MEMBER,
                ))  # fmt: skip
        membership_ids = iter(reserve_ids(cursor, TeamMembership, len(memberships)))
        for membership in memberships:
            membership.pk = next(membership_ids)
        copy_instances(cursor, TeamMembership, memberships)

        activities, plans = [], []
        first = TODAY - datetime.timedelta(days=365)
        for team, (name, _kind, every) in zip(teams, kinds, strict=True):
            day = first + datetime.timedelta(days=rng.randint(0, every - 1))
            while day <= TODAY + datetime.timedelta(days=14):
                starts = local(day, 20 if every == 7 else 9)
                activities.append(Activity(
                    community_id=community, team_id=team.pk, title=f"{name}活动",
                    starts_at=starts, ends_at=starts + datetime.timedelta(hours=2),
                    address="社区广场", capacity=8, offer_hours=12,
                    check_in_code=f"{rng.getrandbits(96):024x}",
                ))  # fmt: skip
                plans.append(members[team.pk])
                day += datetime.timedelta(days=every)
        activity_ids = iter(reserve_ids(cursor, Activity, len(activities)))
        for activity in activities:
            activity.pk = next(activity_ids)
        copy_instances(cursor, Activity, activities)

        sign_ups, records = [], []
        now = timezone.now()
        month_ago = TODAY - datetime.timedelta(days=30)
        for activity, people in zip(activities, plans, strict=True):
            came = rng.sample(people, min(len(people), rng.randint(5, 8)))
            for volunteer in came:
                cancelled = rng.random() < 0.1
                past = activity.ends_at < now
                shown = past and not cancelled and rng.random() < 0.9
                sign_up = SignUp(
                    activity_id=activity.pk, volunteer_id=volunteer.pk,
                    status=SignUpStatus.CANCELLED if cancelled else SignUpStatus.CONFIRMED,
                    signed_up_at=activity.starts_at - datetime.timedelta(days=3),
                    ended_at=activity.starts_at - datetime.timedelta(days=1) if cancelled else None,
                    checked_in_at=activity.starts_at if shown else None,
                    checked_out_at=activity.ends_at if shown else None,
                )  # fmt: skip
                sign_ups.append(sign_up)
                if shown:
                    served = timezone.localdate(activity.starts_at)
                    status = RecordStatus.PENDING if served > month_ago else (
                        RecordStatus.DECLINED if rng.random() < 0.02 else RecordStatus.APPROVED
                    )  # fmt: skip
                    records.append((sign_up, ServiceRecord(
                        community_id=community, volunteer_id=volunteer.pk, activity_id=activity.pk,
                        served_on=served, description=activity.title, planned_hours=Decimal(2),
                        hours=Decimal(2), status=status,
                        decided_at=now if status != RecordStatus.PENDING else None,
                    )))  # fmt: skip
        sign_up_ids = iter(reserve_ids(cursor, SignUp, len(sign_ups)))
        for sign_up in sign_ups:
            sign_up.pk = next(sign_up_ids)
        copy_instances(cursor, SignUp, sign_ups)
        record_ids = iter(reserve_ids(cursor, ServiceRecord, len(records)))
        for sign_up, record in records:
            record.pk, record.sign_up_id = next(record_ids), sign_up.pk
        copy_instances(cursor, ServiceRecord, [record for _s, record in records])
        return len(volunteers), len(activities), len(records)


def generate(volunteers: int, seed: int, out=sys.stdout) -> None:
    started = time.perf_counter()
    rng = random.Random(seed)
    communities = list(Community.objects.order_by("code").values_list("pk", flat=True))
    done = set(Volunteer.objects.values_list("community_id", flat=True).distinct())
    weights = [0.7 + 0.6 * rng.random() for _ in communities]
    scale = volunteers / sum(weights)
    adult = TODAY.replace(year=TODAY.year - 18)
    totals = [0, 0, 0]
    for i, (community, weight) in enumerate(zip(communities, weights, strict=True), start=1):
        if community in done:
            continue
        residents = list(
            Resident.objects.filter(
                community=community, status=Status.LIVING, birth_date__lte=adult
            ).values_list("pk", flat=True)
        )
        rows = CommunityVolunteers(
            random.Random(seed * 7919 + community), community, residents, round(weight * scale)
        )
        with transaction.atomic(), connection.cursor() as wrapper:
            wrapper.execute("SET LOCAL synchronous_commit TO off")
            counts = rows.write(wrapper.cursor)
        for k in range(3):
            totals[k] += counts[k]
        if i % 50 == 0 or i == len(communities):
            print(
                f"  [{i:>5}/{len(communities)}] {totals[0]:>7,} volunteers {totals[1]:>7,} "
                f"activities {totals[2]:>8,} records {time.perf_counter() - started:7.1f} s",
                file=out, flush=True,
            )  # fmt: skip
    analyze(Volunteer, Team, TeamMembership, Activity, SignUp, ServiceRecord)
    print(
        f"Done in {time.perf_counter() - started:.1f} s: {totals[0]:,} volunteers, "
        f"{totals[1]:,} activities, {totals[2]:,} service records.",
        file=out,
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--volunteers", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    if connection.vendor != "postgresql":
        parser.error("needs PostgreSQL (COPY): set DATABASE_URL=postgres://…")
    generate(args.volunteers, args.seed)


if __name__ == "__main__":
    main()
