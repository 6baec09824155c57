"""The desk's scheduled work, set-based: the time-limit sweep (hourly) and the follow-up of
replies (daily). Each selects its cases in one query under row locks, changes them in bulk,
appends their events and puts their messages in the outbox, all in one transaction; a case it
has dealt with no longer matches, so a second run changes nothing and sends nothing."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from grievances import notifications
from grievances.choices import OPEN_STATES, EventKind, State
from grievances.models import Grievance, GrievanceEvent

FOLLOW_UP_AFTER = datetime.timedelta(days=14)
# A run that missed a few days still asks; a case replied to long before the follow-up
# existed (the first run after deployment) is not asked about out of the blue.
FOLLOW_UP_WITHIN = datetime.timedelta(days=7)


def _system_event(case: Grievance, kind: str, note: str, *, public: bool) -> GrievanceEvent:
    return GrievanceEvent(
        grievance=case, kind=kind, from_state=case.state, to_state=case.state,
        level=case.level, department_id=case.department_id, note=note, public=public,
    )  # fmt: skip


def time_limits_sweep(*, today: datetime.date) -> dict[str, int]:
    """Mark open cases at their warning day (yellow, 70 %) and past their due day (overdue),
    once each. Replied, closed, rejected and merged cases have a stopped clock and are never
    marked; hidden (abusive) ones are announced to nobody."""
    with transaction.atomic():
        cases = list(
            Grievance.objects.select_for_update(of=("self",))
            .filter(state__in=OPEN_STATES, hidden=False)
            .filter(Q(warned=False, warn_on__lte=today) | Q(overdue=False, due_on__lt=today))
            .select_related("community__street", "assignee")
            .order_by("pk")
        )
        events = []
        for case in cases:
            if not case.overdue and case.due_on < today:
                case.overdue = True
                note = _("已超过办结时限 %(due)s") % {"due": f"{case.due_on:%Y-%m-%d}"}
                events.append(_system_event(case, EventKind.OVERDUE, note, public=False))
            elif not case.overdue:
                note = _("须在 %(due)s 前办结") % {"due": f"{case.due_on:%Y-%m-%d}"}
                events.append(_system_event(case, EventKind.WARNED, note, public=False))
            # An overdue case has passed its warning day too: it is not announced yellow after red.
            case.warned = True
        if cases:
            bulk_update_with_history(
                cases, Grievance, ["warned", "overdue"], batch_size=500,
                default_change_reason=_("时限检查"),
            )  # fmt: skip
            GrievanceEvent.objects.bulk_create(events)
            notifications.announce(events)
            # An overdue case moves its month's "overdue" figure. (grievances.tasks imports
            # this module, so the task is imported here.)
            from grievances.tasks import grievance_figures_changed

            for community_id in {case.community_id for case in cases if case.overdue}:
                grievance_figures_changed(community_id)
    kinds = [e.kind for e in events]
    return {"warned": kinds.count(EventKind.WARNED), "overdue": kinds.count(EventKind.OVERDUE)}


def follow_up_sweep(*, now: datetime.datetime) -> int:
    """问题解决了吗？ Ask once per case, 14 days after the reply, if the resident has not rated
    it and can be reached. A case reopened since is being worked again and is not asked."""
    due = now - FOLLOW_UP_AFTER
    with transaction.atomic():
        cases = list(
            Grievance.objects.select_for_update(of=("self",))
            .filter(
                state__in={State.REPLIED, State.CLOSED}, rating__isnull=True, hidden=False,
                followed_up_at__isnull=True, replied_at__lte=due,
                replied_at__gt=due - FOLLOW_UP_WITHIN,
            )
            .filter(
                Q(contact_phone_hash__gt="") | Q(resident__mobile_hash__gt="")
                | Q(submitted_by__isnull=False)
            )
            .select_related("community", "resident", "submitted_by")
            .order_by("pk")
        )  # fmt: skip
        for case in cases:
            case.followed_up_at = now
        if cases:
            bulk_update_with_history(
                cases, Grievance, ["followed_up_at"], batch_size=500,
                default_change_reason=_("回访询问"),
            )  # fmt: skip
            events = [
                _system_event(case, EventKind.FOLLOWED_UP, _("已询问居民问题是否解决"), public=True)
                for case in cases
            ]
            GrievanceEvent.objects.bulk_create(events)
            notifications.announce(events)
    return len(cases)
