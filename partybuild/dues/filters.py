import django_filters
from django.utils.translation import gettext_lazy as _

from partybuild.filters import PartyMemberFilterSet, visible_organizations
from partybuild.models import PartyMember
from shequ.filters import FilterSet, visible_communities


class DuesArrearsFilterSet(FilterSet):
    """The arrears of members in every state: one transferred out may leave owing."""

    q = django_filters.CharFilter(label=_("搜索"), method="search")
    organization = django_filters.ModelChoiceFilter(
        label=_("党组织"), queryset=visible_organizations, empty_label=_("全部党组织"),
        method="in_organization",
    )  # fmt: skip
    community = django_filters.ModelChoiceFilter(
        label=_("社区"), queryset=visible_communities, empty_label=_("全部社区")
    )

    several_communities = ("community",)
    search = PartyMemberFilterSet.search
    in_organization = PartyMemberFilterSet.in_organization

    class Meta:
        model = PartyMember
        fields = ["q", "organization", "community"]
