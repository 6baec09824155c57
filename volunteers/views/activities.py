"""Activities (活动) and signing up for them. Staff keep the list, the form, the roster and the
calling off; a volunteer signed in as a resident reads the community's calendar, signs up, and
follows their sign-ups on 我的报名. Every step goes through `volunteers.services`, and a refused
step comes back as a message on the page it was taken from."""

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import FormView, ListView

from shequ.access import Access
from shequ.models import Role
from shequ.models.scoping import CHANGE
from shequ.views.generic import (
    ObjectCreateView,
    ObjectDetailView,
    ObjectListView,
    ObjectUpdateView,
    ScopedMixin,
    integrity_message,
)
from volunteers import services
from volunteers.choices import ACTIVE_SIGN_UPS, HOLDING, SignUpStatus, VolunteerStatus
from volunteers.filters import ActivityFilterSet, ActivityTemplateFilterSet
from volunteers.forms.activities import (
    ActivityCancelForm,
    ActivityForm,
    ActivityTemplateForm,
    SignUpAddForm,
)
from volunteers.hours import check_in_open
from volunteers.models import Activity, ActivityTemplate, SignUp, Volunteer
from volunteers.models.people import ORGANISERS
from volunteers.tables import ActivityTable, ActivityTemplateTable, CalendarList, MySignUpList

# Community staff may sign a volunteer up or off; a volunteer signed in does it for themselves.
SIGNERS = frozenset({Role.COMMUNITY_STAFF, Role.RESIDENT})


def with_places(activities: QuerySet) -> QuerySet:
    """Each activity with the places held and the number waiting, in the list's one query."""
    return activities.annotate(
        held=Count("sign_ups", filter=Q(sign_ups__status__in=HOLDING)),
        waiting=Count("sign_ups", filter=Q(sign_ups__status=SignUpStatus.WAITLISTED)),
    )


def waitlist_position() -> Subquery:
    """A waiting sign-up's place in its queue: those before it (by pk, the order served) + 1."""
    ahead = (
        SignUp.objects.filter(
            activity=OuterRef("activity"), status=SignUpStatus.WAITLISTED, pk__lte=OuterRef("pk")
        )
        .order_by()
        .values("activity")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Subquery(ahead)


def own_volunteer(user, activity: Activity) -> Volunteer | None:
    """The volunteer file linked to the signed-in account in the activity's community."""
    return (
        Volunteer.objects.visible_to(user)
        .filter(account=user, community=activity.community_id)
        .first()
    )


def back(request, default: str):
    """Back to the page the step was taken from (我的报名 or the activity), never elsewhere."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect(default)


class OrganisersOnly:
    """Pages over all of an activity's sign-ups: the keepers', never a resident's."""

    @classmethod
    def allows(cls, access: Access) -> bool:
        return access.is_admin or bool(ORGANISERS & access.roles)


class ResidentsOnly:
    """A volunteer's own pages, signed in as a resident."""

    @classmethod
    def allows(cls, access: Access) -> bool:
        return access.is_admin or Role.RESIDENT in access.roles


class ActivityListView(OrganisersOnly, ObjectListView):
    queryset = with_places(
        Activity.objects.select_related("building", "team", "community")
    ).order_by("starts_at", "pk")
    filterset_class = ActivityFilterSet
    title = _("志愿活动")
    sortable = {"starts_at": "starts_at"}
    add_url_name = "volunteers:activity_add"
    table_class = ActivityTable


class ActivityCreateView(ObjectCreateView):
    queryset = Activity.objects.all()
    form_class = ActivityForm
    title = _("发布活动")
    success_message = _("已发布活动：%(object)s。")

    def form_valid(self, form):
        form.instance.created_by = self.request.user
        return super().form_valid(form)

    def get_success_url(self):
        return self.object.get_absolute_url()


class ActivityUpdateView(ObjectUpdateView):
    queryset = Activity.objects.select_related("community")
    form_class = ActivityForm
    title = _("修改活动")
    success_message = _("已保存活动：%(object)s。")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            activity = get_object_or_404(self.get_queryset(), pk=kwargs["pk"])
            if activity.cancelled_at:
                messages.info(request, _("这个活动已取消，不能再修改。"))
                return redirect(activity)
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            with transaction.atomic():
                self.object = services.activity_change(
                    form.instance, self.request.user, fields=list(form.changed_data)
                )
        except services.Refused as refused:
            form.add_error(None, refused)
            return self.form_invalid(form)
        except IntegrityError as error:
            form.add_error(None, integrity_message(error, Activity))
            return self.form_invalid(form)
        messages.success(self.request, self.success_message % {"object": self.object})
        return redirect(self.object)


class ActivityTemplateListView(OrganisersOnly, ObjectListView):
    queryset = ActivityTemplate.objects.select_related("building", "team", "community").order_by(
        "weekday", "start_time", "pk"
    )
    filterset_class = ActivityTemplateFilterSet
    title = _("固定排班")
    add_url_name = "volunteers:activitytemplate_add"
    table_class = ActivityTemplateTable


class ActivityTemplateEditMixin:
    """Saving a weekly shift makes its coming weeks' activities at once, rather than at beat's
    next run, so the office sees them and residents can sign up the same day."""

    queryset = ActivityTemplate.objects.select_related("community")
    form_class = ActivityTemplateForm

    def form_valid(self, form):
        response = super().form_valid(form)
        if response.status_code == 302:
            made = services.shifts_ahead(templates=[self.object])
            if made:
                messages.info(self.request, _("已生成近期的 %(n)s 次活动。") % {"n": made})
        return response

    def get_success_url(self):
        return reverse("volunteers:activitytemplate_list")


class ActivityTemplateCreateView(ActivityTemplateEditMixin, ObjectCreateView):
    title = _("新建固定排班")
    success_message = _("已保存固定排班：%(object)s。")


class ActivityTemplateUpdateView(ActivityTemplateEditMixin, ObjectUpdateView):
    title = _("修改固定排班")
    success_message = _("已保存固定排班：%(object)s。")


class ActivityCancelView(ScopedMixin, FormView):
    """取消活动: every sign-up ends and each person is told, with the reason given."""

    queryset = Activity.objects.all()
    action = CHANGE
    form_class = ActivityCancelForm
    template_name = "volunteers/activity_cancel.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.activity = get_object_or_404(self.get_queryset(), pk=kwargs["pk"])
            refusal = ""
            if self.activity.cancelled_at:
                refusal = _("这个活动已取消。")
            elif timezone.now() >= self.activity.starts_at:
                refusal = _("活动已经开始，不能再取消。")
            if refusal:
                messages.info(request, refusal)
                return redirect(self.activity)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        active = self.activity.sign_ups.filter(status__in=ACTIVE_SIGN_UPS).count()
        return super().get_context_data(
            title=_("取消活动：%(title)s") % {"title": self.activity.title},
            activity=self.activity, active=active, **kwargs,
        )  # fmt: skip

    def form_valid(self, form):
        try:
            ended = services.activity_cancel(
                self.activity, self.request.user, reason=form.cleaned_data["reason"]
            )
        except services.Refused as refused:
            form.add_error(None, refused.messages)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("已取消活动，已通知 %(n)s 位报名或候补的志愿者。") % {"n": len(ended)},
        )
        return redirect(self.activity)


class ActivityDetailView(ObjectDetailView):
    """The activity: its places as numbers for everyone; the roster for its organisers; for a
    volunteer signed in, their own sign-up and its buttons."""

    queryset = Activity.objects.select_related("building", "team", "community")
    template_name = "volunteers/activity_detail.html"

    def get_context_data(self, **kwargs):
        activity, user, access = self.object, self.request.user, self.request.access
        counts = activity.sign_ups.aggregate(
            held=Count("pk", filter=Q(status__in=HOLDING)),
            waiting=Count("pk", filter=Q(status=SignUpStatus.WAITLISTED)),
        )
        context = {"counts": counts, "now": timezone.now()}
        if access.is_admin or ORGANISERS & access.roles:
            context["roster"] = self.roster(activity)
            context["check_in_open"] = check_in_open(activity, context["now"])
        volunteer = own_volunteer(user, activity)
        context["volunteer"] = volunteer
        if volunteer is not None:
            context["mine"] = (
                SignUp.objects.visible_to(user)
                .filter(activity=activity, volunteer=volunteer, status__in=ACTIVE_SIGN_UPS)
                .annotate(position=waitlist_position())
                .first()
            )
        context["signup_note"] = self.signup_note(activity, context["now"])
        changeable = Activity.objects.visible_to(user, CHANGE).filter(pk=activity.pk).exists()
        if changeable and not activity.cancelled_at and context["now"] < activity.starts_at:
            context["add_form"] = SignUpAddForm(user=user, activity=activity)
        return super().get_context_data(**context, **kwargs)

    def roster(self, activity: Activity) -> dict[str, list[SignUp]]:
        rows = (
            SignUp.objects.visible_to(self.request.user)
            .filter(activity=activity)
            .select_related("volunteer__resident", "service_record")
            .order_by("pk")
        )
        roster = {"confirmed": [], "offered": [], "waitlisted": [], "ended": []}
        for row in rows:
            key = row.status if row.status in roster else "ended"
            roster[key].append(row)
        return roster

    @staticmethod
    def signup_note(activity: Activity, now) -> str:
        """Why nobody can sign up now, or ""."""
        if activity.cancelled_at:
            return _("这个活动已取消。")
        if activity.signup_opens_at and now < activity.signup_opens_at:
            when = f"{timezone.localtime(activity.signup_opens_at):%m-%d %H:%M}"
            return _("报名将于 %(when)s 开始。") % {"when": when}
        if now >= activity.signup_closes():
            return _("报名已截止。")
        return ""


class SignUpAddView(ScopedMixin, FormView):
    """Staff sign up a volunteer who asked at the office or by phone."""

    queryset = SignUp.objects.all()
    action = CHANGE
    form_class = SignUpAddForm
    template_name = "object_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.allows(request.access):
            changeable = Activity.objects.visible_to(request.user, CHANGE)
            self.activity = get_object_or_404(changeable, pk=kwargs["activity_pk"])
            note = ActivityDetailView.signup_note(self.activity, timezone.now())
            if note:
                messages.info(request, note)
                return redirect(self.activity)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "activity": self.activity}

    def get_context_data(self, **kwargs):
        title = _("为志愿者报名：%(title)s") % {"title": self.activity.title}
        return super().get_context_data(title=title, **kwargs)

    def form_valid(self, form):
        volunteer = form.cleaned_data["volunteer"]
        try:
            sign_up = services.sign_up(self.activity, volunteer, self.request.user)
        except services.Refused as refused:
            form.add_error("volunteer", refused.messages)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("已为 %(name)s 报名（%(status)s）。")
            % {"name": volunteer.resident.name, "status": sign_up.get_status_display()},
        )
        return redirect(self.activity)


class ActivitySignUpView(ScopedMixin, View):
    """报名: the signed-in volunteer signs themselves up, or is told why not."""

    queryset = Activity.objects.all()

    def post(self, request, pk):
        activity = get_object_or_404(self.get_queryset(), pk=pk)
        volunteer = own_volunteer(request.user, activity)
        if volunteer is None or volunteer.status != VolunteerStatus.ACTIVE:
            messages.info(request, not_a_volunteer(volunteer))
            return redirect(activity)
        try:
            sign_up = services.sign_up(activity, volunteer, request.user)
        except services.Refused as refused:
            messages.error(request, " ".join(refused.messages))
            return redirect(activity)
        if sign_up.status == SignUpStatus.WAITLISTED:
            messages.success(request, _("名额已满，已为您登记候补；有人取消时会通知您确认。"))
        else:
            messages.success(request, _("报名成功。"))
        return redirect(activity)


def not_a_volunteer(volunteer: Volunteer | None) -> str:
    if volunteer is not None and volunteer.status == VolunteerStatus.PENDING:
        return _("您的志愿者注册还在等待社区确认，确认后即可报名。")
    return _(
        "报名活动需要先注册为本社区的志愿者：请到社区办公室登记，或在“志愿服务”中申请注册，"
        "社区确认后即可报名。"
    )


class SignUpStepView(ScopedMixin, View):
    """A step on one sign-up by its person (or community staff for them), by POST."""

    queryset = SignUp.objects.select_related("activity", "volunteer__resident")
    done: str

    @classmethod
    def allows(cls, access: Access) -> bool:
        return access.is_admin or bool(SIGNERS & access.roles)

    def post(self, request, pk):
        sign_up = get_object_or_404(self.get_queryset(), pk=pk)
        try:
            self.take(sign_up, request.user)
        except services.Refused as refused:
            messages.error(request, " ".join(refused.messages))
        else:
            messages.success(request, self.done % {"title": sign_up.activity.title})
        return back(request, sign_up.activity.get_absolute_url())

    def take(self, sign_up: SignUp, by) -> SignUp:
        raise NotImplementedError


class SignUpCancelView(SignUpStepView):
    done = _("已取消“%(title)s”的报名。")

    def take(self, sign_up, by):
        return services.sign_up_cancel(sign_up, by)


class SignUpConfirmView(SignUpStepView):
    done = _("已确认参加“%(title)s”。")

    def take(self, sign_up, by):
        return services.sign_up_confirm(sign_up, by)


class ActivityCalendarView(ResidentsOnly, ScopedMixin, ListView):
    """活动日历: the community's activities not yet over, with places left or the number
    waiting, and the reader's own sign-up marked. Nobody else's name."""

    queryset = Activity.objects.all()
    template_name = "volunteers/activity_calendar.html"
    paginate_by = 30

    def get_queryset(self):
        user = self.request.user
        mine = SignUp.objects.filter(
            activity=OuterRef("pk"), volunteer__account=user, status__in=ACTIVE_SIGN_UPS
        ).values("status")[:1]
        return (
            with_places(super().get_queryset().select_related("building"))
            .filter(ends_at__gt=timezone.now(), cancelled_at__isnull=True)
            .annotate(mine=Subquery(mine))
            .order_by("starts_at", "pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = CalendarList(context["object_list"], request=self.request)
        context["mine_url"] = reverse("volunteers:signup_mine")
        return context


class MySignUpsView(ResidentsOnly, ScopedMixin, ListView):
    """我的报名: the volunteer's own sign-ups, the latest activities first, with their place in
    the waitlist, an offered place's deadline, and the buttons to confirm or cancel."""

    queryset = SignUp.objects.all()
    template_name = "volunteers/signup_mine.html"
    paginate_by = 30

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .filter(volunteer__account=self.request.user)
            .select_related("activity__building")
            .annotate(position=waitlist_position())
            .order_by("-activity__starts_at", "-pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = MySignUpList(context["object_list"], request=self.request)
        context["is_volunteer"] = (
            Volunteer.objects.visible_to(self.request.user)
            .filter(account=self.request.user)
            .first()
        )
        return context
