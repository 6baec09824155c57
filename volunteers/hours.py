"""Check-in and check-out, the hours they make, the organiser's approval, star levels and
certificates: one function per step, each in one transaction."""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import IO

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max, Min, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from shequ.excel import RowError, SheetRow, communities_for_import
from shequ.id_numbers import parse_id_number
from shequ.models import Community, User
from shequ.models.scoping import CHANGE
from shequ.personal_data import lookup_hash
from volunteers.choices import RecordStatus, SignUpStatus, VolunteerStatus
from volunteers.excel import IMPORT_SHEET
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


@dataclass
class RecordsImported:
    errors: list[RowError] = field(default_factory=list)
    records: int = 0
    volunteers: int = 0


@dataclass
class _Line:
    number: int
    key: str  # the ID number's lookup hash; empty when the number could not be read
    name: str
    values: dict


def _left_on(volunteer_ids: list[int]) -> dict[int, datetime.date | None]:
    """The day each 注销 volunteer's file was first saved as left, from its history (the file
    keeps no such day); None for a registration declined, never in the register."""
    days = (
        Volunteer.history.filter(id__in=volunteer_ids)
        .values("id", "status")
        .annotate(first=Min("history_date"))
        .order_by()
    )
    left, served = {}, set()
    for row in days:
        if row["status"] == VolunteerStatus.LEFT:
            left[row["id"]] = timezone.localdate(row["first"])
        elif row["status"] == VolunteerStatus.ACTIVE:
            served.add(row["id"])
    return {pk: day if pk in served else None for pk, day in left.items()}


class _RecordsImport:
    """Checks every row of a 历史服务记录导入表 against the file and the community's volunteers,
    loaded in one query for the whole file, and the records they already have."""

    def __init__(self, *, user: User, community: Community) -> None:
        self.user, self.community = user, community
        self.today = timezone.localdate()
        self.errors: list[RowError] = []
        self.lines: list[_Line] = []
        self.seen: dict[tuple, int] = {}  # a row's contents → the first row with them

    def error(self, row: int, column: str, message: str) -> None:
        self.errors.append(RowError(row, message, column))

    def add(self, row: SheetRow) -> None:
        values, failed = IMPORT_SHEET.values(row, self.errors)
        served_on = values.get("served_on")
        if served_on and served_on > self.today:
            self.error(row.number, "服务日期", _("服务日期不能晚于今天。"))
            failed.add("served_on")
        key = ""
        if number := values.get("id_number"):
            with contextlib.suppress(ValidationError):
                number = parse_id_number(number).number
            key = lookup_hash(number)
        if key and not failed & {"served_on", "description", "hours"}:
            same = (key, served_on, values["description"], values["hours"])
            if same in self.seen:
                self.error(
                    row.number, "",
                    _("与第 %(first)s 行重复（同一志愿者、日期、内容和时长）。")
                    % {"first": self.seen[same]},
                )  # fmt: skip
                key = ""
            else:
                self.seen[same] = row.number
        if "id_number" in failed:
            key = ""
        self.lines.append(_Line(row.number, key, values.get("name", ""), values))

    def check_volunteers(self) -> None:
        """Each row's volunteer, found by ID number among the community's volunteers in one
        query: confirmed, of the row's name, registered by the day served and not yet left;
        and a record the volunteer already has is not brought in twice."""
        keys = {line.key for line in self.lines if line.key}
        found = (
            Volunteer.objects.visible_to(self.user, CHANGE)
            .filter(community=self.community, resident__id_number_hash__in=keys)
            .select_related("resident")
            .select_for_update(of=("self",))
            .order_by("pk")
        )
        volunteers = {volunteer.resident.id_number_hash: volunteer for volunteer in found}
        left = [v.pk for v in volunteers.values() if v.status == VolunteerStatus.LEFT]
        left_on = _left_on(left) if left else {}
        existing = set()
        if volunteers:
            existing = set(
                ServiceRecord.objects.filter(
                    volunteer__in=[v.pk for v in volunteers.values()],
                    served_on__in={line.values.get("served_on") for line in self.lines} - {None},
                ).values_list("volunteer_id", "served_on", "description", "hours")
            )
        for line in self.lines:
            if not line.key:
                continue
            row, values = line.number, line.values
            volunteer = volunteers.get(line.key)
            if volunteer is None:
                self.error(
                    row, "证件号码",
                    _("本社区的志愿者中没有这个证件号码，请先在“志愿者”中登记注册。"),
                )  # fmt: skip
                continue
            name = volunteer.resident.name
            if line.name and line.name != name:
                self.error(
                    row, "姓名",
                    _("姓名与登记不一致：这个证件号码登记的是“%(name)s”。") % {"name": name},
                )  # fmt: skip
            # A cell that failed has its reason already; the others are still checked.
            served_on = values.get("served_on")
            if volunteer.status == VolunteerStatus.PENDING:
                self.error(
                    row, "证件号码",
                    _("%(name)s的志愿者注册尚未确认，请先确认注册再导入。") % {"name": name},
                )  # fmt: skip
            elif volunteer.pk in left_on and left_on[volunteer.pk] is None:
                self.error(
                    row, "证件号码",
                    _("%(name)s的志愿者注册未通过，不是在册志愿者。") % {"name": name},
                )  # fmt: skip
            elif served_on and served_on < volunteer.registered_on:
                self.error(
                    row, "服务日期",
                    _("服务日期早于%(name)s的注册日期 %(day)s。")
                    % {"name": name, "day": f"{volunteer.registered_on:%Y-%m-%d}"},
                )  # fmt: skip
            elif served_on and volunteer.pk in left_on and served_on > left_on[volunteer.pk]:
                self.error(
                    row, "服务日期",
                    _("%(name)s已于 %(day)s 注销，不能导入注销之后的服务。")
                    % {"name": name, "day": f"{left_on[volunteer.pk]:%Y-%m-%d}"},
                )  # fmt: skip
            same = (volunteer.pk, served_on, values.get("description"), values.get("hours"))
            if same in existing:
                self.error(
                    row, "",
                    _("%(name)s已有这条服务记录（同一日期、内容和时长），可能已经导入过。")
                    % {"name": name},
                )  # fmt: skip
            line.values["volunteer"] = volunteer


def records_import(*, user: User, community: Community, file: IO[bytes]) -> RecordsImported:
    """Bring a filled-in 历史服务记录导入表 into a community: a record for every row, or none.

    The rows were verified on paper before they were typed, so they come in approved, decided
    by the importer, and the volunteers' stars are recounted. Raises ImportFileError when the
    file itself cannot be read; otherwise returns every row's errors with nothing saved, or
    the counts saved.
    """
    if not communities_for_import(user, ServiceRecord).filter(pk=community.pk).exists():
        raise PermissionDenied
    rows = IMPORT_SHEET.read(file)
    check = _RecordsImport(user=user, community=community)
    for row in rows:
        check.add(row)
    with transaction.atomic():
        # The volunteers are locked as they are checked, so a 注销 meanwhile waits for the import.
        check.check_volunteers()
        if check.errors:
            return RecordsImported(errors=sorted(check.errors, key=lambda error: error.row))
        now = timezone.now()
        records = [
            ServiceRecord(
                community=community, volunteer=line.values["volunteer"],
                served_on=line.values["served_on"], description=line.values["description"],
                hours=line.values["hours"], status=RecordStatus.APPROVED, decided_by=user,
                decided_at=now, note=line.values.get("note", ""),
            )
            for line in check.lines
        ]  # fmt: skip
        created = bulk_create_with_history(
            records, ServiceRecord, default_user=user, default_change_reason=_("导入历史服务记录")
        )
        ids = {record.volunteer_id for record in created}
        stars_recount(ids)
    return RecordsImported(records=len(created), volunteers=len(ids))
