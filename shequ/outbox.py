"""The transactional outbox: notifications that must not be lost.

`post()` writes the messages in the caller's transaction and, once it commits, asks a worker
to deliver them. If the broker is down at that moment the request still succeeds: the messages
wait, and the beat run of `shequ.tasks.outbox_deliver` every minute delivers whatever is unsent
and due. Each message is claimed under a row lock that other runs skip, and marked sent in the
same transaction, so two runs never send it twice. A failed attempt is retried with a growing
delay, up to `MAX_ATTEMPTS`.

Delivery goes through the backend named by `settings.NOTIFICATION_BACKEND`: a class whose
`send(message)` delivers one `OutboxMessage` or raises. A backend reads the address it can use
(`message.email`, `message.phone`, or the user's), and raises `Undeliverable` when the message
has none, which ends the retries at once. An SMS gateway is one more such class, sending
`message.body` to `message.phone or message.user.phone`.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable

from django.conf import settings
from django.core import checks
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string

from shequ.models import OutboxMessage

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 12
# 1, 2, 4 … minutes, at most 6 hours apart: twelve attempts outlast a night's mail outage.
FIRST_RETRY = datetime.timedelta(minutes=1)
LONGEST_RETRY = datetime.timedelta(hours=6)
# One run delivers at most this many, so a backlog spreads over a few minutes of runs.
BATCH = 500


class Undeliverable(Exception):
    """The message has no address this backend can use: retrying will not help."""


class LoggingBackend:
    """Writes each message to the log: the default, so nothing leaves the machine unasked."""

    def send(self, message: OutboxMessage) -> None:
        logger.info(
            "notification %s to %s: %s", message.kind, message.recipient_display, message.subject
        )


class EmailBackend:
    """Sends through Django's mail settings (EMAIL_HOST …) to the message's or user's e-mail."""

    def send(self, message: OutboxMessage) -> None:
        address = message.email or (message.user.email if message.user_id else "")
        if not address:
            raise Undeliverable("没有可用的邮箱地址")
        send_mail(message.subject, message.body, None, [address])


def backend():
    return import_string(settings.NOTIFICATION_BACKEND)()


@checks.register()
def check_backend(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """A misspelt backend would otherwise surface only as failed deliveries, a minute later."""
    try:
        sender = backend()
    except ImportError as error:
        return [checks.Error(f"NOTIFICATION_BACKEND: {error}", id="shequ.E001")]
    if not callable(getattr(sender, "send", None)):
        return [checks.Error("NOTIFICATION_BACKEND 须有 send(message) 方法", id="shequ.E001")]
    return []


def post(messages: Iterable[OutboxMessage]) -> list[OutboxMessage]:
    """Write the messages in the current transaction; deliver them once it commits."""
    created = OutboxMessage.objects.bulk_create(list(messages))
    if created:
        ids = [m.pk for m in created]
        transaction.on_commit(lambda: _enqueue(ids))
    return created


def _enqueue(ids: list[int]) -> None:
    from shequ.tasks import outbox_deliver

    try:
        outbox_deliver.delay(ids)
    except Exception:
        # The messages are saved; the minute's beat run delivers them when the broker is back.
        logger.warning("outbox: could not enqueue %s; beat will deliver them", ids, exc_info=True)


def retry_delay(attempts: int) -> datetime.timedelta:
    return min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_RETRY)


def _due():
    return OutboxMessage.objects.filter(
        sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS, next_attempt_at__lte=timezone.now()
    )


def deliver(ids: list[int] | None = None) -> int:
    """Deliver the due messages (these, or all), one transaction each. Returns how many went."""
    sender = backend()
    sent = 0
    for _ in range(BATCH):
        with transaction.atomic():
            due = _due() if ids is None else _due().filter(pk__in=ids)
            message = (
                due.select_for_update(skip_locked=True, of=("self",))
                .select_related("user")
                .order_by("next_attempt_at", "pk")
                .first()
            )
            if message is None:
                return sent
            sent += _attempt(sender, message)
    return sent


def _attempt(sender, message: OutboxMessage) -> int:
    now = timezone.now()
    try:
        sender.send(message)
    except Undeliverable as error:
        OutboxMessage.objects.filter(pk=message.pk).update(
            attempts=MAX_ATTEMPTS, last_error=str(error)
        )
        logger.warning("outbox: message %s is undeliverable: %s", message.pk, error)
        return 0
    except Exception as error:
        attempts = message.attempts + 1
        OutboxMessage.objects.filter(pk=message.pk).update(
            attempts=F("attempts") + 1,
            last_error=f"{type(error).__name__}: {error}"[:2000],
            next_attempt_at=now + retry_delay(attempts),
        )
        logger.warning("outbox: message %s failed, attempt %s", message.pk, attempts, exc_info=True)
        return 0
    OutboxMessage.objects.filter(pk=message.pk).update(
        sent_at=now, attempts=F("attempts") + 1, last_error=""
    )
    return 1
