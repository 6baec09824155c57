"""Check-in and check-out, the hours they make, the organiser's approval, star levels and
certificates: one function per step, each in one transaction."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Count, Max, Min, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from shequ.models import User
from shequ.models.scoping import CHANGE
from volunteers.choices import RecordStatus, SignUpStatus, VolunteerStatus
from volunteers.models import Activity, SignUp, Volunteer
from volunteers.models.records import (
    MAX_HOURS,
    Certificate,
    ServiceRecord,
    StarLevel,
    StarReached,
)
from volunteers.services import Refused

# Check-in opens this long before the start, so people arriving early are not turned away.
CHECK_IN_EARLY = datetime.timedelta(minutes=30)
QUARTER_HOUR = Decimal("0.25")


def check_in_open(activity: Activity, now: datetime.datetime) -> bool:
    """From 30 minutes before the start until the end, unless called off: when the pages
    offer 签到 and 签退."""
    return not activity.cancelled_at and (
        activity.starts_at - CHECK_IN_EARLY <= now <= activity.ends_at
    )


def _hours(start: datetime.datetime, end: datetime.datetime) -> Decimal:
    """Between two moments, to the nearest quarter hour, at most a day."""
    hours = Decimal((end - start).total_seconds()) / 3600
    quarters = (hours / QUARTER_HOUR).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return min(quarters * QUARTER_HOUR, MAX_HOURS)


def _staff_sign_up(sign_up: SignUp, by: User) -> SignUp:
    locked = SignUp.objects.visible_to(by, CHANGE).select_for_update(of=("self",))
    row = locked.select_related("activity", "volunteer").filter(pk=sign_up.pk).first()
    if row is None:
        raise Refused(_("无权为这个报名签到或签退。"))
    return row


def _check_in(sign_up: SignUp, now: datetime.datetime) -> SignUp:
    activity = sign_up.activity
    if sign_up.status != SignUpStatus.CONFIRMED:
        raise Refused(_("只有已报名（已确认）的志愿者可以签到。"))
    if sign_up.checked_in_at:
        raise Refused(
            _("已于 %(at)s 签到。") % {"at": f"{timezone.localtime(sign_up.checked_in_at):%H:%M}"}
        )
    if now < activity.starts_at - CHECK_IN_EARLY:
        raise Refused(_("活动开始前 30 分钟起可以签到。"))
    if now > activity.ends_at:
        raise Refused(_("活动已经结束，不能再签到。"))
    sign_up.checked_in_at = now
    sign_up.save()
    return sign_up


@transaction.atomic
def check_in(sign_up: SignUp, by: User, *, now: datetime.datetime | None = None) -> SignUp:
    """签到 by the organiser, at the activity."""
    return _check_in(_staff_sign_up(sign_up, by), now or timezone.now())


@transaction.atomic
def check_in_by_code(
    activity: Activity, code: str, by: User, *, now: datetime.datetime | None = None
) -> SignUp:
    """签到 by the volunteer, scanning the activity's QR code on their phone."""
    return _check_in(_own_sign_up(activity, code, by), now or timezone.now())


def _own_sign_up(activity: Activity, code: str, by: User) -> SignUp:
    """The confirmed sign-up of the one holding the code, locked."""
    if not code or code != activity.check_in_code:
        raise Refused(_("签到码不对，请重新扫描现场的二维码。"))
    sign_up = (
        SignUp.objects.select_for_update(of=("self",)).select_related("activity")
        .filter(activity=activity, volunteer__account=by, status=SignUpStatus.CONFIRMED)
        .first()
    ) if by.is_authenticated else None  # fmt: skip
    if sign_up is None:
        raise Refused(_("你没有这个活动的已确认报名，请先报名或联系组织者。"))
    return sign_up


def _check_out(sign_up: SignUp, at: datetime.datetime, *, automatic: bool) -> ServiceRecord:
    activity = sign_up.activity
    sign_up.checked_out_at, sign_up.auto_checked_out = at, automatic
    sign_up.save()
    return ServiceRecord.objects.create(
        community_id=activity.community_id, volunteer_id=sign_up.volunteer_id,
        activity=activity, sign_up=sign_up, served_on=timezone.localdate(activity.starts_at),
        description=activity.title[:200], hours=_hours(sign_up.checked_in_at, at),
        planned_hours=_hours(activity.starts_at, activity.ends_at), needs_review=automatic,
    )  # fmt: skip


@transaction.atomic
def check_out(sign_up: SignUp, by: User, *, now: datetime.datetime | None = None) -> ServiceRecord:
    """签退 by the organiser, or by the volunteer on their own sign-up: the hours go to the
    organiser for approval."""
    now = now or timezone.now()
    mine = SignUp.objects.filter(pk=sign_up.pk, volunteer__account=by)
    row = (
        mine.select_for_update(of=("self",)).select_related("activity").first()
        if by.is_authenticated else None
    ) or _staff_sign_up(sign_up, by)  # fmt: skip
    return _leave(row, now)


@transaction.atomic
def check_out_by_code(
    activity: Activity, code: str, by: User, *, now: datetime.datetime | None = None
) -> ServiceRecord:
    """签退 by the volunteer leaving, with the code they checked in by."""
    return _leave(_own_sign_up(activity, code, by), now or timezone.now())


def _leave(sign_up: SignUp, now: datetime.datetime) -> ServiceRecord:
    if not sign_up.checked_in_at:
        raise Refused(_("还没有签到，不能签退。"))
    if sign_up.checked_out_at:
        raise Refused(_("已经签退过了。"))
    return _check_out(sign_up, max(now, sign_up.checked_in_at), automatic=False)


def check_out_the_forgotten(now: datetime.datetime | None = None) -> int:
    """Every quarter hour: those still checked in when their activity ended are checked out at
    its end, and their record is marked for the organiser to look at."""
    now = now or timezone.now()
    done = 0
    forgotten = SignUp.objects.filter(
        checked_in_at__isnull=False, checked_out_at__isnull=True, activity__ends_at__lte=now
    )
    for pk in forgotten.values_list("pk", flat=True):
        with transaction.atomic():
            sign_up = (
                SignUp.objects.select_for_update(of=("self",)).select_related("activity")
                .filter(pk=pk, checked_out_at__isnull=True).first()
            )  # fmt: skip
            if sign_up:
                _check_out(sign_up, sign_up.activity.ends_at, automatic=True)
                done += 1
    return done


@transaction.atomic
def records_decide(
    records: Iterable[ServiceRecord], by: User, *, approve: bool, note: str = "",
    now: datetime.datetime | None = None,
) -> int:  # fmt: skip
    """The organiser approves or declines records, one or many at once; stars are recounted."""
    now = now or timezone.now()
    pks = [record.pk for record in records]
    rows = list(ServiceRecord.objects.visible_to(by, CHANGE).select_for_update().filter(pk__in=pks))
    if len(rows) != len(set(pks)):
        raise Refused(_("无权审核其中的部分服务记录。"))
    status = RecordStatus.APPROVED if approve else RecordStatus.DECLINED
    for row in rows:
        row.status, row.decided_by, row.decided_at, row.note = status, by, now, note
        row.needs_review = False
        row._change_reason = str(status.label)
        row.save()
    stars_recount({row.volunteer_id for row in rows})
    return len(rows)


@transaction.atomic
def record_correct(record: ServiceRecord, by: User, *, hours: Decimal, note: str) -> ServiceRecord:
    """A corrected number of hours, with the reason; the old value stays in the history."""
    row = (
        ServiceRecord.objects.visible_to(by, CHANGE)
        .select_for_update()
        .filter(pk=record.pk)
        .first()
    )
    if row is None:
        raise Refused(_("无权修改这条服务记录。"))
    if not note.strip():
        raise Refused(_("请写明更正的原因。"))
    if not Decimal(0) <= hours <= MAX_HOURS:
        raise Refused(_("服务时长须在 0 到 24 小时之间。"))
    row.hours, row.note, row.needs_review = hours, note.strip(), False
    row._change_reason = _("更正时长：%(note)s") % {"note": note.strip()}
    row.save()
    stars_recount({row.volunteer_id})
    return row


def stars_recount(volunteer_ids: Iterable[int]) -> None:
    """Each volunteer's levels from their approved records in the order served: the day the
    running total first reached each level's hours. A declined record can take a level away."""
    ids = sorted(set(volunteer_ids))
    if not ids:
        return
    levels = list(StarLevel.objects.order_by("level").values_list("level", "hours"))
    approved = (
        ServiceRecord.objects.filter(volunteer__in=ids, status=RecordStatus.APPROVED)
        .order_by("volunteer_id", "served_on", "pk")
        .values_list("volunteer_id", "served_on", "hours")
    )
    reached: list[StarReached] = []
    totals: dict[int, Decimal] = {}
    for volunteer_id, served_on, hours in approved:
        before = totals.get(volunteer_id, Decimal(0))
        totals[volunteer_id] = after = before + hours
        reached += [
            StarReached(volunteer_id=volunteer_id, level=level, reached_on=served_on)
            for level, needed in levels
            if before < needed <= after
        ]
    StarReached.objects.filter(volunteer__in=ids).delete()
    StarReached.objects.bulk_create(reached)


@transaction.atomic
def certificate_issue(
    volunteer: Volunteer, by: User, *, now: datetime.datetime | None = None
) -> Certificate:
    """志愿服务记录证明 of the approved service so far."""
    row = Volunteer.objects.visible_to(by, CHANGE).filter(pk=volunteer.pk).first()
    if row is None:
        raise Refused(_("无权为这位志愿者开具证明。"))
    if row.status == VolunteerStatus.PENDING:
        raise Refused(_("注册尚未确认，不能开具证明。"))
    totals = ServiceRecord.objects.filter(volunteer=row, status=RecordStatus.APPROVED).aggregate(
        hours=Sum("hours"), records=Count("pk"), first=Min("served_on"), last=Max("served_on")
    )
    if not totals["records"]:
        raise Refused(_("还没有经审核认定的服务记录，不能开具证明。"))
    return Certificate.objects.create(
        volunteer=row, issued_at=now or timezone.now(), issued_by=by, hours=totals["hours"],
        records=totals["records"], first_served_on=totals["first"], last_served_on=totals["last"],
    )  # fmt: skip
