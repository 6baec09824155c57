"""Scoring a month: every community of a district, every indicator of the scheme in force.

Set-based: each metric the scheme uses is computed once for the whole city (one aggregate query,
`shequ.metrics`), inspections are read in one query, and the rows are written in bulk, replacing
the month's working rows in one transaction. A run holds the month's lock from start to end: a
second run of the same month finds it taken and stops, and a run that dies mid-way (a killed
worker) rolls back and leaves the month as it was.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.choices import Kind, MonthState, NoData, RunState, Source
from assessments.models import (
    AssessmentMonth,
    CommunityScore,
    IndicatorScore,
    Inspection,
    Scheme,
    ScoringRun,
    StreetReview,
)
from assessments.models.scores import WORKING
from assessments.rules import marks
from shequ.metrics import Figures, Metric, Period, metrics, value
from shequ.models import Community, District


class MonthBusy(Exception):
    """Another run is writing this month."""


class NoScheme(Exception):
    """The district has no scheme in force for the month."""


@contextmanager
def exclusive(district_id: int, period: Period) -> Iterator[None]:
    """One run of a district's month at a time, across workers: a PostgreSQL advisory lock,
    which dies with the connection of a worker that is killed. (SQLite serves the embedded
    default, where tasks run in the request and cannot overlap.)"""
    if connection.vendor != "postgresql":
        yield
        return
    keys = [period.first.year * 100 + period.first.month, district_id]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", keys)
        if not cursor.fetchone()[0]:
            raise MonthBusy(str(period))
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", keys)


def busy(district_id: int, period: Period) -> bool:
    """Whether a run of the month holds its lock now. A run left "running" while nobody holds
    the lock was cut off (its worker killed): its transaction rolled back with it."""
    try:
        with exclusive(district_id, period):
            return False
    except MonthBusy:
        return True


def compute(metric: Metric, period: Period) -> Figures:
    """A metric's figures for every community, without PostgreSQL compiling the plan to machine
    code first (JIT): for these aggregates, run once a month, compiling cost more than it
    saved (visits in time at 1,000 communities took half as long again with it; from 500
    communities on, the plan's cost also turns on inlining and optimisation)."""
    if connection.vendor != "postgresql":
        return metric.compute(period)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        return metric.compute(period)


def score_month(
    district: District, period: Period, *, figures: dict[str, Figures] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> AssessmentMonth:  # fmt: skip
    """Compute and write the district's month; `figures` caches metrics across districts."""
    scheme = Scheme.in_force(district.pk, period.first)
    if scheme is None:
        raise NoScheme(_("%(district)s %(month)s 没有适用的考核方案。") % {
            "district": district, "month": period
        })  # fmt: skip
    month, _created = AssessmentMonth.objects.get_or_create(
        district=district, month=period.first, defaults={"scheme": scheme}
    )
    if month.state == MonthState.PUBLISHED:
        # Published figures are frozen; the working copy may still be recomputed to compare.
        scheme = month.scheme
    indicators = list(scheme.indicators.order_by("order", "pk"))
    registry = metrics()
    needed = sorted({i.metric for i in indicators if i.kind == Kind.COMPUTED})
    figures = {} if figures is None else figures
    steps = len(needed) + 1
    with exclusive(district.pk, period):
        for done, code in enumerate(needed):
            if code not in figures:
                figures[code] = compute(registry[code], period)
            if progress:
                progress(done + 1, steps)
        communities = list(
            Community.objects.filter(street__district=district)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        inspected = {
            (i.indicator_id, i.community_id): i.score
            for i in Inspection.objects.filter(
                month=period.first, indicator__in=indicators, community__in=communities
            )
        }
        now = timezone.now()
        scores, parts = _score(indicators, registry, figures, inspected, communities, now)
        with transaction.atomic():
            CommunityScore.objects.filter(assessment_month=month, publication=WORKING).delete()
            for score in scores:
                score.assessment_month = month
            CommunityScore.objects.bulk_create(scores)
            for part in parts:
                part.community_score_id = part.community_score.pk
            IndicatorScore.objects.bulk_create(parts, batch_size=5000)
            if month.state != MonthState.PUBLISHED:
                month.scheme, month.state = scheme, MonthState.COMPUTED
                # The streets reviewed figures this run replaces.
                StreetReview.objects.filter(assessment_month=month).delete()
            month.computed_at = now
            month.save(update_fields=["scheme", "state", "computed_at"])
    if progress:
        progress(steps, steps)
    return month


def _score(indicators, registry, figures, inspected, communities, now):
    scores, parts = [], []
    for community in communities:
        score = CommunityScore(community_id=community, publication=WORKING, computed_at=now,
                               total=Decimal(0), rank=0)  # fmt: skip
        for indicator in indicators:
            part = _part(indicator, registry, figures, inspected, community)
            part.community_score = score
            score.total += part.score
            parts.append(part)
        scores.append(score)
    rank(scores)
    return scores, parts


def rank(scores: list[CommunityScore]) -> None:
    """Competition ranking: equal totals share a place, the next place skips (1, 1, 3)."""
    ordered = sorted(scores, key=lambda s: -s.total)
    for position, score in enumerate(ordered, start=1):
        previous = ordered[position - 2] if position > 1 else None
        score.rank = previous.rank if previous and previous.total == score.total else position


def _part(indicator, registry, figures, inspected, community) -> IndicatorScore:
    if indicator.kind == Kind.INSPECTED:
        given = inspected.get((indicator.pk, community))
        if given is None:
            return IndicatorScore(indicator=indicator, score=Decimal(0),
                                  source=Source.NOT_INSPECTED)  # fmt: skip
        return IndicatorScore(indicator=indicator, score=min(given, indicator.full_marks),
                              source=Source.INSPECTED)  # fmt: skip
    numerator, denominator = figures[indicator.metric].get(community, (0, 0))
    shown = value(registry[indicator.metric], numerator, denominator)
    if shown is None:
        given = indicator.full_marks if indicator.no_data == NoData.FULL else Decimal(0)
        return IndicatorScore(indicator=indicator, numerator=numerator, denominator=denominator,
                              score=given, source=Source.NO_DATA)  # fmt: skip
    return IndicatorScore(
        indicator=indicator, numerator=numerator, denominator=denominator, value=shown,
        score=marks(rule=indicator.rule, value=shown, full_marks=indicator.full_marks,
                    full_at=indicator.full_at, zero_at=indicator.zero_at),
        source=Source.COMPUTED,
    )  # fmt: skip


def run(scoring_run: ScoringRun, *, figures: dict[str, Figures] | None = None) -> ScoringRun:
    """Carry out a queued run, recording its progress and its end on the run's row (outside
    the month's transaction, so the page sees it move)."""
    ScoringRun.objects.filter(pk=scoring_run.pk).update(
        state=RunState.RUNNING, started_at=timezone.now()
    )

    def progress(done: int, total: int) -> None:
        ScoringRun.objects.filter(pk=scoring_run.pk).update(steps_done=done, steps_total=total)

    try:
        month = score_month(
            scoring_run.district, Period(scoring_run.month), figures=figures, progress=progress
        )
    except MonthBusy:
        outcome = {"state": RunState.SKIPPED}
    except NoScheme as error:
        outcome = {"state": RunState.FAILED, "error": str(error)}
    else:
        outcome = {"state": RunState.DONE, "communities": month.scores.filter(
            publication=WORKING).count()}  # fmt: skip
    ScoringRun.objects.filter(pk=scoring_run.pk).update(finished_at=timezone.now(), **outcome)
    scoring_run.refresh_from_db()
    return scoring_run


def last_month(today: datetime.date | None = None) -> Period:
    return Period.of(today or timezone.localdate()).previous
