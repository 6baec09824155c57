import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partybuild.choices import (
    SENSITIVE_PAIRING_KINDS,
    Category,
    FourOnesItem,
    MeetingKind,
    MeetingStatus,
    MemberStatus,
    NeedKind,
    NeedStatus,
    PairingKind,
    Presence,
)
from partybuild.forms.fieldwork import may_see_sensitive
from partybuild.models import (
    Attendance,
    CommunityNeed,
    FourOnesRecord,
    OrganizationalLife,
    Pairing,
    PartyMember,
    PartyOrganization,
)
from partybuild.models.fieldwork import PairingQuerySet
from shequ import chinese
from shequ.filters import FilterSet, visible_communities
from shequ.metrics import Quarter


def visible_organizations(request):
    return PartyOrganization.objects.visible_to(request.user).filter(dissolved_on__isnull=True)


class PartyMemberFilterSet(FilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="search")
    organization = django_filters.ModelChoiceFilter(
        label=_("党组织"), queryset=visible_organizations, empty_label=_("全部党组织"),
        method="in_organization",
    )  # fmt: skip
    category = django_filters.ChoiceFilter(
        label=_("类别"), choices=Category.choices, empty_label=_("全部类别")
    )
    standing = django_filters.ChoiceFilter(
        label=_("正式/预备"), choices=[("full", _("正式党员")), ("probationary", _("预备党员"))],
        empty_label=_("全部"), method="in_standing",
    )  # fmt: skip
    status = django_filters.ChoiceFilter(
        label=_("状态"), choices=MemberStatus.choices, empty_label=_("全部状态")
    )
    community = django_filters.ModelChoiceFilter(
        label=_("社区"), queryset=visible_communities, empty_label=_("全部社区")
    )

    defaults = {"status": MemberStatus.ACTIVE}
    several_communities = ("community",)

    class Meta:
        model = PartyMember
        fields = ["q", "organization", "category", "standing", "status", "community"]

    def search(self, queryset, name, value):
        text = "".join(value.split())
        if not text:
            return queryset
        q = Q(resident__name_simplified__contains=chinese.simplified(text))
        if text.isascii() and text.isalpha():
            q |= Q(resident__name_initials__startswith=text.lower())
        return queryset.filter(q | Q(post__contains=text))

    def in_standing(self, queryset, name, value):
        return queryset.filter(full_on__isnull=value == "probationary")

    def in_organization(self, queryset, name, value):
        """A branch's members include those of its groups."""
        if value is None:
            return queryset
        return queryset.filter(Q(organization=value) | Q(organization__parent=value))


def recent_quarters() -> list[tuple[str, str]]:
    """This quarter and the eleven before it: three years of organisational life."""
    quarter, choices = Quarter.current(), []
    for _i in range(12):
        choices.append((str(quarter), quarter.label))
        quarter = quarter.previous
    return choices


def in_quarter(queryset, value: str, path: str):
    year, _dash, number = value.partition("-")
    quarter = Quarter(int(year), int(number))
    return queryset.filter(**{f"{path}__gte": quarter.first, f"{path}__lte": quarter.last})


class OrganizationalLifeFilterSet(FilterSet):
    organization = django_filters.ModelChoiceFilter(
        label=_("党组织"), queryset=visible_organizations, empty_label=_("全部党组织"),
        method="in_organization",
    )  # fmt: skip
    kind = django_filters.ChoiceFilter(
        label=_("类型"), choices=MeetingKind.choices, empty_label=_("全部类型"), method="of_kind"
    )
    quarter = django_filters.ChoiceFilter(
        label=_("季度"), choices=recent_quarters, empty_label=_("全部季度"), method="in_quarter"
    )
    status = django_filters.ChoiceFilter(
        label=_("状态"), empty_label=_("全部状态"), method="in_status",
        choices=[*MeetingStatus.choices, ("overdue", _("计划已过期"))],
    )  # fmt: skip
    community = django_filters.ModelChoiceFilter(
        label=_("社区"), queryset=visible_communities, empty_label=_("全部社区"),
        field_name="organization__community",
    )  # fmt: skip

    several_communities = ("community",)

    class Meta:
        model = OrganizationalLife
        fields = ["organization", "kind", "quarter", "status", "community"]

    def in_organization(self, queryset, name, value):
        """A branch's meetings include its groups'."""
        if value is None:
            return queryset
        return queryset.filter(Q(organization=value) | Q(organization__parent=value))

    def of_kind(self, queryset, name, value):
        """A lecture given at a general meeting or on the theme day is a lecture too."""
        if value == MeetingKind.LECTURE:
            return queryset.filter(Q(kind=value) | Q(also_lecture=True))
        return queryset.filter(kind=value)

    def in_quarter(self, queryset, name, value):
        return in_quarter(queryset, value, "date")

    def in_status(self, queryset, name, value):
        if value == "overdue":
            return queryset.filter(status=MeetingStatus.PLANNED, date__lt=timezone.localdate())
        return queryset.filter(status=value)


def visible_members(request):
    return (
        PartyMember.objects.visible_to(request.user)
        .filter(status=MemberStatus.ACTIVE)
        .select_related("resident")
    )


class AttendanceFilterSet(FilterSet):
    member = django_filters.ModelChoiceFilter(
        label=_("党员"), queryset=visible_members, empty_label=_("全部党员")
    )
    quarter = django_filters.ChoiceFilter(
        label=_("季度"), choices=recent_quarters, empty_label=_("全部季度"), method="in_quarter"
    )
    presence = django_filters.ChoiceFilter(
        label=_("出勤"), choices=Presence.choices, empty_label=_("全部")
    )

    class Meta:
        model = Attendance
        fields = ["member", "quarter", "presence"]

    def in_quarter(self, queryset, name, value):
        return in_quarter(queryset, value, "meeting__date")


class PairingFilterSet(FilterSet):
    member = django_filters.ModelChoiceFilter(
        label=_("党员"), queryset=visible_members, empty_label=_("全部党员")
    )
    kind = django_filters.ChoiceFilter(
        label=_("帮扶类型"), choices=PairingKind.choices, empty_label=_("全部类型")
    )
    state = django_filters.ChoiceFilter(
        label=_("状态"), choices=[("open", _("结对中")), ("ended", _("已解除"))],
        empty_label=_("全部"), method="in_state",
    )  # fmt: skip
    overdue = django_filters.BooleanFilter(
        label=_("只看逾期未走访"), method="only_overdue", widget=forms.CheckboxInput
    )
    community = django_filters.ModelChoiceFilter(
        label=_("社区"), queryset=visible_communities, empty_label=_("全部社区")
    )

    defaults = {"state": "open"}
    several_communities = ("community",)

    class Meta:
        model = Pairing
        fields = ["member", "kind", "state", "overdue", "community"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Sensitive kinds are offered only to those who may see them: a filter would reveal them.
        if self.request is None or not may_see_sensitive(self.request.user):
            self.filters["kind"].extra["choices"] = [
                (value, label)
                for value, label in PairingKind.choices
                if value not in SENSITIVE_PAIRING_KINDS
            ]

    def in_state(self, queryset, name, value):
        return queryset.filter(ended_on__isnull=value == "open")

    def only_overdue(self, queryset, name, value):
        if not value:
            return queryset
        today = timezone.localdate()
        return queryset.due_on(today).filter(PairingQuerySet.late(today))


class FourOnesRecordFilterSet(FilterSet):
    member = django_filters.ModelChoiceFilter(
        label=_("党员"), queryset=visible_members, empty_label=_("全部党员")
    )
    item = django_filters.ChoiceFilter(
        label=_("项目"), choices=FourOnesItem.choices, empty_label=_("全部项目")
    )
    year = django_filters.NumberFilter(
        label=_("年度"), field_name="done_on", lookup_expr="year", min_value=1900, max_value=2999
    )
    community = django_filters.ModelChoiceFilter(
        label=_("社区"), queryset=visible_communities, empty_label=_("全部社区")
    )

    several_communities = ("community",)

    class Meta:
        model = FourOnesRecord
        fields = ["member", "item", "year", "community"]


class CommunityNeedFilterSet(FilterSet):
    q = django_filters.CharFilter(label=_("搜索"), field_name="title", lookup_expr="contains")
    kind = django_filters.ChoiceFilter(
        label=_("类型"), choices=NeedKind.choices, empty_label=_("全部类型")
    )
    status = django_filters.ChoiceFilter(
        label=_("状态"), choices=NeedStatus.choices, empty_label=_("全部状态")
    )
    community = django_filters.ModelChoiceFilter(
        label=_("社区"), queryset=visible_communities, empty_label=_("全部社区")
    )

    several_communities = ("community",)

    class Meta:
        model = CommunityNeed
        fields = ["q", "kind", "status", "community"]
