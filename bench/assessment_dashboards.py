"""Time 考核看板 on districts of 10, 100 and 1,000 communities with a year of published months.

    createdb -h 127.0.0.1 -U postgres shequ_dash_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/shequ_dash_bench
    .venv/bin/python manage.py migrate
    .venv/bin/python bench/assessment_dashboards.py --explain   # generates what is missing first

One database holds three districts, one of each size, so the tables are as large for the small
district as for the large one and only the district's size differs. Each has a scheme of ten
indicators (seven computed, three inspected), twelve published months before this one, the last
published twice (as after an accepted appeal, so a superseded publication lies beside the
latest), and this month's working copy. The rows are written with bulk_create and need not come
from a scoring run, only look like one's: marks within full marks, totals their sum, competition
ranks, the inspections behind the inspected marks (3 % of cells never inspected, 8 % entered
after the deadline). A district that exists already is left as it is.

The pages are requested as run_benchmarks.py requests the registry's (Django's test client,
signed in as real users, DEBUG off, 2 untimed requests then timed ones), beside the health
check measured in the same process, and written to bench/assessment_dashboards.md. Each page
is timed `--repeat` times (60: on a shared machine one pause of another process is the p95 of
30), in three rounds that take every page at every size in turn, so that a machine getting
busier during the run does not slow the largest district alone.
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

from django.db import connection, reset_queries, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from assessments.choices import Kind, MonthState, Rule, Source  # noqa: E402
from assessments.dashboards import refresh_area_figures  # noqa: E402
from assessments.demo import INDICATORS  # noqa: E402
from assessments.models import (  # noqa: E402
    AreaFigures,
    AssessmentMonth,
    CommunityScore,
    Indicator,
    IndicatorScore,
    Inspection,
    Scheme,
)
from bench.run_benchmarks import (  # noqa: E402  (sets Django up as production renders)
    Case,
    Result,
    bench_user,
    code_version,
    explain,
    measure,
)
from shequ.metrics import Period  # noqa: E402
from shequ.models import Community, District, Role, Street  # noqa: E402

BENCH_DIR = Path(__file__).resolve().parent
SIZES = (10, 100, 1000)
PER_STREET = 50
MONTHS = 12
TRIVIAL = "Health check (reads nothing)"
TARGET_MS = 50
# Two more inspected indicators beside the demo's eight: ten, three of them inspected.
EXTRA = [
    ("平安建设", "矛盾纠纷排查化解", 10, "", "", None, None, "每月排查，有台账。"),
    ("志愿服务", "志愿服务活动开展", 5, "", "", None, None, "每月至少一次志愿活动。"),
]


def district_code(size: int) -> str:
    return f"3799{SIZES.index(size) + 10:02d}"


# --- Generating -----------------------------------------------------------------------------


def months_before(today: datetime.date) -> list[Period]:
    """The twelve months before this one, oldest first."""
    months = [Period.of(today).previous]
    while len(months) < MONTHS:
        months.insert(0, months[0].previous)
    return months


@transaction.atomic
def generate(size: int) -> District:
    """A district of `size` communities and a year of published months, unless it exists."""
    code = district_code(size)
    existing = District.objects.filter(code=code).first()
    if existing:
        return existing
    rng = random.Random(size)
    district = District.objects.create(code=code, name=f"基准{size}社区区")
    official = bench_user(f"bench_dash_{size}", "基准区领导", Role.OFFICIAL, district=district)
    streets = Street.objects.bulk_create(
        Street(district=district, code=f"{code}{s + 1:03d}", name=f"基准第{s + 1}街道")
        for s in range(-(-size // PER_STREET))
    )
    communities = Community.objects.bulk_create(
        Community(street=streets[n // PER_STREET], name=f"基准{n + 1}社区",
                  code=f"{streets[n // PER_STREET].code}{n % PER_STREET + 1:03d}")
        for n in range(size)
    )  # fmt: skip
    today = timezone.localdate()
    published = months_before(today)
    scheme = Scheme.objects.create(
        district=district, name="基准月考核", effective_from=published[0].first
    )
    indicators = Indicator.objects.bulk_create(
        Indicator(scheme=scheme, group=group, name=name, order=order, full_marks=Decimal(full),
                  kind=Kind.COMPUTED if metric else Kind.INSPECTED, metric=metric,
                  rule=rule or Rule.LINEAR, zero_at=zero_at, full_at=full_at, guidance=guidance)
        for order, (group, name, full, metric, rule, zero_at, full_at, guidance)
        in enumerate([*INDICATORS, *EXTRA], start=1)
    )  # fmt: skip
    form = {c.pk: rng.uniform(0.75, 0.97) for c in communities}
    for period in [*published, Period.of(today)]:
        latest = period == published[-1]
        state = MonthState.PUBLISHED if period in published else MonthState.COMPUTED
        month = AssessmentMonth.objects.create(
            district=district, month=period.first, scheme=scheme, state=state,
            publication=(2 if latest else 1) if period in published else 0,
            computed_at=timezone.now(),
            published_at=timezone.now() if period in published else None,
        )  # fmt: skip
        inspected = _inspections(rng, period, communities, indicators, official, scheme)
        marks = _marks(rng, form, communities, indicators, inspected)
        for publication in range(month.publication + 1):
            _write(month, publication, communities, indicators, marks)
    return district


def _inspections(rng, period, communities, indicators, official, scheme) -> dict:
    """The inspected cells' scores, by (community, indicator); 3 % never inspected, 8 % of the
    rest entered after the deadline."""
    cells = [
        Inspection(indicator=i, community=c, month=period.first, inspector=official,
                   score=(i.full_marks * Decimal(rng.uniform(0.6, 1.0))).quantize(Decimal(1)),
                   evidence="基准检查")
        for c in communities
        for i in indicators
        if i.kind == Kind.INSPECTED and rng.random() > 0.03
    ]  # fmt: skip
    Inspection.objects.bulk_create(cells, batch_size=5000)
    deadline = datetime.datetime.combine(
        scheme.inspection_deadline(period.first), datetime.time(10),
        timezone.get_current_timezone(),
    )  # fmt: skip
    late = [cell.pk for cell in cells if rng.random() < 0.08]
    Inspection.objects.filter(pk__in=[cell.pk for cell in cells]).update(
        entered_at=deadline - datetime.timedelta(days=2)
    )
    Inspection.objects.filter(pk__in=late).update(entered_at=deadline + datetime.timedelta(days=3))
    return {(cell.community_id, cell.indicator_id): cell.score for cell in cells}


def _marks(rng, form, communities, indicators, inspected) -> dict:
    """Each community's parts: (indicator, numerator, denominator, value, marks, source)."""
    parts = {}
    for community in communities:
        share = min(max(form[community.pk] + rng.gauss(0, 0.05), 0.3), 1.0)
        rows = []
        for indicator in indicators:
            if indicator.kind == Kind.INSPECTED:
                given = inspected.get((community.pk, indicator.pk))
                source = Source.NOT_INSPECTED if given is None else Source.INSPECTED
                rows.append((indicator, None, None, None, given or Decimal(0), source))
                continue
            denominator = rng.randint(0, 40)
            if not denominator:
                rows.append((indicator, 0, 0, None, indicator.full_marks, Source.NO_DATA))
                continue
            numerator = round(denominator * min(max(share + rng.gauss(0, 0.1), 0), 1))
            value = (Decimal(numerator * 100) / denominator).quantize(Decimal("0.01"))
            given = (indicator.full_marks * Decimal(numerator) / denominator).quantize(
                Decimal("0.01")
            )
            rows.append((indicator, numerator, denominator, value, given, Source.COMPUTED))
        parts[community.pk] = rows
    return parts


def _write(month, publication, communities, indicators, marks) -> None:
    totals = {c.pk: sum((row[4] for row in marks[c.pk]), Decimal(0)) for c in communities}
    ordered = sorted(totals.values(), reverse=True)
    place = {total: ordered.index(total) + 1 for total in ordered}  # 1, 1, 3
    scores = CommunityScore.objects.bulk_create(
        CommunityScore(assessment_month=month, community=c, publication=publication,
                       total=totals[c.pk], rank=place[totals[c.pk]], computed_at=timezone.now())
        for c in communities
    )  # fmt: skip
    IndicatorScore.objects.bulk_create(
        (
            IndicatorScore(community_score=score, indicator=indicator, numerator=numerator,
                           denominator=denominator, value=value, score=given, source=source)
            for score in scores
            for indicator, numerator, denominator, value, given, source in marks[score.community_id]
        ),
        batch_size=5000,
    )  # fmt: skip


# --- Timing -------------------------------------------------------------------------------------


def cases(district: District) -> list[Case]:
    community = district.streets.order_by("code").first().communities.order_by("code").first()
    month = Period.of(timezone.localdate()).previous
    at = {"month": str(month)}
    one = {**at, "community": community.pk}
    return [
        Case(TRIVIAL, "anonymous", reverse("health")),
        Case("排名, whole district", "official", reverse("assessments:dashboard"), at,
             expect=f"{district.name}社区排名"),
        Case("排名, one street", "street official", reverse("assessments:dashboard"), at,
             expect=f"{community.street.name}社区排名"),
        Case("趋势, one community", "official", reverse("assessments:dashboard_trend"), one,
             expect=community.name),
        Case("趋势, own community", "staff", reverse("assessments:dashboard_trend"), at,
             expect=community.name),
        Case("指标得分率, district and one community", "official",
             reverse("assessments:dashboard_breakdown"), one, expect="诉求按时办结率"),
        Case("指标得分率, own community", "staff", reverse("assessments:dashboard_breakdown"), at,
             expect="诉求按时办结率"),
        Case("指标分布", "official", reverse("assessments:dashboard_spread"), at,
             expect="下四分位"),
        Case("检查逾期与缺漏", "official", reverse("assessments:dashboard_inspections"), at,
             expect="逾期录入"),
        Case("流动红旗, the year", "official", reverse("assessments:red_flags"),
             {"year": str(month.first.year)}, expect="流动红旗"),
        Case("排名, export (every community)", "official", reverse("assessments:dashboard"),
             {**at, "export": "xlsx"}),
        Case("月考核 with its red flags (lists every community)", "official",
             reverse("assessments:month"), at, expect=community.name),
    ]  # fmt: skip


def refresh_times(district: District) -> tuple[float, float]:
    """Seconds to compute the area figures of the latest month (what the task does after a
    publication) and of the year before it (what the first reader of months never computed
    waits for); the figures are computed afresh."""
    months = list(district.assessment_months.filter(publication__gt=0).order_by("-month"))
    AreaFigures.objects.filter(district=district).delete()
    started = time.perf_counter()
    refresh_area_figures(district, months[:1])
    one = time.perf_counter() - started
    started = time.perf_counter()
    refresh_area_figures(district, months[1:])
    return one, time.perf_counter() - started


ROUNDS = 3


def run(sizes: list[int], repeat: int) -> tuple[dict[int, list[Result]], dict[int, tuple]]:
    """Each page at every size in turn, in ROUNDS rounds of `repeat / ROUNDS` requests: a machine
    that gets busier during the run slows every size alike, not only the last."""
    client = Client(HTTP_HOST="localhost")
    pages, users, refreshes = {}, {}, {}
    for size in sizes:
        district = generate(size)
        refreshes[size] = refresh_times(district)
        street = district.streets.order_by("code").first()
        community = street.communities.order_by("code").first()
        users[size] = {
            "official": bench_user(f"bench_dash_{size}", "基准区领导", Role.OFFICIAL,
                                   district=district),
            "street official": bench_user(f"bench_dash_{size}_street", "基准街道领导",
                                          Role.OFFICIAL, street=street),
            "staff": bench_user(f"bench_dash_{size}_staff", "基准社区工作人员",
                                Role.COMMUNITY_STAFF, community=community),
        }  # fmt: skip
        pages[size] = cases(district)
    with connection.cursor() as cursor:  # fresh statistics for rows bulk_create just wrote
        cursor.execute("ANALYZE")
    results = {size: [Result(case) for case in pages[size]] for size in sizes}
    for _round in range(ROUNDS):
        for index in range(len(pages[sizes[0]])):
            for size in sizes:
                case = pages[size][index]
                if case.who == "anonymous":
                    client.logout()
                else:
                    client.force_login(users[size][case.who])
                # Queries are counted in the log of the last 9,000 that Django keeps: once it is
                # full, a page would count none.
                reset_queries()
                part = measure(case, client, repeat // ROUNDS)
                result = results[size][index]
                result.seconds += part.seconds
                result.queries += part.queries
                result.slowest += part.slowest
    for size in sizes:
        for result in results[size]:
            print(f"  {size:>5} · {result.case.name} ({result.case.who}): median "
                  f"{result.median_ms:.1f} ms, p95 {result.p95_ms:.1f} ms, "
                  f"{result.query_count} queries", file=sys.stderr, flush=True)  # fmt: skip
    return results, refreshes


def report(
    results: dict[int, list[Result]], refreshes: dict[int, tuple], repeat: int, load: list[str]
) -> list[str]:
    sizes = sorted(results)
    rows = {}
    for size in sizes:
        for result in results[size]:
            rows.setdefault((result.case.name, result.case.who), {})[size] = result
    trivial = {size: rows[TRIVIAL, "anonymous"][size].median_ms for size in sizes}
    largest = sizes[-1]
    lines = [
        "# 考核看板 benchmarks",
        "",
        f"- {code_version()}; PostgreSQL on the same machine; DEBUG off; {os.cpu_count()} cores",
        f"- Districts of {', '.join(f'{s:,}' for s in sizes)} communities in one database, each "
        f"with {MONTHS} published months of ten indicators (bench/assessment_dashboards.py)",
        f"- {repeat} timed requests a page, in {ROUNDS} rounds of every page at every size, each "
        "after 2 untimed; median and p95 in ms, SQL queries; "
        f"× health: the median over the health check's, measured in the same process",
        f"- Load average (1, 5, 15 min) before and after: {load[0]}; {load[1]} (the machine is "
        "shared: a p95 far above its median is another process's turn on the CPU)",
        "",
        "| Page | As | "
        + " | ".join(f"{s:,}: median | p95 | queries" for s in sizes)
        + f" | × health at {largest:,} |",
        "|---|---|" + "--:|--:|--:|" * len(sizes) + "--:|",
    ]
    for (name, who), by_size in rows.items():
        cells = []
        for size in sizes:
            r = by_size[size]
            cells += [f"{r.median_ms:,.1f}", f"{r.p95_ms:,.1f}", r.query_count]
        ratio = by_size[largest].median_ms / trivial[largest]
        lines.append(f"| {name} | {who} | " + " | ".join(cells) + f" | {ratio:,.0f}× |")
    over = [
        f"{name} ({who})"
        for (name, who), by_size in rows.items()
        if "export" not in name and "月考核" not in name
        and any(r.median_ms > TARGET_MS or r.p95_ms > TARGET_MS for r in by_size.values())
    ]  # fmt: skip
    lines += [
        "",
        f"Dashboard pages over {TARGET_MS} ms (median or p95) at any size: "
        + (", ".join(over) if over else "none")
        + ".",
        "The export and 月考核 list every community of the district and grow with it by design;"
        " they are here for what they cost, not against the target.",
        "",
        "Computing the area figures (`refresh_area_figures`, the district's and each street's):",
        "",
        "| Communities | Latest month (the task after publication), ms | "
        "The eleven before it (a first reader), ms |",
        "|--:|--:|--:|",
        *(f"| {size:,} | {one * 1000:,.0f} | {year * 1000:,.0f} |"
          for size, (one, year) in sorted(refreshes.items())),
    ]  # fmt: skip
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=60)
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument(
        "--explain",
        action="store_true",
        help="append EXPLAIN ANALYZE of each page's slowest query at the largest",
    )
    parser.add_argument("--output", type=Path, default=BENCH_DIR / "assessment_dashboards.md")
    args = parser.parse_args(argv)  # fmt: skip
    if connection.vendor != "postgresql":
        parser.error("needs PostgreSQL: set DATABASE_URL=postgres://…/shequ_dash_bench")
    sizes = [int(s) for s in args.sizes.split(",")]
    if not set(sizes) <= set(SIZES) or args.repeat < 20 or args.repeat % ROUNDS:
        parser.error(f"--sizes from {SIZES}; --repeat at least 20, a multiple of {ROUNDS}")
    load = [", ".join(f"{n:.1f}" for n in os.getloadavg())]
    results, refreshes = run(sizes, args.repeat)
    load.append(", ".join(f"{n:.1f}" for n in os.getloadavg()))
    lines = report(results, refreshes, args.repeat, load)
    if args.explain:
        lines += ["", *explain(results[max(sizes)])[1:]]
    print("\n".join(lines))
    args.output.write_text("\n".join(lines) + "\n")
    print(f"\nWritten to {args.output}")


if __name__ == "__main__":
    main()
