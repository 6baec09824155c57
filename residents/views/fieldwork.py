"""The grid worker's day: visits, the must-visit list and the field log."""

import datetime

from django.contrib import messages
from django.db.models import Min, Q
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView

from residents.choices import Status
from residents.filters import FieldLogEntryFilterSet
from residents.forms import FieldLogCommentForm, FieldLogEntryForm, VisitForm
from residents.models import FieldLogEntry, Resident, ResidentTag, Visit
from residents.presenters import history_rows
from residents.tables import DueVisitList, FieldLogEntryList
from shequ.models import GridUnit
from shequ.params import query_int, query_row
from shequ.views.generic import (
    ObjectCreateView,
    ObjectDetailView,
    ObjectListView,
    ObjectUpdateView,
    ScopedMixin,
)


class VisitCreateView(ObjectCreateView):
    queryset = Visit.objects.all()
    form_class = VisitForm
    title = _("记录走访")
    success_message = _("已记录走访：%(object)s。")

    def get_initial(self):
        today = timezone.localdate()
        return {"household": query_int(self.request, "household"), "visited_on": today}

    def get_success_url(self):
        # Started from 待走访, the worker goes back to the list to take the next person.
        back = self.request.POST.get("next") or self.request.GET.get("next", "")
        if url_has_allowed_host_and_scheme(
            back, allowed_hosts={self.request.get_host()}, require_https=self.request.is_secure()
        ):
            return back
        return self.object.household.get_absolute_url()


class VisitDetailView(ObjectDetailView):
    queryset = Visit.objects.select_related("household__building", "visitor")
    template_name = "residents/visit_detail.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            residents=self.object.residents.visible_to(self.request.user),
            history=history_rows(self.object, self.request.access),
            **kwargs,
        )


class VisitUpdateView(ObjectUpdateView):
    """Correcting a visit (a wrong date, a note); the visitor stays who they were."""

    queryset = Visit.objects.all()
    form_class = VisitForm
    title = _("修改走访记录")
    success_message = _("已保存走访记录：%(object)s。")


def due_visits(residents, today: datetime.date):
    """Residents with must-visit tags whose household has not been visited within the shortest
    period among their tags (三必访/四个必访). Periods are few, so each becomes one OR branch."""
    periods = ResidentTag.objects.filter(visit_every_days__isnull=False).values_list(
        "visit_every_days", flat=True
    )
    overdue = Q(last_visit__isnull=True)
    for days in set(periods):
        overdue |= Q(period=days, last_visit__lt=today - datetime.timedelta(days=days))
    return (
        residents.filter(status=Status.LIVING, tags__visit_every_days__isnull=False)
        .annotate(period=Min("tags__visit_every_days"), last_visit=Visit.last_of_household())
        .filter(overdue)
        .order_by("last_visit", "household_id", "pk")
    )


class DueVisitListView(ScopedMixin, ListView):
    queryset = Resident.objects.all()
    template_name = "residents/visit_due.html"
    paginate_by = 50

    def get_queryset(self):
        residents = super().get_queryset()
        if grid_unit := query_int(self.request, "grid_unit"):
            residents = residents.filter(household__building__grid_unit=grid_unit)
        return due_visits(residents, timezone.localdate()).select_related(
            "household__building__grid_unit"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(
            grid_units=GridUnit.objects.visible_to(self.request.user),
            chosen_grid_unit=query_int(self.request, "grid_unit"),
            **kwargs,
        )
        context["table"] = DueVisitList(context["object_list"], request=self.request)
        return context


class FieldLogEntryListView(ObjectListView):
    queryset = FieldLogEntry.objects.select_related("author", "grid_unit", "building")
    filterset_class = FieldLogEntryFilterSet
    title = _("民情日志")
    sortable = {
        "date": "date",
        "grid_unit": ("grid_unit__community__code", "grid_unit__number"),
        "author": "author__name",
    }
    add_url_name = "residents:fieldlogentry_add"
    table_template_name = "residents/_fieldlogentry_table.html"
    table_class = FieldLogEntryList


class FieldLogEntryCreateView(ObjectCreateView):
    queryset = FieldLogEntry.objects.all()
    form_class = FieldLogEntryForm
    title = _("写民情日志")
    success_message = _("民情日志已保存。")

    def get_initial(self):
        own = GridUnit.objects.visible_to(self.request.user).order_by("pk").first()
        initial = {"date": timezone.localdate(), "grid_unit": own}
        if resident := self.mentioned():
            building = resident.household.building
            initial.update(grid_unit=building.grid_unit, building=building, residents=[resident])
        return initial

    def mentioned(self) -> Resident | None:
        visible = Resident.objects.visible_to(self.request.user).select_related("household")
        return query_row(self.request, "resident", visible)

    def get_form_kwargs(self):
        resident = self.mentioned()
        return {**super().get_form_kwargs(), "household": resident and resident.household}

    def get_success_url(self):
        return self.object.get_absolute_url()


class FieldLogEntryUpdateView(ObjectUpdateView):
    """Correcting an entry; the author stays who wrote it."""

    queryset = FieldLogEntry.objects.all()
    form_class = FieldLogEntryForm
    title = _("修改民情日志")
    success_message = _("民情日志已保存。")


class FieldLogEntryDetailView(ObjectDetailView):
    queryset = FieldLogEntry.objects.select_related("author", "grid_unit", "building")
    template_name = "residents/fieldlogentry_detail.html"

    def may_comment(self) -> bool:
        commentable = FieldLogEntry.objects.visible_to(self.request.user, "comment")
        return commentable.filter(pk=self.object.pk).exists()

    def get_context_data(self, **kwargs):
        kwargs.setdefault("comment_form", FieldLogCommentForm() if self.may_comment() else None)
        return super().get_context_data(
            comments=self.object.comments.select_related("author"),
            residents=self.object.residents.visible_to(self.request.user),
            history=history_rows(self.object, self.request.access),
            **kwargs,
        )

    def post(self, request, pk):
        self.object = get_object_or_404(self.get_queryset(), pk=pk)
        if not self.may_comment():
            return self.http_method_not_allowed(request)
        form = FieldLogCommentForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(comment_form=form))
        form.instance.entry, form.instance.author = self.object, request.user
        form.save()
        messages.success(request, _("批注已添加。"))
        return redirect(self.object)
