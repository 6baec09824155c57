"""月检查 pages: the grid of inspected indicators against communities, and entering a score."""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from assessments.choices import Kind, MonthState
from assessments.forms import InspectionForm, default_month
from assessments.models import AssessmentMonth, Indicator, Inspection, Scheme
from assessments.views.months import district_and_month
from shequ.models import Community
from shequ.params import query_month, query_row
from shequ.views.generic import ObjectCreateView, ObjectUpdateView, ScopedMixin


class InspectionListView(ScopedMixin, TemplateView):
    """月检查: each community against each inspected indicator of the month, with what is
    missing or late once the deadline has passed."""

    queryset = Inspection.objects.all()
    template_name = "assessments/inspections.html"

    def get_context_data(self, **kwargs):
        request, user = self.request, self.request.user
        districts, district, period = district_and_month(request, default_month())
        scheme = Scheme.in_force(district.pk, period.first)
        indicators = list(scheme.indicators.filter(kind=Kind.INSPECTED)) if scheme else []
        communities = list(
            Community.objects.visible_to(user)
            .filter(street__district=district)
            .select_related("street")
            .order_by("street__code", "code")
        )
        entered = {
            (i.community_id, i.indicator_id): i
            for i in self.get_queryset()
            .filter(month=period.first, indicator__in=indicators, community__in=communities)
            .select_related("indicator__scheme")
        }
        deadline = scheme.inspection_deadline(period.first) if scheme else None
        past_deadline = bool(deadline and timezone.localdate() > deadline)
        rows = [
            (community, [(indicator, entered.get((community.pk, indicator.pk)))
                         for indicator in indicators])
            for community in communities
        ]  # fmt: skip
        missing = sum(1 for _community, cells in rows for _i, found in cells if found is None)
        published = AssessmentMonth.objects.filter(
            district=district, month=period.first, state=MonthState.PUBLISHED
        ).exists()
        may_enter = InspectionCreateView.allows(request.access) and not published
        return super().get_context_data(
            district=district, districts=districts if districts.count() > 1 else None,
            period=period, previous=period.previous, following=period.following,
            scheme=scheme, indicators=indicators, rows=rows, deadline=deadline,
            past_deadline=past_deadline, missing=missing, may_enter=may_enter, published=published,
            **kwargs,
        )  # fmt: skip


class InspectionCreateView(ObjectCreateView):
    queryset = Inspection.objects.all()
    form_class = InspectionForm
    title = gettext_lazy("录入检查评分")
    success_message = gettext_lazy("已保存检查评分：%(object)s。重新计算该月后计入得分。")

    def get_initial(self):
        request = self.request
        communities = Community.objects.visible_to(request.user)
        return {
            "month": query_month(request, "month") or default_month(),
            "community": query_row(request, "community", communities),
            "indicator": query_row(
                request, "indicator", Indicator.objects.visible_to(request.user)
            ),
        }

    def form_valid(self, form):
        form.instance.inspector = self.request.user
        return super().form_valid(form)

    def get_success_url(self):
        return _inspections_url(self.object)


class InspectionUpdateView(ObjectUpdateView):
    # A published month's inspections stand as they were published.
    queryset = Inspection.objects.exclude(
        Exists(
            AssessmentMonth.objects.filter(
                district=OuterRef("community__street__district"), month=OuterRef("month"),
                state=MonthState.PUBLISHED,
            )
        )
    ).select_related("indicator__scheme", "community__street")  # fmt: skip
    form_class = InspectionForm
    title = gettext_lazy("修改检查评分")
    success_message = InspectionCreateView.success_message

    def form_valid(self, form):
        form.instance.inspector = self.request.user
        return super().form_valid(form)

    def get_success_url(self):
        return _inspections_url(self.object)


def _inspections_url(inspection: Inspection) -> str:
    district = inspection.community.street.district_id
    return (
        f"{reverse('assessments:inspections')}?district={district}&month={inspection.month:%Y-%m}"
    )
