import django_filters
from django.utils.translation import gettext_lazy as _

from assessments.choices import AppealState
from assessments.models import Appeal
from shequ.filters import FilterSet, visible_communities


class AppealFilterSet(FilterSet):
    state = django_filters.ChoiceFilter(
        label=_("状态"), choices=AppealState.choices, empty_label=_("全部")
    )
    community = django_filters.ModelChoiceFilter(
        label=_("社区"), queryset=visible_communities, empty_label=_("全部社区")
    )
    several_communities = ("community",)

    class Meta:
        model = Appeal
        fields = ["state", "community"]
