"""Background tasks: every run leaves a TaskRun row, failures included, and the beat schedule
names tasks that exist and expire before their next run."""

import datetime
import itertools

import pytest
from celery import shared_task
from celery.schedules import crontab
from django.conf import settings

from shequ.celery import app
from shequ.models import TaskRun
from shequ.tasks import sessions_clear_expired


@shared_task(name="tests.shequ.test_tasks.breaks")
def breaks() -> None:
    raise ValueError("名单文件损坏")


def test_a_task_that_succeeds_is_recorded_with_its_result(db):
    result = sessions_clear_expired.apply()
    run = TaskRun.objects.get(task_id=result.id)
    assert (run.name, run.status, run.result) == (
        "shequ.tasks.sessions_clear_expired", TaskRun.Status.SUCCESS, "0",
    )  # fmt: skip
    assert run.finished_at is not None


def test_a_task_that_raises_is_recorded_as_failed_with_the_error(db):
    result = breaks.apply()
    assert result.failed()
    run = TaskRun.objects.get(task_id=result.id)
    assert run.status == TaskRun.Status.FAILURE
    assert run.get_status_display() == "失败"
    assert "名单文件损坏" in run.result
    assert run.finished_at is not None


def runs_within(schedule: crontab, days: int = 8) -> list[datetime.datetime]:
    start = datetime.datetime(2026, 1, 5)  # a Monday
    minutes = (start + datetime.timedelta(minutes=m) for m in range(days * 24 * 60))
    return [
        t for t in minutes
        if t.minute in schedule.minute and t.hour in schedule.hour
        and t.isoweekday() % 7 in schedule.day_of_week and t.day in schedule.day_of_month
        and t.month in schedule.month_of_year
    ]  # fmt: skip


def period_seconds(schedule) -> float:
    if isinstance(schedule, crontab):
        runs = runs_within(schedule, days=63)  # two months: a monthly entry runs twice
        return min((b - a).total_seconds() for a, b in itertools.pairwise(runs))
    return schedule.run_every.total_seconds()


@pytest.mark.parametrize("entry", sorted(settings.CELERY_BEAT_SCHEDULE))
def test_each_beat_entry_names_a_registered_task_and_expires_before_its_next_run(entry):
    app.loader.import_default_modules()
    scheduled = settings.CELERY_BEAT_SCHEDULE[entry]
    assert scheduled["task"] in app.tasks
    expires = scheduled["options"]["expires"]
    assert 0 < expires < period_seconds(scheduled["schedule"])


def test_the_session_sweep_runs_daily_at_night(db):
    schedule = settings.CELERY_BEAT_SCHEDULE["sessions-clear-expired"]["schedule"]
    runs = runs_within(schedule)
    assert period_seconds(schedule) == 24 * 3600
    assert {t.strftime("%H:%M") for t in runs} == {"03:17"}


def test_the_assessment_scores_last_month_on_the_first_at_two_in_the_morning():
    schedule = settings.CELERY_BEAT_SCHEDULE["assessments-score-last-month"]["schedule"]
    assert [t.strftime("%m-%d %H:%M") for t in runs_within(schedule, days=63)] == [
        "02-01 02:00",
        "03-01 02:00",
    ]
