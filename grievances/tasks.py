"""Background work of the desk: the monthly figures, the time-limit sweep and the follow-up."""

from __future__ import annotations

import datetime

from celery import shared_task
from django.utils import timezone

from grievances import sweeps
from grievances.models import GrievanceMonth
from grievances.models.stats import refresh_grievance_months, stale_communities
from shequ.snapshots import refresh_after_commit


@shared_task
def grievance_months_refresh(
    community_ids: list[int] | None = None, requested_at: str | None = None
) -> int:
    """Recompute the monthly figures of these communities, or of every community without ids;
    a community refreshed since `requested_at` is skipped (see residents.tasks)."""
    if community_ids is not None and requested_at:
        since = datetime.datetime.fromisoformat(requested_at)
        fresh = set(
            GrievanceMonth.objects.filter(
                community__in=community_ids, computed_at__gt=since
            ).values_list("community", flat=True)
        )
        community_ids = sorted(set(community_ids) - fresh)
        if not community_ids:
            return 0
    return refresh_grievance_months(community_ids)


@shared_task
def grievance_months_catch_up() -> int:
    """Hourly: the communities whose refresh was lost (the broker was down when a case moved).
    The nightly `grievance_months_refresh()` of every community is the backstop for changes no
    event records (an administrator's edit)."""
    stale = stale_communities()
    return refresh_grievance_months(stale) if stale else 0


def grievance_figures_changed(community_id: int) -> None:
    """Call after any step of a case: its community's months are counted again after commit."""
    refresh_after_commit(grievance_months_refresh, community_id)


@shared_task
def sweep_time_limits() -> dict[str, int]:
    """Hourly: cases turning yellow or overdue are marked and their staff told."""
    return sweeps.time_limits_sweep(today=timezone.localdate())


@shared_task
def follow_up_replies() -> int:
    """Daily: residents replied to 14 days ago who have not rated are asked if it is solved."""
    return sweeps.follow_up_sweep(now=timezone.now())
