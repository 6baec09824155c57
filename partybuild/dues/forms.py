from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partybuild.models import DuesBasis, DuesMonth
from partybuild.models.dues import first_of_month
from residents.forms import DATE_INPUT
from shequ.forms import CleanInputMixin, ScopedModelForm
from shequ.validators import not_in_future

# Dues may be paid ahead, a year at most (a member leaving for a long stay abroad).
PAID_AHEAD = datetime.timedelta(days=366)


class MonthField(forms.DateField):
    """A month typed as 2026-05 (a browser's month picker) or any day in it: its first day."""

    input_formats = ["%Y-%m", "%Y-%m-%d"]
    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")

    def to_python(self, value):
        day = super().to_python(value)
        return first_of_month(day) if day else day


class DuesBasisForm(ScopedModelForm):
    """核定党费: the rule's rate is suggested from the base and the category; a fixed amount
    other than the rule's needs a reason."""

    effective_from = MonthField(label=_("起始月份"), help_text=_("从这个月起按本次核定交纳。"))

    class Meta:
        model = DuesBasis
        fields = ["effective_from", "category", "base", "rate", "fixed_amount", "note"]
        widgets = {
            "base": forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
            "rate": forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
            "fixed_amount": forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, member, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.member = member

    def clean_effective_from(self) -> datetime.date:
        month = self.cleaned_data["effective_from"]
        joined = first_of_month(self.instance.member.joined_on)
        if month < joined:
            raise ValidationError(
                _("起始月份不能早于入党的月份（%(month)s）。") % {"month": f"{joined:%Y-%m}"}
            )
        if month > first_of_month(timezone.localdate() + PAID_AHEAD):
            raise ValidationError(_("起始月份不能晚于一年以后。"))
        return month


class DuesPaymentForm(CleanInputMixin, forms.Form):
    """The treasurer's tick list: the months ticked, or every unpaid month shown, paid on one
    day."""

    paid_on = forms.DateField(
        label=_("交纳日期"), validators=[not_in_future], initial=timezone.localdate,
        widget=DATE_INPUT,
    )  # fmt: skip
    rows = forms.ModelMultipleChoiceField(
        label=_("已交的党员"), queryset=DuesMonth.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("勾选的党员不在本页，请刷新后再试。"),
                        "invalid_pk_value": _("勾选的党员不在本页，请刷新后再试。")},
    )  # fmt: skip
    everything = forms.BooleanField(label=_("本页全部标记为已交"), required=False)

    def __init__(self, *args, rows, month: datetime.date, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rows"].queryset = rows
        self.month = month

    def clean_paid_on(self) -> datetime.date:
        day = self.cleaned_data["paid_on"]
        if day < self.month - PAID_AHEAD:
            raise ValidationError(_("交纳日期不能早于所交月份一年以上。"))
        return day

    def clean(self):
        data = super().clean()
        if not data.get("rows") and not data.get("everything") and "rows" not in self.errors:
            self.add_error("rows", _("请勾选已交党费的党员，或点“本页全部标记为已交”。"))
        return data


class DuesMonthForm(ScopedModelForm):
    """Correcting a month: what was paid and when, with the reason kept in its history."""

    reason = forms.CharField(
        label=_("更正原因"), max_length=100, help_text=_("记入这个月党费的修改记录。")
    )

    class Meta:
        model = DuesMonth
        fields = ["amount_paid", "paid_on", "note"]
        widgets = {
            "amount_paid": forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
            "paid_on": DATE_INPUT,
        }
        help_texts = {"paid_on": _("清空实交金额和交纳日期，即改为未交。")}

    def clean_paid_on(self):
        day = self.cleaned_data["paid_on"]
        if day and day < self.instance.month - PAID_AHEAD:
            raise ValidationError(_("交纳日期不能早于所交月份一年以上。"))
        return day

    def save(self, commit: bool = True) -> DuesMonth:
        self.instance._change_reason = self.cleaned_data["reason"]
        self.instance.recorded_by = self.user if self.instance.paid_on else None
        return super().save(commit)
