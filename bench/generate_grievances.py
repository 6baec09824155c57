"""Add three years of grievances to a generated city: 500,000 cases with their events and ratings.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/shequ_bench
    .venv/bin/python bench/generate_city.py
    .venv/bin/python bench/generate_grievances.py --grievances 500000 --years 3

Cases are spread over the communities that have buildings (±30 % around the mean) and over the
three years up to today. Their states follow their age, as a desk's register does: almost all of
last year's cases are closed (a few rejected, merged, reopened or still open past their time
limit), most of this week's are open. Each case has the events its state implies (received,
accepted, assigned, started, sometimes escalated to the street or a department and answered,
replied, closed), due dates in working days from the seeded calendar, a rating for most replies,
and a contact phone number encrypted, hashed and masked as the app does it.

Disputes go to the community's people's mediation committee as they would through the desk's
steps: about half of them, once work on the case starts, with one of the community's staff as
mediator (an account made for each community that has none). A mediation of a case that has since
been replied to is concluded after one to three sessions over days, before the reply: agreed,
failed or withdrawn, in shares that differ by community; the timeline records its opening and
its end, the parties (the one who brought the case, and the other side) are on file.

Register numbers are gap-free per community and year, in order of receipt, and the counters are
set to match, so cases registered afterwards by the app continue the sequence. Rows are written
with PostgreSQL COPY, one transaction per community, by `--workers` processes. Communities that
already have grievances are skipped; the same `--seed` gives the same cases. The monthly figures
officials read (`GrievanceMonth`) are computed at the end.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shequ.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

from bench.generate_city import (  # noqa: E402
    add_accounts,
    analyze,
    copy_instances,
    full_name,
    given_name,
    in_workers,
    reserve_ids,
)
from grievances import workdays  # noqa: E402
from grievances.choices import (  # noqa: E402
    Channel,
    EventKind,
    Kind,
    Level,
    Priority,
    State,
)
from grievances.models import (  # noqa: E402
    Category,
    Grievance,
    GrievanceEvent,
    GrievanceMonth,
    Mediation,
    MediationSession,
    Party,
    RegisterCounter,
)
from grievances.models.cases import _CODE_ALPHABET, CODE_LENGTH  # noqa: E402
from grievances.models.mediation import Outcome, Side  # noqa: E402
from grievances.models.stats import refresh_grievance_months  # noqa: E402
from residents.models import Building  # noqa: E402
from shequ import personal_data  # noqa: E402
from shequ.models import Community, Department, Role, RoleAssignment  # noqa: E402

ZONE = ZoneInfo("Asia/Shanghai")
TODAY = datetime.date.today()
KINDS = [(Kind.COMPLAINT, 35), (Kind.HELP, 25), (Kind.INQUIRY, 15), (Kind.SUGGESTION, 10),
         (Kind.DISPUTE, 12), (Kind.PRAISE, 3)]  # fmt: skip
CHANNELS = [(Channel.VISIT, 30), (Channel.PHONE, 25), (Channel.HOTLINE, 15),
            (Channel.ONLINE, 15), (Channel.GRID, 12), (Channel.JOINT, 3)]  # fmt: skip
TITLES = ["楼道堆放杂物", "电梯停运", "楼上漏水", "路灯不亮", "垃圾未及时清运", "车辆乱停",
          "噪声扰民", "下水道堵塞", "供暖不热", "绿地被占", "邻里噪音纠纷", "申请临时救助",
          "咨询养老补贴", "建议增设健身器材", "物业费争议", "占道经营"]  # fmt: skip
DEPARTMENTS = ["区城管局", "区住建局", "区市场监管局", "公安派出所", "区民政局"]
MEDIATED = 0.5  # the share of disputes taken to mediation
WITHDRAWN = 0.06  # weight of a withdrawal beside the community's agreed and failed shares


def pick(rng: random.Random, weighted) -> str:
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


@dataclass
class Plan:
    community_id: int
    street_id: int
    cases: int
    buildings: tuple[int, ...]
    seed: int


@dataclass
class Mediated:
    mediation: Mediation
    parties: list[Party]
    sessions: list[MediationSession]


@dataclass
class Rows:
    grievances: list[Grievance] = field(default_factory=list)
    events: list[tuple[int, GrievanceEvent]] = field(default_factory=list)
    counters: dict[int, int] = field(default_factory=dict)
    # (index of the case in `grievances`, its mediation)
    mediations: list[tuple[int, Mediated]] = field(default_factory=list)


def _at(day: datetime.date, rng: random.Random) -> datetime.datetime:
    return datetime.datetime.combine(
        day, datetime.time(8 + rng.randrange(10), rng.randrange(60)), ZONE
    )


def fate(rng: random.Random, age_days: int) -> str:
    """A case's state from its age: what a register holds after that many days."""
    if age_days <= 3:
        return pick(rng, [(State.RECEIVED, 30), (State.ACCEPTED, 35), (State.IN_PROGRESS, 30),
                          (State.REPLIED, 5)])  # fmt: skip
    if age_days <= 30:
        return pick(rng, [(State.ACCEPTED, 5), (State.IN_PROGRESS, 20), (State.REPLIED, 30),
                          (State.CLOSED, 40), (State.REJECTED, 3), (State.MERGED, 2)])  # fmt: skip
    return pick(rng, [(State.IN_PROGRESS, 1), (State.REPLIED, 4), (State.CLOSED, 89),
                      (State.REJECTED, 4), (State.MERGED, 2)])  # fmt: skip


def generate(plan: Plan, context: dict) -> Rows:
    rng = random.Random(plan.seed)
    categories, calendar, departments, span = (
        context["categories"], context["calendar"], context["departments"], context["span"]
    )  # fmt: skip
    days = sorted(TODAY - datetime.timedelta(days=rng.randrange(span)) for _ in range(plan.cases))
    mediator = (*context["mediators"][plan.community_id], rng.uniform(0.55, 0.92))
    rows = Rows()
    for day in days:
        category_id, limit = rng.choice(categories)
        received = _at(day, rng)
        year = received.year
        rows.counters[year] = rows.counters.get(year, 0) + 1
        state = fate(rng, (TODAY - day).days)
        case = Grievance(
            community_id=plan.community_id, year=year, sequence=rows.counters[year],
            tracking_code="".join(rng.choice(_CODE_ALPHABET) for _ in range(CODE_LENGTH)),
            kind=pick(rng, KINDS), channel=pick(rng, CHANNELS), category_id=category_id,
            priority=Priority.URGENT if rng.random() < 0.05 else Priority.NORMAL,
            title=rng.choice(TITLES), description="居民反映的具体情况。" * rng.randint(1, 4),
            answers="{}",  # COPY writes the JSON text as it is
            building_id=rng.choice(plan.buildings), address="",
            contact_name=rng.choice("王李张刘陈杨赵黄周吴") + rng.choice(("先生", "女士")),
            state=state, level=Level.COMMUNITY, received_at=received,
            due_on=workdays.add_working_days(day, limit, calendar),
            warn_on=workdays.warning_day(day, limit, calendar), hidden=rng.random() < 0.002,
        )  # fmt: skip
        phone = f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"
        case.contact_phone_ciphertext = personal_data.encrypt(phone)
        case.contact_phone_hash = personal_data.lookup_hash(phone)
        case.contact_phone_masked = personal_data.mask_mobile(phone)
        case.warned = day <= TODAY and case.warn_on <= TODAY
        events, mediated = _life(rng, case, received, departments, mediator, phone)
        case.overdue = state in (State.RECEIVED, State.ACCEPTED, State.IN_PROGRESS) and (
            case.due_on < TODAY
        )
        index = len(rows.grievances)
        rows.grievances.append(case)
        rows.events.extend((index, event) for event in events)
        if mediated:
            rows.mediations.append((index, mediated))
    return rows


def _life(rng, case: Grievance, received: datetime.datetime, departments, mediator,
          phone: str) -> tuple[list[GrievanceEvent], Mediated | None]:  # fmt: skip
    """The events the case's state implies, each a little after the one before, and the
    mediation of a dispute."""
    at = received
    events = []

    def step(kind: str, to_state: str, level: str = Level.COMMUNITY, hours=(1, 40), note="",
             **extra) -> datetime.datetime:  # fmt: skip
        nonlocal at
        at = min(at + datetime.timedelta(hours=rng.randint(*hours)), datetime.datetime.now(ZONE))
        events.append(GrievanceEvent(kind=kind, at=at, to_state=to_state, public=True,
                                     level=level, note=note, **extra))  # fmt: skip
        return at

    step(EventKind.RECEIVED, State.RECEIVED)
    final = case.state
    if final == State.RECEIVED:
        return events, None
    if final == State.REJECTED:
        step(EventKind.REJECTED, State.REJECTED)
        case.closed_at = at
        return events, None
    step(EventKind.ACCEPTED, State.ACCEPTED)
    if final == State.ACCEPTED:
        return events, None
    step(EventKind.STARTED, State.IN_PROGRESS)
    if final == State.MERGED:
        step(EventKind.MERGED, State.MERGED)
        case.closed_at = at
        return events, None
    mediated = None
    if case.kind == Kind.DISPUTE and rng.random() < MEDIATED:
        mediated = _mediate(rng, case, step, mediator, phone)
    if rng.random() < 0.08:
        department = rng.choice(departments) if rng.random() < 0.6 else None
        step(EventKind.ESCALATED, State.IN_PROGRESS,
             level=Level.DEPARTMENT if department else Level.STREET,
             department_id=department)  # fmt: skip
        step(EventKind.ANSWERED, State.IN_PROGRESS, department_id=department)
        case.department_id = department
    if final == State.IN_PROGRESS:
        return events, mediated
    step(EventKind.REPLIED, State.REPLIED)
    case.replied_at, case.reply = at, "已处理，情况已向居民说明。"
    if rng.random() < 0.6:
        case.rating = rng.choices([1, 2, 3, 4, 5], [3, 4, 10, 33, 50])[0]
        step(EventKind.RATED, State.REPLIED)
    if final == State.CLOSED:
        step(EventKind.CLOSED, State.CLOSED)
        case.closed_at = at
        if rng.random() < 0.03:
            case.reopened_at = at
    return events, mediated


def _mediate(rng, case: Grievance, step, mediator, phone: str) -> Mediated:
    """Opened as work starts; concluded, for a case replied to since (and a few still open),
    after sessions over days."""
    mediator_id, name, agreed = mediator
    opened = step(EventKind.MEDIATION_OPENED, State.IN_PROGRESS, note=f"调解员：{name}",
                  actor_id=mediator_id, from_state=State.IN_PROGRESS)  # fmt: skip
    mediation = Mediation(
        mediator_id=mediator_id, facts=f"双方因{case.title}发生争执，申请人民调解。",
        opened_on=opened.astimezone(ZONE).date(),
    )  # fmt: skip
    applicant = case.contact_name[0] + given_name(rng, case.contact_name.endswith("先生"))
    parties = [Party(side=Side.APPLICANT, name=applicant),
               Party(side=Side.RESPONDENT, name=full_name(rng))]  # fmt: skip
    parties[0].set_phone(phone)
    if case.state not in (State.REPLIED, State.CLOSED) and rng.random() < 0.7:
        return Mediated(mediation, parties, [])
    outcome = rng.choices(Outcome.values, [agreed, 1 - agreed, WITHDRAWN])[0]
    ended = step(EventKind.MEDIATION_CONCLUDED, State.IN_PROGRESS, hours=(20, 240),
                 note=str(Outcome(outcome).label), actor_id=mediator_id,
                 from_state=State.IN_PROGRESS)  # fmt: skip
    mediation.outcome, mediation.concluded_on = outcome, ended.astimezone(ZONE).date()
    if outcome == Outcome.AGREED:
        mediation.agreement = "双方自愿达成如下协议：责任方负责修复并承担费用，另一方不再追究。"
        mediation.performance = "协议签订之日起十日内履行完毕"
    span = (mediation.concluded_on - mediation.opened_on).days
    held = sorted(rng.randint(0, span) for _ in range(rng.choice((1, 1, 2, 3))))
    sessions = [
        MediationSession(held_on=mediation.opened_on + datetime.timedelta(days=days),
                         place="社区人民调解室", notes="听取双方陈述，释法说理，促成和解。")
        for days in held
    ]  # fmt: skip
    return Mediated(mediation, parties, sessions)


def write(rows: Rows, plan: Plan) -> None:
    with transaction.atomic(), connection.cursor() as wrapper:
        wrapper.execute("SET LOCAL synchronous_commit TO off")
        cursor = wrapper.cursor
        ids = reserve_ids(cursor, Grievance, len(rows.grievances))
        for case, pk in zip(rows.grievances, ids, strict=True):
            case.pk = pk
        events = [event for _, event in rows.events]
        for (index, event), pk in zip(
            rows.events, reserve_ids(cursor, GrievanceEvent, len(events)), strict=True
        ):
            event.pk, event.grievance_id = pk, rows.grievances[index].pk
        copy_instances(cursor, Grievance, rows.grievances)
        copy_instances(cursor, GrievanceEvent, events)
        mediations = [mediated.mediation for _, mediated in rows.mediations]
        for (index, mediated), pk in zip(
            rows.mediations, reserve_ids(cursor, Mediation, len(mediations)), strict=True
        ):
            mediated.mediation.pk, mediated.mediation.grievance_id = pk, rows.grievances[index].pk
            for row in (*mediated.parties, *mediated.sessions):
                row.mediation_id = pk
        copy_instances(cursor, Mediation, mediations)
        for model, rows_of in ((Party, "parties"), (MediationSession, "sessions")):
            children = [row for _, m in rows.mediations for row in getattr(m, rows_of)]
            for row, pk in zip(children, reserve_ids(cursor, model, len(children)), strict=True):
                row.pk = pk
            copy_instances(cursor, model, children)
        for year, last in rows.counters.items():
            RegisterCounter.objects.update_or_create(
                community_id=plan.community_id, year=year, defaults={"last": last}
            )


_context: dict = {}


def _worker_init(context: dict) -> None:
    _context.update(context)


def _worker(plan: Plan) -> int:
    rows = generate(plan, _context)
    write(rows, plan)
    return len(rows.grievances)


def plans_for(total: int, seed: int) -> list[Plan]:
    rng = random.Random(seed)
    buildings: dict[int, list[int]] = {}
    for community_id, pk in Building.objects.order_by("community_id", "pk").values_list(
        "community_id", "pk"
    ):
        buildings.setdefault(community_id, []).append(pk)
    done = set(Grievance.objects.values_list("community_id", flat=True).distinct())
    streets = dict(Building.objects.values_list("community_id", "community__street_id").distinct())
    communities = sorted(buildings)
    weights = [0.7 + 0.6 * rng.random() for _ in communities]
    scale = total / sum(weights)
    shares = [w * scale for w in weights]
    counts = [int(share) for share in shares]
    # Largest remainders first, so the city holds exactly `total` cases.
    by_remainder = sorted(range(len(shares)), key=lambda i: counts[i] - shares[i])
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return [
        Plan(c, streets[c], count, tuple(buildings[c]), seed * 100_019 + i)
        for i, (c, count) in enumerate(zip(communities, counts, strict=True))
        if c not in done and count
    ]


def mediators(communities: list[int], rng: random.Random) -> dict[int, tuple[int, str]]:
    """Who mediates each community's disputes: one of its staff, an account made if it has
    none; (user id, name) by community."""
    codes = dict(Community.objects.filter(pk__in=communities).values_list("pk", "code"))
    staff = RoleAssignment.objects.filter(role=Role.COMMUNITY_STAFF, community__in=communities)
    missing = set(communities) - set(staff.values_list("community_id", flat=True))
    accounts = {f"tj{codes[c]}": [{"community_id": c}] for c in sorted(missing)}
    add_accounts(Role.COMMUNITY_STAFF, accounts, rng)
    found: dict[int, tuple[int, str]] = {}
    for community, user, name in staff.order_by("pk").values_list(
        "community_id", "user_id", "user__name"
    ):
        found.setdefault(community, (user, name))
    return found


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--grievances", type=int, default=500_000)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    if connection.vendor != "postgresql":
        parser.error("needs PostgreSQL (COPY): set DATABASE_URL=postgres://…")
    started = time.perf_counter()
    plans = plans_for(args.grievances, args.seed)
    if not plans:
        print("Every community already has grievances; nothing to do.")
        return
    span = 365 * args.years
    for name in DEPARTMENTS:
        Department.objects.get_or_create(name=name)
    rng = random.Random(args.seed)
    context = {
        "categories": list(
            Category.objects.filter(active=True).values_list("pk", "time_limit_days")
        ),
        "departments": list(Department.objects.values_list("pk", flat=True)),
        "calendar": workdays.Calendar(
            TODAY - datetime.timedelta(days=span + 1), TODAY + datetime.timedelta(days=200)
        ),
        "span": span,
        "mediators": mediators([plan.community_id for plan in plans], rng),
    }
    print(f"Generating {sum(p.cases for p in plans):,} grievances in {len(plans)} communities.")
    done = 0
    step = max(1, len(plans) // 10)
    results = in_workers(_worker, plans, args.workers, _worker_init, context)
    for i, count in enumerate(results, start=1):
        done += count
        if i % step == 0 or i == len(plans):
            elapsed = time.perf_counter() - started
            print(f"  [{i:>5}/{len(plans)}] {done:>9,} grievances {elapsed:7.1f} s", flush=True)
    analyze(Grievance, GrievanceEvent)
    figures_started = time.perf_counter()
    months = refresh_grievance_months()
    print(
        f"Loaded {done:,} grievances, {GrievanceEvent.objects.count():,} events in "
        f"{figures_started - started:.1f} s; {months:,} monthly rows "
        f"({GrievanceMonth.objects.count():,} in all) in "
        f"{time.perf_counter() - figures_started:.1f} s."
    )


if __name__ == "__main__":
    main()
