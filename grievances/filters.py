import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grievances.choices import OPEN_STATES, Channel, Kind, Level, State
from grievances.forms import REGISTER_NUMBER
from grievances.models import Category, Grievance
from shequ.filters import FilterSet, visible_communities

OPEN = "open"
YES_NO = [("yes", _("是")), ("no", _("否"))]


class GrievanceFilterSet(FilterSet):
    q = django_filters.CharFilter(label=_("编号/事由"), method="search")
    community = django_filters.ModelChoiceFilter(
        label=_("社区"), queryset=visible_communities, empty_label=_("全部社区")
    )
    state = django_filters.ChoiceFilter(
        label=_("状态"), choices=[(OPEN, _("在办（未答复）")), *State.choices],
        method="filter_state", empty_label=_("全部状态"),
    )  # fmt: skip
    kind = django_filters.ChoiceFilter(label=_("性质"), choices=Kind.choices, empty_label=_("全部"))
    channel = django_filters.ChoiceFilter(
        label=_("渠道"), choices=Channel.choices, empty_label=_("全部渠道")
    )
    category = django_filters.ModelChoiceFilter(
        label=_("类别"), queryset=Category.objects.select_related("parent"), method="in_category",
        empty_label=_("全部类别"),
    )  # fmt: skip
    level = django_filters.ChoiceFilter(
        label=_("办理层级"), choices=Level.choices, empty_label=_("全部")
    )
    overdue = django_filters.ChoiceFilter(
        label=_("超期"), choices=YES_NO, method="filter_overdue", empty_label=_("全部")
    )
    received_after = django_filters.DateFilter(
        label=_("登记日期起"), field_name="received_at__date", lookup_expr="gte"
    )
    received_before = django_filters.DateFilter(
        label=_("登记日期止"), field_name="received_at__date", lookup_expr="lte"
    )
    hidden = django_filters.ChoiceFilter(
        label=_("已屏蔽"), choices=YES_NO, method="filter_hidden", empty_label=_("全部")
    )

    class Meta:
        model = Grievance
        fields = ["q", "community", "state", "kind", "channel", "category", "level", "overdue",
                  "received_after", "received_before", "hidden"]  # fmt: skip

    # Hidden (abusive) submissions stay out of the lists unless the user asks for them.
    defaults = {"hidden": "no"}
    several_communities = ("community",)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        if match := REGISTER_NUMBER.match(value):
            year, sequence = (int(part) for part in match.groups())
            return queryset.filter(year=year, sequence=sequence)
        by_title = Q(title__icontains=value)
        if value.isascii() and value.isdigit() and len(value) <= 6:
            by_title |= Q(sequence=int(value))
        return queryset.filter(by_title)

    def filter_state(self, queryset, name, value):
        return (
            queryset.filter(state__in=OPEN_STATES)
            if value == OPEN
            else queryset.filter(state=value)
        )

    def in_category(self, queryset, name, value):
        return queryset.filter(Q(category=value) | Q(category__parent=value))

    def filter_overdue(self, queryset, name, value):
        late = Q(state__in=OPEN_STATES, due_on__lt=timezone.localdate())
        return queryset.filter(late) if value == "yes" else queryset.exclude(late)

    def filter_hidden(self, queryset, name, value):
        return queryset.filter(hidden=value == "yes")
