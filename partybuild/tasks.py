"""Dues rows for the new month, made on the 1st before the treasurers open their sheets."""

from __future__ import annotations

import datetime

from celery import shared_task
from django.utils import timezone

from partybuild.dues.services import dues_generate
from partybuild.models.dues import first_of_month


@shared_task
def dues_open_month() -> int:
    """This month's rows for every community, and last month's again: a run the beat missed, or
    a transfer recorded since, is caught up. Idempotent."""
    this_month = first_of_month(timezone.localdate())
    last_month = first_of_month(this_month - datetime.timedelta(days=1))
    return sum(dues_generate(month)[0] for month in (last_month, this_month))
