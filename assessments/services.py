"""Steps of a month's approval that change several rows at once."""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django.utils import timezone

from assessments.choices import MonthState
from assessments.models import AssessmentMonth, CommunityScore, IndicatorScore
from assessments.models.scores import WORKING
from assessments.tasks import area_figures_refresh


@transaction.atomic
def month_publish(month: AssessmentMonth) -> AssessmentMonth:
    """Freeze the month's working rows as its next publication: what communities and dashboards
    read from now on, whatever later runs or data changes do to the working copy."""
    month = AssessmentMonth.objects.select_for_update().get(pk=month.pk)
    publication = month.publication + 1
    working = list(
        CommunityScore.objects.filter(assessment_month=month, publication=WORKING).prefetch_related(
            "parts"
        )
    )
    parts = []
    for score in working:
        copied = list(score.parts.all())
        score.pk, score.publication = None, publication
        for part in copied:
            part.pk, part.community_score = None, score
        parts.extend(copied)
    CommunityScore.objects.bulk_create(working)
    for part in parts:
        part.community_score_id = part.community_score.pk
    IndicatorScore.objects.bulk_create(parts, batch_size=5000)
    month.publication, month.state, month.published_at = (
        publication, MonthState.PUBLISHED, timezone.now()
    )  # fmt: skip
    month.save(update_fields=["publication", "state", "published_at"])
    # The dashboards' figures of this publication; a broker that is down loses only the head
    # start, since a page computes what it finds missing.
    transaction.on_commit(partial(area_figures_refresh.delay, month.pk), robust=True)
    return month
