"""Signing up for an activity, leaving it and taking a freed place: one function per step.

Every step locks the person's volunteer row, then the activity's row, always in that order, so
steps on one activity run one after another however many arrive at once: the places held are
counted and taken under the activity's lock, so 200 people signing up together for 20 places
leave exactly 20 holding one and 180 waiting in the order they came. The person's lock keeps
two sign-ups of theirs from both passing the overlap check at once.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from residents.choices import Status
from residents.models import Resident
from shequ import outbox, personal_data
from shequ.models import OutboxMessage, Role, User
from shequ.models.scoping import CHANGE, scope_of
from volunteers.choices import ACTIVE_SIGN_UPS, HOLDING, SignUpStatus, VolunteerStatus
from volunteers.models import (
    Activity,
    ActivityTemplate,
    SignUp,
    Team,
    TeamMeeting,
    TeamMembership,
    Volunteer,
)
from volunteers.models.activities import OVERLAP_GRACE
from volunteers.models.people import members_on


class Refused(ValidationError):
    """A step that may not be taken now, or by this user."""


def _locked_volunteer(volunteer: Volunteer, by: User) -> Volunteer:
    """The person, locked, if `by` is them (signed in as a resident) or may change their file."""
    rows = Volunteer.objects.select_for_update(of=("self",)).filter(pk=volunteer.pk)
    locked = rows.select_related("resident", "account").first()
    if locked is None or not (
        locked.account_id == by.pk
        or Volunteer.objects.visible_to(by, CHANGE).filter(pk=volunteer.pk).exists()
    ):
        raise Refused(_("无权为这位志愿者报名或取消。"))
    return locked


def _locked_activity(activity: Activity) -> Activity:
    return Activity.objects.select_for_update().get(pk=activity.pk)


def _clash(volunteer: Volunteer, activity: Activity) -> SignUp | None:
    """Another activity of theirs less than the grace apart from this one."""
    return (
        SignUp.objects.filter(
            volunteer=volunteer, status__in=ACTIVE_SIGN_UPS,
            activity__cancelled_at__isnull=True,
            activity__starts_at__lt=activity.ends_at + OVERLAP_GRACE,
            activity__ends_at__gt=activity.starts_at - OVERLAP_GRACE,
        )
        .exclude(activity=activity)
        .select_related("activity")
        .first()
    )  # fmt: skip


def _when(moment: datetime.datetime) -> str:
    return f"{timezone.localtime(moment):%m-%d %H:%M}"


@transaction.atomic
def sign_up(
    activity: Activity, volunteer: Volunteer, by: User, *, now: datetime.datetime | None = None
) -> SignUp:
    """A place if one is free and nobody is waiting for it, else a turn on the waitlist."""
    now = now or timezone.now()
    volunteer = _locked_volunteer(volunteer, by)
    if volunteer.status != VolunteerStatus.ACTIVE:
        raise Refused(_("只有在册的志愿者可以报名，请等待社区确认注册。"))
    activity = _locked_activity(activity)
    if activity.community_id != volunteer.community_id:
        raise Refused(_("只能报名本社区的活动。"))
    if activity.cancelled_at:
        raise Refused(_("这个活动已取消。"))
    if activity.signup_opens_at and now < activity.signup_opens_at:
        raise Refused(_("报名将于 %(when)s 开始。") % {"when": _when(activity.signup_opens_at)})
    if now >= activity.signup_closes():
        raise Refused(_("报名已截止。"))
    mine = activity.sign_ups.filter(volunteer=volunteer, status__in=ACTIVE_SIGN_UPS).first()
    if mine:
        raise Refused(
            _("已经报名了这个活动（%(status)s）。") % {"status": mine.get_status_display()}
        )
    if clash := _clash(volunteer, activity):
        other = clash.activity
        raise Refused(
            _(
                "与已报名的“%(title)s”（%(start)s–%(end)s）时间冲突："
                "两个活动之间至少间隔 %(grace)s 分钟。"
            )
            % {
                "title": other.title, "start": _when(other.starts_at),
                "end": f"{timezone.localtime(other.ends_at):%H:%M}",
                "grace": int(OVERLAP_GRACE.total_seconds() // 60),
            }
        )  # fmt: skip
    places = activity.sign_ups.filter(status__in=HOLDING).count()
    waiting = activity.sign_ups.filter(status=SignUpStatus.WAITLISTED).exists()
    # Nobody passes those already waiting, even when a place has just been freed for them.
    free = places < activity.capacity and not waiting
    return SignUp.objects.create(
        activity=activity, volunteer=volunteer, signed_up_at=now,
        status=SignUpStatus.CONFIRMED if free else SignUpStatus.WAITLISTED,
    )  # fmt: skip


@transaction.atomic
def sign_up_cancel(sign_up: SignUp, by: User, *, now: datetime.datetime | None = None) -> SignUp:
    """Leaving an activity (or declining a place offered): a freed place goes to the first one
    waiting."""
    now = now or timezone.now()
    _locked_volunteer(sign_up.volunteer, by)
    activity = _locked_activity(sign_up.activity)
    sign_up = SignUp.objects.select_for_update().get(pk=sign_up.pk)
    if sign_up.status not in ACTIVE_SIGN_UPS:
        raise Refused(
            _("这个报名已经结束（%(status)s）。") % {"status": sign_up.get_status_display()}
        )
    if now >= activity.starts_at:
        raise Refused(_("活动已经开始，不能再取消报名；请联系组织者。"))
    held = sign_up.holds_place
    sign_up.status, sign_up.ended_at = SignUpStatus.CANCELLED, now
    sign_up.save()
    if held:
        _offer_free_places(activity, now)
    return sign_up


@transaction.atomic
def sign_up_confirm(sign_up: SignUp, by: User, *, now: datetime.datetime | None = None) -> SignUp:
    """The person offered a freed place takes it, within the time they were given."""
    now = now or timezone.now()
    _locked_volunteer(sign_up.volunteer, by)
    activity = _locked_activity(sign_up.activity)
    sign_up = SignUp.objects.select_for_update().get(pk=sign_up.pk)
    if sign_up.status != SignUpStatus.OFFERED:
        raise Refused(_("没有待确认的递补名额。"))
    if now > sign_up.offer_expires_at:
        _lapse(sign_up, activity, now)
        raise Refused(_("确认时限（%(when)s）已过，名额已递补给下一位。")
                      % {"when": _when(sign_up.offer_expires_at)})  # fmt: skip
    sign_up.status = SignUpStatus.CONFIRMED
    sign_up.save()
    return sign_up


def lapse_offers(now: datetime.datetime | None = None) -> int:
    """Every few minutes: offers not taken in time lapse, and each place goes to the next."""
    now = now or timezone.now()
    lapsed = 0
    expired = SignUp.objects.filter(status=SignUpStatus.OFFERED, offer_expires_at__lt=now)
    for pk, activity_id in expired.values_list("pk", "activity_id").order_by("offer_expires_at"):
        with transaction.atomic():
            activity = Activity.objects.select_for_update().get(pk=activity_id)
            offer = SignUp.objects.select_for_update().get(pk=pk)
            if offer.status == SignUpStatus.OFFERED and offer.offer_expires_at < now:
                _lapse(offer, activity, now)
                lapsed += 1
    return lapsed


def _lapse(offer: SignUp, activity: Activity, now: datetime.datetime) -> None:
    offer.status, offer.ended_at = SignUpStatus.LAPSED, now
    offer.save()
    _offer_free_places(activity, now)


def _offer_free_places(activity: Activity, now: datetime.datetime) -> list[SignUp]:
    """Under the activity's lock: each free place to the next one waiting, who has the
    activity's time (never past its start) to confirm."""
    if now >= activity.starts_at or activity.cancelled_at:
        return []
    free = activity.capacity - activity.sign_ups.filter(status__in=HOLDING).count()
    if free <= 0:
        return []
    waiting = list(
        activity.sign_ups.filter(status=SignUpStatus.WAITLISTED)
        .select_related("volunteer__resident", "volunteer__account")
        .order_by("pk")[:free]
    )
    expires = min(now + datetime.timedelta(hours=activity.offer_hours), activity.starts_at)
    for offer in waiting:
        offer.status, offer.offered_at, offer.offer_expires_at = SignUpStatus.OFFERED, now, expires
        offer.save()
    outbox.post(_offer_message(offer, activity) for offer in waiting)
    return waiting


def _offer_message(offer: SignUp, activity: Activity) -> OutboxMessage:
    volunteer = offer.volunteer
    message = OutboxMessage(
        kind="volunteers.offered", user=volunteer.account,
        subject=_("候补递补：%(title)s") % {"title": activity.title},
        body=_(
            "%(title)s（%(start)s）有了空余名额，请在 %(until)s 前确认参加，"
            "逾期将递补给下一位。"
        )
        % {"title": activity.title, "start": _when(activity.starts_at),
           "until": _when(offer.offer_expires_at)},
        payload={"sign_up": offer.pk, "activity": activity.pk},
    )  # fmt: skip
    if not volunteer.account_id:
        message.set_phone(volunteer.resident.mobile)
    return message


@transaction.atomic
def activity_change(
    activity: Activity, by: User, *, fields: list[str], now: datetime.datetime | None = None
) -> Activity:
    """Staff save an activity's edited `fields` under its lock: never fewer places than are
    held, and places a larger capacity frees go to those waiting, in their order."""
    now = now or timezone.now()
    if not Activity.objects.visible_to(by, CHANGE).filter(pk=activity.pk).exists():
        raise Refused(_("无权修改这个活动。"))
    locked = _locked_activity(activity)
    if locked.cancelled_at:
        raise Refused(_("这个活动已取消，不能再修改。"))
    held = locked.sign_ups.filter(status__in=HOLDING).count()
    if activity.capacity < held:
        message = _("已有 %(held)s 人占用名额，名额不能少于 %(held)s；请先为部分人取消报名。")
        raise Refused({"capacity": [message % {"held": held}]})
    activity.save(update_fields=fields)
    _offer_free_places(activity, now)
    return activity


@transaction.atomic
def activity_cancel(
    activity: Activity, by: User, *, reason: str = "", now: datetime.datetime | None = None
) -> list[SignUp]:
    """Staff call an activity off before it starts: every sign-up still held or waiting ends,
    and each person is told. The activity's lock alone suffices: a sign-up step waits on it."""
    now = now or timezone.now()
    if not Activity.objects.visible_to(by, CHANGE).filter(pk=activity.pk).exists():
        raise Refused(_("无权取消这个活动。"))
    activity = _locked_activity(activity)
    if activity.cancelled_at:
        raise Refused(_("这个活动已取消。"))
    if now >= activity.starts_at:
        raise Refused(_("活动已经开始，不能再取消。"))
    activity.cancelled_at = now
    activity._change_reason = reason[:100] or _("取消活动")
    activity.save(update_fields=["cancelled_at"])
    ended = list(
        activity.sign_ups.select_for_update(of=("self",))
        .filter(status__in=ACTIVE_SIGN_UPS)
        .select_related("volunteer__resident", "volunteer__account")
        .order_by("pk")
    )
    for each in ended:
        each.status, each.ended_at = SignUpStatus.CANCELLED, now
        each._change_reason = _("活动取消")
        each.save(update_fields=["status", "ended_at"])
    outbox.post(_cancel_message(each, activity, reason) for each in ended)
    return ended


def _cancel_message(sign_up: SignUp, activity: Activity, reason: str) -> OutboxMessage:
    volunteer = sign_up.volunteer
    body = _("您报名的“%(title)s”（%(start)s）已取消。") % {
        "title": activity.title, "start": _when(activity.starts_at),
    }  # fmt: skip
    if reason:
        body += _("原因：%(reason)s") % {"reason": reason}
    message = OutboxMessage(
        kind="volunteers.activity_cancelled", user=volunteer.account,
        subject=_("活动取消：%(title)s") % {"title": activity.title}, body=body,
        payload={"sign_up": sign_up.pk, "activity": activity.pk},
    )  # fmt: skip
    if not volunteer.account_id:
        message.set_phone(volunteer.resident.mobile)
    return message


def shifts_ahead(
    today: datetime.date | None = None, *, templates: list[ActivityTemplate] | None = None
) -> int:
    """Each template's activities for its coming weeks, from today (every template's, or those
    given: a shift just saved): made once however often this runs (a unique shift per template
    and start), so two beat runs at once are harmless."""
    today = today or timezone.localdate()
    made: list[Activity] = []
    if templates is None:
        templates = list(
            ActivityTemplate.objects.filter(
                starts_on__lte=today + datetime.timedelta(weeks=12)
            ).exclude(ends_on__lt=today)
        )
    since = timezone.make_aware(datetime.datetime.combine(today, datetime.time()))
    existing = set(
        Activity.objects.filter(template__in=templates, starts_at__gte=since).values_list(
            "template_id", "starts_at"
        )
    )
    for template in templates:
        first = max(today, template.starts_on)
        first += datetime.timedelta(days=(template.weekday - first.weekday()) % 7)
        last = today + datetime.timedelta(weeks=template.weeks_ahead)
        if template.ends_on:
            last = min(last, template.ends_on)
        day = first
        while day <= last:
            starts = timezone.make_aware(datetime.datetime.combine(day, template.start_time))
            day += datetime.timedelta(weeks=1)
            if (template.pk, starts) in existing:
                continue
            made.append(Activity(
                community_id=template.community_id, team_id=template.team_id,
                template=template, title=template.title, description=template.description,
                starts_at=starts, ends_at=starts + datetime.timedelta(minutes=template.minutes),
                building_id=template.building_id, address=template.address,
                capacity=template.capacity, skills=template.skills,
            ))  # fmt: skip
    # A second run at the same moment may have made some: those conflict and are skipped.
    Activity.objects.bulk_create(made, ignore_conflicts=True)
    return len(made)


# Registration (志愿者注册制度): registered by the community or by the resident, confirmed or
# declined by the community, and ended as 注销. Each step locks the file and says in its
# history why it changed.

# Fields a resident gives when registering themselves, beside their ID number.
OWN_FIELDS = ("skills", "guardian_name", "guardian_relation", "guardian_consented_on")


def _locked_file(volunteer: Volunteer, by: User) -> Volunteer:
    """The volunteer's file, locked, if `by` may change it (community staff)."""
    locked = (
        Volunteer.objects.visible_to(by, CHANGE)
        .select_for_update(of=("self",))
        .select_related("resident")
        .filter(pk=volunteer.pk)
        .first()
    )
    if locked is None:
        raise Refused(_("无权办理这位志愿者的注册事项。"))
    return locked


@transaction.atomic
def volunteer_register(volunteer: Volunteer, by: User) -> Volunteer:
    """Community staff register a resident of the registry: in 册 at once."""
    volunteer.community_id = volunteer.resident.community_id
    volunteer.status = VolunteerStatus.ACTIVE
    volunteer.full_clean()
    volunteer._change_reason = _("社区登记注册")
    volunteer.save()
    if not Volunteer.objects.visible_to(by, CHANGE).filter(pk=volunteer.pk).exists():
        raise Refused(_("无权登记这位居民为志愿者。"))
    return volunteer


def resident_of(user: User, id_number: str) -> Resident | None:
    """The living resident of the user's own community (as a resident) with this ID number."""
    communities = scope_of(user).ids(frozenset({Role.RESIDENT}), "community")
    if not communities:
        return None
    residents = Resident.objects.filter(community__in=communities, status=Status.LIVING)
    return residents.lookup(id_number).select_related("community").first()


@transaction.atomic
def volunteer_apply(user: User, *, id_number: str, **fields) -> Volunteer:
    """A resident registers themselves from their phone: the registry's row with their ID
    number, in their own community, becomes a file awaiting the community's confirmation,
    linked to their account. A file that ended (注销) is opened again."""
    # Each try is a whole-number search of the registry, counted with the registry's own.
    if not personal_data.take_number_lookup(user.pk):
        raise Refused(_("尝试次数过多，请一小时后再试，或直接到社区办理志愿者注册。"))
    resident = resident_of(user, id_number)
    if resident is None:
        raise Refused(
            _(
                "在本社区的居民登记中没有找到这个身份证号码。请先到社区居委会办理居民信息登记，"
                "再注册志愿者；也可以请社区工作人员直接为您登记。"
            )
        )
    mine = Volunteer.objects.select_for_update().filter(account=user).first()
    volunteer = Volunteer.objects.select_for_update().filter(resident=resident).first()
    if mine is not None and mine != volunteer:
        raise Refused(_("这个账户已关联了另一位志愿者。"))
    if volunteer is not None and volunteer.status != VolunteerStatus.LEFT:
        # Not the name: the number might be someone else's.
        raise Refused(
            _("这个身份证号码已经注册为志愿者（%(status)s），如有疑问请到社区办理。")
            % {"status": volunteer.get_status_display()}
        )
    if volunteer is not None and volunteer.account_id not in (None, user.pk):
        raise Refused(_("这位居民的志愿者档案已关联其他账户，请到社区办理。"))
    volunteer = volunteer or Volunteer(resident=resident, community=resident.community)
    for name in OWN_FIELDS:
        if name in fields:
            setattr(volunteer, name, fields[name])
    volunteer.account, volunteer.status = user, VolunteerStatus.PENDING
    volunteer.registered_on = timezone.localdate()
    volunteer.full_clean()
    volunteer._change_reason = _("本人申请注册")
    volunteer.save()
    return volunteer


@transaction.atomic
def volunteer_confirm(volunteer: Volunteer, by: User) -> Volunteer:
    """The community confirms a resident's own registration: in 册 from today."""
    volunteer = _locked_file(volunteer, by)
    if volunteer.status != VolunteerStatus.PENDING:
        raise Refused(_("只有待确认的注册可以确认。"))
    volunteer.status = VolunteerStatus.ACTIVE
    volunteer._change_reason = _("社区确认注册")
    volunteer.save()
    return volunteer


@transaction.atomic
def volunteer_decline(volunteer: Volunteer, by: User, *, reason: str) -> Volunteer:
    """The community does not take a registration: the file ends, with the reason kept in its
    history, and the resident may apply again."""
    volunteer = _locked_file(volunteer, by)
    if volunteer.status != VolunteerStatus.PENDING:
        raise Refused(_("只有待确认的注册可以不予通过。"))
    volunteer.status = VolunteerStatus.LEFT
    volunteer._change_reason = _("注册未通过：%(reason)s") % {"reason": reason[:80]}
    volunteer.save()
    return volunteer


@transaction.atomic
def volunteer_leave(
    volunteer: Volunteer, by: User, *, day: datetime.date, reason: str = ""
) -> Volunteer:
    """注销: the file stays with its records; the volunteer leaves their teams on the day, and
    their places in activities not yet begun go to those waiting."""
    volunteer = _locked_file(volunteer, by)
    if volunteer.status == VolunteerStatus.LEFT:
        raise Refused(_("这位志愿者已经注销。"))
    memberships = list(
        TeamMembership.objects.select_for_update().filter(volunteer=volunteer, left_on__isnull=True)
    )
    for membership in memberships:
        membership.left_on = max(day, membership.joined_on)
        membership._change_reason = _("志愿者注销")
        membership.save()
    now = timezone.now()
    upcoming = volunteer.sign_ups.filter(
        status__in=ACTIVE_SIGN_UPS, activity__starts_at__gt=now
    ).select_related("activity", "volunteer")
    for each in upcoming:
        sign_up_cancel(each, by, now=now)
    volunteer.status = VolunteerStatus.LEFT
    note = _("注销") + (f"：{reason[:90]}" if reason else "")
    volunteer._change_reason = note
    volunteer.save()
    return volunteer


@transaction.atomic
def team_member_leave(
    membership: TeamMembership, by: User, *, day: datetime.date
) -> TeamMembership:
    """A member leaves a team (退出): the row stays, with the day."""
    membership = (
        TeamMembership.objects.visible_to(by, CHANGE)
        .select_for_update(of=("self",))
        .filter(pk=membership.pk)
        .first()
    )
    if membership is None:
        raise Refused(_("无权登记这位队员退出。"))
    if membership.left_on:
        raise Refused(_("已于 %(day)s 退出。") % {"day": f"{membership.left_on:%Y-%m-%d}"})
    if day < membership.joined_on:
        raise Refused(_("退出日期不能早于加入日期。"))
    membership.left_on = day
    membership._change_reason = _("退出队伍")
    membership.save()
    return membership


@transaction.atomic
def team_meeting_save(
    meeting: TeamMeeting, *, by: User, attendees: list[Volunteer], sheet: ContentFile | None
) -> TeamMeeting:
    """A team's meeting recorded or corrected by its organisers, under the team's lock so two
    of them saving at once run one after the other. Those who came must be members on the
    meeting's date, whatever the form offered. A new sheet replaces the old one, whose name
    stays in the history; a meeting is never deleted."""
    team = Team.objects.visible_to(by).select_for_update().filter(pk=meeting.team_id).first()
    if team is None:
        raise Refused(_("无权登记这支队伍的会议记录。"))
    wanted = {volunteer.pk for volunteer in attendees}
    if not wanted:
        raise Refused({"attendees": [_("请选择参加的队员。")]})
    members = members_on(team, meeting.date).filter(pk__in=wanted).values_list("pk", flat=True)
    if wanted - set(members):
        raise Refused({"attendees": [_("只能选择会议当天在这支队伍中的队员。")]})
    if sheet is not None:
        meeting.sign_in_sheet = sheet
    meeting.full_clean(exclude=["sign_in_sheet"])
    meeting.save()
    # A resident sees the team but may not keep its records: nothing they send is saved.
    if not TeamMeeting.objects.visible_to(by, CHANGE).filter(pk=meeting.pk).exists():
        raise Refused(_("无权登记这支队伍的会议记录。"))
    meeting.attendees.set(sorted(wanted))
    return meeting
