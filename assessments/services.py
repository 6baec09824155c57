"""Steps that change several rows at once: a month's approval, and confirming a year's
awards."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from assessments.choices import MonthState
from assessments.models import AssessmentMonth, CivilityAward, CommunityScore, IndicatorScore
from assessments.models.civility import Decision, candidate_households, passed_buildings
from assessments.models.scores import WORKING
from shequ.models import Community, User


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
    return month


@transaction.atomic
def awards_confirm(
    *, community: Community, buildings: QuerySet, households: QuerySet, year: int, by: User
) -> int:
    """Confirm every candidate among the community's buildings and households given that has no
    decision for the year yet; how many were confirmed. The community's row is locked first, so
    two staff confirming at once do not both write the same award."""
    Community.objects.select_for_update().get(pk=community.pk)
    decided = CivilityAward.objects.filter(community=community, year=year)
    buildings = buildings.filter(community=community, pk__in=passed_buildings(year)).exclude(
        pk__in=decided.filter(household=None).values("building")
    )
    households = households.filter(
        community=community, pk__in=candidate_households(year).values("pk")
    ).exclude(pk__in=decided.exclude(household=None).values("household"))
    confirmed = {"community": community, "year": year, "decision": Decision.CONFIRMED,
                 "decided_by": by}  # fmt: skip
    new = [CivilityAward(building=building, **confirmed) for building in buildings]
    new += [CivilityAward(building_id=household.building_id, household=household, **confirmed)
            for household in households]  # fmt: skip
    bulk_create_with_history(new, CivilityAward, default_user=by)
    return len(new)
