import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partybuild.choices import Category, MeetingKind, MeetingStatus, MemberStatus, Presence
from partybuild.models import Attendance, OrganizationalLife, PartyMember, PartyOrganization
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


class AttendanceFilterSet(FilterSet):
    quarter = django_filters.ChoiceFilter(
        label=_("季度"), choices=recent_quarters, empty_label=_("全部季度"), method="in_quarter"
    )
    presence = django_filters.ChoiceFilter(
        label=_("出勤"), choices=Presence.choices, empty_label=_("全部")
    )

    class Meta:
        model = Attendance
        fields = ["quarter", "presence"]

    def in_quarter(self, queryset, name, value):
        return in_quarter(queryset, value, "meeting__date")
