"""A real Celery worker, fed through the Redis broker, changes rows in PostgreSQL."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.utils import timezone

from shequ import outbox
from shequ.models import OutboxMessage, TaskRun
from shequ.tasks import outbox_deliver, sessions_clear_expired
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]


def _test_database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker(transactional_db):
    if not os.environ.get("CELERY_BROKER_URL"):
        pytest.skip("CELERY_BROKER_URL is not set: no broker for a real worker")
    if connection.vendor != "postgresql":
        pytest.skip("the worker needs the test database on PostgreSQL to share it")
    queue = f"test-{uuid.uuid4().hex[:12]}"
    env = {**os.environ, "DATABASE_URL": _test_database_url()}
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "shequ", "worker", "--pool=solo", "-Q", queue,
         "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    yield queue
    process.terminate()
    output, _ = process.communicate(timeout=30)
    print(output)


def test_a_worker_clears_expired_sessions_and_records_the_run(worker):
    assert not settings.CELERY_TASK_ALWAYS_EAGER
    now = timezone.now()
    Session.objects.create(
        session_key="e" * 32, session_data="", expire_date=now - timezone.timedelta(hours=1)
    )
    Session.objects.create(
        session_key="l" * 32, session_data="", expire_date=now + timezone.timedelta(hours=1)
    )

    sent = sessions_clear_expired.apply_async(queue=worker)

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
        outbox_deliver, "delay", lambda ids: outbox_deliver.apply_async(args=[ids], queue=worker)
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
