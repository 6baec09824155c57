"""The resident list's first page for the first and the last community, filtered as before
(a subquery of role assignments) and as now (the community's id), under EXPLAIN ANALYZE.

    .venv/bin/python bench/first_and_last.py      # after bench/load.py has made its users

With the subquery, PostgreSQL cannot know which community it is filtering for, so it walks the
list's order along the households' primary key across the city: the last community's page cost
more than the first's, and grew with the city. With the id, it walks the community's own index.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shequ.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from residents.choices import Status  # noqa: E402
from residents.models import Resident  # noqa: E402
from shequ.models import RoleAssignment, User  # noqa: E402

REPEAT = 7


def best_ms(queryset) -> tuple[float, float]:
    """(planning, execution) in ms, the best of REPEAT runs."""
    sql, params = queryset.query.sql_with_params()
    plans, runs = [], []
    with connection.cursor() as cursor:
        for _ in range(REPEAT):
            cursor.execute(f"EXPLAIN (ANALYZE) {sql}", params)
            text = "\n".join(row[0] for row in cursor.fetchall())
            plans.append(float(re.search(r"Planning Time: ([\d.]+)", text).group(1)))
            runs.append(float(re.search(r"Execution Time: ([\d.]+)", text).group(1)))
    return min(plans), min(runs)


def main() -> None:
    lines = ["| Community | Filter | Planning ms | Execution ms |", "|---|---|--:|--:|"]
    for label, username in (("first", "bench_staff"), ("last", "bench_staff_last")):
        user = User.objects.get(username=username)
        page = (
            Resident.objects.filter(status=Status.LIVING)
            .select_related("household__building")
            .order_by("household_id", "id")
        )
        assigned = RoleAssignment.objects.filter(user=user).values("community")
        filters = {
            "subquery of role assignments (before)": page.filter(community__in=assigned),
            "plain id (now, `visible_to`)": page.visible_to(user),
        }
        for name, queryset in filters.items():
            planning, execution = best_ms(queryset[:25])
            lines.append(f"| {label} | {name} | {planning:.2f} | {execution:.2f} |")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
