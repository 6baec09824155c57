"""Time volunteering's pages on a generated city with its volunteers
(bench/generate_volunteers.py).

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/shequ_bench
    .venv/bin/python bench/generate_city.py
    .venv/bin/python bench/generate_volunteers.py --volunteers 100000
    .venv/bin/python bench/volunteer_benchmarks.py --repeat 20

As the other scripts do: Django's test client signed in as real users, 2 untimed requests, then
`--repeat` timed ones, median and 95th percentile, the queries of each page, and each page as a
multiple of the health check (which reads nothing) measured in the same run. The volunteer whose
hours page is read is the first community's with the most records; the script links them to an
account of its own (`bench_volunteer`), which also reads the leaderboard as a resident. Writes
its section of bench/volunteers.md, keeping the others.
"""

from __future__ import annotations

import argparse
import os
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
from shequ.metrics import Period  # noqa: E402
from shequ.models import Community, Role  # noqa: E402
from volunteers.models import Activity, ServiceRecord, SignUp, Team, Volunteer  # noqa: E402

BENCH_DIR = Path(__file__).resolve().parent
TRIVIAL = "Health check (reads nothing)"
HEADING = "## Pages at city scale"


def bench_volunteer(community: Community):
    """The community's volunteer with the most service records, signed in as a resident."""
    user = bench_user("bench_volunteer", "基准志愿者", Role.RESIDENT, community=community)
    volunteer = Volunteer.objects.filter(account=user).first()
    if volunteer is None:
        volunteer = (
            Volunteer.objects.filter(community=community, account__isnull=True)
            .annotate(n=Count("service_records"))
            .order_by("-n", "pk")
            .first()
        )
        if volunteer is None:
            sys.exit("No volunteers: run bench/generate_volunteers.py first.")
        Volunteer.objects.filter(pk=volunteer.pk).update(account=user)
    return user


def cases(community: Community) -> list[Case]:
    this = Period.of(timezone.localdate())
    # The generator leaves the last month's records waiting for the organiser: the month before
    # is the last one wholly approved.
    last, approved = this.previous, this.previous.previous
    board = reverse("volunteers:leaderboard")
    overview = reverse("volunteers:participation")
    return [
        Case(TRIVIAL, "anonymous", reverse("health")),
        Case("Activity list, page 1", "staff", reverse("volunteers:activity_list")),
        Case("Activity list, ended, page 1", "staff", reverse("volunteers:activity_list"),
             {"when": "past"}),
        Case("My hours (the volunteer with the most records)", "volunteer",
             reverse("volunteers:hours_mine")),
        Case("Participation overview, district, this month", "official", overview),
        Case("Participation overview, district, last month", "official", overview,
             {"month": str(last)}),
        Case("Participation overview, district, Excel", "official", overview,
             {"month": str(last), "export": "xlsx"}),
        Case("Leaderboard, month wholly approved", "volunteer", board, {"month": str(approved)}),
        Case("Leaderboard, month wholly approved", "staff", board, {"month": str(approved)}),
        Case("Leaderboard, this month", "volunteer", board),
    ]  # fmt: skip


def run_pages(repeat: int) -> list[dict]:
    community = first_community()
    users = {
        "staff": bench_user("bench_vstaff", "基准社区工作人员", Role.COMMUNITY_STAFF,
                            community=community),
        "official": bench_user("bench_official", "基准区领导", Role.OFFICIAL,
                               district=community.street.district),
        "volunteer": bench_volunteer(community),
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
            "timed_out": result.timed_out,
        })  # fmt: skip
        print(f"  {case.name} ({case.who}): {result.median_ms:.1f} ms", file=sys.stderr)
    return pages


def report(pages: list[dict], repeat: int) -> list[str]:
    trivial = next(p for p in pages if p["name"] == TRIVIAL)
    counts = [
        ("communities", Community.objects.count()),
        ("volunteers", Volunteer.objects.count()),
        ("teams", Team.objects.count()),
        ("activities", Activity.objects.count()),
        ("sign-ups", SignUp.objects.count()),
        ("service records", ServiceRecord.objects.count()),
    ]
    lines = [
        HEADING,
        "",
        f"- Code: {code_version()}; PostgreSQL on the same machine; DEBUG off; "
        f"{repeat} timed requests a page after 2 untimed; load average "
        f"{os.getloadavg()[0]:.1f} at the end (2 cores, shared with other work)",
        "- Data: "
        + ", ".join(f"{n:,} {label}" for label, n in counts)
        + " (bench/generate_city.py, then bench/generate_volunteers.py)",
        "- Staff and the volunteer are of the first community; the official reads the whole "
        "district (every community of the city). `bench/volunteer_benchmarks.py` writes this.",
        "",
        "| Page | As | Median ms | p95 ms | × health | Queries |",
        "|---|---|--:|--:|--:|--:|",
    ]
    for page in pages:
        median = "timed out" if page["timed_out"] else f"{page['median_ms']:,.1f}"
        lines.append(
            f"| {page['name']} | {page['who']} | {median} | {page['p95_ms']:,.1f} | "
            f"{page['median_ms'] / trivial['median_ms']:,.0f}× | {page['queries']} |"
        )
    lines += [
        "",
        "The overview reads each of the assessment's six volunteering metrics for the district's",
        "communities (`within`), one GROUP BY each, and the living residents from the population",
        "snapshots. On the way here: 12 s when each of its 4,000 rate cells asked the metric",
        "registry afresh (an app module scan each); 1.1–1.5 s counting the district's million",
        "living residents live (450 ms of it); a month of records now comes from the covering",
        "index `service_record_month` (150 ms to 60–80 ms for the active volunteers) and a month",
        "of activities is a range of instants rather than a date cast. The rest is the show-up",
        "share (sign-ups of 8,000 activities) and drawing 1,000 rows; the Excel file adds the",
        "workbook. The leaderboard is one query over a community's month of records.",
    ]
    return lines


def write(path: Path, lines: list[str]) -> None:
    """This script's section replaces its last run's; the sign-up section stays as it is."""
    text = path.read_text() if path.exists() else "# Volunteering benchmarks\n"
    before, _found, after = text.partition(HEADING)
    rest = after.split("\n## ", 1)
    following = f"\n## {rest[1]}" if len(rest) > 1 else ""
    path.write_text(before.rstrip("\n") + "\n\n" + "\n".join(lines) + "\n" + following)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--output", type=Path, default=BENCH_DIR / "volunteers.md")
    args = parser.parse_args(argv)
    if connection.vendor != "postgresql":
        parser.error("needs the generated city in PostgreSQL: set DATABASE_URL=postgres://…")
    lines = report(run_pages(args.repeat), args.repeat)
    print("\n".join(lines))
    write(args.output, lines)
    print(f"\nWritten to {args.output}")


if __name__ == "__main__":
    main()
