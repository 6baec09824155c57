"""Whole ID and phone numbers: each use is asked for by a POST, allowed by a scope action and
recorded in the access log. Revealing is for the community's staff; calling (the mobile number
alone) also for the grid worker of the resident's grid unit; looking a resident up by a whole
number for whoever may see the list, a limited number of times an hour (shequ.personal_data)."""

from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from residents.models import Resident
from residents.models.people import CALL, REVEAL
from residents.views.registry import ResidentListView
from shequ import personal_data
from shequ.models import AccessLog, Community
from shequ.views.generic import ScopedMixin


class ResidentRevealView(ScopedMixin, View):
    queryset = Resident.objects.all()
    action = REVEAL

    def post(self, request, pk):
        resident = get_object_or_404(self.get_queryset(), pk=pk)
        AccessLog.record(request, resident, AccessLog.VIEW_PERSONAL_NUMBERS)
        return render(request, "residents/_personal_numbers.html", {"resident": resident})


class ResidentCallView(ScopedMixin, View):
    """A grid worker on a phone taps 拨打电话: the number is shown as a tel: link, and logged."""

    queryset = Resident.objects.all()
    action = CALL

    def post(self, request, pk):
        resident = get_object_or_404(self.get_queryset(), pk=pk)
        AccessLog.record(request, resident, AccessLog.CALL)
        template = "residents/_call.html"
        if not request.headers.get("HX-Request"):
            template = "residents/resident_call.html"
        return render(request, template, {"resident": resident})


class ResidentLookupView(ResidentListView):
    """The list of residents whose whole ID, document or mobile number is the one typed.

    The number comes in a POST body, so it never reaches a URL or a server log; the list page's
    search box sends it here (static/js/number-lookup.js), or the small form beside it does
    without JavaScript."""

    def get(self, request):
        """The filters on a lookup's page (a GET to the page's own address) go to the list."""
        query = request.GET.copy()
        query.pop("number", None)
        return redirect(f"{reverse('residents:resident_list')}?{query.urlencode()}")

    def post(self, request):
        number = request.POST.get("number", "")
        self.filterset = self.get_filterset(self.get_filterset_class())
        notice, matches = "", Resident.objects.none()
        if not personal_data.normalize_number_query(number):
            notice = _("请输入完整的证件号码或手机号码。")
        elif not personal_data.take_number_lookup(request.user.pk):
            notice = _("按完整号码查找每小时最多 %(n)s 次，已达上限，请稍后再试。") % {
                "n": personal_data.NUMBER_LOOKUPS_PER_HOUR
            }
        else:
            matches = self.get_queryset().lookup(number)
            self.log(matches)
            notice = _("按完整号码查找到 %(n)s 人（本次查找已记录）。") % {"n": len(matches)}
        self.object_list = matches
        context = self.get_context_data(filter=self.filterset, object_list=matches)
        return self.render_to_response({**context, "lookup_notice": notice})

    def log(self, matches) -> None:
        for resident in matches:
            AccessLog.record(self.request, resident, AccessLog.SEARCH_BY_NUMBER)
        if not matches:
            community = Community.objects.visible_to(self.request.user).order_by("pk").first()
            if community is not None:
                AccessLog.record(self.request, community, AccessLog.SEARCH_BY_NUMBER_NOT_FOUND)
