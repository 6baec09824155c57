from celery import shared_task
from django.utils import timezone

from grievances import sweeps


@shared_task
def sweep_time_limits() -> dict[str, int]:
    """Hourly: cases turning yellow or overdue are marked and their staff told."""
    return sweeps.time_limits_sweep(today=timezone.localdate())


@shared_task
def follow_up_replies() -> int:
    """Daily: residents replied to 14 days ago who have not rated are asked if it is solved."""
    return sweeps.follow_up_sweep(now=timezone.now())
