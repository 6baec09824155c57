from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partybuild.choices import MEMBER_KINDS, EventKind, MemberStatus
from partybuild.models import OrganizationPost, PartyMember, PartyOrganization
from partybuild.models.members import PROBATION_YEARS
from partybuild.models.organization import years_after
from partybuild.tasks import compliance_changed
from residents.choices import Status
from residents.forms import DATE_INPUT
from residents.models import Building
from shequ.forms import ModelForm, ScopedModelForm
from shequ.models import Community, Role, User
from shequ.validators import not_in_future
from shequ.widgets import SearchSelect

RESIDENT_PICKER = SearchSelect("residents:resident_search", placeholder=_("输入姓名或拼音首字母"))


def day_field(label, **kwargs) -> forms.DateField:
    return forms.DateField(
        label=label, widget=DATE_INPUT, validators=[not_in_future],
        initial=timezone.localdate, **kwargs,
    )  # fmt: skip


class PartyOrganizationForm(ScopedModelForm):
    """A node of the tree. Its community is its parent's; a community's top node takes the
    user's community, or the one picked by a user who reaches several."""

    community = forms.ModelChoiceField(label=_("社区"), queryset=Community.objects.all())

    class Meta:
        model = PartyOrganization
        fields = [
            "community", "parent", "kind", "name", "grid_units", "founded_on", "elected_on",
            "term_ends_on", "dissolved_on", "order",
        ]  # fmt: skip
        widgets = {
            "founded_on": DATE_INPUT,
            "elected_on": DATE_INPUT,
            "term_ends_on": DATE_INPUT,
            "dissolved_on": DATE_INPUT,
            "grid_units": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        communities = self.fields["community"].queryset
        self.fields["parent"].queryset = (
            self.fields["parent"].queryset.filter(dissolved_on__isnull=True).exclude(kind="group")
        )
        if self.instance.pk:
            del self.fields["community"]
            self.fields["parent"].queryset = (
                self.fields["parent"]
                .queryset.filter(community=self.instance.community_id)
                .exclude(pk=self.instance.pk)
            )
            self.fields["grid_units"].queryset = self.fields["grid_units"].queryset.filter(
                community=self.instance.community_id
            )
        else:
            del self.fields["dissolved_on"]
            only = list(communities[:2])
            if len(only) == 1:
                del self.fields["community"]
                self.instance.community = only[0]

    def clean(self):
        cleaned = super().clean()
        parent = cleaned.get("parent")
        community = cleaned.get("community")
        if community is None and self.instance.community_id:
            community = self.instance.community
        if parent is not None:
            community = parent.community
        if community is not None:
            self.instance.community = community
            units = cleaned.get("grid_units") or []
            if any(unit.community_id != community.pk for unit in units):
                self.add_error("grid_units", _("网格须在本社区。"))
        return cleaned

    def save(self, commit: bool = True) -> PartyOrganization:
        new = self.instance.pk is None
        node = super().save(commit)
        # A group's meetings count for its branch, and a branch is asked for meetings only
        # while it exists: these change the figures back to the earliest of the dates.
        if new or set(self.changed_data) & {"parent", "kind", "founded_on", "dissolved_on"}:
            days = [
                day for name in ("founded_on", "dissolved_on")
                for day in (self.initial.get(name), getattr(node, name)) if day
            ]  # fmt: skip
            compliance_changed(node.community_id, min(days))
        return node


class MemberForm(ScopedModelForm):
    """A party file. A new file may come by transfer from another organisation (转入), with
    the sending organisation and its letter; a file brought in from paper keeps its
    confirmation date. Afterwards the organisation and confirmation change only through their
    steps, which leave events."""

    transferred_from = forms.CharField(
        label=_("由何处转入"), max_length=100, required=False,
        help_text=_("组织关系从其他党组织转来时填写；新发展的党员不填。"),
    )  # fmt: skip
    letter = forms.CharField(
        label=_("转入介绍信编号"), max_length=50, required=False,
        help_text=_("对方开具的组织关系介绍信编号。"),
    )  # fmt: skip
    full_on = forms.DateField(
        label=_("转正日期"), required=False, widget=DATE_INPUT, validators=[not_in_future],
        help_text=_("已是正式党员的，填写转正日期；预备党员不填。"),
    )  # fmt: skip
    field_order = [
        "resident", "organization", "category", "joined_on", "full_on", "transferred_from",
        "letter", "post", "zone", "work_unit", "reported_on", "floating_to", "account", "notes",
    ]  # fmt: skip

    class Meta:
        model = PartyMember
        fields = [
            "resident", "organization", "category", "joined_on", "post", "zone", "work_unit",
            "reported_on", "floating_to", "account", "notes",
        ]  # fmt: skip
        widgets = {
            "resident": RESIDENT_PICKER,
            "joined_on": DATE_INPUT,
            "reported_on": DATE_INPUT,
            "zone": forms.SelectMultiple(attrs={"size": 6}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        organizations = self.fields["organization"].queryset
        self.fields["organization"].queryset = organizations.filter(
            kind__in=MEMBER_KINDS, dissolved_on__isnull=True
        ).select_related("community")
        self.fields["zone"].queryset = Building.objects.visible_to(self.user)
        self.fields["resident"].queryset = (
            self.fields["resident"]
            .queryset.filter(status=Status.LIVING, party_member__isnull=True)
            .select_related("household__building")
        )
        self.fields["resident"].error_messages["invalid_choice"] = _(
            "请选择本社区在住、还没有党员档案的居民（已有档案的，请在党员名单中找到后修改）。"
        )
        communities = Community.objects.visible_to(self.user).values("pk")
        self.fields["account"].queryset = User.objects.filter(
            role_assignments__role=Role.RESIDENT, role_assignments__community__in=communities
        ).distinct()
        if self.instance.pk:
            for name in ("resident", "organization", "full_on", "transferred_from", "letter"):
                del self.fields[name]
            self.fields["zone"].queryset = self.fields["zone"].queryset.filter(
                community=self.instance.community_id
            )

    def clean(self):
        cleaned = super().clean()
        resident = cleaned.get("resident")
        if resident is not None:
            self.instance.community = resident.community
        full_on, joined_on = cleaned.get("full_on"), cleaned.get("joined_on")
        if full_on and joined_on and full_on < years_after(joined_on, PROBATION_YEARS):
            self.add_error("full_on", _("转正须在预备期满一年之后。"))
        if cleaned.get("letter") and not cleaned.get("transferred_from"):
            self.add_error("transferred_from", _("填写了介绍信编号，请同时填写由何处转入。"))
        community = self.instance.community if self.instance.community_id else None
        if community is not None:
            buildings = cleaned.get("zone") or []
            if any(building.community_id != community.pk for building in buildings):
                self.add_error("zone", _("责任区的楼栋须在本社区。"))
            account = cleaned.get("account")
            if (
                account
                and not account.role_assignments.filter(
                    role=Role.RESIDENT, community=community
                ).exists()
            ):
                self.add_error("account", _("登录账户须是本社区的居民账户。"))
        return cleaned

    def _post_clean(self):
        if "full_on" in self.fields:
            self.instance.full_on = self.cleaned_data.get("full_on")
        super()._post_clean()


def eligible_for_post(members, organization: PartyOrganization):
    """Active members of the organisation's community without a post in it now."""
    in_office = organization.posts.filter(ended_on__isnull=True).values("member")
    return (
        members.filter(community=organization.community_id, status=MemberStatus.ACTIVE)
        .exclude(pk__in=in_office)
        .select_related("resident")
    )


class OrganizationPostForm(ScopedModelForm):
    class Meta:
        model = OrganizationPost
        fields = ["member", "post", "started_on"]
        widgets = {"started_on": DATE_INPUT}

    def __init__(self, *args, organization: PartyOrganization, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.organization = organization
        self.fields["member"].queryset = eligible_for_post(
            self.fields["member"].queryset, organization
        )


class PostEndForm(ModelForm):
    class Meta:
        model = OrganizationPost
        fields = ["ended_on"]
        widgets = {"ended_on": DATE_INPUT}

    def __init__(self, *args, user=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ended_on"].required = True
        self.fields["ended_on"].initial = timezone.localdate


class StepForm(forms.Form):
    """What every step on a file asks: the day it happened and a note."""

    day = day_field(_("日期"))
    note = forms.CharField(
        label=_("说明"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, member: PartyMember, user, **kwargs) -> None:
        self.member, self.user = member, user
        super().__init__(*args, **kwargs)


class TransferOutForm(StepForm):
    counterpart = forms.CharField(
        label=_("接收的党组织"), max_length=100, help_text=_("转往的党组织全称。")
    )
    field_order = ["day", "counterpart", "note"]


class MoveForm(StepForm):
    organization = forms.ModelChoiceField(
        label=_("调整到"), queryset=PartyOrganization.objects.none()
    )
    field_order = ["organization", "day", "note"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = (
            PartyOrganization.objects.visible_to(self.user)
            .filter(community=self.member.community_id, kind__in=MEMBER_KINDS)
            .filter(dissolved_on__isnull=True)
            .exclude(pk=self.member.organization_id)
        )


STATUS_KINDS = [
    (EventKind.SUSPENDED, EventKind.SUSPENDED.label),
    (EventKind.REINSTATED, EventKind.REINSTATED.label),
    (EventKind.DECEASED, EventKind.DECEASED.label),
]


class StatusForm(StepForm):
    kind = forms.ChoiceField(label=_("事项"), choices=STATUS_KINDS)
    field_order = ["kind", "day", "note"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == EventKind.SUSPENDED and not cleaned.get("note", "").strip():
            raise ValidationError({"note": _("请填写停止党籍的原因。")})
        return cleaned
