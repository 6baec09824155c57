"""Keeping the population snapshots fresh: every hour for the whole city, and soon after a
community's residents change."""

from __future__ import annotations

import datetime
import logging

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from residents.models import PopulationSnapshot
from residents.models.snapshot import refresh_population

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


class _PendingRefresh:
    """The one after-commit callback of a transaction, collecting the communities it changed."""

    def __init__(self) -> None:
        self.community_ids: set[int] = set()

    def __call__(self) -> None:
        population_refresh.delay(sorted(self.community_ids), timezone.now().isoformat())


def population_changed(community_id: int) -> None:
    """Call when residents of a community are registered, changed, moved out or imported.

    The refresh is enqueued once the transaction commits (a worker never counts rows that were
    rolled back), once per transaction however many rows changed. A broker that is down loses
    only this refresh: the save stands, the error is logged, and the hourly run catches up."""
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        # Join the callback of this same savepoint only: a savepoint that rolls back then drops
        # its own communities with its callback, and no others. (None marks an atomic block
        # without a savepoint of its own, which lives and dies with the one around it.)
        here = set(connection.savepoint_ids) - {None}
        for savepoints, callback, _robust in connection.run_on_commit:
            if savepoints - {None} == here and isinstance(callback, _PendingRefresh):
                callback.community_ids.add(community_id)
                return
    pending = _PendingRefresh()
    pending.community_ids.add(community_id)
    transaction.on_commit(pending, robust=True)
