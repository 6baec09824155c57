"""The outbox: a message exists exactly when its transaction commits, is sent at most once
however many runs race for it, is retried after a failure, and survives a broker that is down."""

import logging
import threading
import time

import pytest
from django.core import mail
from django.db import connection, transaction
from django.utils import timezone

from shequ import outbox
from shequ.models import OutboxMessage
from shequ.tasks import outbox_deliver
from tests.factories import UserFactory

sent: list[int] = []
gate = threading.Event()
entered = threading.Event()


class GatedBackend:
    """Holds the first delivery inside send() until the test opens the gate."""

    def send(self, message):
        entered.set()
        assert gate.wait(10)
        sent.append(message.pk)


class FlakyBackend:
    """Fails once, then works: an SMTP server that was restarting."""

    def send(self, message):
        if not sent:
            sent.append(0)
            raise ConnectionError("邮件服务器无响应")
        sent.append(message.pk)


@pytest.fixture(autouse=True)
def _fresh_backends():
    sent.clear()
    gate.clear()
    entered.clear()


def message(user=None, **fields) -> OutboxMessage:
    return OutboxMessage(kind="test", user=user, subject="通知", body="正文", **fields)


def test_a_message_rolled_back_with_its_transaction_is_never_written_nor_enqueued(
    db, django_capture_on_commit_callbacks, monkeypatch
):
    enqueued = []
    monkeypatch.setattr(outbox_deliver, "delay", enqueued.append)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        outbox.post([message(email="a@example.com")])
        raise RuntimeError("保存失败")
    assert not OutboxMessage.objects.exists()
    assert enqueued == []

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        (kept,) = outbox.post([message(email="a@example.com")])
    assert enqueued == [[kept.pk]]


def test_two_runs_racing_for_a_message_send_it_once(transactional_db, settings, monkeypatch):
    settings.NOTIFICATION_BACKEND = "tests.shequ.test_outbox.GatedBackend"
    monkeypatch.setattr(outbox_deliver, "delay", lambda ids: None)
    (queued,) = outbox.post([message(email="a@example.com")])
    results = []

    def first_run():
        results.append(outbox.deliver([queued.pk]))
        connection.close()

    runner = threading.Thread(target=first_run)
    runner.start()
    assert entered.wait(10)
    # The first run holds the row: the beat run and a second task skip it.
    assert outbox.deliver() == 0
    assert outbox.deliver([queued.pk]) == 0
    gate.set()
    runner.join(10)
    assert results == [1]
    assert outbox.deliver() == 0
    assert sent == [queued.pk]
    queued.refresh_from_db()
    assert queued.sent_at is not None and queued.attempts == 1


def test_a_failed_delivery_is_retried_after_a_delay_then_sent(db, settings):
    settings.NOTIFICATION_BACKEND = "tests.shequ.test_outbox.FlakyBackend"
    (queued,) = outbox.post([message(email="a@example.com")])

    assert outbox.deliver() == 0
    queued.refresh_from_db()
    assert (queued.sent_at, queued.attempts) == (None, 1)
    assert "邮件服务器无响应" in queued.last_error
    assert queued.next_attempt_at > timezone.now()
    assert outbox.deliver() == 0  # not due yet

    OutboxMessage.objects.update(next_attempt_at=timezone.now())
    assert outbox.deliver() == 1
    queued.refresh_from_db()
    assert queued.sent_at is not None and (queued.attempts, queued.last_error) == (2, "")
    assert sent == [0, queued.pk]


def test_after_the_last_attempt_a_message_is_left_alone(db, settings):
    settings.NOTIFICATION_BACKEND = "tests.shequ.test_outbox.FlakyBackend"
    sent.append(0)  # already failed before
    outbox.post([message(email="a@example.com")])
    OutboxMessage.objects.update(attempts=outbox.MAX_ATTEMPTS)
    assert outbox.deliver() == 0
    assert sent == [0]


def test_the_email_backend_mails_the_user_and_gives_up_on_a_user_without_address(db, settings):
    settings.NOTIFICATION_BACKEND = "shequ.outbox.EmailBackend"
    with_address = UserFactory(email="zhang@example.com")
    without = UserFactory(email="")
    outbox.post([message(with_address), message(without)])

    assert outbox.deliver() == 1
    assert [m.to for m in mail.outbox] == [["zhang@example.com"]]
    stuck = OutboxMessage.objects.get(user=without)
    assert stuck.sent_at is None and stuck.attempts == outbox.MAX_ATTEMPTS
    assert "邮箱" in stuck.last_error


def test_a_phone_number_is_stored_encrypted_and_shown_masked(db):
    queued = message()
    queued.set_phone("13812345678")
    (queued,) = outbox.post([queued])
    row = OutboxMessage.objects.filter(pk=queued.pk).values()[0]
    assert "13812345678" not in str(row)
    assert OutboxMessage.objects.get().phone == "13812345678"
    assert str(queued) == "test → 138****5678"


def test_with_the_broker_down_a_post_commits_and_the_beat_run_delivers_it_later(
    db, broker_down, django_capture_on_commit_callbacks, caplog
):
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        (queued,) = outbox.post([message(email="a@example.com")])
    assert time.monotonic() - started < 5
    assert "beat will deliver" in caplog.text
    queued.refresh_from_db()
    assert queued.sent_at is None

    with caplog.at_level(logging.INFO, logger="shequ.outbox"):
        assert outbox_deliver() == 1
    queued.refresh_from_db()
    assert queued.sent_at is not None
