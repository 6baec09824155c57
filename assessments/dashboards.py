"""考核看板: what officials read of the published months.

Every figure comes from the published snapshot: a month's CommunityScore and IndicatorScore rows
of its latest publication (`AssessmentMonth.publication`; an accepted appeal publishes a month
again, and the dashboards follow it), never the working copy and never the live tables the scores
were computed from. A month never published is not on them. Lateness is the one thing a snapshot
does not hold: it is read from the inspections, which a published month freezes.

Every query starts from `visible_to`. A figure about a whole area (its mean, its spread, its red
flag) is shown only to someone who reads every community of it, so that it is the area's figure
and not that of the part one happens to see: a street's officials read their street's, a
district's officials their district's and each street's, a community's staff their own rows.

Each function answers in a fixed number of queries however many communities and months there are;
the database sorts and sums, and hands back a row per month, street, indicator or inspector.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Avg, Count, F, Q, QuerySet, Window
from django.db.models.functions import Rank, RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.choices import Source
from assessments.models import (
    AssessmentMonth,
    CommunityScore,
    Indicator,
    IndicatorScore,
    Inspection,
)
from assessments.rules import CENT
from shequ.models import Community, District, Role, Street, User
from shequ.models.scoping import scope_of

OFFICIALS = frozenset({Role.OFFICIAL})
# Path from an indicator's part to its community.
PART_COMMUNITY = "community_score__community"


def reads_whole(user: User, district: District, street: Street | None = None) -> bool:
    """Whether the user reads every community of the district, or of one street of it: its
    officials (a district's also read each of its streets), and administrators."""
    if user.is_superuser:
        return True
    scope = scope_of(user)
    if district.pk in scope.ids(OFFICIALS, "district"):
        return True
    return street is not None and street.pk in scope.ids(OFFICIALS, "street")


@dataclass(frozen=True)
class Area:
    """What a dashboard is about: a district, or one street of it. `whole` when the viewer reads
    every community in it, so that figures about the area are the area's own."""

    district: District
    street: Street | None
    whole: bool

    @property
    def name(self) -> str:
        return self.street.name if self.street else self.district.name

    def of(self, queryset: QuerySet, community: str = "community") -> QuerySet:
        """The rows of the area's communities; `community` is the path to a row's community
        ("" for communities themselves)."""
        street = f"{community}__street" if community else "street"
        if self.street is not None:
            return queryset.filter(**{street: self.street})
        return queryset.filter(**{f"{street}__district": self.district})


def published_months(user: User, district: District) -> list[AssessmentMonth]:
    """The district's published months, newest first."""
    return list(
        AssessmentMonth.objects.visible_to(user)
        .filter(district=district, publication__gt=0)
        .select_related("scheme")
        .order_by("-month")
    )


def year_to(month: AssessmentMonth, months: Sequence[AssessmentMonth]) -> list[AssessmentMonth]:
    """The published months of the twelve that end with `month`, oldest first."""
    first = month.month.year * 12 + month.month.month - 12  # eleven months before, 0-based
    start = datetime.date(first // 12, first % 12 + 1, 1)
    return sorted((m for m in months if start <= m.month <= month.month), key=lambda m: m.month)


def published(queryset: QuerySet, months: Iterable[AssessmentMonth], path: str = "") -> QuerySet:
    """The rows of each month's latest publication; `path` leads from a row to its score."""
    latest = Q(pk__in=[])  # no month, no rows
    for month in months:
        latest |= Q(
            **{f"{path}assessment_month": month.pk, f"{path}publication": month.publication}
        )
    return queryset.filter(latest)


def scores(user: User, area: Area, months: Iterable[AssessmentMonth]) -> QuerySet[CommunityScore]:
    return area.of(published(CommunityScore.objects.visible_to(user), months)).order_by()


def parts(user: User, area: Area, months: Iterable[AssessmentMonth]) -> QuerySet[IndicatorScore]:
    shown = published(IndicatorScore.objects.visible_to(user), months, "community_score__")
    return area.of(shown, PART_COMMUNITY).order_by()


# 排名 ----------------------------------------------------------------------------------------


def ranked(user: User, area: Area, month: AssessmentMonth) -> QuerySet[CommunityScore]:
    """The area's communities in the month, best first, each with its place in the area
    (`area_rank`: equal totals share a place, as in the district's ranking)."""
    return (
        scores(user, area, [month])
        .annotate(area_rank=Window(Rank(), order_by=F("total").desc()))
        .select_related("community__street")
        .order_by("area_rank", "community__code")
    )


def places(user: User, area: Area, month: AssessmentMonth | None) -> dict[int, int]:
    """Each community's place in the area in a month, by community id."""
    if month is None:
        return {}
    return dict(ranked(user, area, month).values_list("community_id", "area_rank"))


# 趋势 ----------------------------------------------------------------------------------------


@dataclass
class TrendPoint:
    month: AssessmentMonth
    score: CommunityScore | None  # the community's; None when it was not scored that month
    mean: Decimal | None  # the area's, for a viewer who reads it whole


def trend(
    user: User, area: Area, community: Community, months: Sequence[AssessmentMonth]
) -> list[TrendPoint]:
    """A community's total and rank in each month, beside the area's mean."""
    own = {
        score.assessment_month_id: score
        for score in published(CommunityScore.objects.visible_to(user), months)
        .filter(community=community)
        .order_by()
    }
    means = {}
    if area.whole:
        means = dict(
            scores(user, area, months)
            .values("assessment_month")
            .annotate(mean=Avg("total"))
            .values_list("assessment_month", "mean")
        )
    return [TrendPoint(m, own.get(m.pk), _cents(means.get(m.pk))) for m in months]


# 指标得分率 ---------------------------------------------------------------------------------


@dataclass
class Share:
    """Marks against full marks, of an indicator or a group of them: the area's mean and one
    community's."""

    group: str
    name: str
    full_marks: Decimal
    area: Decimal | None = None
    community: Decimal | None = None
    indicator: Indicator | None = None  # None: the line of a whole group

    @staticmethod
    def percent(marks: Decimal | None, full: Decimal) -> Decimal | None:
        return None if marks is None else (marks * 100 / full).quantize(Decimal("0.1"))

    @property
    def area_percent(self) -> Decimal | None:
        return self.percent(self.area, self.full_marks)

    @property
    def community_percent(self) -> Decimal | None:
        return self.percent(self.community, self.full_marks)


def breakdown(
    user: User, area: Area, month: AssessmentMonth, community: Community | None
) -> list[Share]:
    """Each indicator of the scheme the month was scored with, and the line of each group of
    several after them:
    the area's mean marks (for a viewer who reads it whole) and the community's."""
    indicators = list(month.scheme.indicators.order_by("order", "pk"))
    mean = {}
    if area.whole:
        mean = dict(
            parts(user, area, [month])
            .values("indicator")
            .annotate(mean=Avg("score"))
            .values_list("indicator", "mean")
        )
    own = {}
    if community is not None:
        own = dict(
            published(IndicatorScore.objects.visible_to(user), [month], "community_score__")
            .filter(community_score__community=community)
            .values_list("indicator", "score")
        )
    groups: dict[str, list[Share]] = {}
    for indicator in indicators:
        groups.setdefault(indicator.group, []).append(
            Share(indicator.group, indicator.name, indicator.full_marks,
                  _cents(mean.get(indicator.pk)), own.get(indicator.pk), indicator)
        )  # fmt: skip
    lines = []
    for group, members in groups.items():
        lines += members
        if len(members) > 1:
            lines.append(
                Share(group, group, sum((s.full_marks for s in members), Decimal(0)),
                      _sum(s.area for s in members), _sum(s.community for s in members))
            )  # fmt: skip
    return lines


# 指标分布 -----------------------------------------------------------------------------------


@dataclass
class Spread:
    """How the area's communities scored on an indicator (or in total): the five numbers of a
    box plot, and how many communities."""

    name: str
    full_marks: Decimal
    low: Decimal
    lower_quartile: Decimal
    median: Decimal
    upper_quartile: Decimal
    high: Decimal
    communities: int

    @property
    def five(self) -> list[Decimal]:
        return [self.low, self.lower_quartile, self.median, self.upper_quartile, self.high]


def spread(user: User, area: Area, month: AssessmentMonth) -> list[Spread]:
    """The total and each indicator across the area's communities in the month."""
    if not area.whole:
        return []
    totals = quartiles(scores(user, area, [month]), None, "total")
    by_indicator = quartiles(parts(user, area, [month]), "indicator", "score")
    lines = []
    if None in totals:
        lines.append(Spread(_("总分"), month.scheme.full_marks, *totals[None]))
    for indicator in month.scheme.indicators.order_by("order", "pk"):
        if indicator.pk in by_indicator:
            lines.append(Spread(indicator.name, indicator.full_marks, *by_indicator[indicator.pk]))
    return lines


def quartiles(queryset: QuerySet, partition: str | None, field: str) -> dict:
    """The least value of `field`, its quartiles, its greatest, and how many rows, in each group
    of `partition` (or over all rows, under the key None): interpolated between neighbouring
    ranks, as numpy and ECharts do. The database ranks the rows and hands back only those either
    side of each quartile, ten a group however many rows there are."""
    over = {"partition_by": [F(partition)]} if partition else {}
    ranked = queryset.annotate(
        position=Window(RowNumber(), order_by=[F(field).asc(), F("pk").asc()], **over),
        size=Window(Count("pk"), **over),
    )
    # The k-th quartile lies k/4 of the way from the first rank to the last: at 1 + k(size-1)/4.
    near = Q(pk__in=[])
    for k in range(5):
        at = (F("size") - 1) * k / 4.0 + 1
        near |= Q(position__gt=at - 1, position__lt=at + 1)
    found: dict = defaultdict(dict)
    sizes: dict = {}
    for *group, position, size, value in ranked.filter(near).values_list(
        *filter(None, [partition]), "position", "size", field
    ):
        key = group[0] if group else None
        found[key][position] = value
        sizes[key] = size
    result = {}
    for group, values in found.items():
        size = sizes[group]
        five = []
        for k in range(5):
            exact = Decimal(k * (size - 1)) / 4 + 1
            below = int(exact)
            fraction = exact - below
            value = values[below]
            if fraction:
                value += (values[below + 1] - value) * fraction
            five.append(value.quantize(CENT))
        result[group] = (*five, size)
    return result


# 检查逾期与缺漏 ----------------------------------------------------------------------------


@dataclass
class Inspected:
    """Cells of inspected indicators (a community and an indicator in a month): how many the
    published month holds, how many of them no inspector had scored when it was published, and
    how many scores were entered after the scheme's deadline."""

    label: str
    cells: int = 0
    missing: int = 0
    entered: int = 0
    late: int = 0


def _late_after(month: AssessmentMonth) -> datetime.datetime:
    """The first instant after the month's inspection deadline, in local time."""
    deadline = month.scheme.inspection_deadline(month.month)
    return timezone.make_aware(
        datetime.datetime.combine(deadline + datetime.timedelta(days=1), datetime.time())
    )


def inspection_cells(
    user: User, area: Area, months: Sequence[AssessmentMonth]
) -> dict[tuple[int, int], tuple[int, int]]:
    """By (month id, street id): how many cells of inspected indicators the published months
    hold, and how many of them were missing."""
    rows = (
        parts(user, area, months)
        .filter(source__in=[Source.INSPECTED, Source.NOT_INSPECTED])
        .values("community_score__assessment_month", f"{PART_COMMUNITY}__street")
        .annotate(cells=Count("pk"), missing=Count("pk", filter=Q(source=Source.NOT_INSPECTED)))
        .values_list(
            "community_score__assessment_month", f"{PART_COMMUNITY}__street", "cells", "missing"
        )
    )
    return {(month, street): (cells, missing) for month, street, cells, missing in rows}


def late_inspections(
    user: User, area: Area, months: Sequence[AssessmentMonth]
) -> list[tuple[int, int, str, int, int]]:
    """(month id, street id, inspector, entered, late) for the scores of the months' schemes."""
    scheme_of = Q(pk__in=[])
    late = Q(pk__in=[])
    for month in months:
        scheme_of |= Q(month=month.month, indicator__scheme=month.scheme_id)
        late |= Q(month=month.month, entered_at__gte=_late_after(month))
    month_ids = {month.month: month.pk for month in months}
    rows = (
        area.of(Inspection.objects.visible_to(user))
        .filter(scheme_of)
        .order_by()
        .values("month", "community__street", "inspector__name", "inspector__username")
        .annotate(entered=Count("pk"), late=Count("pk", filter=late))
        .values_list(
            "month", "community__street", "inspector__name", "inspector__username", "entered",
            "late",
        )
    )  # fmt: skip
    return [
        (month_ids[month], street, name or username, entered, late_count)
        for month, street, name, username, entered, late_count in rows
    ]


def _cents(value) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(CENT)


def _sum(values: Iterable[Decimal | None]) -> Decimal | None:
    present = [v for v in values if v is not None]
    return sum(present, Decimal(0)) if present else None
