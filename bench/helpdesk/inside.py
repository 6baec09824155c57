"""Run by bench.helpdesk.measure() with var/helpdesk-venv's Python: never imports shequ.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/shequ_helpdesk_10k \
        var/helpdesk-venv/bin/python bench/helpdesk/inside.py --tickets 10000 --repeat 20

Creates the database if missing, migrates, generates the tickets unless it holds exactly that
many, then times django-helpdesk's pages through Django's test client, signed in as staff_0001
(staff, and so a helpdesk staff member). Progress goes to stderr; stdout is the JSON list only.
"""

import argparse
import json
import os
import re
import statistics
import sys
import time
import warnings
from collections import Counter

import psycopg
from psycopg import sql


def ensure_database(url: str) -> None:
    name = psycopg.conninfo.conninfo_to_dict(url)["dbname"]
    with psycopg.connect(url, dbname="postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def datatables_request(page: str) -> tuple[str, dict[str, str]]:
    """The rows request the list page's DataTables script sends on load, read from the page:
    its ajax URL (the page's filters, base64 in the path), its columns and page length. No
    order is sent (`order: []`), so the view sorts by the query's: created, oldest first."""
    url = re.search(r'"url": "([^"]*datatables_ticket_list[^"]*)"', page).group(1)
    length = re.search(r"data-page-length='(\d+)'", page).group(1)
    columns = re.findall(r'data: "(\w+)"', page[page.index("columns: [") : page.index("order: []")])
    params = {"draw": "1"}
    for i, column in enumerate(columns):
        params |= {
            f"columns[{i}][data]": column,
            f"columns[{i}][name]": "",
            f"columns[{i}][searchable]": "true",
            f"columns[{i}][orderable]": "false" if column == "id" else "true",
            f"columns[{i}][search][value]": "",
            f"columns[{i}][search][regex]": "false",
        }
    params |= {"start": "0", "length": length, "search[value]": "", "search[regex]": "false",
               "_": str(int(time.time() * 1000))}  # fmt: skip
    return url, params


def timed(client, name: str, url: str, params: dict, repeat: int, rows=None) -> dict:
    """Two untimed requests, then `repeat` timed ones, as bench/run_benchmarks.py measures."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    seconds, queries = [], []
    for n in range(2 + repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url, params)
            elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise SystemExit(f"{name}: HTTP {response.status_code} for {url}")
        if n >= 2:
            seconds.append(elapsed)
            queries.append(len(captured.captured_queries))
    print(f"  {name}: median {statistics.median(seconds) * 1000:,.1f} ms", file=sys.stderr)
    return {
        "name": name,
        "url": url,
        "params": params,
        "median_ms": round(statistics.median(seconds) * 1000, 2),
        "p95_ms": round(statistics.quantiles(seconds, n=20)[18] * 1000, 2),
        "queries": Counter(queries).most_common(1)[0][0],
        "bytes": len(response.content),
        **(rows(response) if rows else {"rows": None}),
    }


def datatables_rows(response) -> dict:
    body = response.json()
    return {"rows": len(body["data"]), "records_total": body["recordsTotal"],
            "records_filtered": body["recordsFiltered"]}  # fmt: skip


def linked_tickets(response) -> dict:
    """Tickets the page shows: distinct links to a ticket."""
    return {"rows": len(set(re.findall(rb'href="/helpdesk/tickets/(\d+)/"', response.content)))}


def pages(repeat: int) -> list[dict]:
    from django.contrib.auth.models import User
    from django.test import Client
    from django.urls import reverse
    from generate import STAFF
    from helpdesk.models import Queue, Ticket

    client = Client()
    client.force_login(User.objects.get(username=f"{STAFF}0001"))
    listed = reverse("helpdesk:list")
    # The filter form as a browser submits it: its text inputs even when empty, checked boxes.
    filtered = {"sort": "created", "status": str(Ticket.OPEN_STATUS),
                "queue": str(Queue.objects.get(slug="c0001").pk),
                "date_from": "", "date_to": "", "q": ""}  # fmt: skip
    rows_url, rows_params = datatables_request(client.get(listed).content.decode())
    filtered_url, filtered_params = datatables_request(
        client.get(listed, filtered).content.decode()
    )
    return [
        timed(client, "Trivial view", "/trivial/", {}, repeat),
        timed(client, "Ticket list page", listed, {}, repeat),
        timed(client, "Ticket list rows", rows_url, rows_params, repeat, datatables_rows),
        timed(client, "Ticket list rows, filtered", filtered_url, filtered_params, repeat,
              datatables_rows),
        timed(client, "Dashboard", reverse("helpdesk:dashboard"), {}, repeat, linked_tickets),
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, required=True)
    parser.add_argument("--repeat", type=int, required=True)
    args = parser.parse_args()
    ensure_database(os.environ["DATABASE_URL"])
    os.environ["DJANGO_SETTINGS_MODULE"] = "desk_settings"
    # The dashboard filters `created` with date strings; Django warns once per run, not per page.
    warnings.filterwarnings("ignore", "DateTimeField Ticket.created received a naive datetime")
    import django

    django.setup()
    from django.core.management import call_command
    from generate import generate
    from helpdesk.models import Ticket

    call_command("migrate", verbosity=0)
    if Ticket.objects.count() != args.tickets:
        generate(args.tickets)
    json.dump(pages(args.repeat), sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
