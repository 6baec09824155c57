import django_filters
from django.db.models import Q
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from shequ.models import Community, Street
from shequ.models.scoping import scope_of


class FilterSet(django_filters.FilterSet):
    """A list's filters, with `defaults` for the parameters a bare address implies (a list of
    residents means those living here). The list's view reads them from the class to tell which
    filters the user changed, without building a second FilterSet."""

    defaults: dict[str, str] = {}
    # Filters offered only to users who reach more than one community (which community a row
    # is in): for the rest they would be a list of one.
    several_communities: tuple[str, ...] = ()

    def __init__(self, data=None, *args, **kwargs) -> None:
        data = QueryDict(mutable=True) if data is None else data.copy()
        for name, value in self.defaults.items():
            data.setdefault(name, value)
        super().__init__(data, *args, **kwargs)
        user = getattr(self.request, "user", None)
        if user is not None and not (user.is_superuser or scope_of(user).several_communities):
            for name in self.several_communities:
                del self.filters[name]


def visible_communities(request):
    return Community.objects.visible_to(request.user).select_related("street")


def visible_streets(request):
    return Street.objects.visible_to(request.user).select_related("district")


class CommunityFilterSet(FilterSet):
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
