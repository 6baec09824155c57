"""Refreshing a snapshot soon after its community changes, once per transaction.

Officials' pages read snapshot rows (residents' `PopulationSnapshot`, grievances'
`GrievanceMonth`), each kept by a task `refresh(community_ids, requested_at)`. A change calls
`refresh_after_commit(task, community_id)`: the task is enqueued once the transaction commits (a
worker never counts rows that were rolled back), once per transaction and task however many rows
changed. A broker that is down loses only this refresh: the save stands, the error is logged, and
the hourly run catches up.

A snapshot kept by period (party compliance by quarter) is also told the earliest day a change
touches, `since`: a late record changes a past period, and the task refreshes back to it.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone


class _PendingRefresh:
    """The one after-commit callback of a transaction for one task, collecting communities."""

    def __init__(self, task) -> None:
        self.task = task
        self.community_ids: set[int] = set()
        self.since: datetime.date | None = None
        # Django names a robust callback that failed (the broker was down) by its __qualname__.
        self.__qualname__ = f"refresh_after_commit({task.name})"

    def __call__(self) -> None:
        arguments = [sorted(self.community_ids), timezone.now().isoformat()]
        if self.since is not None:
            arguments.append(self.since.isoformat())
        self.task.delay(*arguments)

    def add(self, community_id: int, since: datetime.date | None) -> None:
        self.community_ids.add(community_id)
        if since is not None and (self.since is None or since < self.since):
            self.since = since


def refresh_after_commit(task, community_id: int, since: datetime.date | None = None) -> None:
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        # Join the callback of this same savepoint only: a savepoint that rolls back then drops
        # its own communities with its callback, and no others. (None marks an atomic block
        # without a savepoint of its own, which lives and dies with the one around it.)
        here = set(connection.savepoint_ids) - {None}
        for savepoints, callback, _robust in connection.run_on_commit:
            if (
                savepoints - {None} == here
                and isinstance(callback, _PendingRefresh)
                and callback.task is task
            ):
                callback.add(community_id, since)
                return
    pending = _PendingRefresh(task)
    pending.add(community_id, since)
    transaction.on_commit(pending, robust=True)
