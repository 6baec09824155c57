"""Whole ID and phone numbers: shown only on request, to the community's staff, and logged."""

from django.shortcuts import get_object_or_404, render
from django.views import View

from residents.models import Resident
from shequ.models import AccessLog
from shequ.views.generic import ScopedMixin


class ResidentRevealView(ScopedMixin, View):
    queryset = Resident.objects.all()
    action = "reveal"

    def post(self, request, pk):
        resident = get_object_or_404(self.get_queryset(), pk=pk)
        AccessLog.record(request, resident, "view_personal_numbers")
        return render(request, "residents/_personal_numbers.html", {"resident": resident})
