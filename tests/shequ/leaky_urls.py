"""The project's URLs plus views that each forget the scoping mechanism in one way, to prove the
walk catches every kind of leak (negative controls)."""

import io

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse
from django.urls import path
from django.views.generic import DetailView, View
from openpyxl import Workbook

from residents.forms import FieldLogEntryForm
from residents.models import FieldLogEntry, Household, Resident
from residents.views.fieldwork import FieldLogEntryCreateView
from shequ.excel import xlsx_response
from shequ.forms import ScopedModelForm
from shequ.models import Community
from shequ.urls import urlpatterns as project_urlpatterns
from shequ.views.generic import ObjectDetailView


class LeakyCommunityDetailView(LoginRequiredMixin, DetailView):
    """The row itself fetched without visible_to."""

    queryset = Community.objects.all()
    template_name = "shequ/community_detail.html"


class LeakyCommunityNamesView(LoginRequiredMixin, View):
    """A list without visible_to."""

    def get(self, request):
        return HttpResponse("、".join(Community.objects.values_list("name", flat=True)))


class LeakyCommunityResidentsView(ObjectDetailView):
    """A scoped row, with its related rows listed without visible_to: a grid worker sees the
    community, and then every resident of it."""

    queryset = Community.objects.all()

    def render_to_response(self, context, **kwargs):
        return HttpResponse("、".join(r.name for r in self.object.residents.all()))


class LeakyFieldLogEntryForm(FieldLogEntryForm):
    """Offers every resident to mention, not only the ones the writer may see."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["residents"] = forms.ModelMultipleChoiceField(
            queryset=Resident.objects.all(), required=False
        )

    def clean(self):
        # None of the entry form's checks on the rows it links.
        cleaned = ScopedModelForm.clean(self)
        if grid_unit := cleaned.get("grid_unit"):
            self.instance.community = grid_unit.community
        self.instance.author = self.user
        return cleaned


class LeakyFieldLogEntryCreateView(FieldLogEntryCreateView):
    queryset = FieldLogEntry.objects.all()
    form_class = LeakyFieldLogEntryForm

    def get_success_url(self):
        return "/"


class LeakyHouseholdMembersView(LoginRequiredMixin, View):
    """Reads ?household= and looks it up without visible_to."""

    def get(self, request):
        household = Household.objects.filter(pk=request.GET.get("household") or 0).first()
        members = household.members.all() if household else []
        return HttpResponse("、".join(r.name for r in members))


class LeakyResidentExportView(LoginRequiredMixin, View):
    """An export without visible_to: the names are only inside the xlsx file."""

    def get(self, request):
        workbook = Workbook()
        for resident in Resident.objects.all():
            workbook.active.append([resident.name])
        output = io.BytesIO()
        workbook.save(output)
        return xlsx_response(output.getvalue(), "leak.xlsx")


urlpatterns = [
    *project_urlpatterns,
    path("leaky/communities/<int:pk>/", LeakyCommunityDetailView.as_view(), name="leaky_detail"),
    path("leaky/communities/", LeakyCommunityNamesView.as_view(), name="leaky_names"),
    path(
        "leaky/communities/<int:pk>/residents/",
        LeakyCommunityResidentsView.as_view(),
        name="leaky_related",
    ),
    path("leaky/field-log/add/", LeakyFieldLogEntryCreateView.as_view(), name="leaky_form"),
    path("leaky/members/", LeakyHouseholdMembersView.as_view(), name="leaky_query"),
    path("leaky/export/", LeakyResidentExportView.as_view(), name="leaky_export"),
]
