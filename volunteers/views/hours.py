"""Hours: the organiser's records to approve (in bulk) or correct, a volunteer's own hours and
stars, and the service certificate with the public page that checks it."""

from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib import messages
from django.db.models import Sum
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import FormView, TemplateView

from shequ.models.scoping import CHANGE
from shequ.params import parse_id
from shequ.qr import qr_svg
from shequ.views.generic import ObjectDetailView, ObjectListView, ScopedMixin
from volunteers import hours
from volunteers.choices import RecordStatus, VolunteerStatus
from volunteers.filters import ServiceRecordFilterSet
from volunteers.models import Certificate, ServiceRecord, StarLevel, StarReached, Volunteer
from volunteers.models.people import ORGANISERS
from volunteers.models.records import MAX_HOURS
from volunteers.services import Refused
from volunteers.tables import ServiceRecordTable


class OrganisersOnlyMixin:
    """Lists of people's records are the organisers'; a volunteer reads their own hours."""

    @classmethod
    def allows(cls, access) -> bool:
        return access.is_admin or bool(ORGANISERS & access.roles)


class ServiceRecordListView(OrganisersOnlyMixin, ObjectListView):
    queryset = ServiceRecord.objects.select_related("volunteer__resident", "activity", "community")
    filterset_class = ServiceRecordFilterSet
    table_class = ServiceRecordTable
    template_name = "volunteers/record_list.html"
    title = _("服务记录")
    sortable = {"served_on": "served_on", "hours": "hours"}

    def get_context_data(self, **kwargs):
        may_decide = ServiceRecord.objects.visible_to(self.request.user, CHANGE).exists()
        return super().get_context_data(may_decide=may_decide, **kwargs)


class RecordsDecideView(OrganisersOnlyMixin, ScopedMixin, View):
    """认定 or 不予认定 for the records ticked on the list, in one go."""

    queryset = ServiceRecord.objects.all()
    action = CHANGE

    def get(self, request):
        return redirect("volunteers:record_list")

    def post(self, request):
        ids = [pk for pk in map(parse_id, request.POST.getlist("record")) if pk]
        records = list(self.get_queryset().filter(pk__in=ids[:1000]))
        decision = request.POST.get("decision")
        note = request.POST.get("note", "").strip()[:200]
        if not records:
            messages.warning(request, _("请先勾选要审核的服务记录。"))
        elif decision not in ("approve", "decline"):
            messages.warning(request, _("请选择认定或不予认定。"))
        elif decision == "decline" and not note:
            messages.warning(request, _("不予认定时请填写原因。"))
        else:
            try:
                n = hours.records_decide(records, request.user, approve=decision == "approve",
                                         note=note)  # fmt: skip
            except Refused as refused:
                messages.error(request, refused.messages[0])
            else:
                label = _("认定") if decision == "approve" else _("不予认定")
                messages.success(
                    request, _("已%(label)s %(n)s 条服务记录。") % {"label": label, "n": n}
                )
        return redirect(f"{reverse('volunteers:record_list')}?{request.GET.urlencode()}")


class RecordCorrectForm(forms.Form):
    hours = forms.DecimalField(
        label=_("服务时长（小时）"), min_value=Decimal(0), max_value=MAX_HOURS, decimal_places=2,
        max_digits=5,
    )  # fmt: skip
    note = forms.CharField(label=_("更正原因"), max_length=200)


class RecordCorrectView(ScopedMixin, FormView):
    """更正时长: the old value stays in the record's history."""

    queryset = ServiceRecord.objects.select_related("volunteer__resident")
    action = CHANGE
    form_class = RecordCorrectForm
    template_name = "volunteers/record_correct.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.record = get_object_or_404(self.get_queryset(), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"hours": self.record.hours}

    def get_context_data(self, **kwargs):
        return super().get_context_data(record=self.record, **kwargs)

    def form_valid(self, form):
        try:
            hours.record_correct(self.record, self.request.user, **form.cleaned_data)
        except Refused as refused:
            form.add_error(None, refused.messages)
            return self.form_invalid(form)
        messages.success(self.request, _("已更正服务时长。"))
        return redirect("volunteers:record_list")


def star_progress(volunteer: Volunteer) -> dict:
    """Approved hours, the levels reached with their dates, and the next level's hours."""
    total = ServiceRecord.objects.filter(
        volunteer=volunteer, status=RecordStatus.APPROVED
    ).aggregate(hours=Sum("hours"))["hours"] or Decimal(0)
    reached = list(StarReached.objects.filter(volunteer=volunteer).order_by("level"))
    upcoming = StarLevel.objects.filter(hours__gt=total).order_by("level").first()
    return {"total_hours": total, "stars": reached, "next_level": upcoming}


class MyHoursView(ScopedMixin, TemplateView):
    """我的服务时长: a volunteer signed in as a resident, their records, stars and certificates."""

    queryset = ServiceRecord.objects.all()
    template_name = "volunteers/my_hours.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        volunteer = Volunteer.objects.visible_to(user).filter(account=user).first()
        context = {"volunteer": volunteer}
        if volunteer:
            context.update(
                star_progress(volunteer),
                records=self.get_queryset().filter(volunteer=volunteer)
                .select_related("activity").order_by("-served_on", "-pk"),
                certificates=Certificate.objects.visible_to(user).filter(volunteer=volunteer),
            )  # fmt: skip
        return super().get_context_data(**context, **kwargs)


class CertificateIssueView(ScopedMixin, FormView):
    """开具志愿服务记录证明: the volunteer's approved service as it stands, on one page."""

    queryset = Volunteer.objects.select_related("resident")
    action = CHANGE
    form_class = forms.Form
    template_name = "volunteers/certificate_issue.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.volunteer = get_object_or_404(self.get_queryset(), pk=kwargs["volunteer_pk"])
            if self.volunteer.status == VolunteerStatus.PENDING:
                messages.info(request, _("注册尚未确认，不能开具证明。"))
                return redirect(self.volunteer)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(volunteer=self.volunteer, **star_progress(self.volunteer),
                                        **kwargs)  # fmt: skip

    def form_valid(self, form):
        try:
            certificate = hours.certificate_issue(self.volunteer, self.request.user)
        except Refused as refused:
            form.add_error(None, refused.messages)
            return self.form_invalid(form)
        return redirect(certificate)


def verify_url(code: str) -> str:
    return settings.SITE_URL + reverse("volunteers:certificate_verify") + f"?code={code}"


class CertificateDetailView(ObjectDetailView):
    """The certificate to print, with the QR code of its public check."""

    queryset = Certificate.objects.select_related("volunteer__resident", "volunteer__community",
                                                  "issued_by")  # fmt: skip
    template_name = "volunteers/certificate_detail.html"

    def get_context_data(self, **kwargs):
        certificate = self.object
        return super().get_context_data(
            records=ServiceRecord.objects.visible_to(self.request.user)
            .filter(volunteer=certificate.volunteer_id, status=RecordStatus.APPROVED,
                    served_on__lte=certificate.last_served_on)
            .select_related("activity").order_by("served_on", "pk"),
            qr=qr_svg(verify_url(certificate.code), title=_("扫码核验证明")),
            verify_url=verify_url(certificate.code),
            **kwargs,
        )  # fmt: skip


def masked_name(name: str) -> str:
    return name[:1] + "*" * max(len(name) - 1, 1)


class CertificateVerifyView(TemplateView):
    """核验: anyone with a certificate's code sees whether it is genuine, whom it is from and
    what it certifies, with the name masked and nothing else about the person."""

    template_name = "volunteers/certificate_verify.html"

    def get_context_data(self, **kwargs):
        code = "".join(self.request.GET.get("code", "").split()).upper()[:12]
        certificate = None
        if code:
            certificate = (
                Certificate.objects.select_related("volunteer__resident", "volunteer__community")
                .filter(code=code).first()
            )  # fmt: skip
        return super().get_context_data(
            code=code, asked=bool(code), certificate=certificate,
            name=masked_name(certificate.volunteer.resident.name) if certificate else "",
            **kwargs,
        )  # fmt: skip
