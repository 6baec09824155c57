"""Time the grievance desk's pages at 500,000 cases and at 10,000, beside django-helpdesk.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/shequ_bench
    .venv/bin/python bench/grievance_benchmarks.py \
        --small postgres://postgres@127.0.0.1:5432/shequ_bench_10k --helpdesk

Each database is a generated city with grievances (bench/generate_grievances.py): the default one
with the full register, `--small` the same city with 10,000 cases. The pages of each are timed in
a process of their own (this script again, with `--json`), as run_benchmarks.py times the
registry's: Django's test client, signed in as real users, 2 untimed requests, then `--repeat`
timed ones. Every process also times the health check, which reads nothing, so each page is
written as a multiple of a trivial view measured in the same process as well as in milliseconds.

With `--helpdesk`, django-helpdesk is installed in a throwaway virtualenv (bench/helpdesk), filled
with as many tickets as each database holds cases, and its ticket list and dashboard timed the
same way. The report goes to bench/grievances.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shequ.settings")

from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.run_benchmarks import (  # noqa: E402  (sets Django up as production renders)
    Case,
    bench_user,
    code_version,
    first_community,
    measure,
)
from grievances.choices import Kind, State  # noqa: E402
from grievances.models import Grievance  # noqa: E402
from shequ.models import Role  # noqa: E402

BENCH_DIR = Path(__file__).resolve().parent
TRIVIAL = "Health check (reads nothing)"


def typical_case(community) -> Grievance:
    """A closed, rated case of the community with the median number of events."""
    cases = list(
        Grievance.objects.filter(community=community, state=State.CLOSED, rating__isnull=False)
        .annotate(events_count=Count("events"))
        .order_by("events_count", "pk")[:200]
    )
    return cases[len(cases) // 2]


def cases(community) -> list[Case]:
    listed = reverse("grievances:grievance_list")
    statistics = reverse("grievances:statistics")
    case = typical_case(community)
    this_month = timezone.localdate().replace(day=1)
    requests = reverse("open311:request_list", kwargs={"format": "json"})
    return [
        Case(TRIVIAL, "anonymous", reverse("health")),
        Case("Case list, page 1", "staff", listed),
        Case("Case list, 已办结 · 投诉", "staff", listed,
             {"state": State.CLOSED, "kind": Kind.COMPLAINT}),
        Case("Case list, overdue only", "staff", listed, {"overdue": "yes"}),
        Case("Case list, register number typed", "staff", listed,
             {"q": case.register_number}, expect=case.title),
        Case("Case list, whole district, page 1", "official", listed),
        Case("Case list, whole district, page 2, sorted by due date", "official", listed,
             {"page": "2", "sort": "due"}),
        Case("Case page (closed, rated)", "staff", case.get_absolute_url(), expect=case.title),
        Case("Register print, this month", "staff", reverse("grievances:grievance_register_print"),
             {"month": f"{this_month:%Y-%m}"}),
        Case("Statistics, whole district by community", "official", statistics),
        Case("Statistics, whole district by category", "official", statistics, {"by": "category"}),
        Case("Statistics, whole district by month", "official", statistics, {"by": "month"}),
        Case("Public tracking page", "anonymous",
             reverse("grievances_public:track", args=[case.tracking_code])),
        Case("Open311 requests, whole city, last 90 days", "anonymous", requests),
        Case("Open311 requests, one community, open", "anonymous", requests,
             {"jurisdiction_id": community.code, "status": "open"}),
    ]  # fmt: skip


def run_pages(repeat: int) -> dict:
    """Time every page on this process's database; the figures as plain data."""
    community = first_community()
    district = community.street.district
    users = {
        "staff": bench_user("bench_staff", "基准社区工作人员", Role.COMMUNITY_STAFF,
                            community=community),
        "official": bench_user("bench_official", "基准区领导", Role.OFFICIAL, district=district),
    }  # fmt: skip
    client = Client(HTTP_HOST="localhost")
    pages = []
    for case in cases(community):
        if case.who == "anonymous":
            client.logout()
        else:
            client.force_login(users[case.who])
        result = measure(case, client, repeat)
        pages.append({
            "name": case.name, "who": case.who, "median_ms": result.median_ms,
            "p95_ms": result.p95_ms, "queries": result.query_count,
        })  # fmt: skip
        print(f"  {case.name} ({case.who}): {result.median_ms:.1f} ms", file=sys.stderr)
    return {"cases": Grievance.objects.count(), "pages": pages}


def in_subprocess(database_url: str, repeat: int) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--json", "--repeat", str(repeat)],
        env={**os.environ, "DATABASE_URL": database_url},
        stdout=subprocess.PIPE, text=True, check=True,
    ).stdout  # fmt: skip
    return json.loads(output)


def ratio(page: dict, trivial: dict) -> str:
    return f"{page['median_ms'] / trivial['median_ms']:,.0f}×"


def report(large: dict, small: dict | None, helpdesk: dict[int, list[dict]]) -> list[str]:
    lines = [
        "# Grievance desk benchmarks",
        "",
        f"- Code: {code_version()}; PostgreSQL on the same machine; DEBUG off",
        f"- Cases: {large['cases']:,}"
        + (f" and {small['cases']:,}" if small else "")
        + " in a city of 1,000 communities (bench/generate_grievances.py)",
        "",
    ]
    header = "| Page | As | Median ms | p95 ms | × health | Queries |"
    rule = "|---|---|--:|--:|--:|--:|"
    sizes = [large] + ([small] if small else [])
    if small:
        header = ("| Page | As | Median ms | p95 ms | × health | Queries | "
                  f"Median ms at {small['cases']:,} | × health | Queries |")  # fmt: skip
        rule += "--:|--:|--:|"
    lines += [header, rule]
    trivials = [next(p for p in size["pages"] if p["name"] == TRIVIAL) for size in sizes]
    for i, page in enumerate(large["pages"]):
        cells = [page["name"], page["who"], f"{page['median_ms']:,.1f}", f"{page['p95_ms']:,.1f}",
                 ratio(page, trivials[0]), page["queries"]]  # fmt: skip
        if small:
            other = small["pages"][i]
            cells += [f"{other['median_ms']:,.1f}", ratio(other, trivials[1]), other["queries"]]
        lines.append("| " + " | ".join(cells) + " |")
    if helpdesk:
        lines += ["", "## Beside django-helpdesk", "", *compare(sizes, helpdesk)]
    return lines


# (ours, django-helpdesk's). A helpdesk staff member sees every queue, as an official sees every
# community of the district; one queue is the nearest to one community's desk.
PAIRS = [
    ("Case list, whole district, page 1", "Ticket list page"),
    ("Case list, whole district, page 1", "Ticket list rows"),
    ("Case list, page 1", "Ticket list rows, filtered"),
    ("Statistics, whole district by community", "Dashboard"),
]


def compare(sizes: list[dict], helpdesk: dict[int, list[dict]]) -> list[str]:
    """Their time over ours, as measured and as multiples of each process's trivial view (which
    evens out a machine that was busier while one of the two ran)."""
    lines = [
        "| Cases | Our page | ms | django-helpdesk page | ms | Theirs ÷ ours | "
        "÷, each to its trivial view |",
        "|--:|---|--:|---|--:|--:|--:|",
    ]
    for size in sizes:
        ours = {p["name"]: p for p in size["pages"]}
        theirs = {p["name"]: p for p in helpdesk[size["cases"]]}
        for mine, other in PAIRS:
            a, b = ours[mine], theirs[other]
            relative = (b["median_ms"] / theirs["Trivial view"]["median_ms"]) / (
                a["median_ms"] / ours[TRIVIAL]["median_ms"]
            )
            lines.append(
                f"| {size['cases']:,} | {mine} | {a['median_ms']:,.1f} | {other} | "
                f"{b['median_ms']:,.1f} | {b['median_ms'] / a['median_ms']:,.1f} | "
                f"{relative:,.1f} |"
            )
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--small", default="", help="DATABASE_URL of the city with fewer cases")
    parser.add_argument("--helpdesk", action="store_true", help="also time django-helpdesk")
    parser.add_argument("--json", action="store_true", help="print this database's figures")
    parser.add_argument("--output", type=Path, default=BENCH_DIR / "grievances.md")
    args = parser.parse_args(argv)
    if args.json:
        print(json.dumps(run_pages(args.repeat)))
        return
    if connection.vendor != "postgresql":
        parser.error("needs the generated city in PostgreSQL: set DATABASE_URL=postgres://…")
    large = in_subprocess(os.environ["DATABASE_URL"], args.repeat)
    small = in_subprocess(args.small, args.repeat) if args.small else None
    helpdesk = {}
    if args.helpdesk:
        from bench import helpdesk as django_helpdesk

        for size in [large] + ([small] if small else []):
            database = f"postgres://postgres@127.0.0.1:5432/shequ_helpdesk_{size['cases']}"
            helpdesk[size["cases"]] = django_helpdesk.measure(size["cases"], args.repeat, database)
    lines = report(large, small, helpdesk)
    print("\n".join(lines))
    args.output.write_text("\n".join(lines) + "\n")
    print(f"\nWritten to {args.output}")


if __name__ == "__main__":
    main()
