"""Volunteers (志愿者注册制度) and the teams and associations they belong to."""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from shequ.models import Community, Role, ScopedModel
from shequ.models.scoping import CHANGE, VIEW
from shequ.validators import not_in_future
from volunteers.choices import TeamKind, TeamRole, VolunteerStatus

# Below this age a volunteer registers only with a guardian's consent on record.
ADULT_AGE = 18
# Community staff keep volunteers and teams; a volunteer signed in as a resident reads their own
# rows. Officials read counts, never lists of people.
ORGANISERS = frozenset({Role.COMMUNITY_STAFF, Role.PARTY_WORKER})
OWN_ROWS = {VIEW: ORGANISERS | {Role.RESIDENT}, CHANGE: frozenset({Role.COMMUNITY_STAFF})}
ORGANISERS_ONLY = {VIEW: ORGANISERS, CHANGE: frozenset({Role.COMMUNITY_STAFF})}


class Volunteer(ScopedModel):
    """A registered volunteer: a resident of the registry. Never deleted; one who stops is
    注销 and keeps their service records."""

    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="volunteers", verbose_name=_("社区")
    )
    resident = models.OneToOneField(
        "residents.Resident", on_delete=models.PROTECT, related_name="volunteer",
        verbose_name=_("居民"),
    )  # fmt: skip
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="volunteer", verbose_name=_("登录账户"),
        help_text=_("志愿者本人的居民账户：登录后可报名活动、查看服务时长和证明。"),
    )  # fmt: skip
    status = models.CharField(
        _("状态"), max_length=20, choices=VolunteerStatus.choices,
        default=VolunteerStatus.PENDING, editable=False,
    )  # fmt: skip
    registered_on = models.DateField(
        _("注册日期"), default=timezone.localdate, validators=[not_in_future]
    )
    skills = models.CharField(
        _("特长"), max_length=200, blank=True, help_text=_("例如：急救、理发、维修、书法、驾驶。")
    )
    guardian_name = models.CharField(_("监护人姓名"), max_length=50, blank=True)
    guardian_relation = models.CharField(_("与监护人关系"), max_length=20, blank=True)
    guardian_consented_on = models.DateField(
        _("监护人同意日期"), null=True, blank=True, validators=[not_in_future],
        help_text=_("未满 18 周岁的志愿者须经监护人同意。"),
    )  # fmt: skip
    show_on_leaderboard = models.BooleanField(
        _("在服务时长排行中显示姓名"), default=False,
        help_text=_("不勾选时，排行榜只显示时长，不显示姓名。"),
    )  # fmt: skip
    notes = models.TextField(_("备注"), blank=True)
    history = HistoricalRecords()

    scope_account = "account"
    scope_roles = OWN_ROWS

    class Meta:
        verbose_name = _("志愿者")
        verbose_name_plural = _("志愿者")
        ordering = ["community_id", "registered_on", "pk"]
        indexes = [models.Index(fields=["community", "status"], name="volunteer_list")]

    def __str__(self) -> str:
        return self.resident.name

    def get_absolute_url(self) -> str:
        return reverse("volunteers:volunteer_detail", args=[self.pk])

    @property
    def name(self) -> str:
        return self.resident.name

    def clean(self) -> None:
        resident = self.resident if self.resident_id else None
        if resident is None:
            return
        errors = {}
        if self.community_id and resident.community_id != self.community_id:
            errors["resident"] = _("志愿者须是本社区登记的居民。")
        birth, day = resident.birth_date, self.registered_on
        if birth and day and years_between(birth, day) < ADULT_AGE:
            for name in ("guardian_name", "guardian_relation", "guardian_consented_on"):
                if not getattr(self, name):
                    errors[name] = _("未满 18 周岁，须登记监护人及其同意日期。")
        if errors:
            raise ValidationError(errors)


def years_between(birth: datetime.date, day: datetime.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _stored_path(folder: str, filename: str) -> str:
    """A random name under the month: the name typed (a person's, a secret) is not on disk."""
    extension = filename.rsplit(".", 1)[-1].lower()
    return f"volunteers/{folder}/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}.{extension}"


def charter_path(team: Team, filename: str) -> str:
    return _stored_path("charters", filename)


def sign_in_sheet_path(meeting: TeamMeeting, filename: str) -> str:
    return _stored_path("meetings", filename)


class Team(ScopedModel):
    """志愿服务队 or 协会: the night patrol, the cleaning team, the table-tennis association."""

    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="volunteer_teams",
        verbose_name=_("社区"),
    )  # fmt: skip
    name = models.CharField(_("名称"), max_length=60)
    kind = models.CharField(_("类型"), max_length=20, choices=TeamKind.choices)
    purpose = models.TextField(_("宗旨和服务内容"), blank=True)
    charter = models.TextField(_("章程"), blank=True)
    # A scanned or typed charter as the association adopted it: served only by a view that
    # checks the viewer reaches the team, never from a media URL. Not editable: the team form
    # takes an upload through its own checks, and neither the admin nor the history shows the
    # stored path (the history shows the name).
    charter_file = models.FileField(
        _("章程文件"), upload_to=charter_path, blank=True, editable=False
    )
    charter_file_name = models.CharField(_("章程文件名"), max_length=100, blank=True)
    founded_on = models.DateField(_("成立日期"), validators=[not_in_future])
    dissolved_on = models.DateField(_("解散日期"), null=True, blank=True)
    history = HistoricalRecords()

    scope_roles = {VIEW: ORGANISERS | {Role.RESIDENT}, CHANGE: frozenset({Role.COMMUNITY_STAFF})}
    # Residents see which teams their community has, to join one; members' names are not here.
    scope_public_to_residents = True

    class Meta:
        verbose_name = _("志愿服务队/协会")
        verbose_name_plural = _("志愿服务队/协会")
        ordering = ["community_id", "kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "name"], name="volunteer_team_name_unique_in_community",
                violation_error_message=_("本社区已有同名的队伍或协会。"),
            ),
            models.CheckConstraint(
                condition=Q(dissolved_on__isnull=True) | Q(dissolved_on__gte=F("founded_on")),
                name="volunteer_team_dissolved_after_founded",
                violation_error_message=_("解散日期不能早于成立日期。"),
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("volunteers:team_detail", args=[self.pk])


class TeamMembership(ScopedModel):
    """A volunteer in a team from a day to a day, as leader, deputy or member."""

    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("队伍")
    )
    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("志愿者")
    )
    role = models.CharField(
        _("职务"), max_length=20, choices=TeamRole.choices, default=TeamRole.MEMBER
    )
    joined_on = models.DateField(_("加入日期"), default=timezone.localdate)
    left_on = models.DateField(_("退出日期"), null=True, blank=True)
    history = HistoricalRecords()

    scope_community = "team__community"
    scope_account = "volunteer__account"
    scope_roles = OWN_ROWS

    class Meta:
        verbose_name = _("队员")
        verbose_name_plural = _("队员")
        ordering = ["team_id", "role", "joined_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "volunteer"], condition=Q(left_on__isnull=True),
                name="volunteer_team_member_once",
                violation_error_message=_("这位志愿者已在这支队伍中。"),
            ),
            models.UniqueConstraint(
                fields=["team"], condition=Q(left_on__isnull=True, role=TeamRole.LEADER),
                name="volunteer_team_one_leader",
                violation_error_message=_("这支队伍已有队长（会长），请先登记原队长退出。"),
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on")),
                name="volunteer_team_left_after_joined",
                violation_error_message=_("退出日期不能早于加入日期。"),
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.team} · {self.volunteer}"


class TeamMeeting(ScopedModel):
    """会议/活动记录 of a team: a meeting or a day's activity, with its minutes, the members who
    came and the photo or scan of the sign-in sheet. Kept by the organisers; never deleted."""

    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("队伍")
    )
    date = models.DateField(_("日期"), validators=[not_in_future])
    topic = models.CharField(_("主题"), max_length=200)
    place = models.CharField(_("地点"), max_length=100, blank=True)
    minutes = models.TextField(_("纪要"), blank=True)
    attendees = models.ManyToManyField(
        Volunteer, related_name="team_meetings", verbose_name=_("参加队员")
    )
    sign_in_sheet = models.FileField(
        _("签到表"), upload_to=sign_in_sheet_path, blank=True, editable=False
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("登记人"),
    )  # fmt: skip
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    history = HistoricalRecords(m2m_fields=["attendees"])

    scope_community = "team__community"
    # Minutes and attendance name people: the organisers' records, never shown to residents.
    scope_roles = {VIEW: ORGANISERS, CHANGE: ORGANISERS}

    class Meta:
        verbose_name = _("队伍会议/活动记录")
        verbose_name_plural = _("队伍会议/活动记录")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["team", "date"], name="team_meeting_by_team")]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.topic}"

    def get_absolute_url(self) -> str:
        return reverse("volunteers:teammeeting_detail", args=[self.pk])

    @property
    def sheet_is_image(self) -> bool:
        return self.sign_in_sheet.name.rsplit(".", 1)[-1].lower() in ("jpg", "png", "webp")

    def clean(self) -> None:
        team = self.team if self.team_id else None
        if team is None or self.date is None:
            return
        if self.date < team.founded_on:
            raise ValidationError({"date": _("%(team)s成立于 %(day)s，记录不能早于这一天。") % {
                "team": team.name, "day": f"{team.founded_on:%Y-%m-%d}"}})  # fmt: skip
        if team.dissolved_on and self.date > team.dissolved_on:
            raise ValidationError({"date": _("%(team)s已于 %(day)s 解散。") % {
                "team": team.name, "day": f"{team.dissolved_on:%Y-%m-%d}"}})  # fmt: skip


def members_on(team: Team, day: datetime.date):
    """The team's volunteers on a day: joined by then and not left before it."""
    return Volunteer.objects.filter(
        Q(memberships__left_on__isnull=True) | Q(memberships__left_on__gte=day),
        memberships__team=team,
        memberships__joined_on__lte=day,
    ).distinct()
