"""Steps that change several rows at once: a month's approval (a street's review, the district's
publication, the decision on an appeal, which publishes the month again), and confirming a
year's awards."""

from __future__ import annotations

from decimal import Decimal
from functools import partial

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from assessments.choices import AppealState, MonthState, Source
from assessments.models import (
    Appeal,
    AssessmentMonth,
    CivilityAward,
    CommunityScore,
    IndicatorScore,
    StreetReview,
)
from assessments.models.civility import Decision, candidate_households, passed_buildings
from assessments.models.scores import WORKING
from assessments.scoring import rank
from assessments.tasks import area_figures_refresh
from grievances.workdays import add_working_days
from shequ.models import Community, Street, User


def streets_to_review(month: AssessmentMonth):
    """The district's streets that have communities: each reviews its own."""
    return Street.objects.filter(
        district_id=month.district_id, communities__isnull=False
    ).distinct()


@transaction.atomic
def street_review(month: AssessmentMonth, street: Street, user, note: str = "") -> StreetReview:
    """The street has checked its communities; the last street to do so makes the month
    reviewed, ready for the district to publish."""
    month = AssessmentMonth.objects.select_for_update().get(pk=month.pk)
    review, _created = StreetReview.objects.update_or_create(
        assessment_month=month, street=street,
        defaults={"note": note, "reviewed_by": user, "reviewed_at": timezone.now()},
    )  # fmt: skip
    waiting = streets_to_review(month).exclude(assessment_reviews__assessment_month=month)
    if month.state == MonthState.COMPUTED and not waiting.exists():
        month.state = MonthState.REVIEWED
        month.save(update_fields=["state"])
    return review


@transaction.atomic
def month_publish(month: AssessmentMonth) -> AssessmentMonth:
    """Freeze the month's working rows as its next publication: what communities and dashboards
    read from now on, whatever later runs or data changes do to the working copy. The first
    publication opens the appeal period."""
    month = AssessmentMonth.objects.select_for_update().select_related("scheme").get(pk=month.pk)
    _copy(month, WORKING)
    if month.appeals_until is None:
        month.appeals_until = add_working_days(
            timezone.localdate(), month.scheme.appeal_working_days
        )
    month.state = MonthState.PUBLISHED
    month.save(update_fields=["publication", "state", "published_at", "appeals_until"])
    return month


@transaction.atomic
def appeal_accept(appeal: Appeal, marks: Decimal, decision: str, user) -> Appeal:
    """The indicator takes the given marks and the month is published again from its last
    publication with that one part changed, totals and ranks recomputed; both stay."""
    month = AssessmentMonth.objects.select_for_update().get(pk=appeal.assessment_month_id)
    appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
    _copy(month, month.publication, appeal=appeal, marks=marks)
    month.save(update_fields=["publication", "published_at"])
    return _decide(appeal, user, AppealState.ACCEPTED, decision, marks_after=marks,
                   republished_as=month.publication)  # fmt: skip


@transaction.atomic
def appeal_reject(appeal: Appeal, decision: str, user) -> Appeal:
    appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
    return _decide(appeal, user, AppealState.REJECTED, decision)


def _decide(appeal: Appeal, user, state: str, decision: str, **changes) -> Appeal:
    if appeal.state != AppealState.PENDING:
        raise AppealDecided
    for name, value in {"state": state, "decision": decision, "decided_by": user,
                        "decided_at": timezone.now(), **changes}.items():  # fmt: skip
        setattr(appeal, name, value)
    appeal.save()
    return appeal


class AppealDecided(Exception):
    """Someone decided the appeal first (from another window)."""


def _copy(month: AssessmentMonth, source: int, *, appeal: Appeal | None = None, marks=None):
    """Write the month's next publication as a copy of publication `source`, with the appealed
    part changed; the caller holds the month's row."""
    publication = month.publication + 1
    scores = list(
        CommunityScore.objects.filter(assessment_month=month, publication=source).prefetch_related(
            "parts"
        )
    )
    parts = []
    for score in scores:
        copied = list(score.parts.all())
        score.pk, score.publication = None, publication
        for part in copied:
            part.pk, part.community_score = None, score
            if (
                appeal
                and score.community_id == appeal.community_id
                and (part.indicator_id == appeal.indicator_id)
            ):
                score.total += Decimal(marks) - part.score
                part.score, part.source = marks, Source.APPEAL
        parts.extend(copied)
    if appeal:
        rank(scores)
    CommunityScore.objects.bulk_create(scores)
    for part in parts:
        part.community_score_id = part.community_score.pk
    IndicatorScore.objects.bulk_create(parts, batch_size=5000)
    month.publication, month.published_at = publication, timezone.now()
    # The dashboards' figures of this publication; a broker that is down loses only the head
    # start, since a page computes what it finds missing.
    transaction.on_commit(partial(area_figures_refresh.delay, month.pk), robust=True)


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
