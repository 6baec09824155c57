from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from residents.choices import DocumentType, Status
from residents.models import Building, FieldLogComment, FieldLogEntry, Household, Resident, Visit
from shequ.forms import MobileField, ModelForm, ScopedModelForm
from shequ.id_numbers import parse_id_number
from shequ.personal_data import lookup_hash

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class BuildingForm(ScopedModelForm):
    class Meta:
        model = Building
        fields = ["grid_unit", "number", "address", "kind", "units", "floors", "has_elevator"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("grid_unit"):
            self.instance.community = cleaned["grid_unit"].community
        return cleaned


class HouseholdForm(ScopedModelForm):
    class Meta:
        model = Household
        fields = ["building", "unit", "room", "number", "kind"]

    def clean(self):
        if building := self.cleaned_data.get("building"):
            self.instance.community = building.community
        return super().clean()


class ResidentForm(ScopedModelForm):
    """Everything a 人口信息采集表 row holds. The ID and mobile numbers are typed whole and stored
    encrypted; for a resident ID card the birth date and sex come from the number."""

    id_number = forms.CharField(label=_("证件号码"), max_length=30, required=False)
    mobile = MobileField(required=False)

    class Meta:
        model = Resident
        fields = [
            "household", "relation_to_head", "name", "document_type", "id_number", "sex",
            "birth_date", "mobile", "ethnicity", "political_status", "education",
            "marital_status", "registered_address", "residence_status", "residence_type", "tags",
            "moved_in_on", "notes",
        ]  # fmt: skip
        widgets = {
            "birth_date": DATE_INPUT,
            "moved_in_on": DATE_INPUT,
            "tags": forms.CheckboxSelectMultiple,
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sex"].required = False
        self.fields["birth_date"].required = False
        self.fields["birth_date"].help_text = _("居民身份证可不填，按号码自动生成。")
        self.fields["household"].queryset = self.fields["household"].queryset.select_related(
            "building"
        )
        if self.instance.pk:
            self.initial.setdefault("id_number", self.instance.id_number)
            self.initial.setdefault("mobile", self.instance.mobile)

    def clean(self):
        cleaned = super().clean()
        number = cleaned.get("id_number", "")
        if cleaned.get("document_type") == DocumentType.RESIDENT_ID and number:
            try:
                parsed = parse_id_number(number)
            except ValidationError as error:
                self.add_error("id_number", error)
            else:
                cleaned["id_number"] = parsed.number
                for field, derived, label in (
                    ("birth_date", parsed.birth_date, _("出生日期")),
                    ("sex", parsed.sex, _("性别")),
                ):
                    if cleaned.get(field) and cleaned[field] != derived:
                        self.add_error(
                            field, _("与身份证号码中的%(what)s不一致。") % {"what": label}
                        )
                    cleaned[field] = derived
        elif number:
            cleaned["id_number"] = number.strip().upper()
        for field in ("sex", "birth_date"):
            if not cleaned.get(field) and field not in self.errors:
                self.add_error(field, _("请填写（或填写居民身份证号码自动生成）。"))
        if household := cleaned.get("household"):
            self.instance.community = household.community
            number = cleaned.get("id_number")
            if number and "id_number" not in self.errors:
                # The constraint's columns are not form fields, so the form cannot check it.
                taken = Resident.objects.filter(
                    community=household.community, id_number_hash=lookup_hash(number)
                ).exclude(pk=self.instance.pk)
                if taken.exists():
                    self.add_error("id_number", _("本社区已登记过这个证件号码。"))
        return cleaned

    def _post_clean(self):
        data = getattr(self, "cleaned_data", {})
        if "name" in data:
            self.instance.set_name(data["name"])
        self.instance.set_id_number(data.get("id_number", ""))
        self.instance.set_mobile(data.get("mobile", ""))
        super()._post_clean()


class MoveOutForm(ModelForm):
    """Moving out and death are status changes; the person stays in the household's history."""

    class Meta:
        model = Resident
        fields = ["status", "status_changed_on"]
        widgets = {"status_changed_on": DATE_INPUT}

    def __init__(self, *args, user=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            (value, label) for value, label in Status.choices if value != Status.LIVING
        ]
        self.fields["status_changed_on"].required = True


class VisitForm(ScopedModelForm):
    class Meta:
        model = Visit
        fields = ["household", "residents", "visited_on", "notes", "follow_up"]
        widgets = {
            "visited_on": DATE_INPUT,
            "residents": forms.CheckboxSelectMultiple,
            "notes": forms.Textarea(attrs={"rows": 3}),
            "follow_up": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        household = self.chosen_row("household")
        self.fields["residents"].queryset = self.fields["residents"].queryset.filter(
            household=household, status=Status.LIVING
        )

    def clean(self):
        cleaned = super().clean()
        if household := cleaned.get("household"):
            self.instance.community = household.community
            strangers = [r for r in cleaned.get("residents", []) if r.household_id != household.pk]
            if strangers:
                self.add_error("residents", _("走访对象须是这一户的成员。"))
        self.instance.visitor = self.user
        return cleaned


class FieldLogEntryForm(ScopedModelForm):
    """Written from a resident's page, the entry offers that household's members to mention."""

    class Meta:
        model = FieldLogEntry
        fields = ["date", "grid_unit", "building", "seen", "done", "residents"]
        widgets = {
            "date": DATE_INPUT,
            "seen": forms.Textarea(attrs={"rows": 3, "placeholder": _("例：8号楼楼道堆放杂物")}),
            "done": forms.Textarea(attrs={"rows": 2, "placeholder": _("例：已联系物业清理")}),
            "residents": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, household=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if household is None:
            del self.fields["residents"]
        else:
            self.fields["residents"].queryset = self.fields["residents"].queryset.filter(
                household=household, status=Status.LIVING
            )

    def clean(self):
        cleaned = super().clean()
        grid_unit, building = cleaned.get("grid_unit"), cleaned.get("building")
        if grid_unit:
            self.instance.community = grid_unit.community
            if building and building.grid_unit_id != grid_unit.pk:
                self.add_error("building", _("这栋楼不在所选网格内。"))
        self.instance.author = self.user
        return cleaned


class FieldLogCommentForm(ModelForm):
    class Meta:
        model = FieldLogComment
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}
