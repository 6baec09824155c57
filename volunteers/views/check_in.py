"""签到 and 签退 at an activity: the organiser's buttons on the roster, the QR code they show
on the spot, and the page a volunteer's phone opens from it. Every step goes through
`volunteers.hours`; a refused one comes back as a message on the page it was taken from."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from shequ.models.scoping import CHANGE
from shequ.qr import qr_svg
from shequ.views.generic import ObjectDetailView, ScopedMixin
from volunteers import hours
from volunteers.choices import ACTIVE_SIGN_UPS, SignUpStatus
from volunteers.models import Activity, SignUp
from volunteers.services import Refused
from volunteers.views.activities import OrganisersOnly

# Anything longer than the field holds is not a code; it is cut before it is compared.
CODE_LENGTH = 32


def scan_url(activity: Activity) -> str:
    """What the QR code encodes: the scan page on the site's address, with the code."""
    here = reverse("volunteers:activity_check_in", args=[activity.pk])
    return f"{settings.SITE_URL}{here}?{urlencode({'code': activity.check_in_code})}"


def clean_code(raw: str) -> str:
    """The code as typed from the sheet, where it is printed in groups of four."""
    return "".join(raw.split())[:CODE_LENGTH]


def hhmm(moment) -> str:
    return f"{timezone.localtime(moment):%H:%M}"


class SignUpCheckView(ScopedMixin, View):
    """签到 or 签退 for one person on the roster, by the community's staff."""

    queryset = SignUp.objects.select_related("activity", "volunteer__resident")
    action = CHANGE

    def post(self, request, pk):
        sign_up = get_object_or_404(self.get_queryset(), pk=pk)
        try:
            done = self.take(sign_up, request.user)
        except Refused as refused:
            messages.error(request, " ".join(refused.messages))
        else:
            messages.success(request, done)
        return redirect(f"{sign_up.activity.get_absolute_url()}#roster")

    def take(self, sign_up: SignUp, by) -> str:
        raise NotImplementedError


class SignUpCheckInView(SignUpCheckView):
    def take(self, sign_up, by):
        row = hours.check_in(sign_up, by)
        return _("%(name)s 已于 %(at)s 签到。") % {
            "name": sign_up.volunteer.resident.name, "at": hhmm(row.checked_in_at),
        }  # fmt: skip


class SignUpCheckOutView(SignUpCheckView):
    def take(self, sign_up, by):
        record = hours.check_out(sign_up, by)
        return _("%(name)s 已签退，服务时长 %(hours)s 小时，待审核认定。") % {
            "name": sign_up.volunteer.resident.name, "hours": f"{record.hours.normalize():f}",
        }  # fmt: skip


class ActivityCheckInCodeView(OrganisersOnly, ObjectDetailView):
    """签到二维码: printed or shown on a screen at the activity; the code below it is for
    phones that cannot scan."""

    queryset = Activity.objects.select_related("building")
    template_name = "volunteers/activity_check_in_code.html"

    def get_context_data(self, **kwargs):
        activity, now = self.object, timezone.now()
        code = activity.check_in_code
        return super().get_context_data(
            qr=qr_svg(scan_url(activity), scale=8, title=_("扫码签到")),
            scan_url=scan_url(activity),
            code_groups=[code[i : i + 4] for i in range(0, len(code), 4)],
            open=hours.check_in_open(activity, now), ended=now > activity.ends_at, **kwargs,
        )  # fmt: skip


class ActivityCheckInView(ScopedMixin, TemplateView):
    """The page the QR code opens on a volunteer's phone, signed in as a resident: the activity
    and one big button. Reading it changes nothing; 签到 and 签退 are POSTs."""

    queryset = Activity.objects.select_related("building")
    template_name = "volunteers/activity_check_in.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.activity = get_object_or_404(self.get_queryset(), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        activity, user, now = self.activity, self.request.user, timezone.now()
        code = clean_code(self.request.GET.get("code", ""))
        mine = (
            SignUp.objects.visible_to(user)
            .filter(activity=activity, volunteer__account=user, status__in=ACTIVE_SIGN_UPS)
            .select_related("service_record")
            .first()
        )
        return super().get_context_data(
            activity=activity, code=code, mine=mine, note=self.note(activity, mine, now),
            wrong_code=bool(code) and code != activity.check_in_code,
            good_code=code == activity.check_in_code, **kwargs,
        )  # fmt: skip

    @staticmethod
    def note(activity: Activity, mine: SignUp | None, now) -> str:
        """Why there is nothing to press now, or ""."""
        if activity.cancelled_at:
            return _("这个活动已取消。")
        if mine is None or mine.status != SignUpStatus.CONFIRMED:
            return _("你没有这个活动的已确认报名，请先报名或联系组织者。")
        if mine.checked_out_at:
            return ""
        if now < activity.starts_at - hours.CHECK_IN_EARLY:
            opens = timezone.localtime(activity.starts_at - hours.CHECK_IN_EARLY)
            return _("活动开始前 30 分钟起可以签到（%(at)s 起）。") % {"at": f"{opens:%m-%d %H:%M}"}
        if now > activity.ends_at:
            return _("活动已经结束。")
        return ""

    def post(self, request, pk):
        code = clean_code(request.POST.get("code", ""))
        leaving = request.POST.get("step") == "check_out"
        try:
            if leaving:
                record = hours.check_out_by_code(self.activity, code, request.user)
            else:
                row = hours.check_in_by_code(self.activity, code, request.user)
        except Refused as refused:
            messages.error(request, " ".join(refused.messages))
        else:
            if leaving:
                done = _("签退成功，服务时长 %(hours)s 小时，待组织者审核认定。") % {
                    "hours": f"{record.hours.normalize():f}"
                }
            else:
                done = _("签到成功，签到时间 %(at)s。") % {"at": hhmm(row.checked_in_at)}
            messages.success(request, done)
        here = reverse("volunteers:activity_check_in", args=[self.activity.pk])
        return redirect(f"{here}?{urlencode({'code': code})}" if code else here)
