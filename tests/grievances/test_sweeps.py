"""The hourly time-limit sweep across the Spring Festival, and the follow-up 14 days after a
reply: each marks and tells exactly once, and a second run changes nothing."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from grievances import services, sweeps, workdays
from grievances.choices import EventKind
from grievances.models import Grievance, GrievanceEvent
from shequ.models import OutboxMessage
from tests.grievances.conftest import register_case

# The book starts empty: these tests count numbers, messages and figures.
pytestmark = pytest.mark.empty_desk

D = datetime.date


def registered_on(world, category, day: D, **fields) -> Grievance:
    case = register_case(world, category, **fields)
    days = category.time_limit_days
    Grievance.objects.filter(pk=case.pk).update(
        received_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(9))),
        due_on=workdays.add_working_days(day, days), warn_on=workdays.warning_day(day, days),
    )  # fmt: skip
    case.refresh_from_db()
    return case


def marks(kind) -> list[int]:
    return sorted(GrievanceEvent.objects.filter(kind=kind).values_list("grievance", flat=True))


def test_the_sweep_counts_through_the_spring_festival_and_marks_each_case_once(world, category):
    # Thursday before the 2026 holiday (15–23 February, Saturday the 14th worked): five working
    # days run 13, 14, 24, 25, 26 February; a calendar of weekdays would say the 19th.
    long = registered_on(world, category, D(2026, 2, 12))
    assert (long.warn_on, long.due_on) == (D(2026, 2, 24), D(2026, 2, 26))
    services.grievance_assign(grievance=long, by=world.alice, assignee=world.gina)
    category.time_limit_days = 1
    short = registered_on(world, category, D(2026, 2, 13))  # due on the make-up Saturday
    replied = registered_on(world, category, D(2026, 2, 2))
    services.grievance_reply(grievance=replied, by=world.alice, reply="已处理")
    OutboxMessage.objects.all().delete()

    assert sweeps.time_limits_sweep(today=D(2026, 2, 14)) == {"warned": 1, "overdue": 0}
    assert marks(EventKind.WARNED) == [short.pk]
    assert sweeps.time_limits_sweep(today=D(2026, 2, 23)) == {"warned": 0, "overdue": 1}
    assert marks(EventKind.OVERDUE) == [short.pk]

    with CaptureQueriesContext(connection) as run:
        assert sweeps.time_limits_sweep(today=D(2026, 2, 25)) == {"warned": 1, "overdue": 0}
    assert marks(EventKind.WARNED) == [long.pk, short.pk]
    yellow = OutboxMessage.objects.filter(kind="grievance.warned", payload__grievance=long.pk)
    assert sorted(yellow.values_list("user__username", flat=True)) == ["alice", "gina"]

    before = OutboxMessage.objects.count(), GrievanceEvent.objects.count()
    assert sweeps.time_limits_sweep(today=D(2026, 2, 25)) == {"warned": 0, "overdue": 0}
    assert sweeps.time_limits_sweep(today=D(2026, 2, 26)) == {"warned": 0, "overdue": 0}
    assert (OutboxMessage.objects.count(), GrievanceEvent.objects.count()) == before

    assert sweeps.time_limits_sweep(today=D(2026, 2, 27)) == {"warned": 0, "overdue": 1}
    assert marks(EventKind.OVERDUE) == [long.pk, short.pk]
    long.refresh_from_db()
    replied.refresh_from_db()
    assert (long.warned, long.overdue) == (True, True)
    assert (replied.warned, replied.overdue) == (False, False)
    assert not GrievanceEvent.objects.filter(kind__in=["warned", "overdue"], public=True).exists()
    assert long.history.first().history_change_reason == "时限检查"
    # Select, update, history, events, staff, outbox: the same few queries for any number.
    assert len(run.captured_queries) <= 10


def test_a_case_found_past_its_due_day_is_announced_overdue_only(world, category):
    case = registered_on(world, category, D(2026, 3, 2))
    OutboxMessage.objects.all().delete()
    sweeps.time_limits_sweep(today=D(2026, 4, 1))
    assert marks(EventKind.OVERDUE) == [case.pk] and marks(EventKind.WARNED) == []
    assert list(OutboxMessage.objects.values_list("kind", flat=True)) == ["grievance.overdue"]


@pytest.fixture
def replied(world, category):
    case = register_case(world, category)
    services.grievance_reply(grievance=case, by=world.alice, reply="已修好")
    OutboxMessage.objects.all().delete()
    return case


def test_the_follow_up_asks_the_resident_once_14_days_after_the_reply(replied):
    at = replied.replied_at
    assert sweeps.follow_up_sweep(now=at + datetime.timedelta(days=13)) == 0
    assert sweeps.follow_up_sweep(now=at + datetime.timedelta(days=14)) == 1
    (asked,) = OutboxMessage.objects.all()
    assert asked.subject == "问题解决了吗？" and asked.phone == "13812345678"
    assert replied.tracking_code in asked.body
    assert marks(EventKind.FOLLOWED_UP) == [replied.pk]

    assert sweeps.follow_up_sweep(now=at + datetime.timedelta(days=15)) == 0
    assert OutboxMessage.objects.count() == 1


def test_a_rated_case_is_not_followed_up(replied):
    services.grievance_rate(grievance=replied, rating=5)
    assert sweeps.follow_up_sweep(now=replied.replied_at + datetime.timedelta(days=14)) == 0
    assert not OutboxMessage.objects.exists()
