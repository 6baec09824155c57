from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone

from shequ import outbox


@shared_task
def sessions_clear_expired() -> int:
    """Delete expired sessions, so idle staff sessions do not pile up in the database."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


@shared_task
def outbox_deliver(message_ids: list[int] | None = None) -> int:
    """Deliver these outbox messages right after their transaction, or, from beat every minute,
    every message that is unsent and due (those whose enqueue was lost, and retries)."""
    return outbox.deliver(message_ids)
