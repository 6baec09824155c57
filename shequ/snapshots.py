"""Refreshing a snapshot soon after its community changes, once per transaction.

Officials' pages read snapshot rows (residents' `PopulationSnapshot`, grievances'
`GrievanceMonth`), each kept by a task `refresh(community_ids, requested_at)`. A change calls
`refresh_after_commit(task, community_id)`: the task is enqueued once the transaction commits (a
worker never counts rows that were rolled back), once per transaction and task however many rows
changed. A broker that is down loses only this refresh: the save stands, the error is logged, and
the hourly run catches up.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone


class _PendingRefresh:
    """The one after-commit callback of a transaction for one task, collecting communities."""

    def __init__(self, task) -> None:
        self.task = task
        self.community_ids: set[int] = set()
        # Django names a robust callback that failed (the broker was down) by its __qualname__.
        self.__qualname__ = f"refresh_after_commit({task.name})"

    def __call__(self) -> None:
        self.task.delay(sorted(self.community_ids), timezone.now().isoformat())


def refresh_after_commit(task, community_id: int) -> None:
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
                callback.community_ids.add(community_id)
                return
    pending = _PendingRefresh(task)
    pending.community_ids.add(community_id)
    transaction.on_commit(pending, robust=True)
