from django import forms
from django.utils.translation import gettext_lazy as _

from grievances.models import Category
from partybuild.choices import (
    FILED_ITEMS,
    SENSITIVE_PAIRING_KINDS,
    MemberStatus,
)
from partybuild.models import CommunityNeed, FourOnesRecord, Pairing, PartyMember, ServiceHours
from partybuild.models.organization import PARTY_KEEPERS
from residents.choices import Status
from residents.forms import DATE_INPUT, HOUSEHOLD_PICKER
from residents.models import Visit
from shequ.forms import CleanInputMixin, ScopedModelForm
from shequ.models import Community, Role
from shequ.models.scoping import roles_of, scope_of


def may_see_sensitive(user) -> bool:
    """As the registry's sensitive tags: for community staff only."""
    return user.is_superuser or Role.COMMUNITY_STAFF in roles_of(user)


def active_members(field) -> None:
    field.queryset = field.queryset.filter(status=MemberStatus.ACTIVE).select_related("resident")
    field.label_from_instance = lambda member: member.resident.name


class PairingForm(ScopedModelForm):
    class Meta:
        model = Pairing
        fields = ["member", "household", "kind", "started_on", "visit_every_days", "notes"]
        widgets = {
            "household": HOUSEHOLD_PICKER,
            "started_on": DATE_INPUT,
            "notes": forms.Textarea(attrs={"rows": 3, "placeholder": _("例：每月送药、代办年审")}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        active_members(self.fields["member"])
        if not may_see_sensitive(self.user):
            self.fields["kind"].choices = [
                choice
                for choice in self.fields["kind"].choices
                if choice[0] not in SENSITIVE_PAIRING_KINDS
            ]

    def clean(self):
        cleaned = super().clean()
        member, household = cleaned.get("member"), cleaned.get("household")
        if member:
            self.instance.community = member.community
            if household and household.community_id != member.community_id:
                self.add_error("household", _("帮扶户须与党员在同一社区。"))
        return cleaned


class PairingEndForm(ScopedModelForm):
    class Meta:
        model = Pairing
        fields = ["ended_on", "end_reason"]
        widgets = {"ended_on": DATE_INPUT}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ended_on"].required = True
        self.fields["end_reason"].required = True


class PairingVisitForm(ScopedModelForm):
    """The visit of a pairing's household: the household is the pairing's."""

    class Meta:
        model = Visit
        fields = ["visited_on", "residents", "notes", "follow_up"]
        widgets = {
            "visited_on": DATE_INPUT,
            "residents": forms.CheckboxSelectMultiple,
            "notes": forms.Textarea(attrs={"rows": 3}),
            "follow_up": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, pairing: Pairing, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["residents"].queryset = self.fields["residents"].queryset.filter(
            household=pairing.household_id, status=Status.LIVING
        )


class FourOnesRecordForm(ScopedModelForm):
    """四个一; a report or a suggestion also names the desk's category it goes to."""

    category = forms.ModelChoiceField(
        label=_("诉求类别"), queryset=Category.objects.filter(active=True), required=False,
        help_text=_("一条信息、一条建议会转到诉求受理，由社区办理答复。"),
    )  # fmt: skip

    class Meta:
        model = FourOnesRecord
        fields = ["member", "item", "done_on", "description", "category"]
        widgets = {"done_on": DATE_INPUT, "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        active_members(self.fields["member"])
        members = self.fields["member"].queryset
        # A member signed in records their own: the one file they see, chosen for them.
        if not self.is_bound and not self.initial.get("member") and members.count() == 1:
            self.initial["member"] = members.first()
        self.fields["category"].initial = Category.objects.filter(code="other").first()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("member"):
            self.instance.community = cleaned["member"].community
        if cleaned.get("item") in FILED_ITEMS and not cleaned.get("category"):
            self.add_error("category", _("信息和建议会转到诉求受理，请选择类别。"))
        return cleaned


class CommunityNeedForm(ScopedModelForm):
    community = forms.ModelChoiceField(label=_("社区"), queryset=None)

    class Meta:
        model = CommunityNeed
        fields = ["community", "kind", "title", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        communities = Community.objects.select_related("street")
        if not self.user.is_superuser:
            kept = scope_of(self.user).ids(PARTY_KEEPERS, "community")
            communities = communities.filter(pk__in=sorted(kept))
        self.fields["community"].queryset = communities
        if communities.count() == 1:
            self.fields["community"].initial = communities.first()
            self.fields["community"].widget = forms.HiddenInput()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("community"):
            self.instance.community = cleaned["community"]
        if self.instance.posted_by_id is None:
            self.instance.posted_by = self.user
        return cleaned


class NeedClaimForm(CleanInputMixin, forms.Form):
    member = forms.ModelChoiceField(label=_("认领党员"), queryset=PartyMember.objects.none())

    def __init__(self, *args, user, need: CommunityNeed, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["member"]
        field.queryset = PartyMember.objects.visible_to(user).filter(community=need.community_id)
        active_members(field)
        if field.queryset.count() == 1:
            field.initial = field.queryset.first()


class ServiceHoursForm(ScopedModelForm):
    class Meta:
        model = ServiceHours
        fields = ["served_on", "hours", "what", "need"]
        widgets = {
            "served_on": DATE_INPUT,
            "hours": forms.NumberInput(attrs={"step": "0.5", "min": "0.5", "max": "24"}),
        }

    def __init__(self, *args, member: PartyMember, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.member, self.instance.community = member, member.community
        self.fields["need"].queryset = self.fields["need"].queryset.filter(claimed_by=member)

    def clean(self):
        cleaned = super().clean()
        if self.instance.recorded_by_id is None:
            self.instance.recorded_by = self.user
        return cleaned
