"""Background work of party building: dues rows for the new month, and the officials' 三会一课
figures kept fresh (after every change, hourly for refreshes lost with the broker, and every
night for the cells that fall due at midnight)."""

from __future__ import annotations

import datetime

from celery import shared_task
from django.db.models import Count
from django.utils import timezone

from partybuild.compliance import quarters_to_refresh, refresh_compliance, stale_communities
from partybuild.dues.services import dues_generate
from partybuild.models import ComplianceQuarter
from partybuild.models.dues import first_of_month
from shequ.metrics import Quarter
from shequ.models import Community
from shequ.snapshots import refresh_after_commit


@shared_task
def dues_open_month() -> int:
    """This month's rows for every community, and last month's again: a run the beat missed, or
    a transfer recorded since, is caught up. Idempotent."""
    this_month = first_of_month(timezone.localdate())
    last_month = first_of_month(this_month - datetime.timedelta(days=1))
    return sum(dues_generate(month)[0] for month in (last_month, this_month))


@shared_task
def compliance_refresh(
    community_ids: list[int] | None = None, requested_at: str | None = None,
    since: str | None = None,
) -> int:  # fmt: skip
    """Recompute the figures of these communities, or of every community without ids, in the
    current quarter and the one before, and in the quarters stored from `since` on (the earliest
    day the change touched). A community whose rows of those quarters were all computed after
    `requested_at` is skipped (see residents.tasks). Returns how many rows it wrote."""
    current = Quarter.current()
    quarters = (
        quarters_to_refresh(community_ids, datetime.date.fromisoformat(since))
        if since
        else [current.previous, current]
    )
    if community_ids is not None and requested_at:
        fresh = (
            ComplianceQuarter.objects.filter(
                community__in=community_ids,
                quarter__in=[quarter.first for quarter in quarters],
                computed_at__gt=datetime.datetime.fromisoformat(requested_at),
            )
            .values_list("community")
            .annotate(n=Count("pk"))
            .filter(n=len(quarters))
            .values_list("community", flat=True)
            .order_by()
        )
        community_ids = sorted(set(community_ids) - set(fresh))
        if not community_ids:
            return 0
    return len(refresh_compliance(community_ids, quarters))


@shared_task
def compliance_catch_up() -> int:
    """Hourly: the communities whose refresh was lost (the broker was down when a meeting was
    recorded), in every quarter they have rows for. The nightly `compliance_refresh()` of every
    community is the backstop, and moves the current quarter's cells due after midnight."""
    stale = stale_communities()
    if not stale:
        return 0
    return len(refresh_compliance(stale, quarters_to_refresh(stale, datetime.date.min)))


def compliance_changed(community_id: int, since: datetime.date | None = None) -> None:
    """Call after a change to what a community's branches were asked for or held: a meeting
    held (or no longer), an exemption, a branch or group founded, moved or dissolved, a member's
    event. `since` is the earliest day it touches (an old meeting's date, a back-dated event)."""
    refresh_after_commit(compliance_refresh, community_id, since)


def compliance_rules_changed() -> None:
    """Call after an administrator changes a rule: every community, in every stored quarter."""
    for community_id in Community.objects.values_list("pk", flat=True):
        compliance_changed(community_id, datetime.date.min)
