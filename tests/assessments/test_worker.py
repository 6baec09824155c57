"""A real worker killed in the middle of a run: the month stays as it was, and the next run
gives the same rows a clean run gives."""

import time

import psycopg
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from assessments.choices import RunState
from assessments.models import CommunityScore, IndicatorScore, ScoringRun
from assessments.models.scores import WORKING
from assessments.scoring import score_month
from assessments.tasks import score_run
from shequ.metrics import Period

PERIOD = Period.of(timezone.localdate())


def _rows(district) -> list[tuple]:
    scores = CommunityScore.objects.filter(
        assessment_month__district=district, assessment_month__month=PERIOD.first,
        publication=WORKING,
    )  # fmt: skip
    parts = IndicatorScore.objects.filter(community_score__in=scores)
    return sorted(scores.values_list("community", "total", "rank")) + sorted(
        parts.values_list("community_score__community", "indicator", "numerator", "denominator",
                          "value", "score", "source")
    )  # fmt: skip


def _connect() -> psycopg.Connection:
    db = connection.settings_dict
    return psycopg.connect(dbname=db["NAME"], user=db["USER"], host=db["HOST"],
                           port=db["PORT"] or 5432, autocommit=True)  # fmt: skip


def _until(condition, what: str, seconds: int = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} within {seconds} s")
        time.sleep(0.2)


def test_a_worker_killed_mid_run_leaves_the_month_and_the_next_run_gives_the_same_rows(
    client, world, worker
):
    before = _rows(world.district)
    month = world.district.assessment_months.get(month=PERIOD.first)
    run = ScoringRun.objects.create(district=world.district, month=PERIOD.first)
    blocker, watcher = _connect(), _connect()
    try:
        # Hold the month's row: the run's transaction stops at its last statement, the month's
        # update, after it has deleted the month's rows and written new ones.
        blocker.execute("BEGIN")
        blocker.execute(
            "SELECT id FROM assessments_assessmentmonth WHERE id = %s FOR UPDATE", [month.pk]
        )
        score_run.apply_async(args=[run.pk], queue=worker.queue)

        def waiting() -> list[str]:
            return [row[0] for row in watcher.execute(
                "SELECT query FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock'"
            )]  # fmt: skip

        _until(waiting, "the worker's transaction did not reach the month's rows")
        assert waiting()[0].startswith('UPDATE "assessments_assessmentmonth"')
        worker.process.kill()
        worker.process.wait(timeout=30)
        blocker.execute("ROLLBACK")
        _until(lambda: not waiting(), "the killed worker's transaction did not end")
    finally:
        blocker.close()
        watcher.close()

    assert _rows(world.district) == before
    run.refresh_from_db()
    assert run.state == RunState.RUNNING  # cut off: nobody holds the month's lock any more
    client.force_login(world.bob)
    page = client.get(reverse("assessments:month"), {"month": str(PERIOD)}).content.decode()
    assert "上次计算中途中断" in page
    score_month(world.district, PERIOD)
    assert _rows(world.district) == before
