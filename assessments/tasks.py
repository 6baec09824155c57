"""The monthly scoring: by beat for last month of every district, or one run from the page."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from assessments import scoring
from assessments.dashboards import refresh_area_figures
from assessments.models import AssessmentMonth, Scheme, ScoringRun
from shequ.metrics import Figures
from shequ.models import District


@shared_task
def score_run(run_id: int) -> str:
    """Carry out one queued run (started from the page)."""
    run = ScoringRun.objects.select_related("district").get(pk=run_id)
    return scoring.run(run).state


@shared_task
def score_last_month() -> dict[str, str]:
    """02:00 on the 1st: last month of every district with a scheme in force. Each metric is
    computed once for the whole city and shared by the districts."""
    period = scoring.last_month(timezone.localdate())
    figures: dict[str, Figures] = {}
    outcome = {}
    for district in District.objects.filter(
        pk__in=Scheme.objects.filter(effective_from__lte=period.first).values("district")
    ):
        run = ScoringRun.objects.create(district=district, month=period.first)
        outcome[district.code] = scoring.run(run, figures=figures).state
    return outcome


@shared_task
def area_figures_refresh(month_id: int) -> None:
    """A month's area figures, soon after it is published, so that the first official to open
    the dashboards does not wait for them (a page computes what it finds missing)."""
    month = AssessmentMonth.objects.select_related("district", "scheme").get(pk=month_id)
    refresh_area_figures(month.district, [month])
