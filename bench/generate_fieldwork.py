"""Add a year of grid work to a generated city: grid workers on every grid unit, their visits to
must-visit households (三必访/四个必访) and to others, and their field log (民情日志).

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/shequ_bench
    .venv/bin/python bench/generate_city.py
    .venv/bin/python bench/generate_fieldwork.py --months 12    # ~100 s for 1,000 communities

Staffing: most grid units have one grid worker, about one in ten two (a full-time and a
part-time one), and one in twenty is vacant and covered by the worker of the unit before it.
Each community works with its own diligence, and each worker with theirs, so the monthly
assessment finds communities at every level: at 1,000 communities, the share of must-visit
residents visited within their period runs from 21 % to 100 % (median 73 %), field-log entries
from 2 to 16 a month per grid worker (median 9).

A must-visit household (one with a living resident whose tag has a visit period) is visited every
20–33 days while its worker keeps up, and now and then a round is missed; the visit names the
tagged residents. Workers also call on other households of their grid units a few times a month.
Field-log entries fall on the days of the month, most at a building of the worker's grid unit,
some naming one of its residents. Visits and entries start one month before the window, so its
first month already has a last visit to count from, and end today.

Rows are written with PostgreSQL COPY, one transaction per community, by `--workers` processes,
without django-simple-history records. Communities that already have visits are skipped; grid
units that already have a grid worker keep theirs. The same `--seed` gives the same work.
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
    copy_rows,
    in_workers,
    reserve_ids,
)
from residents.choices import Status  # noqa: E402
from residents.models import Building, FieldLogEntry, Household, Resident, Visit  # noqa: E402
from shequ.models import Community, GridUnit, Role, RoleAssignment  # noqa: E402

ZONE = ZoneInfo("Asia/Shanghai")
TODAY = datetime.date.today()
VACANT = 0.05  # grid units covered by the worker of the unit before them
TWO_WORKERS = 0.10

MUST_VISIT_NOTES = [
    "上门看望，老人身体尚好，叮嘱注意用电用气安全。",
    "了解家庭近况，低保材料已按时报送，暂无新困难。",
    "老人行动不便，已联系志愿者每周上门打扫一次。",
    "询问就医情况，慢性病药品已按时领取。",
    "家中暖气不热，已告知物业上门检修。",
    "谈心谈话，情绪稳定，近期在找工作。",
    "家属反映邻里有矛盾，已当面劝解，约定下周再访。",
]
OTHER_VISIT_NOTES = [
    "入户核对人口信息，新增一名常住人员。",
    "宣传反诈知识，发放宣传单。",
    "新迁入住户，登记基本情况，介绍社区服务。",
    "了解租户情况，出租房信息已更新。",
    "宣传垃圾分类，发放分类指南。",
]
FOLLOW_UPS = ["下次走访时确认暖气是否修好。", "协助申请临时救助。", "联系家属说明情况。"]
# What a grid worker notes on the round, and what they did; {n} is the building, {u} its unit.
AT_BUILDING = [
    ("{n}号楼{u}单元楼道堆放杂物", "已通知住户清理，楼道已畅通"),
    ("{n}号楼{u}单元声控灯不亮", "已报物业，当天修好"),
    ("{n}号楼东侧垃圾桶满溢", "已联系保洁清运"),
    ("{n}号楼{u}单元电动车在楼道充电", "已劝离，讲明火灾隐患"),
    ("{n}号楼前井盖松动", "已设警示，报市政维修"),
    ("{n}号楼{u}单元住户反映楼上漏水", "已联系双方，约物业查看"),
    ("{n}号楼独居老人多日未下楼", "上门查看，老人身体无碍"),
    ("{n}号楼外墙小广告", "已清理"),
]
AROUND = [
    ("小区东门外占道经营", "已劝导摊贩入市"),
    ("小区内车辆乱停，堵塞消防通道", "已联系车主挪车"),
    ("健身器材损坏一处", "已报社区，待维修"),
    ("绿地被开垦种菜", "已劝说恢复"),
]


@dataclass(frozen=True)
class Plan:
    community_id: int
    workers: dict[int, tuple[int, ...]]  # grid unit id -> its grid workers' user ids
    seed: int


@dataclass
class Rows:
    visits: list[Visit] = field(default_factory=list)
    visited: list[tuple[int, int]] = field(default_factory=list)  # (index of visit, resident)
    entries: list[FieldLogEntry] = field(default_factory=list)
    mentioned: list[tuple[int, int]] = field(default_factory=list)  # (index of entry, resident)


def months_back(months: int) -> datetime.date:
    """The first day of the month `months` months before this one."""
    year, month = divmod(TODAY.year * 12 + TODAY.month - 1 - months, 12)
    return datetime.date(year, month + 1, 1)


def _evening(day: datetime.date, rng: random.Random) -> datetime.datetime:
    """When a day's work is written up: that evening, or now if that is later than now."""
    at = datetime.datetime.combine(day, datetime.time(17 + rng.randrange(4), rng.randrange(60)))
    return min(at.replace(tzinfo=ZONE), datetime.datetime.now(ZONE))


def generate(plan: Plan, start: datetime.date) -> Rows:
    """Visits and field-log entries of one community from `start` to today, from its
    buildings, households and must-visit residents."""
    rng = random.Random(plan.seed)
    community = plan.community_id
    buildings = {pk: (unit, number, units) for pk, unit, number, units in Building.objects.filter(
        community_id=community).values_list("pk", "grid_unit_id", "number", "units")}  # fmt: skip
    building_of = dict(
        Household.objects.filter(community_id=community).values_list("pk", "building_id")
    )
    living = Resident.objects.filter(community_id=community, status=Status.LIVING).order_by("pk")
    members: dict[int, list[int]] = {}
    for pk, household in living.values_list("pk", "household_id"):
        members.setdefault(household, []).append(pk)
    must_visit = living.filter(tags__visit_every_days__isnull=False).distinct()
    tagged: dict[int, list[int]] = {}
    for pk, household in must_visit.values_list("pk", "household_id"):
        tagged.setdefault(household, []).append(pk)
    unit_of = {household: buildings[b][0] for household, b in building_of.items()}
    buildings_in: dict[int, list[int]] = {}
    for building, (unit, _number, _units) in sorted(buildings.items()):
        buildings_in.setdefault(unit, []).append(building)
    residents_in: dict[int, list[int]] = {}
    others: dict[int, list[int]] = {}  # grid unit -> households without a must-visit resident
    for household, residents in sorted(members.items()):
        residents_in.setdefault(building_of[household], []).extend(residents)
        if household not in tagged:
            others.setdefault(unit_of[household], []).append(household)
    units_of: dict[int, list[int]] = {}
    for unit, workers in sorted(plan.workers.items()):
        for worker in workers:
            units_of.setdefault(worker, []).append(unit)
    # One diligence for the community, spread a little by worker (and a few who barely work):
    # visits kept up and entries written go together, as in a well-run community.
    diligence = rng.betavariate(4, 1.6)
    effort = {
        worker: rng.uniform(0.05, 0.3) if rng.random() < 0.05
        else min(1.0, diligence * rng.uniform(0.8, 1.2))
        for worker in sorted(units_of)
    }  # fmt: skip
    rows = Rows()

    def visit(household: int, day: datetime.date, notes: str, residents: list[int]) -> None:
        rows.visited.extend((len(rows.visits), resident) for resident in residents)
        rows.visits.append(Visit(
            community_id=community, household_id=household, visited_on=day,
            visitor_id=rng.choice(plan.workers[unit_of[household]]), notes=notes,
            follow_up=rng.choice(FOLLOW_UPS) if rng.random() < 0.1 else "",
            created_at=_evening(day, rng),
        ))  # fmt: skip

    for household, residents in sorted(tagged.items()):
        keeps_up = 0.3 + 0.68 * max(effort[w] for w in plan.workers[unit_of[household]])
        day = start + datetime.timedelta(days=rng.randrange(30))
        while day <= TODAY:
            if rng.random() < keeps_up:
                visit(household, day, rng.choice(MUST_VISIT_NOTES), residents)
                day += datetime.timedelta(days=rng.randint(20, 33))
            else:  # a round missed
                day += datetime.timedelta(days=rng.randint(31, 50))
    day = start
    while day <= TODAY:
        for _unit, households in sorted(others.items()):
            if rng.random() < 5 / 30:
                household = rng.choice(households)
                visit(household, day, rng.choice(OTHER_VISIT_NOTES),
                      [rng.choice(members[household])] if rng.random() < 0.5 else [])  # fmt: skip
        for worker, units in units_of.items():
            if rng.random() < (1 + 11 * effort[worker]) / 30:
                unit = rng.choice(units)
                _entry(rng, rows, community, worker, unit, day,
                       [(b, *buildings[b][1:], residents_in.get(b, []))
                        for b in buildings_in.get(unit, [])])  # fmt: skip
        day += datetime.timedelta(days=1)
    return rows


def _entry(rng: random.Random, rows: Rows, community: int, worker: int, unit: int,
           day: datetime.date, buildings: list) -> None:  # fmt: skip
    """A field-log entry, mostly at one of the grid unit's buildings `(pk, number, units,
    residents)`, sometimes naming a resident of it."""
    building = None
    if buildings and rng.random() < 0.85:
        building, number, units, residents = rng.choice(buildings)
        seen, done = rng.choice(AT_BUILDING)
        seen = seen.format(n=number, u=rng.randint(1, units))
        if residents and rng.random() < 0.12:
            rows.mentioned.append((len(rows.entries), rng.choice(residents)))
    else:
        seen, done = rng.choice(AROUND)
    rows.entries.append(FieldLogEntry(
        community_id=community, grid_unit_id=unit, building_id=building, author_id=worker,
        date=day, seen=seen, done=done, created_at=_evening(day, rng),
    ))  # fmt: skip


def write(rows: Rows) -> None:
    with transaction.atomic(), connection.cursor() as wrapper:
        wrapper.execute("SET LOCAL synchronous_commit TO off")
        cursor = wrapper.cursor
        for model, objects, links in (
            (Visit, rows.visits, rows.visited), (FieldLogEntry, rows.entries, rows.mentioned)
        ):  # fmt: skip
            for obj, pk in zip(objects, reserve_ids(cursor, model, len(objects)), strict=True):
                obj.pk = pk
            copy_instances(cursor, model, objects)
            through = model.residents.through
            copy_rows(
                cursor, through._meta.db_table,
                [through._meta.get_field(model._meta.model_name).column,
                 through._meta.get_field("resident").column],
                ((objects[index].pk, resident) for index, resident in links),
            )  # fmt: skip


_start: list[datetime.date] = []


def _worker_init(start: datetime.date) -> None:
    _start.append(start)


def _worker(plan: Plan) -> tuple[int, int]:
    rows = generate(plan, _start[0])
    write(rows)
    return len(rows.visits), len(rows.entries)


def staff_grid_units(communities: list[Community], rng: random.Random) -> None:
    """A grid worker for every grid unit that has none: one, sometimes two, and for a vacant
    unit the worker of the unit before it."""
    has_worker = set(
        RoleAssignment.objects.filter(role=Role.GRID_WORKER).values_list("grid_unit_id", flat=True)
    )
    people: dict[str, list[dict[str, int]]] = {}
    previous = (None, None)  # (community, the last worker made there)
    for community, code, unit, number in (
        GridUnit.objects.filter(community__in=communities)
        .order_by("community__code", "number")
        .values_list("community_id", "community__code", "pk", "number")
    ):
        if unit in has_worker:
            continue
        roll = rng.random()
        if previous[0] == community and roll < VACANT:
            people[previous[1]].append({"grid_unit_id": unit})
            continue
        for n in range(2 if roll > 1 - TWO_WORKERS else 1):
            previous = (community, f"wg{code}{number:02d}{n}")
            people[previous[1]] = [{"grid_unit_id": unit}]
    add_accounts(Role.GRID_WORKER, people, rng)


def plans_for(communities: list[Community], seed: int) -> list[Plan]:
    workers: dict[int, dict[int, list[int]]] = {}
    for community, unit, user in (
        RoleAssignment.objects.filter(role=Role.GRID_WORKER, grid_unit__community__in=communities)
        .order_by("grid_unit_id", "user_id")
        .values_list("grid_unit__community_id", "grid_unit_id", "user_id")
    ):
        workers.setdefault(community, {}).setdefault(unit, []).append(user)
    return [
        Plan(c.pk, {unit: tuple(users) for unit, users in workers[c.pk].items()},
             seed * 100_043 + i)
        for i, c in enumerate(communities)
    ]  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    if connection.vendor != "postgresql":
        parser.error("needs PostgreSQL (COPY): set DATABASE_URL=postgres://…")
    started = time.perf_counter()
    done = set(Visit.objects.values_list("community_id", flat=True).distinct())
    communities = list(
        Community.objects.filter(buildings__isnull=False).exclude(pk__in=done).distinct()
        .order_by("code")
    )  # fmt: skip
    if not communities:
        print("Every community already has visits; nothing to do.")
        return
    staff_grid_units(communities, random.Random(args.seed))
    plans = plans_for(communities, args.seed)
    # A month before the window, so its first month has a last visit to count from.
    start = months_back(args.months + 1)
    print(f"Generating {len(plans)} communities' visits and field log from {start}.")
    results = in_workers(_worker, plans, args.workers, _worker_init, start)
    visits = entries = 0
    step = max(1, len(plans) // 10)
    for i, (v, e) in enumerate(results, start=1):
        visits, entries = visits + v, entries + e
        if i % step == 0 or i == len(plans):
            elapsed = time.perf_counter() - started
            print(f"  [{i:>5}/{len(plans)}] {visits:>9,} visits {entries:>9,} field-log entries "
                  f"{elapsed:7.1f} s", flush=True)  # fmt: skip
    analyze(RoleAssignment, Visit, Visit.residents.through, FieldLogEntry,
            FieldLogEntry.residents.through)  # fmt: skip
    print(f"Done in {time.perf_counter() - started:.1f} s.")


if __name__ == "__main__":
    main()
