"""Throughput under load: gunicorn with 2 workers, wrk at 16 connections, a trivial view as ceiling.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/shequ_bench
    .venv/bin/python bench/generate_city.py           # once
    CACHE_URL=redis://127.0.0.1:6379/1 .venv/bin/python bench/load.py   # --duration 4 --workers 2

CACHE_URL (or --cache-url) gives the server Redis, as production has it (README): sessions are then
read through it. Without it the server keeps sessions in the database alone.

Starts gunicorn on the benchmark database with production settings (DEBUG=0, persistent database
connections, collected static files), signs in the users of run_benchmarks.py (community staff of
the first and of the last community, a grid worker of the last, the district official), and runs
wrk (Debian's /usr/bin/wrk) against every staff page with each user's session cookie. Right
before each page the health check runs anonymously, as the ceiling: on a machine shared with
other work both are slowed alike, and each page is written as a ratio to its own ceiling. The
health check signed in, at the start and at the end, shows what every signed-in request costs.

Each page is first fetched once and must answer 200 with the text it is expected to show; one
that alone takes longer than wrk would run is reported, not loaded. After each wrk run the
script waits for the requests wrk left queued in gunicorn. The report goes into bench/results.md,
replacing its "Under load" section.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shequ.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from bench.run_benchmarks import LOAD_SECTION, bench_user, code_version, first_community  # noqa: E402
from residents.choices import AgeGroup, Status  # noqa: E402
from residents.models import Resident  # noqa: E402
from shequ.models import Community, Role  # noqa: E402

BENCH_DIR = Path(__file__).resolve().parent
WRK = "/usr/bin/wrk"
SECTION = LOAD_SECTION


@dataclass
class Page:
    name: str
    who: str  # "anonymous" or a key of users()
    path: str
    expect: str = ""
    trivial: bool = False
    slow: bool = False


@dataclass
class Measured:
    page: Page
    rps: float = 0.0
    latency_ms: float = 0.0
    errors: list[str] = field(default_factory=list)
    ceiling: float = 0.0  # the anonymous health check's rate right before


def users(first: Community, last: Community) -> dict:
    return {
        "staff": bench_user("bench_staff", "基准社区工作人员", Role.COMMUNITY_STAFF,
                            community=first),
        "staff of the last community": bench_user("bench_staff_last", "末社区工作人员",
                                                  Role.COMMUNITY_STAFF, community=last),
        "grid worker": bench_user("bench_grid_last", "末社区网格员", Role.GRID_WORKER,
                                  grid_unit=last.grid_units.order_by("number").first()),
        "official": bench_user("bench_official", "基准区领导", Role.OFFICIAL,
                               district=first.street.district),
    }  # fmt: skip


def pages(first: Community, last: Community) -> tuple[list[Page], list[Page]]:
    """(the trivial views, the staff pages)."""
    health = reverse("health")
    residents = reverse("residents:resident_list")
    living = Resident.objects.filter(status=Status.LIVING)
    grid_unit = last.grid_units.order_by("number").first()
    # What each list says under its table ("共 1,234 条"), to be sure it lists the right rows.
    total = {
        "first": living.filter(community=first).count(),
        "last": living.filter(community=last).count(),
        "grid": living.filter(household__building__grid_unit=grid_unit).count(),
        "elderly": living.filter(community=first, residence_type="registered")
        .in_age_group(AgeGroup.ELDERLY)
        .count(),
    }
    last_page = (total["first"] + 24) // 25
    person = (
        Resident.objects.filter(community=first, status=Status.LIVING)
        .exclude(mobile_hash="")
        .order_by("pk")[100]
    )
    trivial = [
        Page("Health check (trivial view)", "anonymous", health, "ok", trivial=True),
        Page("Health check (trivial view)", "staff", health, "ok", trivial=True),
    ]
    staff = [
        Page("Resident list, page 1", "staff", residents, f"共 {total['first']} 条"),
        Page("Resident list, page 1", "staff of the last community", residents,
             f"共 {total['last']} 条"),
        Page("Resident list, page 1", "grid worker", residents, f"共 {total['grid']} 条"),
        Page(f"Resident list, last page ({last_page})", "staff",
             f"{residents}?page={last_page}", f"共 {total['first']} 条"),
        Page("Resident list, 60+ · 户籍", "staff",
             f"{residents}?age_group={urllib.parse.quote(AgeGroup.ELDERLY)}"
             "&residence_type=registered", f"共 {total['elderly']} 条"),
        Page(f"Name search “{person.name[:2]}”", "staff",
             f"{residents}?q={urllib.parse.quote(person.name[:2])}", person.name),
        Page("Last 4 digits of a mobile", "staff", f"{residents}?q={person.mobile[-4:]}",
             person.name),
        Page("Household list", "staff", reverse("residents:household_list")),
        Page("Household list", "staff of the last community", reverse("residents:household_list")),
        Page("Building list", "staff", reverse("residents:building_list")),
        Page("Grid unit list", "staff", reverse("residents:gridunit_list")),
        Page("Field log", "staff", reverse("residents:fieldlogentry_list")),
        Page("Due visits", "staff", reverse("residents:visit_due")),
        Page("Due visits", "grid worker", reverse("residents:visit_due")),
        Page("Home page", "staff", reverse("home")),
        Page("Community overview", "staff", reverse("residents:overview")),
        Page("Community list", "official", reverse("community_list")),
        Page("Grid unit list", "official", reverse("residents:gridunit_list")),
        Page("Home page", "official", reverse("home")),
        Page("Overview, one community chosen", "official",
             f"{reverse('residents:overview')}?community={first.pk}"),
        Page("Overview, whole district", "official", reverse("residents:overview"), slow=True),
    ]  # fmt: skip
    return trivial, staff


def session_cookies(people: dict) -> dict[str, str]:
    """A database session per user, as signing in makes."""
    cookies = {"anonymous": ""}
    for who, user in people.items():
        client = Client()
        client.force_login(user)
        cookies[who] = (
            f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        )
    return cookies


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_environment(static_root: str, cache_url: str) -> dict[str, str]:
    key_file = ROOT / "var" / "field-encryption.key"
    return {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": settings.SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        # Production keeps connections open; connecting per request would be measured instead.
        "DATABASE_CONN_MAX_AGE": "600",
        "FIELD_ENCRYPTION_KEY": os.environ.get("FIELD_ENCRYPTION_KEY")
        or key_file.read_text().strip(),
        "STATIC_ROOT": static_root,
        "CACHE_URL": cache_url,
    }


def start_gunicorn(env: dict[str, str], port: int, workers: int, log: Path) -> subprocess.Popen:
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT, env=env, check=True,
    )  # fmt: skip
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "shequ.wsgi:application", "--workers", str(workers),
         "--bind", f"127.0.0.1:{port}", "--timeout", "120", "--error-logfile", str(log)],
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=2).read()
            return server
        except OSError:
            if server.poll() is not None:
                sys.exit(f"gunicorn exited with {server.returncode}; see {log}")
            time.sleep(0.3)
    stop(server)
    sys.exit(f"gunicorn did not answer within a minute; see {log}")


def stop(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)


def check(base: str, page: Page, cookie: str) -> tuple[list[str], float]:
    """Whether the page answers 200 with what it must show, and how long one request took."""
    request = urllib.request.Request(base + page.path, headers={"Cookie": cookie} if cookie else {})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            body = response.read().decode()
            final = response.geturl()
    except urllib.error.HTTPError as error:
        return [f"HTTP {error.code}"], 0.0
    took = time.perf_counter() - started
    if final != base + page.path:
        return [f"redirected to {final[len(base) :]}"], took
    if page.expect and page.expect not in body:
        return [f"{page.expect!r} not on the page"], took
    return [], took


def drain(base: str, limit: float = 120) -> None:
    """Wait for the requests wrk left queued in gunicorn when it stopped: a health check that
    answers at once says the workers are free again."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        started = time.perf_counter()
        urllib.request.urlopen(base + reverse("health"), timeout=limit).read()
        if time.perf_counter() - started < 0.1:
            return
        time.sleep(0.2)


def wrk(base: str, page: Page, cookie: str, args, seconds: int) -> Measured:
    measured = Measured(page)
    command = [WRK, "-t", str(min(args.threads, args.connections)), "-c", str(args.connections),
               "-d", f"{seconds}s", "--timeout", "30s"]  # fmt: skip
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(
        [*command, base + page.path], capture_output=True, text=True, check=True
    ).stdout
    drain(base)
    measured.rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    value, unit = re.search(r"Latency\s+([\d.]+)(us|ms|s)", output).groups()
    measured.latency_ms = float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
    if not measured.rps:
        measured.errors.append(f"no request completed in {seconds} s")
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    if bad:
        measured.errors.append(f"{bad.group(1)} responses not 2xx/3xx")
    timeouts = re.search(r"timeout (\d+)", output)
    if timeouts and int(timeouts.group(1)):
        measured.errors.append(f"{timeouts.group(1)} timeouts")
    return measured


def report(results: list[Measured], args) -> str:
    anonymous = [m.rps for m in results if m.page.trivial and m.page.who == "anonymous"]
    signed_in = [m.rps for m in results if m.page.trivial and m.page.who != "anonymous"]
    lines = [
        SECTION,
        "",
        f"- Date: {time.strftime('%Y-%m-%d %H:%M')}; code: {code_version()}",
        f"- gunicorn {args.workers} sync workers, `wrk -c {args.connections}` (Debian's wrk) for "
        f"{args.duration} s per page, on the same {os.cpu_count()}-core machine as PostgreSQL; "
        "DEBUG=0, DATABASE_CONN_MAX_AGE=600; "
        + (
            "CACHE_URL set to Redis, so sessions are read through it (`shequ/sessions.py`)."
            if args.cache_url
            else "no CACHE_URL, so sessions are read from the database."
        ),
        f"- Ceiling: the health check (`/health/`) anonymous, measured for {args.ceiling} s "
        "right before each page, so that a machine shared with other work slows both alike. "
        f"Its rate over the run: {min(anonymous):,.0f}–{max(anonymous):,.0f} req/s.",
        "",
        "| Page | As | req/s | Mean latency ms | Ceiling req/s | Ratio to trivial |",
        "|---|---|--:|--:|--:|--:|",
    ]
    for m in results:
        if m.page.trivial and m.page.who == "anonymous":
            continue
        if m.errors and not m.rps:
            lines.append(f"| {m.page.name} | {m.page.who} | **{'; '.join(m.errors)}** | | | |")
            continue
        flag = f" ({'; '.join(m.errors)})" if m.errors else ""
        ratio = f"{m.rps / m.ceiling:.1%}" if m.ceiling else "—"
        lines.append(
            f"| {m.page.name} | {m.page.who} | {m.rps:,.1f}{flag} | {m.latency_ms:,.1f} | "
            f"{m.ceiling:,.0f} | {ratio} |"
        )
    ratio = sum(signed_in) / sum(
        m.ceiling for m in results if m.page.trivial and m.page.who != "anonymous"
    )
    lines += [
        "",
        f"Signed in as community staff, the health check runs at {ratio:.0%} of its anonymous "
        "rate.",
        "",
    ]
    return "\n".join(lines)


def write_section(path: Path, section: str) -> None:
    text = path.read_text() if path.exists() else ""
    start = text.find(SECTION)
    if start >= 0:
        end = text.find("\n## ", start + len(SECTION))
        rest = "\n" + text[end + 1 :] if end >= 0 else ""
        text = text[:start] + section.rstrip("\n") + "\n" + rest
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=4, help="seconds of wrk per page")
    parser.add_argument("--ceiling", type=int, default=2, help="seconds of the health check")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--only", default="", help="only the pages whose name contains this")
    parser.add_argument("--output", type=Path, default=BENCH_DIR / "results.md")
    parser.add_argument(
        "--cache-url",
        default=os.environ.get("CACHE_URL", ""),
        help="Redis for the server's cache and sessions, as in production (default: CACHE_URL)",
    )
    args = parser.parse_args(argv)
    if connection.vendor != "postgresql":
        sys.exit("Run it against the PostgreSQL database bench/generate_city.py filled.")
    if not Path(WRK).exists():
        sys.exit(f"{WRK} is missing: apt-get install wrk")

    first = first_community()
    last = Community.objects.filter(residents__isnull=False).order_by("-code").first()
    trivial, staff = pages(first, last)
    staff = [page for page in staff if args.only.lower() in page.name.lower()]
    # The sessions made here are signed with the key the server will check them with.
    settings.SECRET_KEY = os.environ.get("SECRET_KEY") or secrets.token_urlsafe(60)
    cookies = session_cookies(users(first, last))
    connection.close()  # the server's workers need the connections, not this process

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="shequ-load-") as tmp:
        log = Path(tmp) / "gunicorn.log"
        environment = server_environment(str(Path(tmp) / "static"), args.cache_url)
        server = start_gunicorn(environment, port,
                                args.workers, log)  # fmt: skip
        try:
            # Each session's first request stamps its activity; after that, once a minute. A
            # page that fails, or takes longer alone than wrk would run, is not loaded.
            refused: dict[int, list[str]] = {}
            for page in trivial + staff:
                errors, took = check(base, page, cookies[page.who])
                if not errors and took > args.duration:
                    errors = [f"one request alone took {took:,.1f} s; not loaded"]
                if errors:
                    refused[id(page)] = errors
            # The whole district's overview takes seconds: what it leaves queued in gunicorn
            # when wrk stops would slow the next page, so it comes after the second ceiling.
            slow = [page for page in staff if page.slow]
            order = [*trivial, *[p for p in staff if not p.slow], *trivial, *slow]
            results: list[Measured] = []
            for page in order:
                if id(page) in refused:
                    results.append(Measured(page, errors=refused[id(page)]))
                    print(f"{page.name} ({page.who}): {'; '.join(refused[id(page)])}")
                    continue
                ceiling = wrk(base, trivial[0], "", args, args.ceiling)
                measured = wrk(base, page, cookies[page.who], args, args.duration)
                measured.ceiling = ceiling.rps
                results.append(measured)
                print(f"{page.name} ({page.who}): {measured.rps:,.1f} req/s, ceiling "
                      f"{ceiling.rps:,.1f}"
                      + (f" — {'; '.join(measured.errors)}" if measured.errors else ""),
                      flush=True)  # fmt: skip
        finally:
            stop(server)
            errors = log.read_text() if log.exists() else ""
            tracebacks = errors.count("Traceback")
            if tracebacks:
                print(f"gunicorn logged {tracebacks} tracebacks:\n{errors[-3000:]}")
    section = report(results, args)
    print(section)
    write_section(args.output, section)


if __name__ == "__main__":
    main()
