"""月考核: a district's month, each community's score in it, each indicator's part with its
inputs, the inspectors' scores, and the runs that compute them.

A run writes the month's working rows (`publication` 0), replacing what an earlier run wrote.
Publishing copies them to publication 1, 2, …: frozen, so later data changes alter nothing a
district has published, and an accepted appeal makes the next publication beside the last."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.choices import MonthState, RunState, Source
from assessments.models.schemes import Indicator, Scheme
from shequ.models import Community, District, Role, ScopedModel
from shequ.models.roles import STAFF_ROLES
from shequ.models.scoping import CHANGE, VIEW

WORKING = 0


def unpublished_for_officials_only(scope_filter, user, roles, publication: str) -> Q:
    """Officials read a month as computed, before it is published (the street checks its
    communities, the district publishes); a community reads only what was published."""
    officials = roles & {Role.OFFICIAL}
    others = roles - officials
    q = Q(pk__in=[])
    if officials:
        q |= scope_filter(user, officials)
    if others:
        q |= scope_filter(user, others) & ~Q(**{publication: WORKING})
    return q


class AssessmentMonth(ScopedModel):
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="assessment_months", verbose_name=_("区")
    )
    month = models.DateField(_("月份"), help_text=_("当月 1 日。"))
    scheme = models.ForeignKey(
        Scheme, on_delete=models.PROTECT, related_name="months", verbose_name=_("考核方案")
    )
    state = models.CharField(
        _("状态"), max_length=10, choices=MonthState.choices, default=MonthState.COMPUTED
    )
    # How many times the month has been published; its scores as published last carry it.
    publication = models.PositiveSmallIntegerField(_("发布次数"), default=0)
    computed_at = models.DateTimeField(_("计算时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    # Set by the first publication; a re-publication after an appeal does not reopen appeals.
    appeals_until = models.DateField(_("申诉截止日"), null=True, blank=True)

    scope_district = "district"
    # Officials of the district run and publish; everyone in it reads where the month stands.
    scope_roles = {VIEW: STAFF_ROLES, CHANGE: frozenset({Role.OFFICIAL})}

    class Meta:
        verbose_name = _("月考核")
        verbose_name_plural = _("月考核")
        ordering = ["district", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["district", "month"], name="assessment_month_unique")
        ]

    def __str__(self) -> str:
        return f"{self.district} {self.month:%Y-%m}"


class CommunityScore(ScopedModel):
    assessment_month = models.ForeignKey(
        AssessmentMonth, on_delete=models.CASCADE, related_name="scores",
        verbose_name=_("月考核"),
    )  # fmt: skip
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="assessment_scores",
        verbose_name=_("社区"),
    )  # fmt: skip
    publication = models.PositiveSmallIntegerField(_("发布版次"), default=WORKING)
    total = models.DecimalField(_("总分"), max_digits=7, decimal_places=2)
    rank = models.PositiveSmallIntegerField(_("名次"))
    computed_at = models.DateTimeField(_("计算时间"))

    scope_roles = {
        VIEW: frozenset({Role.COMMUNITY_STAFF, Role.PARTY_WORKER, Role.OFFICIAL}),
        CHANGE: frozenset(),
    }

    class Meta:
        verbose_name = _("月考核得分")
        verbose_name_plural = _("月考核得分")
        ordering = ["assessment_month", "publication", "rank", "community"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment_month", "publication", "community"],
                name="community_score_unique",
            )
        ]
        indexes = [models.Index(fields=["community", "assessment_month"])]

    def __str__(self) -> str:
        return f"{self.community} {self.assessment_month.month:%Y-%m} {self.total}"

    @classmethod
    def scope_filter(cls, user, roles) -> Q:
        return unpublished_for_officials_only(super().scope_filter, user, roles, "publication")

    def get_absolute_url(self) -> str:
        return reverse("assessments:score", args=[self.pk])

    @property
    def open_to_appeal(self) -> bool:
        """A community appeals its month's last publication until the appeal period ends."""
        month = self.assessment_month
        return (
            month.state == MonthState.PUBLISHED
            and self.publication == month.publication
            and month.appeals_until is not None
            and timezone.localdate() <= month.appeals_until
        )


class IndicatorScore(ScopedModel):
    """One indicator's part of a community's month, with what it was computed from."""

    community_score = models.ForeignKey(
        CommunityScore, on_delete=models.CASCADE, related_name="parts", verbose_name=_("得分")
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="+", verbose_name=_("指标")
    )
    numerator = models.DecimalField(
        _("分子"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    denominator = models.DecimalField(
        _("分母"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    value = models.DecimalField(_("指标值"), max_digits=12, decimal_places=2, null=True, blank=True)
    score = models.DecimalField(_("得分"), max_digits=6, decimal_places=2)
    source = models.CharField(_("来源"), max_length=15, choices=Source.choices)

    scope_community = "community_score__community"
    scope_roles = CommunityScore.scope_roles

    class Meta:
        verbose_name = _("指标得分")
        verbose_name_plural = _("指标得分")
        ordering = ["community_score", "indicator__order", "indicator"]
        constraints = [
            models.UniqueConstraint(
                fields=["community_score", "indicator"], name="indicator_score_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.score}"

    @classmethod
    def scope_filter(cls, user, roles) -> Q:
        return unpublished_for_officials_only(
            super().scope_filter, user, roles, "community_score__publication"
        )


class Inspection(ScopedModel):
    """月检查: an inspector's score for one inspected indicator, community and month."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="inspections", verbose_name=_("指标")
    )
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="inspections", verbose_name=_("社区")
    )
    month = models.DateField(_("月份"))
    score = models.DecimalField(_("得分"), max_digits=6, decimal_places=2)
    evidence = models.TextField(_("检查情况"))
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("检查人"),
    )  # fmt: skip
    entered_at = models.DateTimeField(_("录入时间"), auto_now=True)

    scope_roles = {
        VIEW: frozenset({Role.COMMUNITY_STAFF, Role.OFFICIAL}),
        CHANGE: frozenset({Role.OFFICIAL}),
    }

    class Meta:
        verbose_name = _("月检查")
        verbose_name_plural = _("月检查")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "community", "month"], name="inspection_unique",
                violation_error_message=_("这个社区这个月的这项指标已有检查评分。"),
            )
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.community} {self.month:%Y-%m} {self.indicator}: {self.score}"

    def get_absolute_url(self) -> str:
        return reverse("assessments:inspection_edit", args=[self.pk])

    @property
    def late(self) -> bool:
        """Entered (or last changed) after the scheme's deadline for its month."""
        deadline = self.indicator.scheme.inspection_deadline(self.month)
        return timezone.localdate(self.entered_at) > deadline


class ScoringRun(ScopedModel):
    """One computation of a district's month, from the beat or started on the page; the page
    shows its progress."""

    district = models.ForeignKey(
        District, on_delete=models.CASCADE, related_name="scoring_runs", verbose_name=_("区")
    )
    month = models.DateField(_("月份"))
    state = models.CharField(
        _("状态"), max_length=10, choices=RunState.choices, default=RunState.QUEUED
    )
    steps_done = models.PositiveSmallIntegerField(default=0)
    steps_total = models.PositiveSmallIntegerField(default=0)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("发起人"),
    )  # fmt: skip
    queued_at = models.DateTimeField(_("发起时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    communities = models.PositiveIntegerField(_("社区数"), default=0)
    error = models.TextField(_("错误"), blank=True)

    scope_district = "district"
    scope_roles = AssessmentMonth.scope_roles

    class Meta:
        verbose_name = _("计算记录")
        verbose_name_plural = _("计算记录")
        ordering = ["-queued_at"]

    def __str__(self) -> str:
        return f"{self.district} {self.month:%Y-%m} {self.get_state_display()}"

    @property
    def percent(self) -> int:
        return round(100 * self.steps_done / self.steps_total) if self.steps_total else 0
