"""Keeping the population snapshots fresh: every hour for the whole city, and soon after a
community's residents change."""

from __future__ import annotations

import datetime
import logging

from celery import shared_task

from residents.models import PopulationSnapshot
from residents.models.snapshot import refresh_population
from shequ.snapshots import refresh_after_commit

logger = logging.getLogger(__name__)


@shared_task
def population_refresh(
    community_ids: list[int] | None = None, requested_at: str | None = None
) -> int:
    """Recompute the snapshots of these communities, or of every community without ids.

    A refresh requested at `requested_at` is already done for a community whose row was computed
    later (by the hourly run, or an earlier request's task), so a queue of requests for one
    busy community costs one count, not one each."""
    if community_ids is not None and requested_at:
        since = datetime.datetime.fromisoformat(requested_at)
        fresh = PopulationSnapshot.objects.filter(
            community__in=community_ids, computed_at__gt=since
        ).values_list("community", flat=True)
        community_ids = sorted(set(community_ids) - set(fresh))
        if not community_ids:
            return 0
    return len(refresh_population(community_ids))


def population_changed(community_id: int) -> None:
    """Call when residents of a community are registered, changed, moved out or imported."""
    refresh_after_commit(population_refresh, community_id)
