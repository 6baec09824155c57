"""The desk's public side: residents submit a grievance without an account, keep a receipt with
a register number and an unguessable tracking code, follow the case by that code, rate the reply
and reopen it once. These pages show no one's personal data, work without JavaScript, and are
rate-limited per address and per phone number (grievances.public.limits).

The staff side of it is here too: the community's poster and the photos, which are served only
to those who may see the case."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from grievances import services
from grievances.choices import State
from grievances.models import Category, Grievance, Photo
from grievances.public import limits
from grievances.public.forms import (
    LookupForm,
    RatingForm,
    ReopenForm,
    SubmissionForm,
    is_code,
    normalize_code,
)
from shequ.images import photo_response
from shequ.models import Community, Role
from shequ.models.scoping import CHANGE
from shequ.net import client_ip
from shequ.qr import qr_svg
from shequ.views.generic import ObjectDetailView, ScopedMixin

TOO_MANY_SUBMISSIONS = gettext_lazy("提交过于频繁，请稍后再试，或直接到社区办公室反映。")


class PublicView(View):
    """A page anyone may open. The walkers request it signed out, with the URL arguments
    `walk_kwargs(user)` gives for a row that user's scope holds, and require that it shows no
    personal data of anyone."""

    public = True

    @classmethod
    def walk_kwargs(cls, user) -> dict | None:
        return {}


def _community(code: str) -> Community:
    # A community's statistical code is public (it is printed on the poster), so the public
    # pages look it up without a user's scope.
    return get_object_or_404(Community.objects.select_related("street"), code=code)


def _first_community_code(user) -> dict | None:
    community = Community.objects.visible_to(user).order_by("pk").first()
    return {"community": community.code} if community else None


def _first_tracking_code(user) -> dict | None:
    case = Grievance.objects.visible_to(user).order_by("pk").first()
    return {"code": case.tracking_code} if case else None


def _categories() -> list[tuple[Category, list[Category]]]:
    """Active top-level categories, each with its active children."""
    rows = list(Category.objects.filter(active=True).order_by("order", "code"))
    children: dict[int, list[Category]] = {}
    for row in rows:
        if row.parent_id:
            children.setdefault(row.parent_id, []).append(row)
    return [(row, children.get(row.pk, [])) for row in rows if row.parent_id is None]


class StartView(PublicView):
    """The address on the poster: pick what the matter is about."""

    walk_kwargs = staticmethod(_first_community_code)

    def get(self, request, community: str):
        return self.show(request, _community(community))

    @staticmethod
    def show(request, community: Community, notice: str = "", status: int = 200):
        context = {"community": community, "categories": _categories(), "notice": notice}
        return render(request, "grievances_public/start.html", context, status=status)


class SubmitView(PublicView):
    template_name = "grievances_public/submit.html"

    @classmethod
    def walk_kwargs(cls, user) -> dict | None:
        kwargs = _first_community_code(user)
        category = Category.objects.filter(active=True).order_by("order", "code").first()
        return kwargs and category and {**kwargs, "category": category.code}

    def setup(self, request, *args, **kwargs) -> None:
        super().setup(request, *args, **kwargs)
        self.community = _community(kwargs["community"])
        self.category = Category.objects.filter(code=kwargs["category"]).first()

    def dispatch(self, request, *args, **kwargs):
        if self.category is None or not self.category.active:
            notice = _("这个类别已停用或不存在，请重新选择。")
            return StartView.show(request, self.community, notice, status=404)
        return super().dispatch(request, *args, **kwargs)

    def form(self, data=None, files=None) -> SubmissionForm:
        return SubmissionForm(data, files, community=self.community, category=self.category)

    def get(self, request, **kwargs):
        return self.show(self.form())

    def show(self, form: SubmissionForm, status: int = 200):
        context = {"community": self.community, "category": self.category, "form": form}
        return render(self.request, self.template_name, context, status=status)

    def post(self, request, **kwargs):
        form = self.form(request.POST, request.FILES)
        if form.is_bot():
            return render(request, "grievances_public/thanks.html", {"community": self.community})
        ip = client_ip(request)
        if limits.SUBMISSIONS_PER_IP.exceeded(ip):
            form.add_error(None, TOO_MANY_SUBMISSIONS)
            return self.show(form, status=429)
        if not form.is_valid():
            return self.show(form)
        data = form.cleaned_data
        phone = limits.phone_key(data["contact_phone"])
        if limits.SUBMISSIONS_PER_PHONE.exceeded(phone):
            message = _("这个手机号码今天已提交多次，请明天再试，或直接到社区办公室反映。")
            form.add_error("contact_phone", message)
            return self.show(form, status=429)
        user = request.user
        resident = user.is_authenticated and Role.RESIDENT in request.access.roles
        try:
            with transaction.atomic():
                case = services.grievance_register(
                    community=self.community, category=self.category, kind=data["kind"],
                    channel="online", title=data["title"], description=data["description"],
                    building=data["building"], address=data["address"],
                    contact_name=data["contact_name"], contact_phone=data["contact_phone"],
                    answers=form.answers(), submitted_by=user if resident else None,
                )  # fmt: skip
                for photo in data["photos"]:
                    Photo.objects.create(grievance=case, image=photo)
        except services.Refused as refused:
            form.add_error(None, refused.messages)
            return self.show(form)
        limits.SUBMISSIONS_PER_IP.hit(ip)
        limits.SUBMISSIONS_PER_PHONE.hit(phone)
        return redirect("grievances_public:receipt", code=case.tracking_code)


class CodeLookupRefused(Exception):
    def __init__(self, response):
        self.response = response


def _case_by_code(request, code: str) -> Grievance:
    """The case a tracking code names. Every lookup counts against the address, and a wrong code
    counts twice: a guesser is stopped long before a code of 31^12 could be found."""
    ip = client_ip(request)
    if limits.LOOKUPS_PER_IP.exceeded(ip) or limits.MISSES_PER_IP.exceeded(ip):
        message = _("查询过于频繁，请一小时后再试。")
        raise CodeLookupRefused(_lookup_page(request, LookupForm(), message, status=429))
    limits.LOOKUPS_PER_IP.hit(ip)
    code = normalize_code(code)
    case = None
    if is_code(code):
        case = (
            Grievance.objects.select_related("category", "community")
            .filter(tracking_code=code)
            .first()
        )
    if case is None:
        limits.MISSES_PER_IP.hit(ip)
        message = _("没有找到这个查询码，请核对回执上的 12 位查询码。")
        raise CodeLookupRefused(_lookup_page(request, LookupForm(), message, status=404))
    return case


def _lookup_page(request, form: LookupForm, message: str = "", status: int = 200):
    context = {"form": form, "message": message}
    return render(request, "grievances_public/lookup.html", context, status=status)


def grouped(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


class CodeView(PublicView):
    walk_kwargs = staticmethod(_first_tracking_code)

    def dispatch(self, request, *args, **kwargs):
        try:
            self.case = _case_by_code(request, kwargs["code"])
        except CodeLookupRefused as refused:
            return refused.response
        return super().dispatch(request, *args, **kwargs)

    def track_url(self) -> str:
        return reverse("grievances_public:track", args=[self.case.tracking_code])


class ReceiptView(CodeView):
    def get(self, request, code: str):
        case = self.case
        url = request.build_absolute_uri(self.track_url())
        context = {
            "case": case, "community": case.community, "code": grouped(case.tracking_code),
            "track_url": url, "qr": qr_svg(url, title=_("诉求查询二维码")),
            "photo_count": case.photos.count(),
        }  # fmt: skip
        return render(request, "grievances_public/receipt.html", context)


class LookupView(PublicView):
    """Type the code from the receipt."""

    def get(self, request):
        if "code" not in request.GET:
            return _lookup_page(request, LookupForm())
        form = LookupForm(request.GET)
        if not form.is_valid():
            return _lookup_page(request, form)
        return redirect("grievances_public:track", code=form.cleaned_data["code"])


class TrackView(CodeView):
    template_name = "grievances_public/track.html"

    def get(self, request, code: str):
        return self.show()

    def show(self, rating_form=None, reopen_form=None, status: int = 200):
        case = self.case
        context = {"case": case, "community": case.community,
                   "code": grouped(case.tracking_code)}  # fmt: skip
        if not case.hidden:
            answered = case.state in {State.REPLIED, State.CLOSED}
            reopenable = (
                answered and case.reopened_at is None and case.replied_at is not None
                and timezone.now() - case.replied_at <= services.REOPEN_WITHIN
            )  # fmt: skip
            context.update(
                events=case.events.filter(public=True).order_by("at", "pk"),
                rating_form=rating_form or (RatingForm() if answered and not case.rating else None),
                reopen_form=reopen_form or (ReopenForm() if reopenable else None),
            )
        return render(self.request, self.template_name, context, status=status)


class RateView(TrackView):
    form_class = RatingForm

    def post(self, request, code: str):
        form = self.form_class(request.POST)
        if self.case.hidden or not form.is_valid():
            return self.show(rating_form=form)
        try:
            services.grievance_rate(grievance=self.case, rating=form.cleaned_data["rating"],
                                    comment=form.cleaned_data["comment"])  # fmt: skip
        except services.Refused as refused:
            form.add_error(None, refused.messages)
            return self.show(rating_form=form)
        messages.success(request, _("谢谢您的评价。"))
        return redirect(self.track_url())

    def get(self, request, code: str):
        return redirect(self.track_url())


class ReopenView(TrackView):
    form_class = ReopenForm

    def post(self, request, code: str):
        form = self.form_class(request.POST)
        if self.case.hidden or not form.is_valid():
            return self.show(reopen_form=form)
        try:
            services.grievance_reopen(grievance=self.case, reason=form.cleaned_data["reason"])
        except services.Refused as refused:
            form.add_error(None, refused.messages)
            return self.show(reopen_form=form)
        messages.success(request, _("已申请重新办理，社区会再次处理。"))
        return redirect(self.track_url())

    def get(self, request, code: str):
        return redirect(self.track_url())


class PosterView(ObjectDetailView):
    """An A4 poster for the community's notice board: its name and the QR code of its page."""

    queryset = Community.objects.all()
    action = CHANGE
    template_name = "grievances_public/poster.html"

    def get_context_data(self, **kwargs):
        url = self.request.build_absolute_uri(
            reverse("grievances_public:start", args=[self.object.code])
        )
        qr = qr_svg(url, scale=10, title=_("扫码反映诉求"))
        return super().get_context_data(start_url=url, qr=qr, **kwargs)


class PhotoView(ScopedMixin, View):
    """A photo of a case, to those who may see the case; never from a public media URL."""

    queryset = Photo.objects.all()

    def get(self, request, pk: int):
        visible = Grievance.objects.visible_to(request.user)
        photo = get_object_or_404(Photo.objects.filter(grievance__in=visible), pk=pk)
        return photo_response(photo.image)
