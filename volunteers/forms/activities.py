"""Forms of the activity pages: an activity, a weekly shift, staff signing a volunteer up,
calling an activity off."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from residents.forms import DATE_INPUT
from shequ.forms import CleanInputMixin, ScopedModelForm
from shequ.models import Community, Role
from shequ.models.scoping import CHANGE, scope_of
from volunteers.choices import ACTIVE_SIGN_UPS, VolunteerStatus
from volunteers.models import Activity, ActivityTemplate, Volunteer

# Times outside these years are typing slips (0202 for 2026), and year 1 in Beijing time has
# no UTC year to be stored in.
YEARS = (2000, 2100)


def datetime_input() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class LocalDateTimeField(forms.DateTimeField):
    """A local time as `datetime-local` sends it (2026-11-24T19:30), in Beijing time."""

    def validate(self, value) -> None:
        super().validate(value)
        if value and not YEARS[0] <= value.year <= YEARS[1]:
            raise ValidationError(
                _("请填写 %(first)s 至 %(last)s 年之间的日期和时间。"),
                params={"first": YEARS[0], "last": YEARS[1]},
            )


class CommunityPlaceForm(ScopedModelForm):
    """A row of one community with its place: the community among those the user keeps (fixed
    once saved), the team and building among that community's, and a building or an address."""

    community = forms.ModelChoiceField(label=_("社区"), queryset=Community.objects.none())

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        communities = Community.objects.select_related("street").order_by("code")
        if not self.user.is_superuser:
            kept = scope_of(self.user).ids(frozenset({Role.COMMUNITY_STAFF}), "community")
            communities = communities.filter(pk__in=sorted(kept))
        self.fields["community"].queryset = communities
        if self.instance.pk:
            # It stays in its community: its sign-ups are that community's volunteers.
            del self.fields["community"]
            community = self.instance.community
        else:
            if communities.count() == 1:
                self.fields["community"].initial = communities.first()
                self.fields["community"].widget = forms.HiddenInput()
            community = self.chosen_row("community")
        # A team dissolved since stays the choice of the rows it organised.
        teams = self.fields["team"].queryset.filter(
            Q(dissolved_on__isnull=True) | Q(pk=self.instance.team_id)
        )
        buildings = self.fields["building"].queryset
        if community is not None:
            teams, buildings = (
                teams.filter(community=community),
                buildings.filter(community=community),
            )
        self.fields["team"].queryset = teams
        self.fields["building"].queryset = buildings

    def clean(self):
        cleaned = super().clean()
        community = cleaned.get("community") if "community" in self.fields else None
        if community is not None:
            self.instance.community = community
        community_id = self.instance.community_id
        for name in ("team", "building"):
            row = cleaned.get(name)
            if row is not None and community_id and row.community_id != community_id:
                self.add_error(name, _("须是本社区的。"))
        place = cleaned.get("building") or cleaned.get("address")
        if not place and "building" not in self.errors:
            # Under the address, so the constraint's message says where to write it.
            self.add_error("address", _("请选择楼栋或填写地点。"))
        return cleaned


class ActivityForm(CommunityPlaceForm):
    class Meta:
        model = Activity
        fields = [
            "community", "title", "description", "team", "starts_at", "ends_at", "building",
            "address", "capacity", "signup_opens_at", "signup_closes_at", "skills", "offer_hours",
        ]  # fmt: skip
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "starts_at": datetime_input(),
            "ends_at": datetime_input(),
            "signup_opens_at": datetime_input(),
            "signup_closes_at": datetime_input(),
            "address": forms.TextInput(attrs={"placeholder": _("例如：社区广场、活动室")}),
        }
        field_classes = {
            name: LocalDateTimeField
            for name in ("starts_at", "ends_at", "signup_opens_at", "signup_closes_at")
        }
        help_texts = {"building": _("在某栋楼活动时选择；否则填写地点。")}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.instance.pk and not self.is_bound:
            start = timezone.localtime().replace(minute=0, second=0, microsecond=0)
            start += datetime.timedelta(days=1)
            self.initial.setdefault("starts_at", start)
            self.initial.setdefault("ends_at", start + datetime.timedelta(hours=2))

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            local_start, local_end = timezone.localtime(starts), timezone.localtime(ends)
            if local_end.date() == local_start.date() and local_end.time() < local_start.time():
                # 23:00–03:00 typed on one day: the night patrol ends the next morning.
                self.add_error(
                    "ends_at",
                    _("结束时间早于开始时间。跨过午夜的活动，结束时间请选第二天的日期。"),
                )
        opens = cleaned.get("signup_opens_at")
        if opens and starts and opens >= starts:
            self.add_error("signup_opens_at", _("报名开始须早于活动开始。"))
        closes = cleaned.get("signup_closes_at")
        if closes and starts and closes > starts:
            self.add_error("signup_closes_at", _("报名截止不能晚于活动开始。"))
        return cleaned


class ActivityTemplateForm(CommunityPlaceForm):
    """A weekly shift: its activities are made some weeks ahead, each once."""

    class Meta:
        model = ActivityTemplate
        fields = [
            "community", "title", "description", "team", "weekday", "start_time", "minutes",
            "building", "address", "capacity", "skills", "starts_on", "ends_on", "weeks_ahead",
        ]  # fmt: skip
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "starts_on": DATE_INPUT,
            "ends_on": DATE_INPUT,
            "address": forms.TextInput(attrs={"placeholder": _("例如：社区东门集合")}),
        }
        help_texts = {
            "building": _("在某栋楼活动时选择；否则填写地点。"),
            "ends_on": _("不再排班时填写；已生成的活动不受影响，需要时在活动页逐个取消。"),
            "weeks_ahead": _("居民可以提前几周报名。"),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.instance.pk and not self.is_bound:
            self.initial.setdefault("starts_on", timezone.localdate())
            self.initial.setdefault("start_time", datetime.time(19, 0))
            self.initial.setdefault("minutes", 120)

    def clean_starts_on(self):
        day = self.cleaned_data["starts_on"]
        if day and not YEARS[0] <= day.year <= YEARS[1]:
            raise ValidationError(
                _("请填写 %(first)s 至 %(last)s 年之间的日期。"),
                params={"first": YEARS[0], "last": YEARS[1]},
            )
        return day


class SignUpAddForm(CleanInputMixin, forms.Form):
    """Staff sign up a volunteer who came to the office or phoned."""

    volunteer = forms.ModelChoiceField(label=_("志愿者"), queryset=Volunteer.objects.none())

    def __init__(self, *args, user, activity: Activity, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        signed_up = activity.sign_ups.filter(status__in=ACTIVE_SIGN_UPS).values("volunteer")
        field = self.fields["volunteer"]
        field.queryset = (
            Volunteer.objects.visible_to(user, CHANGE)
            .filter(community=activity.community_id, status=VolunteerStatus.ACTIVE)
            .exclude(pk__in=signed_up)
            .select_related("resident")
            .order_by("resident__name_initials", "pk")
        )
        field.label_from_instance = lambda volunteer: volunteer.resident.name


class ActivityCancelForm(CleanInputMixin, forms.Form):
    reason = forms.CharField(
        label=_("取消原因"), max_length=100, required=False,
        help_text=_("会随通知发给已报名和候补的志愿者。"),
        widget=forms.TextInput(attrs={"placeholder": _("例如：天气原因，改期另行通知")}),
    )  # fmt: skip
