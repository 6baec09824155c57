"""Organisational life (三会一课): meetings planned and held, who was on each one's roll and how
they attended, files kept with the record, and what compliance asks of each branch."""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from partybuild.choices import (
    LECTURE_HOSTS,
    Frequency,
    MeetingKind,
    MeetingStatus,
    OrganizationKind,
    Presence,
)
from partybuild.models.members import OWN_FILE_ROLES, PartyMember
from partybuild.models.organization import PARTY_ROLES, OrganizationPost, PartyOrganization
from shequ.models import ScopedModel

# Which kind of organisation holds which meeting: a committee or general branch meets only as
# its own committee; groups hold group meetings; the rest are the branch's.
HOLDERS = {
    MeetingKind.GENERAL: frozenset({OrganizationKind.BRANCH}),
    MeetingKind.COMMITTEE: frozenset(
        {OrganizationKind.COMMITTEE, OrganizationKind.GENERAL_BRANCH, OrganizationKind.BRANCH}
    ),
    MeetingKind.GROUP: frozenset({OrganizationKind.GROUP}),
    MeetingKind.LECTURE: frozenset({OrganizationKind.BRANCH}),
    MeetingKind.THEME_DAY: frozenset({OrganizationKind.BRANCH}),
}


def roll_on(organization: PartyOrganization, kind: str, day: datetime.date):
    """Who was to attend: a committee meeting's roll is the committee in office that day; any
    other meeting's, the members of the organisation (a branch with its groups) that day."""
    if kind == MeetingKind.COMMITTEE:
        in_office = OrganizationPost.objects.filter(
            Q(ended_on__isnull=True) | Q(ended_on__gt=day),
            organization=organization,
            started_on__lte=day,
        )
        return PartyMember.objects.filter(pk__in=in_office.values("member"))
    organizations = [organization.pk]
    if organization.kind != OrganizationKind.GROUP:
        groups = PartyOrganization.objects.filter(parent=organization, kind=OrganizationKind.GROUP)
        organizations += groups.values_list("pk", flat=True)
    return PartyMember.objects.in_organization_on(organizations, day)


class OrganizationalLife(ScopedModel):
    """组织生活: one meeting of a branch, a group or a committee, first planned for a day and
    then recorded as held, with its minutes and the roll of that day."""

    organization = models.ForeignKey(
        PartyOrganization, on_delete=models.PROTECT, related_name="meetings",
        verbose_name=_("党组织"),
    )  # fmt: skip
    kind = models.CharField(_("类型"), max_length=20, choices=MeetingKind.choices)
    also_lecture = models.BooleanField(
        _("同时上党课"), default=False,
        help_text=_("支部党员大会或主题党日同时上党课时勾选，这次会议也计入党课。"),
    )  # fmt: skip
    status = models.CharField(
        _("状态"), max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.HELD
    )
    date = models.DateField(_("日期"))
    place = models.CharField(_("地点"), max_length=100, blank=True)
    topic = models.CharField(_("主题"), max_length=200)
    speaker = models.CharField(
        _("主讲人或主持人"), max_length=50, blank=True,
        help_text=_("不是本社区党员时填写姓名和职务。"),
    )  # fmt: skip
    speaker_member = models.ForeignKey(
        PartyMember, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("主讲党员"),
    )  # fmt: skip
    minutes = models.TextField(_("会议记录"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("登记人"),
    )  # fmt: skip
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    history = HistoricalRecords()

    scope_community = "organization__community"
    scope_roles = PARTY_ROLES

    class Meta:
        verbose_name = _("组织生活")
        verbose_name_plural = _("组织生活")
        ordering = ["-date", "-pk"]
        indexes = [
            models.Index(fields=["organization", "date"], name="meeting_by_organization"),
            models.Index(fields=["status", "date"], name="meeting_by_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(also_lecture=False) | Q(kind__in=sorted(LECTURE_HOSTS)),
                name="meeting_lecture_with_host",
                violation_error_message=_("只有支部党员大会和主题党日可以同时计入党课。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("partybuild:meeting_detail", args=[self.pk])

    def clean(self) -> None:
        errors = {}
        today = timezone.localdate()
        if self.status == MeetingStatus.HELD and self.date and self.date > today:
            errors["date"] = _("还没到这一天：未召开的会议请登记为计划。")
        node = self.organization if self.organization_id else None
        if node and self.kind and node.kind not in HOLDERS[self.kind]:
            errors["organization"] = _("%(node)s不召开%(kind)s。") % {
                "node": node.get_kind_display(),
                "kind": self.get_kind_display(),
            }
        elif node and self.date:
            if self.date < node.founded_on:
                errors["date"] = _("%(node)s成立于 %(day)s，会议不能早于这一天。") % {
                    "node": node.name, "day": f"{node.founded_on:%Y-%m-%d}",
                }  # fmt: skip
            elif node.dissolved_on and self.date > node.dissolved_on:
                errors["date"] = _("%(node)s已于 %(day)s 撤销。") % {
                    "node": node.name, "day": f"{node.dissolved_on:%Y-%m-%d}",
                }  # fmt: skip
        if errors:
            raise ValidationError(errors)

    @property
    def held(self) -> bool:
        return self.status == MeetingStatus.HELD

    @property
    def overdue(self) -> bool:
        """A plan whose day has passed without a record."""
        return self.status == MeetingStatus.PLANNED and self.date < timezone.localdate()

    @property
    def counts_as_lecture(self) -> bool:
        return self.kind == MeetingKind.LECTURE or self.also_lecture

    def roll(self):
        """The roll of the meeting's own date, whenever it is asked."""
        return roll_on(self.organization, self.kind, self.date)


class Attendance(ScopedModel):
    """One member on a meeting's roll: present, on leave (with the reason) or absent. The member
    reads their own rows signed in as a resident."""

    meeting = models.ForeignKey(
        OrganizationalLife, on_delete=models.CASCADE, related_name="attendances",
        verbose_name=_("组织生活"),
    )  # fmt: skip
    member = models.ForeignKey(
        PartyMember, on_delete=models.PROTECT, related_name="attendances", verbose_name=_("党员")
    )
    presence = models.CharField(
        _("出勤"), max_length=10, choices=Presence.choices, default=Presence.PRESENT
    )
    reason = models.CharField(_("请假事由"), max_length=100, blank=True)
    history = HistoricalRecords()

    scope_community = "meeting__organization__community"
    scope_account = "member__account"
    scope_roles = OWN_FILE_ROLES

    class Meta:
        verbose_name = _("出勤")
        verbose_name_plural = _("出勤")
        ordering = ["meeting_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "member"],
                name="attendance_once_per_meeting",
                violation_error_message=_("这位党员已在这次会议的名单上。"),
            ),
            models.CheckConstraint(
                condition=~Q(presence=Presence.LEAVE) | ~Q(reason=""),
                name="attendance_leave_has_reason",
                violation_error_message=_("请假须填写事由。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} {self.get_presence_display()}"


def _attachment_path(attachment: MeetingAttachment, filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower()
    return f"partybuild/meetings/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}.{extension}"


class MeetingAttachment(ScopedModel):
    """A file kept with a meeting's record (the sign-in sheet's photo, slides, a PDF), served
    only by a view that checks the viewer reaches the meeting's community."""

    meeting = models.ForeignKey(
        OrganizationalLife, on_delete=models.CASCADE, related_name="attachments",
        verbose_name=_("组织生活"),
    )  # fmt: skip
    file = models.FileField(_("文件"), upload_to=_attachment_path)
    name = models.CharField(_("文件名"), max_length=150)
    size = models.PositiveIntegerField(_("大小"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("上传人"),
    )  # fmt: skip
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    scope_community = "meeting__organization__community"
    scope_roles = PARTY_ROLES

    class Meta:
        verbose_name = _("会议附件")
        verbose_name_plural = _("会议附件")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("partybuild:meeting_attachment", args=[self.pk])

    @property
    def is_image(self) -> bool:
        return self.file.name.rsplit(".", 1)[-1].lower() in ("jpg", "png", "webp")


class ComplianceRule(models.Model):
    """How often a kind of meeting is required of each branch (reference data, kept in the
    admin): committee and group meetings monthly, the general meeting and the lecture
    quarterly, as the 2018 regulations on branch work have it."""

    kind = models.CharField(_("类型"), max_length=20, choices=MeetingKind.choices, unique=True)
    frequency = models.CharField(_("频次"), max_length=20, choices=Frequency.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("组织生活频次要求")
        verbose_name_plural = _("组织生活频次要求")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.get_frequency_display()}"


class ComplianceExemption(ScopedModel):
    """A period in which a branch is not asked for some or all of its meetings, with the
    community's reason (a branch being reorganised, most members away for the harvest)."""

    organization = models.ForeignKey(
        PartyOrganization, on_delete=models.PROTECT, related_name="exemptions",
        verbose_name=_("党支部"), limit_choices_to={"kind": OrganizationKind.BRANCH},
    )  # fmt: skip
    kind = models.CharField(
        _("会议类型"), max_length=20, choices=MeetingKind.choices, blank=True,
        help_text=_("不选则这段时间所有会议都不作要求。"),
    )  # fmt: skip
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    reason = models.CharField(_("原因"), max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("登记人"),
    )  # fmt: skip
    history = HistoricalRecords()

    scope_community = "organization__community"
    scope_roles = PARTY_ROLES

    class Meta:
        verbose_name = _("组织生活免于考核")
        verbose_name_plural = _("组织生活免于考核")
        ordering = ["-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="exemption_ends_after_start",
                violation_error_message=_("结束日期不能早于开始日期。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.starts_on:%Y-%m-%d}–{self.ends_on:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("partybuild:exemption_edit", args=[self.pk])

    def clean(self) -> None:
        if self.organization_id and self.organization.kind != OrganizationKind.BRANCH:
            raise ValidationError({"organization": _("只有党支部登记免于考核。")})
