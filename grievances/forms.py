"""The staff's forms: registering a case, and one small form per step of its life."""

from __future__ import annotations

import re

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from grievances.choices import Kind, Level
from grievances.models import Category, Grievance
from shequ.forms import CleanInputMixin, ScopedModelForm
from shequ.models import Community, Department, Role, User
from shequ.models.scoping import scope_of
from shequ.params import parse_id
from shequ.validators import normalize_mainland_mobile
from shequ.widgets import SearchSelect

# A mobile, or a landline with its area code ("0533-6201234", "0533 6201234 转 8").
_PHONE = re.compile(r"^[0-9+\-() 转]{7,20}$")
REGISTER_NUMBER = re.compile(r"^\s*(\d{4})\s*[-－—/]\s*(\d{1,6})\s*$")


class ResidentPicker(SearchSelect):
    """Offers only the resident already chosen: a community has thousands of residents, which
    neither the page nor the database should list for a picker that searches; the search box
    adds the one picked. Without JavaScript the field stays empty, which is allowed (the
    contact's name and phone are enough)."""

    def optgroups(self, name, value, attrs=None):
        every = self.choices
        chosen = [pk for v in value if (pk := parse_id(str(v)))]
        self.choices = [("", every.field.empty_label or "")] + [
            every.choice(row) for row in every.queryset.filter(pk__in=chosen)
        ]
        try:
            return super().optgroups(name, value, attrs)
        finally:
            self.choices = every


def staff_communities(user: User):
    """The communities whose desk the user keeps (all of them for an administrator)."""
    if user.is_superuser:
        return Community.objects.all()
    ids = scope_of(user).ids(frozenset({Role.COMMUNITY_STAFF}), "community")
    return Community.objects.filter(pk__in=sorted(ids))


class GrievanceForm(ScopedModelForm):
    community = forms.ModelChoiceField(label=_("社区"), queryset=Community.objects.none())
    contact_phone = forms.CharField(
        label=_("联系电话"), max_length=20, required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
        help_text=_("手机或带区号的固定电话；列表和登记本只显示打码后的号码。"),
    )  # fmt: skip

    class Meta:
        model = Grievance
        fields = ["community", "kind", "channel", "category", "priority", "title", "description",
                  "building", "address", "resident", "contact_name", "contact_phone"]  # fmt: skip
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "resident": ResidentPicker(
                "residents:resident_search", placeholder=_("输入居民姓名或拼音首字母")
            ),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        communities = staff_communities(self.user)
        self.fields["community"].queryset = communities
        if len(communities) == 1:
            self.fields["community"].initial = communities[0]
            self.fields["community"].widget = forms.HiddenInput()
        self.fields["category"].queryset = Category.objects.filter(active=True).select_related(
            "parent"
        )
        self.fields["resident"].help_text = _("可不填；填了会自动带出姓名。")
        self.fields["kind"].initial = Kind.HELP

    def clean_contact_phone(self) -> str:
        phone = self.cleaned_data["contact_phone"].strip()
        if phone and not _PHONE.match(phone):
            raise forms.ValidationError(_("请填写手机号码或带区号的固定电话。"))
        return normalize_mainland_mobile(phone) or phone

    def clean(self):
        cleaned = super().clean()
        community = cleaned.get("community")
        if community:
            self.instance.community = community
            for name in ("building", "resident"):
                row = cleaned.get(name)
                if row is not None and row.community_id != community.pk:
                    self.add_error(name, _("须是所选社区的。"))
        resident = cleaned.get("resident")
        if resident and not cleaned.get("contact_name"):
            cleaned["contact_name"] = resident.name
            self.instance.contact_name = resident.name
        return cleaned


class StepForm(CleanInputMixin, forms.Form):
    """The fields of one step; `case` and `user` narrow its choices."""

    def __init__(self, *args, case: Grievance, user: User, **kwargs) -> None:
        self.case, self.user = case, user
        super().__init__(*args, **kwargs)


def _text(label, required=True, rows=2, max_length=2000) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
    )  # fmt: skip


class NoteForm(StepForm):
    note = _text(_("说明"), required=False, rows=1)


class RequiredNoteForm(StepForm):
    note = _text(_("内容"))


class ReasonForm(StepForm):
    reason = _text(_("理由"))


class ReplyForm(StepForm):
    reply = _text(_("答复内容"), rows=3)


class AnswerForm(StepForm):
    answer = _text(_("答复意见"), rows=3)


class AssignForm(StepForm):
    assignee = forms.ModelChoiceField(label=_("承办人"), queryset=User.objects.none())
    note = _text(_("说明"), required=False, rows=1)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        case = self.case
        desk = Q(role_assignments__role=Role.COMMUNITY_STAFF,
                 role_assignments__community_id=case.community_id)  # fmt: skip
        grid = Q(role_assignments__role=Role.GRID_WORKER,
                 role_assignments__grid_unit__community_id=case.community_id)  # fmt: skip
        self.fields["assignee"].queryset = (
            User.objects.filter(desk | grid, is_active=True).distinct().order_by("name", "pk")
        )
        self.fields["assignee"].label_from_instance = lambda user: user.name or user.username


ESCALATION_TARGETS = [
    (Level.STREET, _("街道")),
    (Level.DISTRICT, _("区")),
    (Level.DEPARTMENT, _("职能部门")),
]


class EscalateForm(StepForm):
    to = forms.ChoiceField(label=_("上报到"), choices=ESCALATION_TARGETS)
    department = forms.ModelChoiceField(
        label=_("职能部门"), queryset=Department.objects.filter(active=True), required=False,
        help_text=_("上报到职能部门时选择。"),
    )  # fmt: skip
    reason = _text(_("上报原因"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        order = [Level.COMMUNITY, Level.STREET, Level.DISTRICT, Level.DEPARTMENT]
        above = order[order.index(self.case.level) + 1 :]
        self.fields["to"].choices = [(v, label) for v, label in ESCALATION_TARGETS if v in above]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("to") == Level.DEPARTMENT and not cleaned.get("department"):
            self.add_error("department", _("请选择职能部门。"))
        return cleaned


class ExtensionForm(StepForm):
    days = forms.IntegerField(label=_("延期（工作日）"), min_value=1, max_value=30)
    reason = _text(_("延期理由"))


class DecideExtensionForm(StepForm):
    decision = forms.ChoiceField(
        label=_("审批"), choices=[("approve", _("批准")), ("refuse", _("不批准"))]
    )
    note = _text(_("意见"), required=False, rows=1)


class MergeForm(StepForm):
    into = forms.CharField(
        label=_("并入（登记编号）"), max_length=20,
        widget=forms.TextInput(attrs={"placeholder": "2026-0012"}),
    )  # fmt: skip
    note = _text(_("说明"), required=False, rows=1)

    def clean_into(self) -> Grievance:
        match = REGISTER_NUMBER.match(self.cleaned_data["into"])
        if not match:
            raise forms.ValidationError(_("请填写登记编号，如 2026-0012。"))
        year, sequence = (int(part) for part in match.groups())
        target = (
            Grievance.objects.visible_to(self.user)
            .filter(community_id=self.case.community_id, year=year, sequence=sequence)
            .first()
        )
        if target is None:
            raise forms.ValidationError(_("本社区没有这个登记编号的诉求。"))
        return target
