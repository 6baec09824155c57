"""The desk's pages: the list, a case with its timeline and the steps the user may take, the
registration form and the printed register (统一接待登记本)."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import ListView

from grievances import services
from grievances.choices import Channel, Kind
from grievances.filters import GrievanceFilterSet
from grievances.forms import GrievanceForm
from grievances.models import Grievance, Mediation
from grievances.tables import GrievanceTable, due_state
from grievances.views.steps import STEPS, Step
from partybuild.choices import FourOnesItem
from partybuild.models import FourOnesRecord
from residents.models import Building, FieldLogEntry, Resident
from shequ.access import Access
from shequ.models import Role
from shequ.params import query_month, query_row
from shequ.views.generic import ObjectCreateView, ObjectDetailView, ObjectListView, ScopedMixin


class GrievanceListView(ObjectListView):
    queryset = Grievance.objects.select_related("community", "category__parent", "department")
    filterset_class = GrievanceFilterSet
    title = _("诉求")
    table_class = GrievanceTable
    add_url_name = "grievances:grievance_add"
    sortable = {
        "number": ("year", "sequence"),
        "state": "state",
        "due": "due_on",
    }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["search_placeholder"] = _("登记编号（如 2026-0012）或事由")
        return context


class GrievanceDetailView(ObjectDetailView):
    queryset = Grievance.objects.select_related(
        "community__street__district", "category__parent", "building", "resident", "department",
        "assignee", "merged_into", "field_log_entry", "registered_by",
    )  # fmt: skip
    template_name = "grievances/grievance_detail.html"

    def get_context_data(self, failed=None, **kwargs):
        case, user = self.object, self.request.user
        held = services.capacities(user, case)
        failed_name, failed_form = failed or (None, None)
        # The step that failed keeps its place, open, with its message, even when the case has
        # moved on (someone else took it first) and the step is no longer offered.
        steps = [
            (step, failed_form, True)
            if step.name == failed_name
            else (step, step.form(case=case, user=user, prefix=step.name), False)
            for step in STEPS
            if step.name == failed_name or step.shown(case, held)
        ]
        return super().get_context_data(
            case=case,
            steps=steps,
            events=case.events.select_related("actor", "department"),
            due=due_state(case, timezone.localdate()),
            resident=_visible(Resident, case.resident_id, user),
            building=_visible(Building, case.building_id, user),
            field_log_entry=_visible(FieldLogEntry, case.field_log_entry_id, user),
            four_ones=self.four_ones_origin(case),
            merged_into=_visible(Grievance, case.merged_into_id, user),
            merged=Grievance.objects.visible_to(user).filter(merged_into=case),
            photos=case.photos.all(),
            mediation=self.mediation_link(case, held),
            **kwargs,
        )

    def four_ones_origin(self, case: Grievance) -> tuple[str, FourOnesRecord | None] | None:
        """A case filed from a party member's 四个一: which item, as the field-log origin is
        told; the record itself only to those who may open it."""
        # Which item, read beside the case the user already sees (as its field-log entry's id).
        origin = FourOnesRecord.objects.filter(grievance=case).values_list("pk", "item").first()
        if origin is None:
            return None
        pk, item = origin
        return FourOnesItem(item).label, _visible(FourOnesRecord, pk, self.request.user)

    def mediation_link(self, case: Grievance, held) -> str | None:
        """A dispute's mediation page, for its staff (who may open one) and for officials once a
        mediation exists."""
        if case.kind != Kind.DISPUTE:
            return None
        mediated = Mediation.objects.visible_to(self.request.user).filter(grievance=case)
        if "community" in held or mediated.exists():
            return reverse("grievances:mediation", args=[case.pk])
        return None


def _visible(model, pk, user):
    """The related row if the user may open it, else None (the page shows its name unlinked)."""
    if pk is None:
        return None
    return model.objects.visible_to(user).filter(pk=pk).first()


def may_register(access: Access) -> bool:
    return access.is_admin or Role.COMMUNITY_STAFF in access.roles


class GrievanceCreateView(ObjectCreateView):
    """登记诉求 at the desk: a walk-in, a call, a hotline ticket; or a grid worker's field-log
    entry turned into a case (`?field_log_entry=`), prefilled and linked both ways."""

    queryset = Grievance.objects.all()
    form_class = GrievanceForm
    template_name = "grievances/grievance_form.html"
    title = _("登记诉求")

    @classmethod
    def allows(cls, access: Access) -> bool:
        return may_register(access)

    def field_log_entry(self) -> FieldLogEntry | None:
        entries = FieldLogEntry.objects.visible_to(self.request.user).filter(grievance__isnull=True)
        return query_row(self.request, "field_log_entry", entries.select_related("author"))

    def get_initial(self):
        entry = self.field_log_entry()
        if entry is None:
            return {}
        seen = " ".join(entry.seen.split())
        description = entry.seen + (f"\n{_('已处理：')}{entry.done}" if entry.done else "")
        return {
            "community": entry.community_id, "channel": Channel.GRID, "kind": Kind.HELP,
            "title": Truncator(seen).chars(40), "description": description,
            "building": entry.building_id,
        }  # fmt: skip

    def get_context_data(self, **kwargs):
        return super().get_context_data(entry=self.field_log_entry(), **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        entry = self.field_log_entry()
        try:
            case = services.grievance_register(
                community=data["community"], category=data["category"], kind=data["kind"],
                channel=data["channel"], title=data["title"], description=data["description"],
                by=self.request.user, building=data["building"], address=data["address"],
                resident=data["resident"], contact_name=data["contact_name"],
                contact_phone=data["contact_phone"], priority=data["priority"],
                field_log_entry=entry if entry and entry.community_id == data["community"].pk
                else None,
            )  # fmt: skip
        except services.Refused as refusal:
            form.add_error(None, refusal.messages)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("已登记，编号 %(number)s，查询码 %(code)s。")
            % {"number": case.register_number, "code": case.tracking_code},
        )
        return HttpResponseRedirect(case.get_absolute_url())


class GrievanceRegisterPrintView(ScopedMixin, ListView):
    """The month's page of the unified reception register, one table per community, to print on
    A4 landscape and file, as the paper book was. Hidden cases keep their line: the book's
    numbers have no gaps."""

    queryset = Grievance.objects.select_related("community", "category__parent", "assignee")
    template_name = "grievances/register_print.html"

    def month(self) -> datetime.date:
        return query_month(self.request, "month") or timezone.localdate().replace(day=1)

    def get_queryset(self):
        start = self.month()
        end = (start + datetime.timedelta(days=32)).replace(day=1)
        return (
            super()
            .get_queryset()
            .filter(received_at__date__gte=start, received_at__date__lt=end)
            .order_by("community__code", "community_id", "year", "sequence")
        )

    def get_context_data(self, **kwargs):
        start = self.month()
        previous = (start - datetime.timedelta(days=1)).replace(day=1)
        following = (start + datetime.timedelta(days=32)).replace(day=1)
        return super().get_context_data(
            month=start, previous=f"{previous:%Y-%m}", following=f"{following:%Y-%m}", **kwargs
        )


class GrievanceStepView(ScopedMixin, View):
    """One step, by POST: the service decides. A refusal or a form error shows the case again
    with the message beside that step's form (nothing changed); success goes back to the case
    with a message."""

    queryset = Grievance.objects.all()
    http_method_names = ["post"]
    step: Step | None = None  # one view per step, given by grievances.urls

    def post(self, request, pk):
        case = get_object_or_404(self.get_queryset().select_related("community__street"), pk=pk)
        form = self.step.form(request.POST, case=case, user=request.user, prefix=self.step.name)
        if form.is_valid():
            try:
                self.step.run(case, request.user, form.cleaned_data)
            except services.Refused as refusal:
                form.add_error(None, refusal.messages)
            else:
                messages.success(request, self.step.done)
                return redirect(case)
        detail = GrievanceDetailView(request=request, kwargs={"pk": pk}, args=())
        detail.object = case
        return detail.render_to_response(detail.get_context_data(failed=(self.step.name, form)))
