from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from residents.choices import DocumentType, Relation, Status
from residents.models import Building, FieldLogComment, FieldLogEntry, Household, Resident, Visit
from shequ.forms import MobileField, ModelForm, ScopedModelForm
from shequ.id_numbers import parse_id_number
from shequ.personal_data import lookup_hash
from shequ.widgets import SearchSelect

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# A community has hundreds of households: the pickers search as you type.
HOUSEHOLD_PICKER = SearchSelect(
    "residents:household_search", placeholder=_("输入户号、门牌（如 3-301）或成员姓名")
)


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
    encrypted; for a resident ID card the birth date and sex come from the number.

    Editing never shows the whole numbers (that would be a reveal nobody asked for and nothing
    logged): the fields start empty, their help text shows the mask, and left empty they keep
    the stored number."""

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
            "household": HOUSEHOLD_PICKER,
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
        for name, masked in (
            ("id_number", self.instance.id_number_masked),
            ("mobile", self.instance.mobile_masked),
        ):
            if self.instance.pk and masked:
                self.fields[name].help_text = _("已登记 %(masked)s；不修改请留空。") % {
                    "masked": masked
                }
                self.fields[name].widget.attrs["placeholder"] = _("不修改请留空")
            self.initial.pop(name, None)
        self.registered_household_id = self.instance.household_id

    def clean(self):
        cleaned = super().clean()
        # Left empty on an edit: the stored number stays, and is checked as if typed again.
        if self.instance.pk and not cleaned.get("id_number"):
            cleaned["id_number"] = self.instance.id_number
        if self.instance.pk and not cleaned.get("mobile") and "mobile" not in self.errors:
            cleaned["mobile"] = self.instance.mobile
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
            self.check_one_head(household, cleaned.get("relation_to_head"))
        return cleaned

    def check_one_head(self, household: Household, relation: str | None) -> None:
        """The database allows one living 户主 per household; say who it is, in place."""
        if relation != Relation.HEAD or self.instance.status != Status.LIVING:
            return
        if other := household.living_head_besides(self.instance.pk):
            self.add_error(
                "relation_to_head",
                _("这一户已有在住的户主（%(name)s），每户只能有一位户主。") % {"name": other.name},
            )

    def save(self, commit: bool = True) -> Resident:
        resident = super().save(commit)
        if commit:
            resident.household.sync_head()
            if self.registered_household_id not in (None, resident.household_id):
                Household.objects.get(pk=self.registered_household_id).sync_head()
        return resident

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

    def _update_errors(self, errors):
        # Resident.clean may object to a date this form does not show (an old move-in date);
        # that is for the edit form to correct, not a reason to refuse recording a move-out.
        if hasattr(errors, "error_dict"):
            errors = ValidationError(
                {field: e for field, e in errors.error_dict.items() if field in self.fields}
            )
        super()._update_errors(errors)

    def save(self, commit: bool = True) -> Resident:
        resident = super().save(commit)
        if commit:
            resident.household.sync_head()
        return resident


class VisitForm(ScopedModelForm):
    class Meta:
        model = Visit
        fields = ["household", "residents", "visited_on", "notes", "follow_up"]
        widgets = {
            "household": HOUSEHOLD_PICKER,
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
        if visited_on := cleaned.get("visited_on"):
            self.instance.visited_on = visited_on
            try:
                self.instance.check_residents_born(cleaned.get("residents", []))
            except ValidationError as error:
                self.add_error("visited_on", error)
        if self.instance.visitor_id is None:  # a correction keeps who made the visit
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
            self.fields["residents"].queryset = (
                self.fields["residents"]
                .queryset.filter(household=household, status=Status.LIVING)
                .select_related("household__building")
            )

    def clean(self):
        cleaned = super().clean()
        grid_unit, building = cleaned.get("grid_unit"), cleaned.get("building")
        if grid_unit:
            self.instance.community = grid_unit.community
            if building and building.grid_unit_id != grid_unit.pk:
                self.add_error("building", _("这栋楼不在所选网格内。"))
            # Whoever reads this grid unit's log reads the names it mentions: only its own
            # residents (the field's choices are already those the user may see).
            residents = cleaned.get("residents") or []
            if any(r.household.building.grid_unit_id != grid_unit.pk for r in residents):
                self.add_error("residents", _("涉及居民须是所选网格的居民。"))
        if self.instance.author_id is None:  # a correction keeps who wrote the entry
            self.instance.author = self.user
        return cleaned


class FieldLogCommentForm(ModelForm):
    class Meta:
        model = FieldLogComment
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}
