"""Time party building's pages on a generated city with its party (bench/generate_party.py).

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/shequ_bench
    .venv/bin/python bench/party_benchmarks.py --repeat 20

As the other scripts do: Django's test client signed in as real users, 2 untimed requests, then
`--repeat` timed ones, median and 95th percentile, the queries of each page, and each page as a
multiple of the health check (which reads nothing) measured in the same run; before the pages,
the refresh of the officials' stored 三会一课 figures, for the whole city and for one community.
Writes bench/partybuild.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shequ.settings")

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.run_benchmarks import (  # noqa: E402  (sets Django up as production renders)
    Case,
    bench_user,
    code_version,
    first_community,
    measure,
)
from partybuild.compliance import refresh_compliance  # noqa: E402
from partybuild.models import (  # noqa: E402
    Attendance,
    MemberEvent,
    OrganizationalLife,
    PartyMember,
    PartyOrganization,
)
from partybuild.tasks import compliance_refresh  # noqa: E402
from shequ.metrics import Quarter  # noqa: E402
from shequ.models import Community, Role  # noqa: E402

BENCH_DIR = Path(__file__).resolve().parent
TRIVIAL = "Health check (reads nothing)"


def cases(community: Community) -> list[Case]:
    roster = reverse("partybuild:member_list")
    compliance = reverse("partybuild:compliance")
    overview = reverse("partybuild:compliance_overview")
    meetings = reverse("partybuild:meeting_list")
    branch = PartyOrganization.objects.filter(community=community, kind="branch").order_by("pk")[0]
    last = Quarter.current().previous
    return [
        Case(TRIVIAL, "anonymous", reverse("health")),
        Case("Member roster, page 1", "party", roster),
        Case("Member roster, one branch, sorted by name", "party", roster,
             {"organization": str(branch.pk), "sort": "name"}),
        Case("Meetings, one branch, last quarter", "party", meetings,
             {"organization": str(branch.pk), "quarter": str(last)}),
        Case("Compliance table, this quarter", "party", compliance, expect=branch.name),
        Case("Compliance table, last quarter", "party", compliance, {"quarter": str(last)},
             expect=branch.name),
        Case("Compliance overview, district, this quarter", "official", overview),
        Case("Compliance overview, district, last quarter", "official", overview,
             {"quarter": str(last)}),
    ]  # fmt: skip


def run_refreshes(rounds: int) -> list[dict]:
    """The stored 三会一课 figures written as the nightly run writes them (every community, this
    quarter and the last) and as a change's after-commit task does (one community), in turns.
    The first full run is untimed and leaves the rows the overview pages read."""
    one = [first_community().pk]
    steps = {
        "Refresh, every community (nightly)": lambda: compliance_refresh(),
        "Refresh, one community (after a change)": lambda: compliance_refresh(
            one, timezone.now().isoformat()
        ),
    }
    refresh_compliance()
    seconds: dict[str, list[float]] = {name: [] for name in steps}
    queries: dict[str, int] = {}
    for _round in range(rounds):
        for name, step in steps.items():
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                step()
                seconds[name].append(time.perf_counter() - started)
            queries[name] = len(captured)
    return [
        {"name": name, "median_ms": statistics.median(times) * 1000,
         "max_ms": max(times) * 1000, "queries": queries[name]}
        for name, times in seconds.items()
    ]  # fmt: skip


def run_pages(repeat: int) -> list[dict]:
    community = first_community()
    users = {
        "party": bench_user("bench_party", "基准党务工作者", Role.PARTY_WORKER,
                            community=community),
        "official": bench_user("bench_official", "基准区领导", Role.OFFICIAL,
                               district=community.street.district),
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
    return pages


def report(pages: list[dict], refreshes: list[dict], repeat: int, rounds: int) -> list[str]:
    trivial = next(p for p in pages if p["name"] == TRIVIAL)
    counts = [
        ("communities", Community.objects.count()),
        ("party organisations", PartyOrganization.objects.count()),
        ("members", PartyMember.objects.count()),
        ("in-service members", PartyMember.objects.filter(category="in_service").count()),
        ("member events", MemberEvent.objects.count()),
        ("meetings", OrganizationalLife.objects.count()),
        ("attendances", Attendance.objects.count()),
    ]
    lines = [
        "# Party building benchmarks",
        "",
        f"- Code: {code_version()}; PostgreSQL on the same machine; DEBUG off; "
        f"{repeat} timed requests a page after 2 untimed; load average "
        f"{os.getloadavg()[0]:.1f} at the end (2 cores, shared with other work)",
        "- Data: "
        + ", ".join(f"{n:,} {label}" for label, n in counts)
        + " (bench/generate_city.py, then bench/generate_party.py)",
        "- The party worker reads the first community; the official, the whole district (every "
        "community of the city).",
        "",
        "| Page | As | Median ms | p95 ms | × health | Queries |",
        "|---|---|--:|--:|--:|--:|",
    ]
    for page in pages:
        lines.append(
            f"| {page['name']} | {page['who']} | {page['median_ms']:,.1f} | "
            f"{page['p95_ms']:,.1f} | {page['median_ms'] / trivial['median_ms']:,.0f}× | "
            f"{page['queries']} |"
        )
    lines += [
        "",
        "The overview reads the stored figures (`ComplianceQuarter`, a row per community and",
        "quarter): the district's 1,000 rows, whatever the number of branches and meetings.",
        "Computing them is the refresh, as the community's table computes its branches: about",
        "4,000 branches, 48,000 required cells and 35,000 meetings a quarter, six queries a",
        "quarter and batch of 200 communities. Before, the overview computed the district live",
        "on every request: 775 ms (p95 1,242 ms) this quarter, 1,121 ms (p95 2,073 ms) the last,",
        "at commit 0c08657.",
        "",
        f"| Refresh ({rounds} rounds, one untimed before) | Median ms | Max ms | × health "
        "| Queries |",
        "|---|--:|--:|--:|--:|",
    ]
    for step in refreshes:
        lines.append(
            f"| {step['name']} | {step['median_ms']:,.1f} | {step['max_ms']:,.1f} | "
            f"{step['median_ms'] / trivial['median_ms']:,.0f}× | {step['queries']} |"
        )
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=7, help="timed runs of each refresh")
    parser.add_argument("--output", type=Path, default=BENCH_DIR / "partybuild.md")
    args = parser.parse_args(argv)
    if connection.vendor != "postgresql":
        parser.error("needs the generated city in PostgreSQL: set DATABASE_URL=postgres://…")
    refreshes = run_refreshes(args.rounds)
    lines = report(run_pages(args.repeat), refreshes, args.repeat, args.rounds)
    print("\n".join(lines))
    args.output.write_text("\n".join(lines) + "\n")
    print(f"\nWritten to {args.output}")


if __name__ == "__main__":
    main()
