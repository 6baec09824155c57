"""Activities (活动) and the sign-ups for them: places held, the waitlist and check-in."""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from shequ.models import Community, Role, ScopedModel
from shequ.models.scoping import CHANGE, VIEW
from volunteers.choices import ACTIVE_SIGN_UPS, SignUpStatus
from volunteers.models.people import ORGANISERS, OWN_ROWS, Team, Volunteer

# Two activities of one person must lie at least this far apart (a patrol ending at 22:00 and
# another starting at 22:10 across the district cannot both be kept).
OVERLAP_GRACE = datetime.timedelta(minutes=30)
# A waiting person offered a freed place has this long to confirm (never past the start).
OFFER_HOURS = 12


def check_in_code() -> str:
    return secrets.token_urlsafe(16)


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("星期一")
    TUESDAY = 1, _("星期二")
    WEDNESDAY = 2, _("星期三")
    THURSDAY = 3, _("星期四")
    FRIDAY = 4, _("星期五")
    SATURDAY = 5, _("星期六")
    SUNDAY = 6, _("星期日")


class ActivityTemplate(ScopedModel):
    """A weekly shift (the Wednesday night patrol): its activities are made some weeks ahead by
    beat, each once, so residents can sign up for next week's shift now."""

    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="volunteer_templates",
        verbose_name=_("社区"),
    )  # fmt: skip
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="templates",
        verbose_name=_("组织队伍"),
    )  # fmt: skip
    title = models.CharField(_("活动名称"), max_length=100)
    description = models.TextField(_("内容"), blank=True)
    weekday = models.PositiveSmallIntegerField(_("每周"), choices=Weekday.choices)
    start_time = models.TimeField(_("开始时间"))
    minutes = models.PositiveIntegerField(
        _("时长（分钟）"), validators=[MinValueValidator(15), MaxValueValidator(24 * 60)],
        help_text=_("可以跨过午夜，例如 22:00 开始、240 分钟。"),
    )  # fmt: skip
    building = models.ForeignKey(
        "residents.Building", on_delete=models.PROTECT, null=True, blank=True,
        related_name="volunteer_templates", verbose_name=_("楼栋"),
    )  # fmt: skip
    address = models.CharField(_("地点"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(_("名额"), validators=[MinValueValidator(1)])
    skills = models.CharField(_("所需技能"), max_length=200, blank=True)
    starts_on = models.DateField(_("首次日期"))
    ends_on = models.DateField(_("停止日期"), null=True, blank=True)
    weeks_ahead = models.PositiveSmallIntegerField(
        _("提前生成（周）"), default=4, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    history = HistoricalRecords()

    scope_roles = {VIEW: ORGANISERS, CHANGE: frozenset({Role.COMMUNITY_STAFF})}

    class Meta:
        verbose_name = _("固定排班")
        verbose_name_plural = _("固定排班")
        ordering = ["community_id", "weekday", "start_time", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(building__isnull=False) | ~Q(address=""),
                name="volunteer_template_has_place",
                violation_error_message=_("请选择楼栋或填写地点。"),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="volunteer_template_ends_after_start",
                violation_error_message=_("停止日期不能早于首次日期。"),
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.title


class Activity(ScopedModel):
    """A dated activity with its place and places: a clean-up, a lecture, one night's patrol."""

    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="volunteer_activities",
        verbose_name=_("社区"),
    )  # fmt: skip
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="activities",
        verbose_name=_("组织队伍"),
    )  # fmt: skip
    title = models.CharField(_("活动名称"), max_length=100)
    description = models.TextField(_("内容"), blank=True)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"), help_text=_("可以跨过午夜，例如夜间巡逻。"))
    building = models.ForeignKey(
        "residents.Building", on_delete=models.PROTECT, null=True, blank=True,
        related_name="volunteer_activities", verbose_name=_("楼栋"),
    )  # fmt: skip
    address = models.CharField(_("地点"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(_("名额"), validators=[MinValueValidator(1)])
    signup_opens_at = models.DateTimeField(_("报名开始"), null=True, blank=True)
    signup_closes_at = models.DateTimeField(
        _("报名截止"), null=True, blank=True, help_text=_("不填为活动开始时截止。")
    )
    skills = models.CharField(_("所需技能"), max_length=200, blank=True)
    template = models.ForeignKey(
        ActivityTemplate, on_delete=models.PROTECT, null=True, blank=True, editable=False,
        related_name="activities", verbose_name=_("固定排班"),
    )  # fmt: skip
    offer_hours = models.PositiveSmallIntegerField(
        _("递补确认时限（小时）"), default=OFFER_HOURS, validators=[MinValueValidator(1)],
        help_text=_("有人取消后，候补第一位须在这段时间内确认，否则依次递补下一位。"),
    )  # fmt: skip
    check_in_code = models.CharField(
        max_length=32, unique=True, default=check_in_code, editable=False
    )
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False,
        null=True,
    )  # fmt: skip
    history = HistoricalRecords(excluded_fields=["check_in_code"])

    scope_roles = {VIEW: ORGANISERS | {Role.RESIDENT}, CHANGE: frozenset({Role.COMMUNITY_STAFF})}
    # The community's calendar: residents see every activity (who signed up is not here).
    scope_public_to_residents = True

    class Meta:
        verbose_name = _("志愿活动")
        verbose_name_plural = _("志愿活动")
        ordering = ["community_id", "starts_at", "pk"]
        indexes = [models.Index(fields=["community", "starts_at"], name="volunteer_activity_list")]
        constraints = [
            # Beat makes each shift of a template once, however often it runs.
            models.UniqueConstraint(
                fields=["template", "starts_at"], name="volunteer_activity_once_per_shift"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="volunteer_activity_ends_after_start",
                violation_error_message=_("结束时间须晚于开始时间。"),
            ),
            models.CheckConstraint(
                condition=Q(building__isnull=False) | ~Q(address=""),
                name="volunteer_activity_has_place",
                violation_error_message=_("请选择楼栋或填写地点。"),
            ),
            models.CheckConstraint(
                condition=Q(signup_closes_at__isnull=True) | Q(signup_opens_at__isnull=True)
                | Q(signup_closes_at__gt=F("signup_opens_at")),
                name="volunteer_activity_signup_window",
                violation_error_message=_("报名截止须晚于报名开始。"),
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("volunteers:activity_detail", args=[self.pk])

    @property
    def place(self) -> str:
        return self.address or str(self.building)

    @property
    def hours(self):
        """The planned length in hours, to the quarter hour."""
        minutes = (self.ends_at - self.starts_at).total_seconds() / 60
        return round(minutes / 15) / 4

    def signup_closes(self) -> datetime.datetime:
        return self.signup_closes_at or self.starts_at


class SignUp(ScopedModel):
    """One person's sign-up: a place (confirmed, or offered from the waitlist and awaiting
    their confirmation), a turn on the waitlist, or a sign-up that ended. Never deleted: a
    cancellation is a status. The waitlist's order is the rows' order (`pk`): they are
    inserted under the activity's lock, one after another, in the order they were served."""

    activity = models.ForeignKey(
        Activity, on_delete=models.PROTECT, related_name="sign_ups", verbose_name=_("活动")
    )
    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.PROTECT, related_name="sign_ups", verbose_name=_("志愿者")
    )
    status = models.CharField(_("状态"), max_length=20, choices=SignUpStatus.choices)
    signed_up_at = models.DateTimeField(_("报名时间"))
    offered_at = models.DateTimeField(_("递补时间"), null=True, blank=True)
    offer_expires_at = models.DateTimeField(_("确认截止"), null=True, blank=True)
    ended_at = models.DateTimeField(_("取消或超时时间"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("签退时间"), null=True, blank=True)
    # Checked out by the end-of-activity sweep, not by the person or staff: hours to review.
    auto_checked_out = models.BooleanField(_("自动签退"), default=False)
    history = HistoricalRecords()

    scope_community = "activity__community"
    scope_account = "volunteer__account"
    scope_roles = OWN_ROWS

    class Meta:
        verbose_name = _("报名")
        verbose_name_plural = _("报名")
        ordering = ["activity_id", "pk"]
        indexes = [
            models.Index(fields=["activity", "status"], name="sign_up_queue"),
            models.Index(fields=["status", "offer_expires_at"], name="sign_up_offers"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "volunteer"], condition=Q(status__in=ACTIVE_SIGN_UPS),
                name="sign_up_once_per_activity",
                violation_error_message=_("已经报名了这个活动。"),
            ),
            models.CheckConstraint(
                condition=Q(checked_out_at__isnull=True)
                | Q(checked_in_at__isnull=False, checked_out_at__gte=F("checked_in_at")),
                name="sign_up_out_after_in",
                violation_error_message=_("签退时间须晚于签到时间。"),
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.activity} · {self.volunteer}"

    @property
    def holds_place(self) -> bool:
        return self.status in (SignUpStatus.CONFIRMED, SignUpStatus.OFFERED)
