"""Service records (服务记录): the hours each volunteer served, approved by the organiser; the
star levels they reach; and the service certificates (志愿服务记录证明) anyone can verify."""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from shequ.models import Community, ScopedModel
from volunteers.choices import RecordStatus
from volunteers.models.activities import Activity, SignUp
from volunteers.models.people import OWN_ROWS, Volunteer

# No one serves more than a day in one record.
MAX_HOURS = Decimal(24)
# Unambiguous when read aloud or typed from paper: no 0/O, 1/I/L.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


class ServiceRecord(ScopedModel):
    """Hours one volunteer served: from an activity's check-in and check-out, or entered (a
    past record brought in). Pending until the organiser approves or declines it; a correction
    is a change kept in its history, and a record is never deleted."""

    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="service_records",
        verbose_name=_("社区"),
    )  # fmt: skip
    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.PROTECT, related_name="service_records",
        verbose_name=_("志愿者"),
    )  # fmt: skip
    activity = models.ForeignKey(
        Activity, on_delete=models.PROTECT, null=True, blank=True,
        related_name="service_records", verbose_name=_("活动"),
    )  # fmt: skip
    sign_up = models.OneToOneField(
        SignUp, on_delete=models.PROTECT, null=True, blank=True, related_name="service_record",
        verbose_name=_("报名"),
    )  # fmt: skip
    served_on = models.DateField(_("服务日期"))
    description = models.CharField(_("服务内容"), max_length=200)
    planned_hours = models.DecimalField(
        _("计划时长（小时）"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    hours = models.DecimalField(
        _("服务时长（小时）"), max_digits=5, decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(MAX_HOURS)],
    )  # fmt: skip
    status = models.CharField(
        _("审核"), max_length=20, choices=RecordStatus.choices, default=RecordStatus.PENDING
    )
    # Checked out by the end-of-activity sweep: the organiser should look at the hours.
    needs_review = models.BooleanField(_("需核对"), default=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("审核人"),
    )  # fmt: skip
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    note = models.CharField(_("审核意见"), max_length=200, blank=True)
    history = HistoricalRecords()

    scope_account = "volunteer__account"
    scope_roles = OWN_ROWS

    class Meta:
        verbose_name = _("服务记录")
        verbose_name_plural = _("服务记录")
        ordering = ["community_id", "-served_on", "pk"]
        indexes = [
            models.Index(fields=["community", "status", "served_on"], name="service_record_list"),
            models.Index(fields=["volunteer", "status", "served_on"], name="service_record_hours"),
            # A month across a district (the officials' overview, the assessment's metrics)
            # read from the index alone, not from half a million rows.
            models.Index(
                fields=["served_on"],
                include=["community", "volunteer", "status", "hours"],
                name="service_record_month",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gte=0, hours__lte=MAX_HOURS), name="service_record_hours_range",
                violation_error_message=_("服务时长须在 0 到 24 小时之间。"),
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.volunteer} · {self.served_on:%Y-%m-%d} · {self.hours} 小时"


def star_name(level: int) -> str:
    """一星 to 五星, as the certificates and the volunteers say it."""
    return f"{'一二三四五'[level - 1]}星"


class StarLevel(models.Model):
    """一星 to 五星 and the approved hours each needs; the administrator may change them."""

    level = models.PositiveSmallIntegerField(
        _("星级"), primary_key=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    hours = models.PositiveIntegerField(_("累计服务时长（小时）"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("星级标准")
        verbose_name_plural = _("星级标准")
        ordering = ["level"]

    def __str__(self) -> str:
        return _("%(level)s：%(hours)s 小时") % {"level": self.name, "hours": self.hours}

    @property
    def name(self) -> str:
        return star_name(self.level)


class StarReached(ScopedModel):
    """The day a volunteer's approved hours, added up in the order they were served, first
    reached a level. Derived from the records: recounted when one is decided."""

    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.PROTECT, related_name="stars", verbose_name=_("志愿者")
    )
    level = models.PositiveSmallIntegerField(_("星级"))
    reached_on = models.DateField(_("达到日期"))

    scope_community = "volunteer__community"
    scope_account = "volunteer__account"
    scope_roles = OWN_ROWS

    class Meta:
        verbose_name = _("星级")
        verbose_name_plural = _("星级")
        ordering = ["volunteer_id", "level"]
        constraints = [
            models.UniqueConstraint(fields=["volunteer", "level"], name="star_reached_once")
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} · {self.name}"

    @property
    def name(self) -> str:
        return star_name(self.level)


def certificate_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))


class Certificate(ScopedModel):
    """志愿服务记录证明: the volunteer's approved service as it stood when issued. Its code lets
    anyone check on a public page that it is genuine, without seeing who it is for."""

    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.PROTECT, related_name="certificates", verbose_name=_("志愿者")
    )
    code = models.CharField(_("验证码"), max_length=12, unique=True, default=certificate_code)
    issued_at = models.DateTimeField(_("开具时间"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("开具人"),
    )  # fmt: skip
    first_served_on = models.DateField(_("首次服务日期"), null=True)
    last_served_on = models.DateField(_("最近服务日期"), null=True)
    records = models.PositiveIntegerField(_("服务次数"))
    hours = models.DecimalField(_("累计服务时长（小时）"), max_digits=8, decimal_places=2)
    revoked_at = models.DateTimeField(_("作废时间"), null=True, blank=True)

    scope_community = "volunteer__community"
    scope_account = "volunteer__account"
    scope_roles = OWN_ROWS

    class Meta:
        verbose_name = _("志愿服务记录证明")
        verbose_name_plural = _("志愿服务记录证明")
        ordering = ["volunteer_id", "-issued_at"]

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        return reverse("volunteers:certificate_detail", args=[self.pk])
