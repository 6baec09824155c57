"""A month between computing and the communities: each street reviews its communities, the
district publishes, a community appeals an indicator with evidence, and the district decides."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from assessments.choices import AppealState, MonthState
from assessments.filters import AppealFilterSet
from assessments.forms import AppealDecisionForm, AppealForm
from assessments.models import (
    Appeal,
    AssessmentMonth,
    CommunityScore,
    EvidencePhoto,
    IndicatorScore,
    Inspection,
    StreetReview,
)
from assessments.services import AppealDecided, appeal_accept, appeal_reject, street_review
from assessments.tables import AppealTable
from assessments.views.months import month_url, reviews_street, runs_district
from shequ.images import photo_response
from shequ.models import Street
from shequ.models.scoping import CHANGE
from shequ.params import query_row
from shequ.views.generic import ObjectCreateView, ObjectDetailView, ObjectListView, ScopedMixin


class StreetReviewView(ScopedMixin, View):
    """审核通过: an official's check of a street's communities in a computed month."""

    queryset = StreetReview.objects.all()
    action = CHANGE
    http_method_names = ["post"]

    def post(self, request):
        month = query_row(request, "assessment", AssessmentMonth.objects.visible_to(request.user))
        street = query_row(request, "street", Street.objects.all())
        if month is None or street is None or street.district_id != month.district_id:
            raise Http404
        if not reviews_street(request.user, street):
            raise Http404
        if month.state == MonthState.PUBLISHED:
            messages.info(request, _("这个月的考核已经发布，不再需要审核。"))
        else:
            note = request.POST.get("note", "").strip()[:2000]
            street_review(month, street, request.user, note)
            messages.success(request, _("已审核 %(street)s 的社区得分。") % {"street": street})
        return HttpResponseRedirect(month_url(month.district_id, month.month))


class AppealCreateView(ObjectCreateView):
    queryset = Appeal.objects.all()
    form_class = AppealForm
    success_message = gettext_lazy("已提交申诉：%(object)s。区里处理后会在这里答复。")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.allows(request.access):
            self.part = self.appealed_part()
            if problem := self.refusal():
                messages.error(request, problem)
                return HttpResponseRedirect(self.part.community_score.get_absolute_url())
        return super().dispatch(request, *args, **kwargs)

    def appealed_part(self) -> IndicatorScore:
        """The indicator score disputed, if the user reads it: a community reads only its own,
        and only once published."""
        parts = IndicatorScore.objects.visible_to(self.request.user).select_related(
            "indicator", "community_score__assessment_month", "community_score__community"
        )
        return get_object_or_404(parts, pk=self.kwargs["indicator_score_pk"])

    def refusal(self) -> str:
        score = self.part.community_score
        if not score.open_to_appeal:
            return _("这个月的申诉期已过或得分尚未发布，不能申诉。")
        taken = Appeal.objects.filter(
            assessment_month=score.assessment_month, community=score.community,
            indicator=self.part.indicator,
        )  # fmt: skip
        if taken.exists():
            return _("这个月的这项指标已经申诉过了。")
        return ""

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        score = self.part.community_score
        kwargs["instance"] = Appeal(
            assessment_month=score.assessment_month, community=score.community,
            indicator=self.part.indicator, publication=score.publication,
            marks_before=self.part.score, filed_by=self.request.user,
        )  # fmt: skip
        return kwargs

    @property
    def title(self) -> str:
        score = self.part.community_score
        return _("对 %(indicator)s 提出申诉（%(community)s %(month)s，现得 %(marks)s 分）") % {
            "indicator": self.part.indicator.name, "community": score.community.name,
            "month": f"{score.assessment_month.month:%Y-%m}", "marks": self.part.score,
        }  # fmt: skip


class AppealListView(ObjectListView):
    queryset = Appeal.objects.select_related("assessment_month", "community__street", "indicator")
    filterset_class = AppealFilterSet
    table_class = AppealTable
    title = gettext_lazy("考核申诉")


class AppealDetailView(ObjectDetailView):
    queryset = Appeal.objects.select_related(
        "assessment_month__district", "community__street", "indicator", "filed_by", "decided_by"
    )
    template_name = "assessments/appeal_detail.html"

    def get_context_data(self, **kwargs):
        appeal = self.object
        decides = appeal.state == AppealState.PENDING and runs_district(
            self.request.user, appeal.assessment_month.district
        )
        kwargs.setdefault("form", AppealDecisionForm(appeal=appeal) if decides else None)
        score = CommunityScore.objects.filter(
            assessment_month=appeal.assessment_month, community=appeal.community,
            publication=appeal.publication,
        ).first()  # fmt: skip
        # What the inspector found, beside what the community says about it.
        inspection = (
            Inspection.objects.visible_to(self.request.user)
            .filter(indicator=appeal.indicator, community=appeal.community,
                    month=appeal.assessment_month.month)
            .select_related("inspector")
            .first()
        )  # fmt: skip
        return super().get_context_data(
            score=score, inspection=inspection, photos=list(appeal.photos.all()), **kwargs
        )


class AppealDecideView(AppealDetailView):
    """采纳 or 不予采纳, by a district official of the appeal's district."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        self.object = appeal = self.get_object()
        if not runs_district(request.user, appeal.assessment_month.district):
            # The community reads its appeal; only the district decides it.
            messages.error(request, _("申诉由区里的考核负责人处理。"))
            return HttpResponseRedirect(appeal.get_absolute_url())
        form = AppealDecisionForm(request.POST, appeal=appeal)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        decision = form.cleaned_data["decision"]
        try:
            if form.cleaned_data["state"] == AppealState.ACCEPTED:
                appeal = appeal_accept(appeal, form.cleaned_data["marks"], decision, request.user)
                messages.success(
                    request,
                    _("已采纳申诉，%(month)s 的考核已按调整后的得分重新发布（第 %(n)s 版）。")
                    % {
                        "month": f"{appeal.assessment_month.month:%Y-%m}",
                        "n": appeal.republished_as,
                    },
                )
            else:
                appeal_reject(appeal, decision, request.user)
                messages.success(request, _("已答复：不予采纳。"))
        except AppealDecided:
            messages.info(request, _("这条申诉已经有人处理过了。"))
        return HttpResponseRedirect(appeal.get_absolute_url())


class EvidencePhotoView(ScopedMixin, View):
    """A photo of an inspection or an appeal, to those who reach its community."""

    queryset = EvidencePhoto.objects.all()

    def get(self, request, pk: int):
        return photo_response(get_object_or_404(self.get_queryset(), pk=pk).image)
