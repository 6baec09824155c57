"""A real Celery worker, fed through the Redis broker, changes rows in PostgreSQL."""

import time

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from shequ import outbox
from shequ.models import OutboxMessage, TaskRun
from shequ.tasks import outbox_deliver, sessions_clear_expired
from tests.factories import UserFactory


def test_a_worker_clears_expired_sessions_and_records_the_run(worker):
    assert not settings.CELERY_TASK_ALWAYS_EAGER
    now = timezone.now()
    Session.objects.create(
        session_key="e" * 32, session_data="", expire_date=now - timezone.timedelta(hours=1)
    )
    Session.objects.create(
        session_key="l" * 32, session_data="", expire_date=now + timezone.timedelta(hours=1)
    )

    sent = sessions_clear_expired.apply_async(queue=worker.queue)

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        run = TaskRun.objects.filter(task_id=sent.id, status=TaskRun.Status.SUCCESS).first()
        if run:
            break
        time.sleep(0.2)
    else:
        pytest.fail("the worker did not run the task within 60 s")
    assert run.name == "shequ.tasks.sessions_clear_expired"
    assert run.result == "1"
    assert list(Session.objects.values_list("session_key", flat=True)) == ["l" * 32]


def test_a_worker_delivers_an_outbox_message_enqueued_when_its_transaction_commits(
    worker, monkeypatch
):
    # Routed to this test's own queue; the path is the real one: on_commit, broker, worker.
    monkeypatch.setattr(
        outbox_deliver,
        "delay",
        lambda ids: outbox_deliver.apply_async(args=[ids], queue=worker.queue),
    )
    user = UserFactory()
    with transaction.atomic():
        (message,) = outbox.post(
            [OutboxMessage(kind="test", user=user, subject="新诉求", body="请受理")]
        )
        assert not OutboxMessage.objects.filter(sent_at__isnull=False).exists()

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        message.refresh_from_db()
        if message.sent_at:
            break
        time.sleep(0.2)
    else:
        pytest.fail("the worker did not deliver the message within 60 s")
    assert message.attempts == 1
    run = TaskRun.objects.get(name="shequ.tasks.outbox_deliver")
    assert (run.args, run.result) == ([[message.pk]], "1")
