"""Time the registry's pages on the generated city: median and 95th percentile, queries per page.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/shequ_bench
    .venv/bin/python bench/generate_city.py           # once
    .venv/bin/python bench/run_benchmarks.py --repeat 30 --explain

Every request goes through the whole stack (middleware, view, SQL, template) with Django's test
client, signed in as real users: community staff of the first community and an official of the
district, created here if missing. Each page is requested twice untimed, then `--repeat` times.
Results go to stdout and bench/results.md; with --explain, the slowest query of each page is run
under EXPLAIN (ANALYZE, BUFFERS) into bench/explain.md.

The 5,000-row import calls `residents.services.residents_import` on a workbook filled in from the
import template, into a community of its own, and deletes what it imported after each run.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import io
import logging
import os
import platform
import re
import statistics
import subprocess
import sys
import time
import unicodedata
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shequ.settings")

import django  # noqa: E402
from psycopg.errors import QueryCanceled  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

# Pages render and fail as in production: no template debugging, and no technical 500 page, which
# would re-run the querysets of a timed-out page to show their values. A page that times out is
# reported in the table rather than logged as a traceback.
settings.DEBUG = False
logging.getLogger("django.request").setLevel(logging.CRITICAL)
# WhiteNoise looks for collected static files; the pages here don't need them.
warnings.filterwarnings("ignore", "No directory at", UserWarning)

from django.core.cache import cache  # noqa: E402
from django.db import OperationalError, connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402

from bench.generate_city import CommunityPlan, generate_community  # noqa: E402
from residents.choices import AgeGroup, ResidenceType, Status  # noqa: E402
from residents.models import Building, Household, Resident, ResidentTag  # noqa: E402
from residents.tasks import population_refresh  # noqa: E402
from shequ.demo import DEMO_DISTRICT_CODE  # noqa: E402
from shequ.models import Community, District, GridUnit, Role, RoleAssignment, Street, User  # noqa: E402

BENCH_DIR = Path(__file__).resolve().parent
IMPORT_ROWS = 5000
IMPORT_STREET = f"{DEMO_DISTRICT_CODE}999"
IMPORT_COMMUNITY = f"{IMPORT_STREET}001"
LOAD_SECTION = "## Under load (bench/load.py)"


@dataclass
class Case:
    name: str
    who: str  # a key of the users made in main(), or "importer"
    url: str = ""
    params: dict[str, str] = field(default_factory=dict)
    expect: str = ""  # text the page must contain
    run: Callable[[], None] | None = None  # instead of a GET, for the import
    method: str = "get"
    after: Callable[[], None] | None = None  # untimed, after each request


@dataclass
class Result:
    case: Case
    seconds: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    # Per request, (milliseconds, sql) of its slowest query.
    slowest: list[tuple[float, str]] = field(default_factory=list)
    timed_out: bool = False

    @property
    def median_ms(self) -> float:
        return statistics.median(self.seconds) * 1000

    @property
    def p95_ms(self) -> float:
        if len(self.seconds) < 2:
            return self.seconds[0] * 1000
        return statistics.quantiles(self.seconds, n=20)[18] * 1000

    @property
    def query_count(self) -> str:
        counts = Counter(self.queries)
        usual = counts.most_common(1)[0][0]
        low, high = min(counts), max(counts)
        return str(usual) if low == high else f"{usual} ({low}–{high})"

    @property
    def slowest_query(self) -> tuple[float, str]:
        """The query that is slowest in the median request."""
        ranked = sorted(self.slowest)
        return ranked[len(ranked) // 2]


# --- Users and inputs -----------------------------------------------------------------------


def bench_user(username: str, name: str, role: str, **scope) -> User:
    user, created = User.objects.get_or_create(username=username, defaults={"name": name})
    if created:
        user.set_unusable_password()
        user.save()
    RoleAssignment.objects.get_or_create(user=user, role=role, **scope)
    return user


def first_community() -> Community:
    community = (
        Community.objects.filter(street__district__code=DEMO_DISTRICT_CODE, residents__isnull=False)
        .order_by("code")
        .first()
    )
    if community is None:
        sys.exit("No residents: run bench/generate_city.py against this DATABASE_URL first.")
    return community


def sample_resident(community: Community) -> Resident:
    """A living, registered resident aged 18–59 with a mobile number: an ordinary search target."""
    today = datetime.date.today()
    candidates = (
        Resident.objects.filter(
            community=community, status=Status.LIVING, residence_type=ResidenceType.REGISTERED
        )
        .exclude(mobile_hash="")
        .filter(birth_date__lt=today - datetime.timedelta(days=18 * 366))
        .filter(birth_date__gt=today - datetime.timedelta(days=59 * 365))
        .order_by("pk")
    )
    return list(candidates[:101])[-1]


def cases(community: Community) -> list[Case]:
    person = sample_resident(community)
    tag = ResidentTag.objects.get(code="elderly_alone")
    filtered = {"age_group": AgeGroup.ELDERLY, "tags": str(tag.pk), "residence_type": "registered"}
    elderly_registered = {"age_group": AgeGroup.ELDERLY, "residence_type": "registered"}
    living = Resident.objects.filter(community=community, status=Status.LIVING).count()
    last_page = str((living + 24) // 25)
    initials = person.name_initials.split()[0]
    listed = reverse("residents:resident_list")
    district_size = (
        Community.objects.filter(
            street__district=community.street.district, residents__isnull=False
        )
        .distinct()
        .count()
    )
    result = [
        Case("Resident list, unfiltered, page 1", "staff", listed),
        Case(f"Resident list, unfiltered, last page ({last_page})", "staff", listed,
             {"page": last_page}),
        Case("Resident list, 60+ · 独居/空巢老人 · 户籍", "staff", listed, filtered),
        Case("Resident list, 60+ · 户籍, page 2", "staff", listed,
             {**elderly_registered, "page": "2"}),
        Case("Resident list, unfiltered, page 1", "staff of the last community", listed),
        Case("Resident list, unfiltered, page 1", "grid worker", listed),
        # A POST, never a URL; its hourly allowance is reset between the timed requests.
        Case("Exact ID number lookup", "staff", reverse("residents:resident_lookup"),
             {"number": person.id_number}, expect=person.name, method="post",
             after=cache.clear),
        Case(f"Name search “{person.name[:2]}”", "staff", listed, {"q": person.name[:2]}),
        Case(f"Pinyin initials search “{initials}”", "staff", listed, {"q": initials}),
        Case("Last 4 digits of a mobile", "staff", listed, {"q": person.mobile[-4:]}),
        Case("Household list", "staff", reverse("residents:household_list")),
        Case("Building list", "staff", reverse("residents:building_list")),
        Case("Grid unit list", "staff", reverse("residents:gridunit_list")),
        Case("Due visits", "staff", reverse("residents:visit_due")),
        Case("Home page", "staff", reverse("home")),
        Case("Community overview", "staff", reverse("residents:overview")),
        Case(f"Overview, whole district ({district_size:,} communities)", "official",
             reverse("residents:overview")),
        Case("Overview, whole district sorted by 60+", "official", reverse("residents:overview"),
             {"sort": "-age_elderly"}),
        Case("Overview, one street", "official", reverse("residents:overview"),
             {"street": str(community.street_id)}),
        Case("Overview, one community chosen", "official", reverse("residents:overview"),
             {"community": str(community.pk)}),
        Case("Overview, whole district (xlsx)", "official", reverse("residents:overview"),
             {"export": "xlsx"}),
        Case("Community list", "official", reverse("community_list")),
        Case("Grid unit list", "official", reverse("residents:gridunit_list")),
        Case("Home page", "official", reverse("home")),
    ]  # fmt: skip
    with contextlib.suppress(NoReverseMatch):  # the export is newer than the list
        result.append(
            Case("Export the community (xlsx)", "staff", reverse("residents:resident_export"))
        )
    return result


# --- The import -------------------------------------------------------------------------------


def _header_key(text: object) -> str:
    return re.sub(r"[\s*＊]", "", unicodedata.normalize("NFKC", str(text or "")))


def _import_community() -> tuple[Community, list[tuple[str, Household, Resident, list[str]]]]:
    """A community of its own with buildings registered, and 5,000 generated rows for it."""
    district = District.objects.get(code=DEMO_DISTRICT_CODE)
    street, _ = Street.objects.get_or_create(
        code=IMPORT_STREET, defaults={"district": district, "name": "基准测试街道"}
    )
    community, _ = Community.objects.get_or_create(
        code=IMPORT_COMMUNITY, defaults={"street": street, "name": "导入测试社区"}
    )
    for number in range(1, 5):
        GridUnit.objects.get_or_create(
            community=community, number=number, defaults={"name": f"第{number}网格"}
        )
    grid_units = tuple(community.grid_units.order_by("number").values_list("pk", flat=True))
    tag_ids = dict(ResidentTag.objects.values_list("code", "pk"))
    plan = CommunityPlan(community.pk, community.code, community.name, grid_units, IMPORT_ROWS, 1)
    rows = generate_community(plan, tag_ids)
    for building in rows.buildings:
        Building.objects.get_or_create(
            community=community,
            number=building.number,
            defaults={
                "grid_unit_id": building.grid_unit_id,
                "address": building.address,
                "units": building.units,
                "floors": building.floors,
                "has_elevator": building.has_elevator,
            },
        )
    names = {pk: name for name, pk in ResidentTag.objects.values_list("name", "pk")}
    tags: dict[int, list[str]] = {}
    for r, tag_id in rows.tags:
        tags.setdefault(r, []).append(names[tag_id])
    residents = [
        (rows.buildings[b].number, household, resident, tags.get(i, []))
        for i, (h, resident) in enumerate(rows.residents)
        for b, household in [rows.households[h]]
    ]
    return community, residents


# How each template column is filled from (building number, household, resident, tag names).
TEMPLATE_CELLS: dict[str, Callable[[str, Household, Resident, list[str]], object]] = {
    "楼栋号": lambda b, h, r, tags: b,
    "单元": lambda b, h, r, tags: h.unit,
    "门牌/室": lambda b, h, r, tags: h.room,
    "户号": lambda b, h, r, tags: h.number,
    "户别": lambda b, h, r, tags: h.get_kind_display(),
    "与户主关系": lambda b, h, r, tags: r.get_relation_to_head_display(),
    "姓名": lambda b, h, r, tags: r.name,
    "证件类型": lambda b, h, r, tags: r.get_document_type_display(),
    "证件号码": lambda b, h, r, tags: r.id_number,
    "性别": lambda b, h, r, tags: r.get_sex_display(),
    "出生日期": lambda b, h, r, tags: r.birth_date,
    "手机号码": lambda b, h, r, tags: r.mobile,
    "民族": lambda b, h, r, tags: r.ethnicity,
    "政治面貌": lambda b, h, r, tags: r.get_political_status_display(),
    "文化程度": lambda b, h, r, tags: r.get_education_display(),
    "婚姻状况": lambda b, h, r, tags: r.get_marital_status_display(),
    "户籍地": lambda b, h, r, tags: r.registered_address,
    "人户状态": lambda b, h, r, tags: r.get_residence_status_display(),
    "户籍类型": lambda b, h, r, tags: r.get_residence_type_display(),
    "重点人群": lambda b, h, r, tags: "、".join(tags),
    "迁入日期": lambda b, h, r, tags: r.moved_in_on,
}


def import_workbook(client: Client, rows) -> bytes:
    """The downloaded template, filled in below its header row the way an office would."""
    from openpyxl import load_workbook

    response = client.get(reverse("residents:resident_import_template"), secure=True)
    assert response.status_code == 200, response.status_code
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    header_row = next(
        row[0].row
        for row in sheet.iter_rows(max_row=10)
        if any(_header_key(cell.value) == "姓名" for cell in row)
    )
    headers = [_header_key(cell.value) for cell in sheet[header_row]]
    unknown = [header for header in headers if header and header not in TEMPLATE_CELLS]
    if unknown:
        print(f"  note: template columns left empty: {', '.join(unknown)}")
    for offset, row in enumerate(rows, start=1):
        for column, header in enumerate(headers, start=1):
            value = TEMPLATE_CELLS[header](*row) if header in TEMPLATE_CELLS else None
            if value not in (None, ""):
                sheet.cell(row=header_row + offset, column=column, value=value)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def delete_imported(community: Community) -> None:
    """Remove what an import wrote (households, residents, tags, history), without signals."""
    tables = {
        "tags": Resident.tags.through._meta.db_table,
        "resident": Resident._meta.db_table,
        "household": Household._meta.db_table,
        "h_resident": Resident.history.model._meta.db_table,
        "h_household": Household.history.model._meta.db_table,
    }
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {tables['household']} SET head_id = NULL WHERE community_id = %s",
                       [community.pk])  # fmt: skip
        cursor.execute(
            f"DELETE FROM {tables['tags']} WHERE resident_id IN "
            f"(SELECT id FROM {tables['resident']} WHERE community_id = %s)",
            [community.pk],
        )
        for table in ("resident", "household", "h_resident", "h_household"):
            cursor.execute(f"DELETE FROM {tables[table]} WHERE community_id = %s", [community.pk])


def import_case(client: Client) -> Case | None:
    try:
        from residents.services import residents_import

        reverse("residents:resident_import_template")
    except (ImportError, NoReverseMatch) as missing:
        print(f"Import benchmark skipped: {missing}")
        return None
    community, rows = _import_community()
    importer = bench_user("bench_importer", "导入测试员", Role.COMMUNITY_STAFF, community=community)
    client.force_login(importer)
    delete_imported(community)
    content = import_workbook(client, rows)

    def run() -> None:
        result = residents_import(user=importer, community=community, file=io.BytesIO(content))
        if not result.ok:
            raise AssertionError(f"import refused: {[str(e) for e in result.errors[:5]]}")
        assert result.residents == IMPORT_ROWS, result

    return Case(f"Import {IMPORT_ROWS:,} rows (xlsx)", "importer", run=run)


# --- Measuring ----------------------------------------------------------------------------------


def measure(case: Case, client: Client, repeat: int, warmup: int = 2) -> Result:
    """Warm up, then time `repeat` runs. A run cut off by statement_timeout ends the page's
    measurement: it is reported as timed out, with the query that was cut off."""
    result = Result(case)

    def once() -> None:
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            try:
                if case.run:
                    case.run()
                else:
                    request = getattr(client, case.method)
                    response = request(case.url, case.params, secure=True)
                    if response.status_code != 200:
                        raise AssertionError(f"{case.name}: HTTP {response.status_code}")
                    if case.expect and case.expect not in response.content.decode():
                        raise AssertionError(f"{case.name}: {case.expect!r} not on the page")
            except OperationalError as error:
                if not isinstance(error.__cause__, QueryCanceled):
                    raise
                result.timed_out = True
            elapsed = time.perf_counter() - started
        if case.run:
            delete_imported(Community.objects.get(code=IMPORT_COMMUNITY))
        if case.after:
            case.after()
        result.seconds.append(elapsed)
        result.queries.append(len(captured.captured_queries))
        timed = [(float(q["time"]) * 1000, q["sql"]) for q in captured.captured_queries]
        result.slowest.append(max(timed, default=(0.0, "")))

    for _ in range(warmup):
        once()
        if result.timed_out:
            return result
    result.seconds, result.queries, result.slowest = [], [], []
    for _ in range(repeat):
        once()
        if result.timed_out:
            break
    return result


def summary(result: Result, timeout: int) -> str:
    name = f"{result.case.name} ({result.case.who})"
    if result.timed_out:
        return f"{name}: timed out after {timeout} s"
    return (
        f"{name}: median {result.median_ms:,.1f} ms, p95 {result.p95_ms:,.1f} ms, "
        f"{result.query_count} queries"
    )


def code_version() -> str:
    """The commit measured, and the tracked files that differed from it."""
    try:
        head = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        status = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "-uno"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    changed = [line[3:] for line in status.splitlines() if line.strip()]
    return f"commit {head}" + (
        f" with uncommitted changes to {', '.join(changed)}" if changed else ""
    )


def environment() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg_version = cursor.fetchone()[0]
        cursor.execute("SHOW shared_buffers")
        shared_buffers = cursor.fetchone()[0]
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cursor.fetchone()[0]
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        models = re.findall(r"model name\s*:\s*(.+)", cpuinfo.read_text())
        cpu = models[0] if models else cpu
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kb = int(re.search(r"MemTotal:\s*(\d+)", meminfo.read_text()).group(1))
        memory = f", {kb / 1024 / 1024:.0f} GB RAM"
    counts = {
        "communities": Community.objects.filter(residents__isnull=False).distinct().count(),
        "residents": Resident.objects.count(),
        "households": Household.objects.count(),
        "buildings": Building.objects.count(),
    }
    return [
        f"- Date: {datetime.datetime.now():%Y-%m-%d %H:%M}; code: {code_version()}",
        f"- Machine: {os.cpu_count()} cores ({cpu}){memory}; Python {platform.python_version()}, "
        f"Django {django.get_version()}",
        f"- PostgreSQL {pg_version} (shared_buffers {shared_buffers}), same machine; "
        f"development settings with DEBUG={settings.DEBUG}",
        f"- Data: {counts['communities']:,} communities with residents, "
        f"{counts['residents']:,} residents, {counts['households']:,} households, "
        f"{counts['buildings']:,} buildings; database {size}",
    ]


def table(results: list[Result], repeat: int, import_repeat: int, timeout: int) -> list[str]:
    lines = [
        "| Page | As | Median ms | p95 ms | Queries | Slowest query ms |",
        "|---|---|--:|--:|--:|--:|",
    ]
    for r in results:
        if r.timed_out:
            lines.append(f"| {r.case.name} | {r.case.who} | **timed out** | > {timeout:,} s | "
                         f"— | > {timeout * 1000:,} |")  # fmt: skip
            continue
        lines.append(
            f"| {r.case.name} | {r.case.who} | {r.median_ms:,.1f} | {r.p95_ms:,.1f} | "
            f"{r.query_count} | {r.slowest_query[0]:,.1f} |"
        )
    lines += [
        "",
        f"{repeat} timed requests per page ({import_repeat} for the import) after 2 untimed; "
        "p95 by `statistics.quantiles(n=20)`. Staff: community staff of the first community, "
        "whose rows have the lowest ids; grid worker: of the last community's first grid unit; "
        "official: of the district (all communities). Times are for the test client in one "
        "process, with one database connection kept open. "
        "A count like 9 (9–12) means a request also saved the session (once a minute: "
        f"SAVEPOINT, UPDATE, RELEASE). Every statement was limited to {timeout} s "
        "(`statement_timeout`); a page that hit it is marked timed out and not repeated. "
        "Slowest query: the slowest statement of the median request, as Django times it "
        "(whole milliseconds).",
    ]
    return lines


def explain(results: list[Result]) -> list[str]:
    lines = ["# EXPLAIN ANALYZE of each page's slowest query", ""]
    seen: set[str] = set()
    with connection.cursor() as cursor:
        for r in results:
            ms, sql = r.slowest_query
            if not sql or sql in seen or not sql.lstrip().upper().startswith("SELECT"):
                continue
            seen.add(sql)
            # A statement that timed out would only time out again: its plan without running it.
            cursor.execute(f"EXPLAIN {sql}" if r.timed_out else f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
            took = "timed out, plan only" if r.timed_out else f"{ms:.1f} ms"
            lines += [f"## {r.case.name} ({r.case.who}), {took}", "", "```sql", sql, "```",
                      "", "```", plan, "```", ""]  # fmt: skip
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--import-repeat", type=int, default=5)
    parser.add_argument("--only", default="", help="run only the pages whose name contains this")
    parser.add_argument("--timeout", type=int, default=60, help="statement_timeout in seconds")
    parser.add_argument("--explain", action="store_true", help="write bench/explain.md")
    parser.add_argument("--output", type=Path, default=BENCH_DIR / "results.md")
    args = parser.parse_args(argv)
    if args.repeat < 2:
        parser.error("--repeat must be at least 2")

    community = first_community()
    district = community.street.district
    # Community #1's rows were written first, so they have the lowest ids; the last community's
    # have the highest, which shows whether a plan depends on where the rows happen to lie.
    last = Community.objects.filter(residents__isnull=False).order_by("-code").first()
    users = {
        "staff": bench_user("bench_staff", "基准社区工作人员", Role.COMMUNITY_STAFF,
                            community=community),
        "staff of the last community": bench_user("bench_staff_last", "末社区工作人员",
                                                  Role.COMMUNITY_STAFF, community=last),
        "grid worker": bench_user("bench_grid_last", "末社区网格员", Role.GRID_WORKER,
                                  grid_unit=last.grid_units.order_by("number").first()),
        "official": bench_user("bench_official", "基准区领导", Role.OFFICIAL, district=district),
    }  # fmt: skip
    with connection.cursor() as cursor:  # the test client keeps this connection open
        cursor.execute("SELECT set_config('statement_timeout', %s, false)", [f"{args.timeout}s"])
    # Not the test environment: no template instrumentation, so the host is given instead.
    client = Client(HTTP_HOST="localhost")
    todo = [case for case in cases(community) if args.only.lower() in case.name.lower()]
    notes = []
    if any("overview" in case.name.lower() for case in todo):
        # The generator's COPY sends no signals: count the city as the hourly task does.
        started = time.perf_counter()
        refreshed = population_refresh()
        notes.append(
            f"- Population snapshots (the hourly task, all {refreshed:,} communities): "
            f"{time.perf_counter() - started:.1f} s"
        )
        print(notes[-1], flush=True)
    results = []
    for case in todo:
        client.force_login(users[case.who])
        result = measure(case, client, args.repeat)
        print(summary(result, args.timeout), flush=True)
        results.append(result)
    if "import" in args.only.lower() or not args.only:
        imported = import_case(client)
        if imported:
            result = measure(imported, client, args.import_repeat, warmup=1)
            print(summary(result, args.timeout), flush=True)
            results.append(result)

    report = [
        "# Registry benchmarks",
        "",
        *environment(),
        "",
        *table(results, args.repeat, args.import_repeat, args.timeout),
        *(["", *notes] if notes else []),
    ]
    print("\n" + "\n".join(report))
    # bench/load.py keeps its own section in the same file; this run replaces only the rest.
    previous = args.output.read_text() if args.output.exists() else ""
    kept = previous[previous.find(LOAD_SECTION) :] if LOAD_SECTION in previous else ""
    args.output.write_text("\n".join(report) + "\n" + ("\n" + kept if kept else ""))
    print(f"\nWritten to {args.output}")
    if args.explain:
        (BENCH_DIR / "explain.md").write_text("\n".join(explain(results)) + "\n")
        print(f"EXPLAIN ANALYZE written to {BENCH_DIR / 'explain.md'}")


if __name__ == "__main__":
    main()
