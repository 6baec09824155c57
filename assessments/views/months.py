"""月考核 pages: a district's month ranked, one community's score explained indicator by
indicator down to the records behind it, and the runs that compute a month."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from assessments.choices import Kind, MonthState, RunState
from assessments.dashboards import red_flags
from assessments.models import (
    Appeal,
    AssessmentMonth,
    CommunityScore,
    IndicatorScore,
    Inspection,
    ScoringRun,
)
from assessments.models.scores import WORKING
from assessments.red_flags import held_by
from assessments.scoring import busy, last_month
from assessments.services import month_publish, streets_to_review
from assessments.tables import PartsTable, RankingTable
from assessments.tasks import score_run
from shequ.metrics import Period, metrics
from shequ.models import District, Role, Street
from shequ.models.scoping import CHANGE, scope_of
from shequ.params import asked_district, query_month, query_row
from shequ.views.generic import ObjectDetailView, ScopedMixin


def runs_district(user, district: District) -> bool:
    """Whether the user may compute the district's months: its district officials, and
    administrators."""
    if user.is_superuser:
        return True
    return district.pk in scope_of(user).ids(frozenset({Role.OFFICIAL}), "district")


def shown_publication(month: AssessmentMonth, user) -> int | None:
    """The publication a user reads of a month: the last one, or before the first the working
    copy, which only officials read (`CommunityScore.scope_filter`)."""
    if month.publication:
        return month.publication
    return WORKING if user.is_superuser or Role.OFFICIAL in scope_of(user).roles else None


def month_url(district_id: int, month: datetime.date) -> str:
    return f"{reverse('assessments:month')}?district={district_id}&month={month:%Y-%m}"


def reviews_street(user, street: Street) -> bool:
    """Officials check the communities of their street, or of any street of their district."""
    if user.is_superuser:
        return True
    scope = scope_of(user)
    officials = frozenset({Role.OFFICIAL})
    return street.pk in scope.ids(officials, "street") or street.district_id in scope.ids(
        officials, "district"
    )


def files_appeals(user, community_id: int) -> bool:
    """A community's own staff appeal its scores (and administrators, who may do anything)."""
    if user.is_superuser:
        return True
    staff = frozenset({Role.COMMUNITY_STAFF})
    return community_id in scope_of(user).ids(staff, "community")


def district_and_month(request, default: datetime.date) -> tuple[QuerySet, District, Period]:
    """The districts the user reaches, the one asked for (else the first) and the month asked
    for (else `default`): junk in either is no choice, not an error."""
    districts, district = asked_district(request)
    return districts, district, Period(query_month(request, "month") or default)


class MonthView(ScopedMixin, TemplateView):
    queryset = CommunityScore.objects.all()
    template_name = "assessments/month.html"

    def get_context_data(self, **kwargs):
        request, user = self.request, self.request.user
        districts, district, period = district_and_month(request, last_month().first)
        month = AssessmentMonth.objects.filter(district=district, month=period.first).first()
        publication = shown_publication(month, user) if month else None
        scores = CommunityScore.objects.none()
        if publication is not None:
            scores = (
                self.get_queryset()
                .filter(assessment_month=month, publication=publication)
                .select_related("community__street")
                .order_by("rank", "community__code")
            )
        # The red flags are the published month's, never the working copy's.
        flags = red_flags(user, district, [month]) if publication else []
        reviews = self.reviews(month) if month and publication == WORKING else None
        run = ScoringRun.objects.filter(district=district, month=period.first).first()
        interrupted = bool(run and run.state == RunState.RUNNING and not busy(district.pk, period))
        return super().get_context_data(
            district=district,
            districts=districts if districts.count() > 1 else None,
            period=period,
            previous=period.previous,
            following=period.following,
            month=month,
            publication=publication,
            table=RankingTable(scores, request=request, flags=held_by(flags)),
            flags=flags,
            reviews=reviews,
            reviewed=sum(1 for _street, review, _may in reviews or () if review),
            run=run,
            interrupted=interrupted,
            may_run=runs_district(user, district)
            and not (month and month.state == MonthState.PUBLISHED),
            **kwargs,
        )

    def reviews(self, month: AssessmentMonth) -> list[tuple]:
        """Each street of the month with its review, if any, and whether this user may give it."""
        given = {r.street_id: r for r in month.reviews.select_related("reviewed_by")}
        return [
            (street, given.get(street.pk), reviews_street(self.request.user, street))
            for street in streets_to_review(month).order_by("code", "pk")
        ]

    def get_template_names(self):
        if self.request.headers.get("HX-Request") and self.request.GET.get("part") == "run":
            return ["assessments/_run.html"]
        return [self.template_name]


class MonthActionView(ScopedMixin, View):
    """A district official's step on a month, by POST, back to the month's page with a message.
    The district and month are in the form's action, as on the page it came from."""

    action = CHANGE
    http_method_names = ["post"]

    def post(self, request):
        district = query_row(request, "district", District.objects.visible_to(request.user))
        month = query_month(request, "month")
        if district is None or month is None or not runs_district(request.user, district):
            raise Http404
        assessment = AssessmentMonth.objects.filter(district=district, month=month).first()
        level, message = self.take(district, Period(month), assessment)
        messages.add_message(request, level, message)
        return HttpResponseRedirect(month_url(district.pk, month))

    def take(self, district, period: Period, assessment) -> tuple[int, str]:
        raise NotImplementedError


class StartRunView(MonthActionView):
    """计算: queue a run of the district's month; the month page follows its progress."""

    queryset = ScoringRun.objects.all()

    def take(self, district, period, assessment):
        if assessment and assessment.state == MonthState.PUBLISHED:
            return messages.ERROR, _("这个月的考核已发布，不能重新计算。")
        if busy(district.pk, period):
            return messages.INFO, _("这个月正在计算，请稍候。")
        with transaction.atomic():
            run = ScoringRun.objects.create(
                district=district, month=period.first, started_by=self.request.user
            )
            transaction.on_commit(lambda: score_run.delay(run.pk))
        return messages.SUCCESS, _("已开始计算 %(month)s 的考核得分。") % {"month": period}


class PublishView(MonthActionView):
    """发布: the district freezes the month as computed; its communities read it from now on."""

    queryset = AssessmentMonth.objects.all()

    def take(self, district, period, assessment):
        if assessment is None or assessment.computed_at is None:
            return messages.ERROR, _("这个月还没有计算，不能发布。")
        if assessment.state == MonthState.PUBLISHED:
            return messages.INFO, _("这个月的考核已经发布过了。")
        if assessment.state != MonthState.REVIEWED:
            return messages.ERROR, _("还有街道没有审核这个月的得分，审核完才能发布。")
        if busy(district.pk, period):
            return messages.INFO, _("这个月正在计算，请计算完成后再发布。")
        month_publish(assessment)
        return messages.SUCCESS, _("已发布 %(month)s 的考核，社区现在可以看到得分。") % {
            "month": period
        }  # fmt: skip


class ScoreDetailView(ObjectDetailView):
    """One community's month: every indicator with its inputs, rule and marks."""

    queryset = CommunityScore.objects.select_related(
        "community__street", "assessment_month__district", "assessment_month__scheme"
    )
    template_name = "assessments/score_detail.html"

    def get_context_data(self, **kwargs):
        parts = (
            IndicatorScore.objects.filter(community_score=self.object)
            .select_related("indicator")
            .order_by("indicator__order", "indicator__pk")
        )
        score, user = self.object, self.request.user
        month = score.assessment_month
        appeals = {
            appeal.indicator_id: appeal
            for appeal in Appeal.objects.visible_to(user).filter(
                assessment_month=month, community=score.community_id
            )
        }
        may_appeal = score.open_to_appeal and files_appeals(user, score.community_id)
        latest = None
        if score.publication and score.publication != month.publication:
            latest = CommunityScore.objects.filter(
                assessment_month=month, community=score.community_id,
                publication=month.publication,
            ).first()  # fmt: skip
        table = PartsTable(parts, request=self.request, registry=metrics(), appeals=appeals,
                           may_appeal=may_appeal)  # fmt: skip
        return super().get_context_data(table=table, latest=latest, **kwargs)


class RecordsView(ScopedMixin, TemplateView):
    """The records behind a computed indicator, as far as the viewer may see them."""

    queryset = CommunityScore.objects.all()
    template_name = "assessments/records.html"
    title = gettext_lazy("指标明细")

    def get_context_data(self, **kwargs):
        score = get_object_or_404(
            self.get_queryset().select_related("community", "assessment_month"),
            pk=self.kwargs["pk"],
        )
        part = get_object_or_404(
            IndicatorScore.objects.select_related("indicator"),
            community_score=score, indicator_id=self.kwargs["indicator_pk"],
        )  # fmt: skip
        metric = metrics().get(part.indicator.metric)
        if part.indicator.kind == Kind.INSPECTED:
            # Behind an inspected indicator: the inspector's score and what they found.
            rows = Inspection.objects.filter(
                indicator=part.indicator, community=score.community,
                month=score.assessment_month.month,
            )  # fmt: skip
        elif metric is not None and metric.records is not None:
            rows = metric.records(Period(score.assessment_month.month))
            rows = rows.filter(**{metric.community_path: score.community})
        else:
            raise Http404
        visible = rows & rows.model.objects.visible_to(self.request.user)
        page = Paginator(visible.order_by("pk"), 50).get_page(self.request.GET.get("page"))
        # An empty page says whether there was nothing, or nothing this viewer may open.
        hidden = 0 if page.object_list else rows.count()
        return super().get_context_data(
            score=score, part=part, metric=metric, page=page, hidden=hidden, **kwargs
        )
