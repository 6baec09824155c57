"""党费: what each member pays a month, as the branch set it, and each month's row of what was due
and what was paid."""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from partybuild.models.members import OWN_FILE_ROLES, PartyMember
from shequ.models import ScopedModel, ScopedQuerySet
from shequ.validators import not_in_future

FEN = Decimal("0.01")


class DuesCategory(models.TextChoices):
    """The groups of the 2008 rules on dues (中组部《关于中国共产党党费收缴、使用和管理的规定》),
    which are not the file's categories: a resident member may be employed or not."""

    EMPLOYED = "employed", _("在职")
    RETIRED = "retired", _("离退休")
    MINIMAL = "minimal", _("学生、失业、领取最低生活保障金")


# (upper bound of the monthly base, inclusive; None: no bound) -> rate in per cent.
RATE_BANDS: dict[str, tuple[tuple[Decimal | None, Decimal], ...]] = {
    DuesCategory.EMPLOYED: (
        (Decimal(3000), Decimal("0.5")),
        (Decimal(5000), Decimal("1")),
        (Decimal(10000), Decimal("1.5")),
        (None, Decimal("2")),
    ),
    DuesCategory.RETIRED: ((Decimal(5000), Decimal("0.5")), (None, Decimal("1"))),
}
MINIMAL_AMOUNT = Decimal("0.20")


def suggested_rate(category: str, base: Decimal | None) -> Decimal | None:
    """The rule's rate (per cent) for a monthly base; None where the rule sets a fixed amount
    or no base is known."""
    if base is None or category not in RATE_BANDS:
        return None
    for bound, rate in RATE_BANDS[category]:
        if bound is None or base <= bound:
            return rate
    raise AssertionError("the last band has no bound")


def dues_of(base: Decimal, rate: Decimal) -> Decimal:
    """A month's dues: base × rate, to the fen, halves rounded up as cashiers do."""
    return (base * rate / 100).quantize(FEN, rounding=ROUND_HALF_UP)


def suggested_amount(category: str, base: Decimal | None) -> Decimal | None:
    if category == DuesCategory.MINIMAL:
        return MINIMAL_AMOUNT
    rate = suggested_rate(category, base)
    return None if rate is None else dues_of(base, rate)


def first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


class DuesBasis(ScopedModel):
    """党费核定: what a member pays a month from `effective_from` until the next basis, set by
    the branch from a monthly income base and a rate, or as a fixed amount."""

    member = models.ForeignKey(
        PartyMember, on_delete=models.PROTECT, related_name="dues_bases", verbose_name=_("党员")
    )
    effective_from = models.DateField(_("起始月份"), help_text=_("从这个月起按本次核定交纳。"))
    category = models.CharField(
        _("交纳类别"), max_length=20, choices=DuesCategory.choices, default=DuesCategory.EMPLOYED
    )
    base = models.DecimalField(
        _("月收入基数（元）"), max_digits=10, decimal_places=2, null=True, blank=True,
        help_text=_("在职党员为税后月工资收入，离退休党员为月离退休费。"),
    )  # fmt: skip
    rate = models.DecimalField(
        _("交纳比例（%）"), max_digits=4, decimal_places=2, null=True, blank=True,
        help_text=_("不填则按规定的比例。"),
    )  # fmt: skip
    fixed_amount = models.DecimalField(
        _("固定金额（元/月）"), max_digits=10, decimal_places=2, null=True, blank=True,
        help_text=_("支部确定按固定金额交纳时填写，并在说明中写明原因。"),
    )  # fmt: skip
    amount = models.DecimalField(
        _("每月应交（元）"), max_digits=10, decimal_places=2, editable=False
    )
    note = models.TextField(_("说明"), blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("核定人"), editable=False,
    )  # fmt: skip
    set_at = models.DateTimeField(_("核定时间"), auto_now_add=True)
    history = HistoricalRecords()

    scope_community = "member__community"
    scope_account = "member__account"
    scope_roles = OWN_FILE_ROLES

    class Meta:
        verbose_name = _("党费核定")
        verbose_name_plural = _("党费核定")
        ordering = ["member_id", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "effective_from"],
                name="dues_basis_one_per_month",
                violation_error_message=_("这位党员这个月份已有党费核定，请选择其他起始月份。"),
            ),
            models.CheckConstraint(
                condition=Q(fixed_amount__isnull=False) | Q(base__isnull=False, rate__isnull=False),
                name="dues_basis_base_or_fixed",
                violation_error_message=_("请填写月收入基数，或按固定金额交纳。"),
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0)
                & (Q(base__isnull=True) | Q(base__gte=0))
                & (Q(rate__isnull=True) | Q(rate__gte=0, rate__lte=100))
                & (Q(fixed_amount__isnull=True) | Q(fixed_amount__gte=0)),
                name="dues_basis_amounts_not_negative",
                violation_error_message=_("金额和比例不能为负数，比例不超过 100%%。"),
            ),
            models.CheckConstraint(
                condition=Q(effective_from__day=1),
                name="dues_basis_from_first_of_month",
                violation_error_message=_("起始月份须是某月的 1 日。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.effective_from:%Y-%m} {self.amount} 元"

    def computed_amount(self) -> Decimal | None:
        if self.fixed_amount is not None:
            return self.fixed_amount
        if self.base is None or self.rate is None:
            return None
        return dues_of(self.base, self.rate)

    @property
    def suggestion(self) -> Decimal | None:
        return suggested_amount(self.category, self.base)

    @property
    def overridden(self) -> bool:
        """The branch asks an amount other than the rule's (a rate or a fixed amount of its
        own, or a fixed amount without a base)."""
        return self.computed_amount() != self.suggestion

    def clean(self) -> None:
        errors = {}
        if self.category == DuesCategory.MINIMAL and self.fixed_amount is None:
            self.fixed_amount = MINIMAL_AMOUNT
        if self.rate is None and self.fixed_amount is None:
            self.rate = suggested_rate(self.category, self.base)
        if self.fixed_amount is None and self.base is None:
            errors["base"] = _("请填写月收入基数，或按固定金额交纳。")
        if self.overridden and not self.note.strip():
            errors["note"] = _("不按规定标准（%(suggestion)s 元）交纳时，请写明原因。") % {
                "suggestion": self.suggestion if self.suggestion is not None else "—"
            }
        if errors:
            raise ValidationError(errors)
        self.amount = self.computed_amount()


class DuesMonthQuerySet(ScopedQuerySet):
    def unpaid(self) -> DuesMonthQuerySet:
        return self.filter(paid_on__isnull=True)


class DuesMonth(ScopedModel):
    """A member's dues for one month: what the basis in force asked, and what was paid, when,
    recorded by whom. A paid month is corrected with its history kept, never deleted."""

    member = models.ForeignKey(
        PartyMember, on_delete=models.PROTECT, related_name="dues_months", verbose_name=_("党员")
    )
    # Where the member belonged that month, so a branch's sheet of a past month stays its own
    # after a member moves.
    organization = models.ForeignKey(
        "partybuild.PartyOrganization", on_delete=models.PROTECT, related_name="dues_months",
        verbose_name=_("所在党组织"),
    )  # fmt: skip
    month = models.DateField(_("月份"))
    amount_due = models.DecimalField(_("应交（元）"), max_digits=10, decimal_places=2)
    amount_paid = models.DecimalField(
        _("实交（元）"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    paid_on = models.DateField(_("交纳日期"), null=True, blank=True, validators=[not_in_future])
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("登记人"), editable=False,
    )  # fmt: skip
    note = models.CharField(_("备注"), max_length=200, blank=True)
    history = HistoricalRecords()

    scope_community = "member__community"
    scope_account = "member__account"
    scope_roles = OWN_FILE_ROLES

    objects = DuesMonthQuerySet.as_manager()

    class Meta:
        verbose_name = _("月度党费")
        verbose_name_plural = _("月度党费")
        ordering = ["month", "member_id"]
        indexes = [
            models.Index(fields=["organization", "month"], name="dues_month_sheet"),
            models.Index(fields=["month", "paid_on"], name="dues_month_metric"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "month"],
                name="dues_month_one_per_member",
                violation_error_message=_("这位党员这个月的党费已有记录。"),
            ),
            models.CheckConstraint(
                condition=Q(paid_on__isnull=True, amount_paid__isnull=True)
                | Q(paid_on__isnull=False, amount_paid__isnull=False),
                name="dues_month_paid_has_date_and_amount",
                violation_error_message=_("已交的月份须同时填写实交金额和交纳日期。"),
            ),
            models.CheckConstraint(
                condition=Q(amount_due__gte=0)
                & (Q(amount_paid__isnull=True) | Q(amount_paid__gte=0)),
                name="dues_month_amounts_not_negative",
                violation_error_message=_("金额不能为负数。"),
            ),
            models.CheckConstraint(
                condition=Q(month__day=1),
                name="dues_month_first_of_month",
                violation_error_message=_("月份须是某月的 1 日。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"

    def get_absolute_url(self) -> str:
        return reverse("partybuild:member_dues", args=[self.member_id])

    @property
    def paid(self) -> bool:
        return self.paid_on is not None

    @property
    def on_time(self) -> bool:
        """Paid within its month (or before it, paid ahead)."""
        return self.paid_on is not None and self.paid_on < month_after(self.month)


def month_after(month: datetime.date) -> datetime.date:
    return (month + datetime.timedelta(days=32)).replace(day=1)
