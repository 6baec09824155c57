import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from residents.choices import AgeGroup, ResidenceStatus, ResidenceType, Status
from residents.models import Building, FieldLogEntry, Household, Resident, ResidentTag
from residents.privacy import age_group_q_for
from shequ import personal_data
from shequ.filters import FilterSet, visible_communities
from shequ.models import GridUnit, Role


def visible_grid_units(request):
    return GridUnit.objects.visible_to(request.user).select_related("community")


def visible_buildings(request):
    return Building.objects.visible_to(request.user)


def visible_tags(request):
    """Sensitive tags are offered only to community staff: a filter would reveal them too."""
    tags = ResidentTag.objects.all()
    if not (request.user.is_superuser or Role.COMMUNITY_STAFF in request.access.roles):
        tags = tags.filter(sensitive=False)
    return tags


class ResidentFilterSet(FilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="search")
    grid_unit = django_filters.ModelChoiceFilter(
        label=_("网格"), field_name="household__building__grid_unit", queryset=visible_grid_units,
        empty_label=_("全部网格"),
    )  # fmt: skip
    building = django_filters.ModelChoiceFilter(
        label=_("楼栋"), field_name="household__building", queryset=visible_buildings,
        empty_label=_("全部楼栋"),
    )  # fmt: skip
    tags = django_filters.ModelChoiceFilter(
        label=_("重点人群"), queryset=visible_tags, empty_label=_("全部")
    )
    age_group = django_filters.ChoiceFilter(
        label=_("年龄段"), choices=AgeGroup.choices, method="filter_age_group",
        empty_label=_("全部年龄"),
    )  # fmt: skip
    residence_status = django_filters.ChoiceFilter(
        label=_("人户状态"), choices=ResidenceStatus.choices, empty_label=_("全部")
    )
    residence_type = django_filters.ChoiceFilter(
        label=_("户籍类型"), choices=ResidenceType.choices, empty_label=_("全部")
    )
    status = django_filters.ChoiceFilter(
        label=_("状态"), choices=Status.choices, empty_label=_("全部状态")
    )

    class Meta:
        model = Resident
        fields = ["q", "grid_unit", "building", "tags", "age_group", "residence_status",
                  "residence_type", "status"]  # fmt: skip

    # A list of residents means the people living here, unless the user asks otherwise.
    defaults = {"status": Status.LIVING}

    # Set when the box held a whole number, which a GET never searches (see Resident.search).
    number_refused = False

    def search(self, queryset, name, value):
        if personal_data.is_number_query(value):
            self.number_refused = True
        return queryset.search(value)

    def filter_age_group(self, queryset, name, value):
        access = getattr(self.request, "access", None)
        if access is None:
            return queryset.in_age_group(value)
        return queryset.filter(age_group_q_for(access, value))


class HouseholdFilterSet(FilterSet):
    q = django_filters.CharFilter(label=_("户号/门牌"), method="search")
    grid_unit = django_filters.ModelChoiceFilter(
        label=_("网格"), field_name="building__grid_unit", queryset=visible_grid_units,
        empty_label=_("全部网格"),
    )  # fmt: skip
    building = django_filters.ModelChoiceFilter(
        label=_("楼栋"), queryset=visible_buildings, empty_label=_("全部楼栋")
    )

    class Meta:
        model = Household
        fields = ["q", "grid_unit", "building"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(number__icontains=value) | Q(room__icontains=value))


class BuildingFilterSet(FilterSet):
    grid_unit = django_filters.ModelChoiceFilter(
        label=_("网格"), queryset=visible_grid_units, empty_label=_("全部网格")
    )

    class Meta:
        model = Building
        fields = ["grid_unit"]


class FieldLogEntryFilterSet(FilterSet):
    grid_unit = django_filters.ModelChoiceFilter(
        label=_("网格"), queryset=visible_grid_units, empty_label=_("全部网格")
    )
    author = django_filters.ModelChoiceFilter(
        label=_("记录人"), queryset=lambda request: FieldLogEntry.authors_visible_to(request.user),
        empty_label=_("全部网格员"),
    )  # fmt: skip
    date_after = django_filters.DateFilter(
        label=_("起始日期"), field_name="date", lookup_expr="gte"
    )
    date_before = django_filters.DateFilter(
        label=_("截止日期"), field_name="date", lookup_expr="lte"
    )

    class Meta:
        model = FieldLogEntry
        fields = ["grid_unit", "author", "date_after", "date_before"]


class GridUnitFilterSet(FilterSet):
    community = django_filters.ModelChoiceFilter(
        label=_("社区"), queryset=visible_communities, empty_label=_("全部社区")
    )

    class Meta:
        model = GridUnit
        fields = ["community"]

    several_communities = ("community",)
