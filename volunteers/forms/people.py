"""Forms of volunteers' files and of teams with their members."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from residents.choices import Status
from residents.forms import DATE_INPUT
from shequ.forms import CleanInputMixin, ScopedModelForm
from shequ.id_numbers import parse_id_number
from shequ.models import Community, Role, User
from shequ.validators import not_in_future
from shequ.widgets import SearchSelect
from volunteers.choices import VolunteerStatus
from volunteers.forms.files import charter_field, sign_in_sheet_field
from volunteers.models import Team, TeamMeeting, TeamMembership, Volunteer
from volunteers.models.people import members_on

RESIDENT_PICKER = SearchSelect("residents:resident_search", placeholder=_("输入姓名或拼音首字母"))
NOTE = forms.Textarea(attrs={"rows": 2})


class VolunteerForm(ScopedModelForm):
    """A file kept by the community: the resident is picked when registering, and fixed after."""

    class Meta:
        model = Volunteer
        fields = [
            "resident", "registered_on", "skills", "guardian_name", "guardian_relation",
            "guardian_consented_on", "show_on_leaderboard", "account", "notes",
        ]  # fmt: skip
        widgets = {
            "resident": RESIDENT_PICKER,
            "registered_on": DATE_INPUT,
            "guardian_consented_on": DATE_INPUT,
            "notes": NOTE,
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["resident"]
        else:
            self.fields["resident"].queryset = (
                self.fields["resident"]
                .queryset.filter(status=Status.LIVING, volunteer__isnull=True)
                .select_related("household__building")
            )
            self.fields["resident"].error_messages["invalid_choice"] = _(
                "请选择本社区在住、还没有志愿者档案的居民（已注册的，请在志愿者名单中找到后修改）。"
            )
        communities = Community.objects.visible_to(self.user).values("pk")
        self.fields["account"].queryset = User.objects.filter(
            role_assignments__role=Role.RESIDENT, role_assignments__community__in=communities
        ).distinct()

    def clean(self):
        cleaned = super().clean()
        resident = cleaned.get("resident")
        if resident is not None:
            self.instance.community = resident.community
        community = self.instance.community if self.instance.community_id else None
        account = cleaned.get("account")
        residents = account.role_assignments.filter(role=Role.RESIDENT) if account else None
        if community is not None and account and not residents.filter(community=community).exists():
            self.add_error("account", _("登录账户须是本社区的居民账户。"))
        return cleaned


class StepForm(CleanInputMixin, forms.Form):
    def __init__(self, *args, user=None, **kwargs) -> None:
        self.user = user
        super().__init__(*args, **kwargs)


class ApplyForm(StepForm):
    """A resident registers themselves: their ID number finds them in the registry. It comes by
    POST only and is never shown again."""

    id_number = forms.CharField(
        label=_("身份证号码"), max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off", "data-no-draft": "true"}),
        help_text=_("用于在社区的居民登记中找到您，不会显示在页面上。"),
    )  # fmt: skip
    skills = forms.CharField(
        label=_("特长"), max_length=200, required=False,
        help_text=_("例如：急救、理发、维修、书法、驾驶。"),
    )  # fmt: skip
    guardian_name = forms.CharField(label=_("监护人姓名"), max_length=50, required=False)
    guardian_relation = forms.CharField(label=_("与监护人关系"), max_length=20, required=False)
    guardian_consented_on = forms.DateField(
        label=_("监护人同意日期"), required=False, widget=DATE_INPUT, validators=[not_in_future],
        help_text=_("未满 18 周岁的，须填写监护人及其同意日期。"),
    )  # fmt: skip

    def clean_id_number(self) -> str:
        return parse_id_number(self.cleaned_data["id_number"]).number


class DeclineForm(StepForm):
    reason = forms.CharField(label=_("原因"), max_length=80, widget=NOTE)


class LeaveForm(StepForm):
    day = forms.DateField(
        label=_("注销日期"), widget=DATE_INPUT, validators=[not_in_future],
        initial=timezone.localdate,
    )  # fmt: skip
    reason = forms.CharField(label=_("原因"), max_length=90, required=False, widget=NOTE)


class ConfirmForm(StepForm):
    """Confirming asks nothing: the button is the step."""


class TeamForm(ScopedModelForm):
    """A team or association. Its community is the user's, or the one picked by a user who
    keeps several."""

    community = forms.ModelChoiceField(label=_("社区"), queryset=Community.objects.all())
    charter_upload = charter_field()

    class Meta:
        model = Team
        fields = [
            "community", "kind", "name", "purpose", "charter", "charter_upload", "founded_on",
            "dissolved_on",
        ]  # fmt: skip
        widgets = {
            "founded_on": DATE_INPUT,
            "dissolved_on": DATE_INPUT,
            "purpose": forms.Textarea(attrs={"rows": 3}),
            "charter": forms.Textarea(attrs={"rows": 10}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["community"]
            return
        del self.fields["dissolved_on"]
        only = list(self.fields["community"].queryset[:2])
        if len(only) == 1:
            del self.fields["community"]
            self.instance.community = only[0]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("community") is not None:
            self.instance.community = cleaned["community"]
        if upload := cleaned.get("charter_upload"):
            self.instance.charter_file, self.instance.charter_file_name = upload
        return cleaned


class TeamMembershipForm(ScopedModelForm):
    """A member added to a team: an active volunteer of its community, not in it now. One
    leader at a time and each volunteer once are the model's constraints, shown here."""

    class Meta:
        model = TeamMembership
        fields = ["volunteer", "role", "joined_on"]
        widgets = {"joined_on": DATE_INPUT}

    def __init__(self, *args, team: Team, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.team = team
        self.fields["joined_on"].validators.append(not_in_future)
        in_team = team.memberships.filter(left_on__isnull=True).values("volunteer")
        self.fields["volunteer"].queryset = (
            self.fields["volunteer"]
            .queryset.filter(community=team.community_id, status=VolunteerStatus.ACTIVE)
            .exclude(pk__in=in_team)
            .select_related("resident")
            .order_by("resident__name_initials", "pk")
        )
        self.fields["volunteer"].error_messages["invalid_choice"] = _(
            "请选择本社区在册、现在不在这支队伍中的志愿者。"
        )

    def _get_validation_exclusions(self):
        # A member added has not left: the one-leader and member-once rules, which concern
        # current members (left_on empty), apply to them.
        return super()._get_validation_exclusions() - {"left_on"}

    def clean_joined_on(self):
        day = self.cleaned_data["joined_on"]
        if day and day < self.instance.team.founded_on:
            raise forms.ValidationError(_("加入日期不能早于队伍成立日期。"))
        return day


class MemberLeaveForm(StepForm):
    day = forms.DateField(
        label=_("退出日期"), widget=DATE_INPUT, validators=[not_in_future],
        initial=timezone.localdate,
    )  # fmt: skip


class TeamMeetingForm(ScopedModelForm):
    """A meeting or activity of a team: those who came are picked among the team's members on
    its date, as typed (the list follows the date as it changes)."""

    sheet_upload = sign_in_sheet_field()

    class Meta:
        model = TeamMeeting
        fields = ["date", "topic", "place", "minutes", "attendees", "sheet_upload"]
        widgets = {
            "date": DATE_INPUT,
            "minutes": forms.Textarea(attrs={"rows": 6}),
            "attendees": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, team: Team, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.team = team
        if self.instance.pk is None:
            self.instance.recorded_by = self.user
        field = self.fields["attendees"]
        day = self._day()
        field.queryset = (
            field.queryset.filter(pk__in=members_on(team, day).values("pk"))
            .select_related("resident")
            .order_by("resident__name_initials", "pk")
            if day
            else field.queryset.none()
        )
        field.label_from_instance = lambda volunteer: volunteer.resident.name
        field.error_messages["invalid_choice"] = _("只能选择会议当天在这支队伍中的队员。")
        field.error_messages["required"] = _("请选择参加的队员。")

    def visible_fields(self):
        """The meeting's own fields; those who came are laid out apart, to follow the date."""
        return [field for field in super().visible_fields() if field.name != "attendees"]

    def _day(self):
        """The date the members are listed for: as typed, or as given; none if not a date."""
        if self.is_bound:
            value = self["date"].value()
        else:
            value = self.get_initial_for_field(self.fields["date"], "date")
        try:
            return self.fields["date"].to_python(value)
        except forms.ValidationError:
            return None

    def save(self, commit: bool = True) -> TeamMeeting:
        from volunteers.services import team_meeting_save

        sheet = self.cleaned_data.get("sheet_upload")
        return team_meeting_save(
            self.instance, by=self.user, attendees=list(self.cleaned_data["attendees"]),
            sheet=sheet[0] if sheet else None,
        )  # fmt: skip
