"""Time the monthly assessment's scoring run on the generated city: the whole month, each metric's
query, and how both grow from 100 to 1,000 communities.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/shequ_bench
    .venv/bin/python bench/generate_city.py
    .venv/bin/python bench/generate_grievances.py
    .venv/bin/python bench/generate_fieldwork.py
    .venv/bin/python bench/assessment_benchmarks.py --repeat 5 --explain \\
        --growth postgres://postgres@127.0.0.1:5432/shequ_bench_100 …

Each database is timed in a process of its own (this script again, with `--json`). There every
district gets a scheme with an indicator for every registered metric (thresholds as the demo's
scheme has them) and one inspected indicator, scored by an inspector for nine communities in ten.
Then, each measured `--repeat` times after one untimed run:

- the whole month, through the code the beat runs (`assessments.tasks.score_last_month`, called
  as a plain function): every metric once for the city, the inspections, and every community's
  scores written, replacing the previous run's, under the month's lock; its first run in the
  process, before anything else read the data, is reported apart;
- the same run with the metrics' figures given, which leaves the scoring and the writing;
- each metric's figures for all communities as the run asks for them
  (`assessments.scoring.compute`: one aggregate query, without JIT), and with the server's JIT;
- a trivial query (`SELECT 1`) and the health check view, which reads nothing, to divide by.

The steps take turns, round after round, so a machine that gets busier or quieter meanwhile (the
benchmark machine is shared) weighs on all of them alike.

Growth: the same run on cities of 100, 250 and 500 communities generated the same way (1,000
residents and 500 grievances a community, a year of grid work), each in its own database, rather
than a district of the large city: the metrics are computed for the whole city, so a part of it
would cost what the whole does. The report goes to bench/assessments.md; with `--explain`, each
metric's query under EXPLAIN (ANALYZE, BUFFERS) on the largest city is appended to it.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shequ.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from assessments import tasks  # noqa: E402
from assessments.choices import Kind, Rule, RunState  # noqa: E402
from assessments.demo import INDICATORS  # noqa: E402
from assessments.models import Inspection, Scheme, ScoringRun  # noqa: E402
from assessments.scoring import compute, last_month, score_month  # noqa: E402
from bench.run_benchmarks import bench_user, code_version  # noqa: E402  (DEBUG off)
from grievances.models import Grievance, Mediation  # noqa: E402
from residents.models import FieldLogEntry, Resident, Visit  # noqa: E402
from shequ.metrics import Period, metrics  # noqa: E402
from shequ.models import Community, District, Role  # noqa: E402

BENCH_DIR = Path(__file__).resolve().parent
SCHEME = "基准考核方案"
INSPECTED = ("环境卫生", "楼道、院落整洁", Decimal(15))
INSPECTED_SHARE = 0.9


def rounds(steps: dict[str, tuple[Callable[[], object], int]], repeat: int) -> dict[str, dict]:
    """Each step `(run, times a round)` in turn, round after round, so a machine that gets
    busier or quieter meanwhile weighs on every step alike. The first round is untimed: it
    counts each step's queries (and its time, as "first"); `repeat` timed rounds follow."""
    results = {}
    for name, (run, _times) in steps.items():
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            run()
            first = time.perf_counter() - started
        results[name] = {"first": first, "queries": len(queries),
                         "sql": [q["sql"] for q in queries], "seconds": []}  # fmt: skip
    for _ in range(repeat):
        for name, (run, times) in steps.items():
            for _ in range(times):
                started = time.perf_counter()
                run()
                results[name]["seconds"].append(time.perf_counter() - started)
    for result in results.values():
        result["median"], result["max"] = (
            statistics.median(result["seconds"]),
            max(result["seconds"]),
        )
    return results


# --- The scheme ---------------------------------------------------------------------------------


def thresholds(code: str, per: int) -> tuple[str, Decimal, Decimal, int]:
    """(rule, zero at, full at, full marks) of a metric: the demo scheme's, or for a metric it
    lacks, linear from 60 % to 95 % (a rate: from 0 to 1; per thousand: from 0 to 100 ‰)."""
    for _group, _name, full, metric, rule, zero_at, full_at, _guidance in INDICATORS:
        if metric == code:
            return rule, Decimal(zero_at or 0), Decimal(full_at), full
    full_at = {100: Decimal(95), 1000: Decimal(100)}.get(per, Decimal(1))
    return Rule.LINEAR, Decimal(60) if per == 100 else Decimal(0), full_at, 10


def bench_scheme(district: District, period: Period) -> Scheme:
    """The district's scheme in force for the month, with every registered metric and one
    inspected indicator; a new version when the registry has grown since it was made."""
    registry = metrics()
    scheme = Scheme.in_force(district.pk, period.first)
    if (
        scheme
        and scheme.name == SCHEME
        and set(scheme.indicators.exclude(metric="").values_list("metric", flat=True))
        == set(registry)
    ):
        return scheme
    newest = Scheme.objects.filter(district=district).order_by("-version").first()
    scheme = Scheme.objects.create(
        district=district, name=SCHEME, effective_from=period.first,
        version=newest.version + 1 if newest else 1,
    )  # fmt: skip
    group, name, full = INSPECTED
    scheme.indicators.create(group=group, name=name, order=0, full_marks=full, kind=Kind.INSPECTED)
    for order, (code, metric) in enumerate(sorted(registry.items()), start=1):
        rule, zero_at, full_at, marks = thresholds(code, metric.per)
        scheme.indicators.create(
            group="系统计算", name=str(metric.name), order=order, full_marks=Decimal(marks),
            kind=Kind.COMPUTED, metric=code, rule=rule, zero_at=zero_at, full_at=full_at,
        )  # fmt: skip
    return scheme


def inspect(district: District, scheme: Scheme, period: Period) -> int:
    """The inspector's scores for nine communities in ten (the rest missing, as some are)."""
    inspector = bench_user("bench_official", "基准区领导", Role.OFFICIAL, district=district)
    indicator = scheme.indicators.get(kind=Kind.INSPECTED)
    rng = random.Random(district.pk)
    communities = Community.objects.filter(street__district=district).order_by("pk")
    Inspection.objects.bulk_create(
        [Inspection(indicator=indicator, community=community, month=period.first,
                    score=Decimal(rng.randint(9, 15)), evidence="现场检查，楼道基本整洁。",
                    inspector=inspector)
         for community in communities if rng.random() < INSPECTED_SHARE],
        ignore_conflicts=True,
    )  # fmt: skip
    return Inspection.objects.filter(indicator=indicator, month=period.first).count()


# --- One database -------------------------------------------------------------------------------


def measure_here(repeat: int, explain: bool) -> dict:
    """Everything this process's database answers, as plain data."""
    period = last_month()
    districts = District.objects.filter(streets__communities__buildings__isnull=False).distinct()
    inspected = 0
    for district in districts:
        inspected += inspect(district, bench_scheme(district, period), period)
    # The whole month before anything else reads the data in this process: "first".
    started = time.perf_counter()
    tasks.score_last_month()
    first = time.perf_counter() - started
    registry = metrics()
    figures = {code: compute(metric, period) for code, metric in registry.items()}
    client = Client(HTTP_HOST="localhost")
    cursor = connection.cursor()
    steps = {
        "run": (tasks.score_last_month, 1),
        "given": (lambda: [score_month(d, period, figures=dict(figures)) for d in districts], 1),
        "select_one": (lambda: cursor.execute("SELECT 1"), 20),
        "health": (lambda: client.get(reverse("health")), 10),
    }
    for code, metric in sorted(registry.items()):
        steps[code] = (lambda metric=metric: compute(metric, period), 1)
        steps[f"{code} with JIT"] = (lambda metric=metric: metric.compute(period), 1)
    results = rounds(steps, repeat)
    results["run"]["first"] = first
    states = set(ScoringRun.objects.filter(month=period.first).values_list("state", flat=True))
    if states != {RunState.DONE}:
        sys.exit(f"A run ended {states}, not done.")
    measured = []
    for code, metric in sorted(registry.items()):
        result, jit = results[code], results[f"{code} with JIT"]
        measured.append({
            **result, "code": code, "name": str(metric.name), "jit": jit["median"],
            "queries": jit["queries"], "sql": jit["sql"], "communities": len(figures[code]),
            "plans": [_explain(sql) for sql in jit["sql"]] if explain else [],
        })  # fmt: skip
    return {
        "period": str(period),
        "communities": Community.objects.filter(buildings__isnull=False).distinct().count(),
        "districts": len(districts),
        "residents": Resident.objects.count(),
        "grievances": Grievance.objects.count(),
        "mediations": Mediation.objects.count(),
        "visits": Visit.objects.count(),
        "field_log": FieldLogEntry.objects.count(),
        "inspections": inspected,
        "select_one": results["select_one"], "health": results["health"], "metrics": measured,
        "run": results["run"], "given": results["given"], "load": os.getloadavg(),
        "repeat": repeat,
    }  # fmt: skip


def _explain(sql: str) -> str:
    """The plan as the run executes it, without JIT."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def in_subprocess(database_url: str, repeat: int, explain: bool) -> dict:
    command = [sys.executable, __file__, "--json", "--repeat", str(repeat)]
    output = subprocess.run(
        command + (["--explain"] if explain else []),
        env={**os.environ, "DATABASE_URL": database_url}, stdout=subprocess.PIPE, text=True,
        check=True,
    ).stdout  # fmt: skip
    return json.loads(output)


# --- The report ---------------------------------------------------------------------------------


def _s(seconds: float) -> str:
    return f"{seconds:,.2f}"


def _times(result: dict, trivial: dict) -> str:
    return f"{result['median'] / trivial['median']:,.0f}×"


def report(city: dict, growth: list[dict], explain: bool) -> list[str]:
    run, given = city["run"], city["given"]
    one, health = city["select_one"], city["health"]
    lines = [
        "# Monthly assessment: the scoring run at city scale",
        "",
        f"- Code: {code_version()}; PostgreSQL on the same machine ({os.cpu_count()} cores); "
        f"DEBUG off; load average {city['load'][0]:.1f} at the end",
        f"- City: {city['communities']:,} communities in {city['districts']} district(s), "
        f"{city['residents']:,} residents, {city['grievances']:,} grievances, "
        f"{city['mediations']:,} mediations, {city['visits']:,} visits, "
        f"{city['field_log']:,} field-log entries; month {city['period']}, "
        f"{city['inspections']:,} inspections",
        f"- Each figure: median and max of {city['repeat']} timed rounds after an untimed one; "
        "“first” is the month's first run in the process; × SELECT 1 and × health divide the "
        "median by a trivial query "
        f"({one['median'] * 1e3:.3f} ms) and the health check view "
        f"({health['median'] * 1e3:.2f} ms), measured in the same process",
        "",
        "## The whole month (the beat's task, every community of the city)",
        "",
        "| Run | Median s | Max s | First s | × SELECT 1 | × health | Queries |",
        "|---|--:|--:|--:|--:|--:|--:|",
        f"| Whole month: metrics, inspections, scores written | {_s(run['median'])} | "
        f"{_s(run['max'])} | {_s(run['first'])} | {_times(run, one)} | {_times(run, health)} | "
        f"{run['queries']} |",
        f"| The same with the metrics' figures given: scoring and writing | "
        f"{_s(given['median'])} | {_s(given['max'])} | {_s(given['first'])} | "
        f"{_times(given, one)} | {_times(given, health)} | {given['queries']} |",
        "",
        "## Each metric, all communities at once",
        "",
        "| Metric | Code | Median s | Max s | With JIT, median s | Share of the run | "
        "× SELECT 1 | Queries | Communities |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for m in city["metrics"]:
        lines.append(
            f"| {m['name']} | `{m['code']}` | {_s(m['median'])} | {_s(m['max'])} | "
            f"{_s(m['jit'])} | {100 * m['median'] / run['median']:.0f} % | {_times(m, one)} | "
            f"{m['queries']} | {m['communities']:,} |"
        )
    sizes = sorted([*growth, city], key=lambda size: size["communities"])
    lines += [
        "",
        "## Growth: cities of 100 to 1,000 communities",
        "",
        "| Communities | Residents | Grievances | Whole month median s | Max s | × health | "
        "Metrics s | Scoring and writing s | ms per community |",
        "|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for size in sizes:
        total = sum(m["median"] for m in size["metrics"])
        lines.append(
            f"| {size['communities']:,} | {size['residents']:,} | {size['grievances']:,} | "
            f"{_s(size['run']['median'])} | {_s(size['run']['max'])} | "
            f"{_times(size['run'], size['health'])} | {_s(total)} | "
            f"{_s(size['given']['median'])} | "
            f"{1000 * size['run']['median'] / size['communities']:.1f} |"
        )
    if explain:
        lines += ["", "## EXPLAIN ANALYZE of each metric's queries", ""]
        for m in city["metrics"]:
            lines.append(f"### {m['name']} (`{m['code']}`)")
            for sql, plan in zip(m["sql"], m["plans"], strict=True):
                lines += ["", "```sql", sql, "```", "", "```", plan, "```", ""]
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--growth", nargs="*", default=[],
                        help="DATABASE_URLs of smaller cities generated the same way")  # fmt: skip
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--json", action="store_true", help="print this database's figures")
    parser.add_argument("--output", type=Path, default=BENCH_DIR / "assessments.md")
    args = parser.parse_args(argv)
    if args.repeat < 5:
        parser.error("--repeat must be at least 5")
    if args.json:
        print(json.dumps(measure_here(args.repeat, args.explain)))
        return
    if connection.vendor != "postgresql":
        parser.error("needs the generated city in PostgreSQL: set DATABASE_URL=postgres://…")
    city = in_subprocess(os.environ["DATABASE_URL"], args.repeat, args.explain)
    growth = [in_subprocess(url, args.repeat, False) for url in args.growth]
    lines = report(city, growth, args.explain)
    print("\n".join(lines))
    args.output.write_text("\n".join(lines) + "\n")
    print(f"\nWritten to {args.output}")


if __name__ == "__main__":
    main()
