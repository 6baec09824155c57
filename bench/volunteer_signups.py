"""Time 200 people signing up at once for 20 places, against PostgreSQL.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/shequ_bench
    .venv/bin/python bench/volunteer_signups.py --people 200 --places 20 --rounds 5

Each round makes an activity in the first community and volunteers of its residents, then
starts one thread per person, all released at once; `--connections` of them talk to PostgreSQL
at a time (its max_connections is 100 by default). Each sign-up's time runs from the release to
its commit, so it includes waiting for the activity's lock behind the others. The trivial
figure is `SELECT 1` on a connection of its own, measured by the same threads just before, so a
machine shared with other work slows both alike. The round's rows are deleted afterwards.
Writes the figures to the end of bench/volunteers.md.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shequ.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from residents.choices import Status  # noqa: E402
from residents.models import Resident  # noqa: E402
from shequ.models import Community, User  # noqa: E402
from volunteers.choices import SignUpStatus, VolunteerStatus  # noqa: E402
from volunteers.models import Activity, SignUp, Volunteer  # noqa: E402
from volunteers.services import sign_up  # noqa: E402

BENCH_DIR = Path(__file__).resolve().parent


def parallel(people: list, work, connections: int) -> list[float]:
    """Run `work(person)` in one thread each, all released together; each one's seconds from
    the release to its return."""
    times: list[float] = []
    errors: list[Exception] = []
    start = threading.Barrier(len(people) + 1)
    gate = threading.BoundedSemaphore(connections)
    released = [0.0]

    def run(person) -> None:
        try:
            start.wait()
            with gate:
                try:
                    work(person)
                finally:
                    connection.close()
            times.append(time.perf_counter() - released[0])
        except Exception as error:
            errors.append(error)

    threads = [threading.Thread(target=run, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    released[0] = time.perf_counter()
    start.wait()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return times


def trivial(_person) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--places", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=60)
    args = parser.parse_args()

    community = Community.objects.order_by("pk").first()
    staff = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser(
        "bench-volunteers", password=None
    )
    residents = list(
        Resident.objects.filter(
            community=community, status=Status.LIVING, volunteer__isnull=True
        ).order_by("pk")[: args.people]
    )
    if len(residents) < args.people:
        sys.exit(f"{community} has only {len(residents)} residents without a volunteer file")
    rows = []
    for round_ in range(args.rounds):
        people = Volunteer.objects.bulk_create(
            Volunteer(community=community, resident=r, status=VolunteerStatus.ACTIVE)
            for r in residents
        )
        starts = timezone.now() + datetime.timedelta(days=1 + round_)
        activity = Activity.objects.create(
            community=community, title=f"bench {round_}", starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=2), address="bench",
            capacity=args.places,
        )  # fmt: skip
        try:
            base = parallel(people, trivial, args.connections)
            began = time.perf_counter()
            times = parallel(people, lambda p, a=activity: sign_up(a, p, staff), args.connections)
            wall = time.perf_counter() - began
            held = activity.sign_ups.filter(status=SignUpStatus.CONFIRMED).count()
            waiting = activity.sign_ups.filter(status=SignUpStatus.WAITLISTED).count()
            assert (held, waiting) == (args.places, args.people - args.places), (held, waiting)
            rows.append((wall, statistics.median(times), quantile(times, 0.95),
                         statistics.median(base), held, waiting))  # fmt: skip
        finally:
            SignUp.objects.filter(activity=activity).delete()
            activity.delete()
            Volunteer.objects.filter(pk__in=[p.pk for p in people]).delete()
    report(args, community, rows)


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def report(args, community, rows) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM residents_resident")
        residents = cursor.fetchone()[0]
    load = os.getloadavg()[0]
    lines = [
        "",
        f"## {args.people} sign-ups at once for {args.places} places",
        "",
        f"- {timezone.localtime():%Y-%m-%d %H:%M}; {residents:,} residents in the database; "
        f"{args.connections} connections at a time; load average {load:.1f} at the end",
        "- Each round: every sign-up from the release to its commit; the trivial figure is a "
        "`SELECT 1` by the same threads just before.",
        "",
        "| Round | All done ms | Sign-up median ms | p95 ms | SELECT 1 median ms | × trivial | "
        "Places held | Waiting |",
        "|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for n, (wall, median, p95, base, held, waiting) in enumerate(rows, 1):
        lines.append(
            f"| {n} | {wall * 1000:.0f} | {median * 1000:.0f} | {p95 * 1000:.0f} | "
            f"{base * 1000:.1f} | {median / base:.0f}× | {held} | {waiting} |"
        )
    text = "\n".join(lines) + "\n"
    print(text)
    path = BENCH_DIR / "volunteers.md"
    if not path.exists():
        path.write_text("# Volunteering benchmarks\n")
    with path.open("a") as out:
        out.write(text)


if __name__ == "__main__":
    main()
