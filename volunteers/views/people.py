"""Volunteers' files (志愿者注册) and teams (志愿服务队、协会) with their members."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import FormView

from residents.models import Resident
from residents.presenters import history_rows
from shequ.access import Access
from shequ.images import photo_response
from shequ.models import Role
from shequ.models.scoping import CHANGE
from shequ.params import query_date, query_row
from shequ.views.generic import (
    ObjectCreateView,
    ObjectDetailView,
    ObjectListView,
    ObjectUpdateView,
    ScopedMixin,
    allowed_url,
    integrity_message,
)
from volunteers import services
from volunteers.choices import TeamRole, VolunteerStatus
from volunteers.filters import TeamFilterSet, VolunteerFilterSet
from volunteers.forms.people import (
    ApplyForm,
    ConfirmForm,
    DeclineForm,
    LeaveForm,
    MemberLeaveForm,
    TeamForm,
    TeamMeetingForm,
    TeamMembershipForm,
    VolunteerForm,
)
from volunteers.models import SignUp, Team, TeamMeeting, TeamMembership, Volunteer
from volunteers.models.people import ORGANISERS
from volunteers.tables import TeamTable, VolunteerTable

# A volunteer's page shows their latest sign-ups; the activities' pages have the rest.
SIGN_UPS_SHOWN = 10
# A team's page shows its latest meetings: two years of a monthly meeting.
MEETINGS_SHOWN = 24


class OrganisersOnly:
    """Rosters are for the community's organisers: a volunteer signed in as a resident has
    their own file, not a roster of one."""

    @classmethod
    def allows(cls, access: Access) -> bool:
        return access.is_admin or bool(ORGANISERS & access.roles)


def form_errors(form, error: ValidationError) -> None:
    """A model's or a step's refusal on the form: under its field where the form has it."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


# Volunteers


class VolunteerListView(OrganisersOnly, ObjectListView):
    queryset = Volunteer.objects.select_related("resident", "community").only(
        "community__name", "resident__name", "resident__birth_date", "resident__community",
        "resident__mobile_masked", "status", "skills", "registered_on",
    )  # fmt: skip
    filterset_class = VolunteerFilterSet
    title = _("志愿者")
    sortable = {
        "name": ("resident__name_initials", "resident__name_simplified"),
        "registered_on": "registered_on",
    }
    add_url_name = "volunteers:volunteer_add"
    table_class = VolunteerTable
    template_name = "volunteers/volunteer_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(search_placeholder=_("姓名、拼音首字母"), **kwargs)


class VolunteerDetailView(ObjectDetailView):
    queryset = Volunteer.objects.select_related("resident__household__building", "account")
    template_name = "volunteers/volunteer_detail.html"

    def get_context_data(self, **kwargs):
        user, volunteer, access = self.request.user, self.object, self.request.access
        may_change = Volunteer.objects.visible_to(user, CHANGE).filter(pk=volunteer.pk).exists()
        memberships = (
            TeamMembership.objects.visible_to(user)
            .filter(volunteer=volunteer)
            .select_related("team")
            .order_by("left_on", "-joined_on")
        )
        sign_ups = (
            SignUp.objects.visible_to(user)
            .filter(volunteer=volunteer)
            .select_related("activity")
            .order_by("-activity__starts_at")[:SIGN_UPS_SHOWN]
        )
        return super().get_context_data(
            may_change=may_change,
            volunteer=volunteer,
            resident=volunteer.resident,
            memberships=memberships,
            sign_ups=sign_ups,
            resident_url=may_change
            and allowed_url(access, "residents:resident_detail", volunteer.resident_id),
            history=history_rows(volunteer, self.request.access) if may_change else (),
            **kwargs,
        )


class VolunteerCreateView(ObjectCreateView):
    queryset = Volunteer.objects.all()
    form_class = VolunteerForm
    title = _("登记志愿者")
    success_message = _("已登记志愿者 %(object)s。")

    def get_initial(self):
        residents = Resident.objects.visible_to(self.request.user)
        return {"resident": query_row(self.request, "resident", residents)}

    def form_valid(self, form):
        try:
            with transaction.atomic():
                volunteer = form.save(commit=False)
                self.object = services.volunteer_register(volunteer, self.request.user)
        except ValidationError as error:
            form.instance.pk, form.instance._state.adding = None, True
            form_errors(form, error)
            return self.form_invalid(form)
        except IntegrityError as error:
            form.instance.pk, form.instance._state.adding = None, True
            form.add_error(None, integrity_message(error, Volunteer))
            return self.form_invalid(form)
        messages.success(self.request, self.success_message % {"object": self.object})
        return redirect(self.object)


class VolunteerUpdateView(ObjectUpdateView):
    queryset = Volunteer.objects.select_related("resident")
    form_class = VolunteerForm
    title = _("修改志愿者档案")
    success_message = _("已保存 %(object)s 的志愿者档案。")


class VolunteerStepView(ScopedMixin, FormView):
    """A step on a file (confirm, decline, 注销): its form, its service, the file afterwards.
    A step the file's status does not allow is not offered as a form."""

    queryset = Volunteer.objects.select_related("resident")
    action = CHANGE
    template_name = "volunteers/volunteer_step.html"
    title: str
    allowed_from: tuple[str, ...] = (VolunteerStatus.PENDING,)
    button = _("确定")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.volunteer = get_object_or_404(self.get_queryset(), pk=kwargs["pk"])
            if self.volunteer.status not in self.allowed_from:
                messages.info(
                    request,
                    _("%(name)s的状态为“%(status)s”，不能%(step)s。") % {
                        "name": self.volunteer, "step": self.title,
                        "status": self.volunteer.get_status_display(),
                    },
                )  # fmt: skip
                return redirect(self.volunteer)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=self.title, volunteer=self.volunteer, button=self.button, **kwargs
        )

    def form_valid(self, form):
        try:
            self.take(form.cleaned_data)
        except services.Refused as refused:
            form.add_error(None, refused.messages)
            return self.form_invalid(form)
        messages.success(
            self.request, _("%(name)s：已%(step)s。") % {"name": self.volunteer, "step": self.title}
        )
        return redirect(self.volunteer)

    def take(self, data: dict) -> Volunteer:
        raise NotImplementedError


class VolunteerConfirmView(VolunteerStepView):
    form_class = ConfirmForm
    title = _("确认注册")
    button = _("确认注册")

    def take(self, data):
        return services.volunteer_confirm(self.volunteer, self.request.user)


class VolunteerDeclineView(VolunteerStepView):
    form_class = DeclineForm
    title = _("不予通过注册")
    button = _("不予通过")

    def take(self, data):
        return services.volunteer_decline(self.volunteer, self.request.user, reason=data["reason"])


class VolunteerLeaveView(VolunteerStepView):
    form_class = LeaveForm
    title = _("注销")
    button = _("注销")
    allowed_from = (VolunteerStatus.PENDING, VolunteerStatus.ACTIVE)

    def take(self, data):
        return services.volunteer_leave(
            self.volunteer, self.request.user, day=data["day"], reason=data["reason"]
        )


class OwnVolunteerView(LoginRequiredMixin, FormView):
    """我的志愿者: a resident's own file, or the form to register from their phone. Their ID
    number comes by POST and finds them in their community's registry."""

    template_name = "volunteers/volunteer_own.html"
    form_class = ApplyForm

    @classmethod
    def allows(cls, access: Access) -> bool:
        return Role.RESIDENT in access.roles

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not self.allows(request.access):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def own(self) -> Volunteer | None:
        return (
            Volunteer.objects.visible_to(self.request.user)
            .filter(account=self.request.user)
            .exclude(status=VolunteerStatus.LEFT)
            .first()
        )

    def get(self, request, *args, **kwargs):
        if (own := self.own()) is not None:
            return redirect(own)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("注册志愿者"), **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            volunteer = services.volunteer_apply(
                self.request.user, id_number=data["id_number"], skills=data["skills"],
                guardian_name=data["guardian_name"], guardian_relation=data["guardian_relation"],
                guardian_consented_on=data["guardian_consented_on"],
            )  # fmt: skip
        except ValidationError as error:
            form_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("已提交志愿者注册，社区确认后即可报名参加活动。"))
        return redirect(volunteer)


# Teams and associations


class TeamListView(ObjectListView):
    # Counted in GROUP BY, which drops the model's ordering: it is said again.
    queryset = (
        Team.objects.select_related("community")
        .annotate(members=Count("memberships", filter=Q(memberships__left_on__isnull=True)))
        .order_by("community_id", "kind", "name")
    )
    filterset_class = TeamFilterSet
    title = _("志愿服务队和协会")
    sortable = {"name": "name", "kind": "kind", "members": "members", "founded_on": "founded_on"}
    add_url_name = "volunteers:team_add"
    table_class = TeamTable

    def get_context_data(self, **kwargs):
        return super().get_context_data(search_placeholder=_("名称或服务内容"), **kwargs)


class TeamDetailView(ObjectDetailView):
    queryset = Team.objects.select_related("community")
    template_name = "volunteers/team_detail.html"

    def get_context_data(self, **kwargs):
        user, team = self.request.user, self.object
        may_change = Team.objects.visible_to(user, CHANGE).filter(pk=team.pk).exists()
        # A resident's scope gives their own membership only: never the other members' names.
        memberships = list(
            TeamMembership.objects.visible_to(user)
            .filter(team=team)
            .select_related("volunteer__resident")
            .order_by("left_on", "role", "joined_on", "pk")
        )
        current = [m for m in memberships if m.left_on is None]
        keepers = self.request.access.is_admin or bool(ORGANISERS & self.request.access.roles)
        meetings = TeamMeeting.objects.visible_to(user).filter(team=team)
        return super().get_context_data(
            may_change=may_change,
            team=team,
            keepers=keepers,
            meetings=meetings.annotate(came=Count("attendees")).order_by("-date", "-pk")[
                :MEETINGS_SHOWN
            ],
            meetings_count=meetings.count() if keepers else 0,
            may_record=keepers and not team.dissolved_on,
            leaders=[m for m in current if m.role != TeamRole.MEMBER],
            current=current,
            former=[m for m in memberships if m.left_on is not None],
            mine=[m for m in memberships if m.volunteer.account_id == user.pk],
            history=history_rows(team, self.request.access) if may_change else (),
            **kwargs,
        )


class TeamCreateView(ObjectCreateView):
    queryset = Team.objects.all()
    form_class = TeamForm
    title = _("新建队伍或协会")
    success_message = _("已建立 %(object)s。")

    def get_success_url(self):
        return self.object.get_absolute_url()


class TeamUpdateView(ObjectUpdateView):
    queryset = Team.objects.all()
    form_class = TeamForm
    title = _("修改队伍或协会")
    success_message = _("已保存 %(object)s。")

    def get_success_url(self):
        return self.object.get_absolute_url()


class TeamMembershipCreateView(ObjectCreateView):
    queryset = TeamMembership.objects.all()
    form_class = TeamMembershipForm
    success_message = _("已加入：%(object)s。")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            teams = Team.objects.visible_to(request.user, CHANGE)
            self.team = get_object_or_404(teams, pk=kwargs["team_pk"])
            if self.team.dissolved_on:
                messages.info(request, _("%(team)s已解散，不能再加入队员。") % {"team": self.team})
                return redirect(self.team)
        return super().dispatch(request, *args, **kwargs)

    @property
    def title(self):
        return _("添加队员：%(team)s") % {"team": self.team}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "team": self.team}

    def get_initial(self):
        volunteers = Volunteer.objects.visible_to(self.request.user)
        return {"volunteer": query_row(self.request, "volunteer", volunteers)}

    def get_success_url(self):
        return self.team.get_absolute_url()


class TeamMembershipLeaveView(ScopedMixin, FormView):
    """A member leaves the team (退出): the row stays with its dates."""

    queryset = TeamMembership.objects.select_related("team", "volunteer__resident")
    action = CHANGE
    form_class = MemberLeaveForm
    template_name = "object_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.membership = get_object_or_404(self.get_queryset(), pk=kwargs["pk"])
            if self.membership.left_on:
                messages.info(
                    request,
                    _("%(name)s已于 %(day)s 退出%(team)s。") % {
                        "name": self.membership.volunteer, "team": self.membership.team,
                        "day": f"{self.membership.left_on:%Y-%m-%d}",
                    },
                )  # fmt: skip
                return redirect(self.membership.team)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        title = _("登记退出：%(membership)s") % {"membership": self.membership}
        return super().get_context_data(title=title, **kwargs)

    def form_valid(self, form):
        try:
            day = form.cleaned_data["day"]
            services.team_member_leave(self.membership, self.request.user, day=day)
        except services.Refused as refused:
            form.add_error(None, refused.messages)
            return self.form_invalid(form)
        messages.success(self.request, _("已登记退出：%(m)s。") % {"m": self.membership})
        return redirect(self.membership.team)


class TeamCharterView(ScopedMixin, View):
    """The charter as the association adopted it, to whoever may see the team (its residents
    read the charter's text too): a picture shown, a document downloaded under its own name."""

    queryset = Team.objects.all()

    def get(self, request, pk: int):
        team = get_object_or_404(self.get_queryset().exclude(charter_file=""), pk=pk)
        return kept_file_response(team.charter_file, team.charter_file_name)


def kept_file_response(stored, name: str):
    """A stored file for a view that has checked the viewer may see it; never a media URL."""
    if stored.name.rsplit(".", 1)[-1].lower() in ("jpg", "png", "webp"):
        return photo_response(stored)
    try:
        handle = stored.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    response = FileResponse(handle, as_attachment=True, filename=name)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# Team meetings (会议/活动记录): the organisers' records.


class TeamMeetingEditMixin:
    form_class = TeamMeetingForm
    template_name = "volunteers/teammeeting_form.html"
    success_message = _("已保存：%(object)s")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "team": self.team}

    def get_context_data(self, **kwargs):
        return super().get_context_data(team=self.team, **kwargs)

    def form_valid(self, form):
        adding = form.instance._state.adding
        try:
            return super().form_valid(form)
        except services.Refused as refused:
            if adding:
                form.instance.pk, form.instance._state.adding = None, True
            form_errors(form, refused)
            return self.form_invalid(form)
        except ValidationError as error:
            if adding:
                form.instance.pk, form.instance._state.adding = None, True
            form_errors(form, error)
            return self.form_invalid(form)


class TeamMeetingCreateView(TeamMeetingEditMixin, ObjectCreateView):
    queryset = TeamMeeting.objects.all()

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.allows(request.access):
            teams = Team.objects.visible_to(request.user)
            self.team = get_object_or_404(teams, pk=kwargs["team_pk"])
            if self.team.dissolved_on:
                messages.info(request, _("%(team)s已解散，不能再登记会议。") % {"team": self.team})
                return redirect(self.team)
        return super().dispatch(request, *args, **kwargs)

    @property
    def title(self):
        return _("登记会议/活动：%(team)s") % {"team": self.team}

    def get_initial(self):
        # The date the htmx refresh of the members asks for; today at first.
        return {"date": query_date(self.request, "date") or timezone.localdate()}

    def get_success_url(self):
        return self.object.get_absolute_url()


class TeamMeetingUpdateView(TeamMeetingEditMixin, ObjectUpdateView):
    queryset = TeamMeeting.objects.select_related("team")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.allows(request.access):
            self.team = get_object_or_404(self.get_queryset(), pk=kwargs["pk"]).team
        return super().dispatch(request, *args, **kwargs)

    @property
    def title(self):
        return _("修改会议/活动记录")

    def get_success_url(self):
        return self.object.get_absolute_url()


class TeamMeetingDetailView(ObjectDetailView):
    queryset = TeamMeeting.objects.select_related("team", "recorded_by")
    template_name = "volunteers/teammeeting_detail.html"

    def get_context_data(self, **kwargs):
        meeting = self.object
        attendees = (
            Volunteer.objects.visible_to(self.request.user)
            .filter(team_meetings=meeting)
            .select_related("resident")
            .order_by("resident__name_initials", "pk")
        )
        return super().get_context_data(
            meeting=meeting,
            team=meeting.team,
            attendees=attendees,
            history=history_rows(meeting, self.request.access),
            **kwargs,
        )


class TeamMeetingSheetView(ScopedMixin, View):
    """A meeting's sign-in sheet, to the organisers who keep the team's records."""

    queryset = TeamMeeting.objects.select_related("team")

    def get(self, request, pk: int):
        meeting = get_object_or_404(self.get_queryset().exclude(sign_in_sheet=""), pk=pk)
        extension = meeting.sign_in_sheet.name.rsplit(".", 1)[-1].lower()
        name = _("签到表-%(day)s.%(ext)s") % {"day": f"{meeting.date:%Y%m%d}", "ext": extension}
        return kept_file_response(meeting.sign_in_sheet, name)
