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

Register numbers are gap-free per community and year, in order of receipt, and the counters are
set to match, so cases registered afterwards by the app continue the sequence. Rows are written
with PostgreSQL COPY, one transaction per community, by `--workers` processes. Communities that
already have grievances are skipped; the same `--seed` gives the same cases. The monthly figures
officials read (`GrievanceMonth`) are computed at the end.
"""

from __future__ import annotations

import argparse
import datetime
import multiprocessing
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

from django.db import connection, connections, transaction  # noqa: E402

from bench.generate_city import copy_instances, reserve_ids  # noqa: E402
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
    RegisterCounter,
)
from grievances.models.cases import _CODE_ALPHABET, CODE_LENGTH  # noqa: E402
from grievances.models.stats import refresh_grievance_months  # noqa: E402
from residents.models import Building  # noqa: E402
from shequ import personal_data  # noqa: E402
from shequ.models import Department  # noqa: E402

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
class Rows:
    grievances: list[Grievance] = field(default_factory=list)
    events: list[tuple[int, GrievanceEvent]] = field(default_factory=list)
    counters: dict[int, int] = field(default_factory=dict)


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
        events = _life(rng, case, received, departments)
        case.overdue = state in (State.RECEIVED, State.ACCEPTED, State.IN_PROGRESS) and (
            case.due_on < TODAY
        )
        index = len(rows.grievances)
        rows.grievances.append(case)
        rows.events.extend((index, event) for event in events)
    return rows


def _life(rng, case: Grievance, received: datetime.datetime, departments) -> list:
    """The events the case's state implies, each a little after the one before."""
    at = received
    events = []

    def step(kind: str, to_state: str, level: str = Level.COMMUNITY, **extra) -> None:
        nonlocal at
        at = min(at + datetime.timedelta(hours=rng.randint(1, 40)), datetime.datetime.now(ZONE))
        events.append(GrievanceEvent(kind=kind, at=at, to_state=to_state, public=True,
                                     level=level, note="", **extra))  # fmt: skip

    step(EventKind.RECEIVED, State.RECEIVED)
    final = case.state
    if final == State.RECEIVED:
        return events
    if final == State.REJECTED:
        step(EventKind.REJECTED, State.REJECTED)
        case.closed_at = at
        return events
    step(EventKind.ACCEPTED, State.ACCEPTED)
    if final == State.ACCEPTED:
        return events
    step(EventKind.STARTED, State.IN_PROGRESS)
    if final == State.MERGED:
        step(EventKind.MERGED, State.MERGED)
        case.closed_at = at
        return events
    if rng.random() < 0.08:
        department = rng.choice(departments) if rng.random() < 0.6 else None
        step(EventKind.ESCALATED, State.IN_PROGRESS,
             level=Level.DEPARTMENT if department else Level.STREET,
             department_id=department)  # fmt: skip
        step(EventKind.ANSWERED, State.IN_PROGRESS, department_id=department)
        case.department_id = department
    if final == State.IN_PROGRESS:
        return events
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
    return events


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
    context = {
        "categories": list(
            Category.objects.filter(active=True).values_list("pk", "time_limit_days")
        ),
        "departments": list(Department.objects.values_list("pk", flat=True)),
        "calendar": workdays.Calendar(
            TODAY - datetime.timedelta(days=span + 1), TODAY + datetime.timedelta(days=200)
        ),
        "span": span,
    }
    print(f"Generating {sum(p.cases for p in plans):,} grievances in {len(plans)} communities.")
    done = 0
    step = max(1, len(plans) // 10)
    if args.workers <= 1:
        _worker_init(context)
        results = map(_worker, plans)
    else:
        connections.close_all()
        pool = multiprocessing.get_context("fork").Pool(
            args.workers, initializer=_worker_init, initargs=(context,)
        )
        results = pool.imap_unordered(_worker, plans)
    for i, count in enumerate(results, start=1):
        done += count
        if i % step == 0 or i == len(plans):
            elapsed = time.perf_counter() - started
            print(f"  [{i:>5}/{len(plans)}] {done:>9,} grievances {elapsed:7.1f} s", flush=True)
    with connection.cursor() as cursor:
        # VACUUM cannot run in a transaction, as under pytest: there, statistics only.
        vacuum = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        for model in (Grievance, GrievanceEvent):
            cursor.execute(f"{vacuum} {model._meta.db_table}")
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
