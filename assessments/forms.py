from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.choices import AppealState, Kind, MonthState
from assessments.models import Appeal, AssessmentMonth, EvidencePhoto, Inspection, Scheme
from shequ.forms import ScopedModelForm
from shequ.images import PhotosField


class MonthField(forms.DateField):
    """`2026-11` (a month input), or a whole date pasted in, as the first day of that month."""

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    input_formats = ["%Y-%m", "%Y-%m-%d"]

    def to_python(self, value):
        day = super().to_python(value)
        return day.replace(day=1) if day else day


def _indicator_label(indicator) -> str:
    return f"{indicator.group} · {indicator.name}（{indicator.full_marks} 分）"


class EvidencePhotosMixin(forms.Form):
    """Up to three photos saved beside the row the form saves, as its evidence."""

    photos = PhotosField(label=_("照片"), required=False, help_text=_("最多 3 张，可不传。"))
    photo_owner: str

    def save(self, commit=True):
        row = super().save(commit)
        for content in self.cleaned_data.get("photos") or ():
            EvidencePhoto.objects.create(
                community=row.community, image=content, **{self.photo_owner: row}
            )
        return row


class InspectionForm(EvidencePhotosMixin, ScopedModelForm):
    month = MonthField(label=_("月份"))
    photo_owner = "inspection"

    class Meta:
        model = Inspection
        fields = ["month", "community", "indicator", "score", "evidence", "photos"]
        widgets = {"evidence": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"evidence": _("看到了什么、扣分的原因，社区会看到。")}

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["indicator"].queryset = (
            self.fields["indicator"].queryset.filter(kind=Kind.INSPECTED).select_related("scheme")
        )
        self.fields["indicator"].label_from_instance = _indicator_label
        if self.instance.pk:
            # A score belongs to its cell: correcting it changes the score and what was found.
            for name in ("month", "community", "indicator"):
                self.fields[name].disabled = True

    def clean(self):
        cleaned = super().clean()
        month, community, indicator = (cleaned.get(k) for k in ("month", "community", "indicator"))
        score = cleaned.get("score")
        if month and month > timezone.localdate():
            self.add_error("month", _("不能为以后的月份评分。"))
        if not (month and community and indicator):
            return cleaned
        if self.instance._state.adding:
            # The cell already has a score (entered from another window): this entry replaces
            # it, as the grid's link to that score would have.
            existing = Inspection.objects.filter(
                month=month, community=community, indicator=indicator
            ).first()
            if existing is not None:
                self.instance = existing
        district = community.street.district_id
        if Scheme.in_force(district, month) != indicator.scheme:
            self.add_error("indicator", _("这项指标不属于该社区这个月适用的考核方案。"))
        frozen = AssessmentMonth.objects.filter(
            district_id=district, month=month, state=MonthState.PUBLISHED
        )
        if frozen.exists():
            self.add_error("month", _("这个月的考核已发布，不能再录入或修改检查评分。"))
        if score is not None and not (0 <= score <= indicator.full_marks):
            full = indicator.full_marks
            self.add_error("score", _("得分须在 0 到 %(full)s 之间。") % {"full": full})
        return cleaned


def default_month() -> datetime.date:
    """Inspections are entered in the first days of the next month for the month before."""
    today = timezone.localdate()
    return (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


class AppealForm(EvidencePhotosMixin, ScopedModelForm):
    photo_owner = "appeal"

    class Meta:
        model = Appeal
        fields = ["reason", "photos"]
        widgets = {"reason": forms.Textarea(attrs={"rows": 5})}
        help_texts = {"reason": _("哪里算得不对、实际情况如何；区里据此复核。")}


class AppealDecisionForm(forms.Form):
    state = forms.ChoiceField(
        label=_("处理结果"), widget=forms.RadioSelect,
        choices=[(AppealState.ACCEPTED, _("采纳，调整得分并重新发布")),
                 (AppealState.REJECTED, _("不予采纳"))],
    )  # fmt: skip
    marks = forms.DecimalField(
        label=_("调整后得分"), required=False, max_digits=6, decimal_places=2,
        help_text=_("采纳时填写。"),
    )  # fmt: skip
    decision = forms.CharField(
        label=_("答复"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("社区会看到；不予采纳时请写明理由。"),
    )  # fmt: skip

    def __init__(self, *args, appeal: Appeal, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.appeal = appeal

    def clean(self):
        cleaned = super().clean()
        marks, full = cleaned.get("marks"), self.appeal.indicator.full_marks
        if cleaned.get("state") == AppealState.ACCEPTED:
            if marks is None:
                self.add_error("marks", _("采纳申诉须填写调整后得分。"))
            elif not 0 <= marks <= full:
                self.add_error("marks", _("得分须在 0 到 %(full)s 之间。") % {"full": full})
        return cleaned
