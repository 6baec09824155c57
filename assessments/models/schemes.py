"""考核方案: a district's indicators, in versions. A month is scored with the version in force
(the newest that took effect by then), and keeps it: a published month's version is never
edited, a change is a new version."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from assessments.choices import Kind, NoData, Rule
from shequ.metrics import metrics
from shequ.models import District, ScopedModel
from shequ.models.roles import STAFF_ROLES
from shequ.models.scoping import CHANGE, VIEW

# Everyone who works in the district reads its scheme; administrators keep it (in the admin).
SCHEME_ROLES = {VIEW: STAFF_ROLES, CHANGE: frozenset()}


class Scheme(ScopedModel):
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="assessment_schemes",
        verbose_name=_("区"),
    )  # fmt: skip
    name = models.CharField(_("方案名称"), max_length=100)
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    effective_from = models.DateField(_("起用月份"), help_text=_("该月 1 日。"))
    based_on = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("修订自"),
    )  # fmt: skip
    note = models.TextField(_("说明"), blank=True)
    inspection_due_day = models.PositiveSmallIntegerField(
        _("检查评分截止日"), default=5, validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("每月的检查评分须在次月这一天（含）之前录入，逾期和缺漏的会标出。"),
    )  # fmt: skip
    appeal_working_days = models.PositiveSmallIntegerField(
        _("申诉期限（工作日）"), default=5,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text=_("发布后社区可在这么多个工作日内（含）对单项指标提出申诉。"),
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)

    scope_district = "district"
    scope_roles = SCHEME_ROLES

    class Meta:
        verbose_name = _("考核方案")
        verbose_name_plural = _("考核方案")
        ordering = ["district", "-effective_from", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "version"], name="scheme_version_unique",
                violation_error_message=_("这个区已有这个版本号的方案。"),
            )
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.name}（第 {self.version} 版）"

    def clean(self) -> None:
        if self.effective_from and self.effective_from.day != 1:
            self.effective_from = self.effective_from.replace(day=1)

    @classmethod
    def in_force(cls, district_id: int, month: datetime.date) -> Scheme | None:
        return (
            cls.objects.filter(district_id=district_id, effective_from__lte=month)
            .order_by("-effective_from", "-version")
            .first()
        )

    @property
    def locked(self) -> bool:
        """Scored into a published month: the version stands as it was."""
        from assessments.models.scores import AssessmentMonth

        return AssessmentMonth.objects.filter(scheme=self, publication__gt=0).exists()

    def inspection_deadline(self, month: datetime.date) -> datetime.date:
        """The last day to enter the month's inspections."""
        following = (month + datetime.timedelta(days=32)).replace(day=1)
        return following.replace(day=self.inspection_due_day)

    @property
    def full_marks(self) -> Decimal:
        return sum((i.full_marks for i in self.indicators.all()), Decimal(0))

    @transaction.atomic
    def new_version(self, effective_from: datetime.date | None = None) -> Scheme:
        """A copy of this version and its indicators, to edit, numbered after the district's
        newest."""
        newest = Scheme.objects.filter(district=self.district).aggregate(v=models.Max("version"))
        copy = Scheme.objects.create(
            district=self.district, name=self.name, version=newest["v"] + 1,
            effective_from=effective_from or self.effective_from, based_on=self, note=self.note,
        )  # fmt: skip
        indicators = list(self.indicators.all())
        for indicator in indicators:
            indicator.pk, indicator.scheme = None, copy
        Indicator.objects.bulk_create(indicators)
        return copy


def metric_choices() -> list[tuple[str, str]]:
    return [("", "—"), *((code, m.name) for code, m in sorted(metrics().items()))]


class Indicator(ScopedModel):
    scheme = models.ForeignKey(
        Scheme, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("考核方案")
    )
    group = models.CharField(
        _("类别"), max_length=50, help_text=_("如党建工作、环境卫生、信访调解。")
    )
    name = models.CharField(_("指标"), max_length=100)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    full_marks = models.DecimalField(
        _("满分"), max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    kind = models.CharField(_("评分方式"), max_length=10, choices=Kind.choices)
    metric = models.CharField(
        _("计算口径"), max_length=50, blank=True, choices=metric_choices,
        help_text=_("系统计算的指标：由哪项业务数据算出。"),
    )  # fmt: skip
    rule = models.CharField(_("给分规则"), max_length=10, choices=Rule.choices, default=Rule.LINEAR)
    zero_at = models.DecimalField(
        _("零分值"), max_digits=10, decimal_places=2, null=True, blank=True,
        help_text=_("达到或差于此值不得分；比满分值大表示越低越好（如重新办理率）。"),
    )  # fmt: skip
    full_at = models.DecimalField(
        _("满分值"), max_digits=10, decimal_places=2, null=True, blank=True,
        help_text=_("达到或好于此值得满分。百分比指标按百分数填写，如 90 表示 90%。"),
    )  # fmt: skip
    no_data = models.CharField(
        _("本月无数据时"), max_length=10, choices=NoData.choices, default=NoData.FULL,
        help_text=_("如本月没有已办结的诉求，按时办结率无从计算。"),
    )  # fmt: skip
    guidance = models.TextField(_("评分标准"), blank=True)

    scope_district = "scheme__district"
    scope_roles = SCHEME_ROLES

    class Meta:
        verbose_name = _("考核指标")
        verbose_name_plural = _("考核指标")
        ordering = ["scheme", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.group} · {self.name}"

    def clean(self) -> None:
        if self.kind == Kind.COMPUTED:
            errors = {}
            if not self.metric:
                errors["metric"] = _("系统计算的指标须选择计算口径。")
            if self.full_at is None:
                errors["full_at"] = _("请填写满分值。")
            if self.rule == Rule.LINEAR and self.zero_at is None:
                errors["zero_at"] = _("按比例给分须填写零分值。")
            if self.zero_at is not None and self.zero_at == self.full_at:
                errors["zero_at"] = _("零分值不能等于满分值。")
            if errors:
                raise ValidationError(errors)
        elif self.metric:
            raise ValidationError({"metric": _("检查评分的指标不用选择计算口径。")})
