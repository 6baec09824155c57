from __future__ import annotations

import datetime

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.choices import AppealState, Kind, MonthState
from assessments.models import (
    Appeal,
    AssessmentMonth,
    CivilityAward,
    EvidencePhoto,
    FourNoRecord,
    Inspection,
    Scheme,
)
from assessments.models.civility import (
    ITEMS,
    Quarter,
    award_year,
    candidate_households,
    passed_buildings,
)
from shequ.forms import ScopedModelForm
from shequ.images import PhotosField


class MonthField(forms.DateField):
    """`2026-11` (a month input), or a whole date pasted in, as the first day of that month."""

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    input_formats = ["%Y-%m", "%Y-%m-%d"]

    def to_python(self, value):
        day = super().to_python(value)
        return day.replace(day=1) if day else day


def correct_existing(form: forms.ModelForm, rows: QuerySet) -> None:
    """A new entry for what already has its row corrects that row rather than adding a second
    one, which the row's unique constraint would refuse."""
    if form.instance._state.adding and (existing := rows.first()) is not None:
        form.instance = existing


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
        # The cell may have a score already (entered from another window): this entry replaces
        # it, as the grid's link to that score would have.
        correct_existing(
            self, Inspection.objects.filter(month=month, community=community, indicator=indicator)
        )
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


class KeptField(forms.TypedChoiceField):
    """达标 or 未达标 as two radio buttons, shown and posted as "True" and "False"."""

    widget = forms.RadioSelect(attrs={"class": "form-check-input"})

    def __init__(self, **kwargs) -> None:
        choices = [(True, _("达标")), (False, _("未达标"))]
        super().__init__(choices=choices, coerce=lambda value: value == "True", **kwargs)

    def prepare_value(self, value):
        return str(value) if isinstance(value, bool) else value


def _building_label(building) -> str:
    return f"{building.grid_unit.name} · {building.label}"


class FourNoRecordForm(ScopedModelForm):
    """A building's quarter, item by item. Entering a quarter that already has a record
    corrects it, as the quarter page's link to it would have."""

    quarter = forms.ChoiceField(label=_("季度"))

    class Meta:
        model = FourNoRecord
        fields = ["building", *(name for item in ITEMS for name in (item.field, item.note))]
        widgets = {item.note: forms.Textarea(attrs={"rows": 2}) for item in ITEMS}

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.order_fields(["quarter", "building"])
        building = self.fields["building"]
        building.queryset = building.queryset.select_related("grid_unit")
        building.label_from_instance = _building_label
        # A record's own quarter stays on it, however long ago; a new one is for a quarter of
        # this year or last.
        quarters = [self.instance.period] if self.instance.pk else Quarter.recordable()
        self.fields["quarter"].choices = [(str(q), q.label) for q in quarters]
        for item in ITEMS:
            # Two radio buttons and no empty choice: the worker decides each item.
            self.fields[item.field] = KeptField(label=item.label)
        if self.instance.pk:
            self.initial["quarter"] = str(self.instance.period)
            for name in ("quarter", "building"):
                self.fields[name].disabled = True

    def clean(self):
        cleaned = super().clean()
        for item in ITEMS:
            if cleaned.get(item.field) is False and not cleaned.get(item.note, "").strip():
                self.add_error(item.note, _("未达标须写明情况。"))
        building, period = cleaned.get("building"), cleaned.get("quarter")
        if not (building and period):
            return cleaned
        year, quarter = (int(part) for part in period.split("-"))
        correct_existing(
            self, FourNoRecord.objects.filter(building=building, year=year, quarter=quarter)
        )
        self.instance.community_id = building.community_id
        self.instance.year, self.instance.quarter = year, quarter
        if CivilityAward.objects.filter(building=building, year=year).exists():
            self.add_error(
                None, _("这栋楼 %(year)s 年的文明评选已评定，四无记录不能再录入或修改。")
                % {"year": year},
            )  # fmt: skip
        return cleaned


class CivilityAwardForm(ScopedModelForm):
    """Staff's decision on one candidate: a building for 文明楼院, or a household (with its
    building) for 文明户. Deciding a candidate again replaces the decision."""

    class Meta:
        model = CivilityAward
        fields = ["year", "building", "household", "decision", "reason"]
        widgets = {"reason": forms.Textarea(attrs={"rows": 2})}
        help_texts = {"reason": _("不予评选时必填，如“年内有违建未整改”。")}

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["year"].initial = award_year()
        building = self.fields["building"]
        building.queryset = building.queryset.select_related("grid_unit")
        building.label_from_instance = _building_label
        self.fields["household"].queryset = self.fields["household"].queryset.select_related(
            "building"
        )

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not 2000 <= year <= timezone.localdate().year:
            raise forms.ValidationError(_("年度须在 2000 年到今年之间。"))
        return year

    def clean(self):
        cleaned = super().clean()
        year, building = cleaned.get("year"), cleaned.get("building")
        household = cleaned.get("household")
        if household and building and household.building_id != building.pk:
            self.add_error("household", _("这一户不在所选楼栋。"))
            return cleaned
        if not (year and building):
            return cleaned
        correct_existing(
            self, CivilityAward.objects.filter(building=building, year=year, household=household)
        )
        self.instance.community_id = building.community_id
        if not passed_buildings(year).filter(building=building).exists():
            self.add_error(
                "building", _("这栋楼 %(year)s 年并非每个季度四无都达标，不能评选。")
                % {"year": year},
            )  # fmt: skip
        elif household and not candidate_households(year).filter(pk=household.pk).exists():
            self.add_error(
                "household", _("这一户不是 %(year)s 年的文明户候选：已无人居住，或年内有纠纷诉求。")
                % {"year": year},
            )  # fmt: skip
        return cleaned
