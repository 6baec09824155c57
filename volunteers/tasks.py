"""Background work of volunteering: places offered from a waitlist and not taken in time go to
the next one waiting; people still checked in when their activity ended are checked out; weekly
shifts made some weeks ahead."""

from __future__ import annotations

from celery import shared_task

from volunteers.hours import check_out_the_forgotten
from volunteers.services import lapse_offers, shifts_ahead


@shared_task
def sign_up_offers_lapse() -> int:
    return lapse_offers()


@shared_task
def sign_ups_check_out() -> int:
    return check_out_the_forgotten()


@shared_task
def activities_from_templates() -> int:
    return shifts_ahead()
