import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shequ.models import Community, Street


def visible_streets(request):
    return Street.objects.visible_to(request.user).select_related("district")


class CommunityFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="search")
    street = django_filters.ModelChoiceFilter(
        label=_("街道"), queryset=visible_streets, empty_label=_("全部街道")
    )

    class Meta:
        model = Community
        fields = ["q", "street"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(code__startswith=value))
