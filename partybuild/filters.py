import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from partybuild.choices import Category, MemberStatus
from partybuild.models import PartyMember, PartyOrganization
from shequ import chinese
from shequ.filters import FilterSet, visible_communities


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
