import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from residents.models import Resident
from shequ.filters import FilterSet, visible_communities
from volunteers.choices import RecordStatus, TeamKind, VolunteerStatus
from volunteers.models import (
    Activity,
    ActivityTemplate,
    ServiceRecord,
    Team,
    TeamMembership,
    Volunteer,
)


def visible_teams(request):
    return Team.objects.visible_to(request.user).filter(dissolved_on__isnull=True)


class VolunteerFilterSet(FilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="search")
    skills = django_filters.CharFilter(label=_("特长"), lookup_expr="contains")
    team = django_filters.ModelChoiceFilter(
        label=_("队伍/协会"), queryset=visible_teams, empty_label=_("全部队伍"), method="in_team"
    )
    status = django_filters.ChoiceFilter(
        label=_("状态"), choices=VolunteerStatus.choices, empty_label=_("全部状态")
    )
    community = django_filters.ModelChoiceFilter(
        label=_("社区"), queryset=visible_communities, empty_label=_("全部社区")
    )

    several_communities = ("community",)

    class Meta:
        model = Volunteer
        fields = ["q", "skills", "team", "status", "community"]

    def search(self, queryset, name, value):
        """The registry's one box: name, pinyin initials or the last digits the mask shows."""
        everyone = Resident.objects.all()
        found = everyone.search(value)
        if found is everyone:  # nothing to search by, or a whole number (never by GET)
            return queryset
        return queryset.filter(resident__in=found.values("pk"))

    def in_team(self, queryset, name, value):
        if value is None:
            return queryset
        members = TeamMembership.objects.filter(team=value, left_on__isnull=True)
        return queryset.filter(pk__in=members.values("volunteer"))


class TeamFilterSet(FilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="search")
    kind = django_filters.ChoiceFilter(
        label=_("类型"), choices=TeamKind.choices, empty_label=_("全部类型")
    )
    standing = django_filters.ChoiceFilter(
        label=_("状态"), choices=[("active", _("活动中")), ("dissolved", _("已解散"))],
        empty_label=_("全部"), method="in_standing",
    )  # fmt: skip
    community = django_filters.ModelChoiceFilter(
        label=_("社区"), queryset=visible_communities, empty_label=_("全部社区")
    )

    defaults = {"standing": "active"}
    several_communities = ("community",)

    class Meta:
        model = Team
        fields = ["q", "kind", "standing", "community"]

    def search(self, queryset, name, value):
        text = value.strip()
        if not text:
            return queryset
        return queryset.filter(Q(name__contains=text) | Q(purpose__contains=text))

    def in_standing(self, queryset, name, value):
        return queryset.filter(dissolved_on__isnull=value == "active")


class ServiceRecordFilterSet(FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("审核"), choices=RecordStatus.choices, empty_label=_("全部")
    )
    needs_review = django_filters.BooleanFilter(
        label=_("只看需核对的"), widget=forms.CheckboxInput, method="only_flagged"
    )
    served_from = django_filters.DateFilter(
        label=_("服务日期从"), field_name="served_on", lookup_expr="gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )  # fmt: skip
    community = django_filters.ModelChoiceFilter(
        label=_("社区"), queryset=visible_communities, empty_label=_("全部社区")
    )

    defaults = {"status": RecordStatus.PENDING}
    several_communities = ("community",)

    class Meta:
        model = ServiceRecord
        fields = ["status", "needs_review", "served_from", "community"]

    def only_flagged(self, queryset, name, value):
        return queryset.filter(needs_review=True) if value else queryset


class ActivityFilterSet(FilterSet):
    when = django_filters.ChoiceFilter(
        label=_("时间"), method="in_time", empty_label=_("全部"),
        choices=[("upcoming", _("未结束")), ("past", _("已结束"))],
    )  # fmt: skip
    team = django_filters.ModelChoiceFilter(
        label=_("组织队伍"), queryset=visible_teams, empty_label=_("全部队伍")
    )
    community = django_filters.ModelChoiceFilter(
        label=_("社区"), queryset=visible_communities, empty_label=_("全部社区")
    )

    defaults = {"when": "upcoming"}
    several_communities = ("community",)

    class Meta:
        model = Activity
        fields = ["when", "team", "community"]

    def in_time(self, queryset, name, value):
        now = timezone.now()
        if value == "past":
            past = queryset.filter(ends_at__lte=now)
            # The latest first, unless a column was asked for: last week's patrol before last
            # year's.
            return past if self.data.get("sort") else past.order_by("-starts_at", "-pk")
        return queryset.filter(ends_at__gt=now)


class ActivityTemplateFilterSet(FilterSet):
    standing = django_filters.ChoiceFilter(
        label=_("状态"), choices=[("current", _("排班中")), ("stopped", _("已停止"))],
        empty_label=_("全部"), method="in_standing",
    )  # fmt: skip
    community = django_filters.ModelChoiceFilter(
        label=_("社区"), queryset=visible_communities, empty_label=_("全部社区")
    )

    defaults = {"standing": "current"}
    several_communities = ("community",)

    class Meta:
        model = ActivityTemplate
        fields = ["standing", "community"]

    def in_standing(self, queryset, name, value):
        stopped = Q(ends_on__lt=timezone.localdate())
        return queryset.filter(stopped) if value == "stopped" else queryset.exclude(stopped)
