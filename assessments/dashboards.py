"""考核看板: what officials read of the published months.

Every figure comes from the published snapshot: a month's CommunityScore and IndicatorScore rows
of its latest publication (`AssessmentMonth.publication`; an accepted appeal publishes a month
again, and the dashboards follow it), never the working copy and never the live tables the scores
were computed from. A month never published is not on them. Lateness is the one thing a score
does not hold: it is read from the inspections, which a published month freezes.

A page reads a community's own rows through `visible_to`, and the figures of a whole area (its
mean, its spreads, its red flag, its inspections) from `AreaFigures`: a row per area and
publication, computed once from the published rows (`refresh_area_figures`) and readable only by
those who read every community of the area. So a district of a thousand communities costs a
page what a district of ten does, and an area's figures are never those of the part of it
someone happens to see: a street's officials read their street's, a district's officials their
district's and each street's, a community's staff only their own rows.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, F, Q, QuerySet, Sum, Window
from django.db.models.functions import Rank, RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.choices import Kind, Source
from assessments.models import (
    AreaFigures,
    AssessmentMonth,
    CommunityScore,
    Indicator,
    IndicatorScore,
    Inspection,
)
from assessments.red_flags import RedFlag, holders
from assessments.rules import CENT
from shequ.models import Community, District, Role, Street, User
from shequ.models.scoping import scope_of

OFFICIALS = frozenset({Role.OFFICIAL})


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
    """The rows of each month's latest publication; `path` leads from a row to its score. (A
    month's rows are its district's: no filter by place is needed for a whole district.)"""
    latest = Q(pk__in=[])  # no month, no rows
    for month in months:
        latest |= Q(
            **{f"{path}assessment_month": month.pk, f"{path}publication": month.publication}
        )
    return queryset.filter(latest).order_by()


# 各区域的数据 -----------------------------------------------------------------------------------


# The figures kept as JSON, which only some pages read: a year of a district's twenty streets
# decodes in milliseconds of its own.
DETAIL = ("spread", "by_indicator", "by_inspector")


def area_figures(
    user: User, district: District, months: Sequence[AssessmentMonth], *,
    street: Street | None = None, every_street: bool = False, detail: Sequence[str] = (),
) -> list[AreaFigures]:  # fmt: skip
    """The figures the user may read of the months: the district's (or the street's) and, with
    `every_street`, each street's too, with the `detail` of DETAIL asked for; computed first for
    months that have none yet."""

    def read() -> list[AreaFigures]:
        rows = (
            published(AreaFigures.objects.visible_to(user), months)
            .select_related("holder__street", "street")
            .defer(*(name for name in DETAIL if name not in detail))
        )
        if street is not None or not every_street:
            rows = rows.filter(street=street)
        return list(rows)

    rows = read()
    done = {row.assessment_month_id for row in rows}
    officials = user.is_superuser or Role.OFFICIAL in scope_of(user).roles
    if officials and any(month.pk not in done for month in months):
        refresh_area_figures(district, [month for month in months if month.pk not in done])
        rows = read()
    return rows


def refresh_area_figures(district: District, months: Sequence[AssessmentMonth]) -> None:
    """Compute the figures of the district and of each of its streets in each month's latest
    publication, from every published row (the figures are read only by those who read all of
    the area): a dozen GROUP BY and window queries however many communities and months. Figures
    already there stay as they are, so running twice, or two requests at once, writes them
    once."""
    months = [month for month in months if month.publication]
    if not months:
        return
    street_ids = list(district.streets.values_list("pk", flat=True))
    shown = published(CommunityScore.objects, months)
    pieces = published(IndicatorScore.objects, months, "community_score__")
    month, street = "assessment_month", "community__street"
    part_month, part_street = f"community_score__{month}", f"community_score__{street}"

    totals = _by_area(shown.values_list(month, street).annotate(n=Count("pk"), sum=Sum("total")))
    spread = {
        **quartiles(shown, [month, street], "total"),
        **_district(quartiles(shown, [month], "total")),
    }
    sums = _by_area(
        pieces.values_list(part_month, part_street, "indicator").annotate(
            n=Count("pk"), sum=Sum("score")
        ),
        width=3,
    )
    indicators: dict = defaultdict(dict)
    for (m, s, i), (*five, _size) in {
        **quartiles(pieces, [part_month, part_street, "indicator"], "score"),
        **_district(quartiles(pieces, [part_month, "indicator"], "score")),
    }.items():
        n, total = sums[m, s, i]
        indicators[m, s][str(i)] = [_text(total / n), *_texts(five)]
    cells = _by_area(
        # By the indicator's kind: an accepted appeal marks the part it changed as its own.
        pieces.filter(indicator__kind=Kind.INSPECTED)
        .values_list(part_month, part_street)
        .annotate(n=Count("pk"), missing=Count("pk", filter=Q(source=Source.NOT_INSPECTED)))
    )
    inspectors: dict = defaultdict(dict)
    for (m, s, name), counts in _by_area(_entries(months), width=3).items():
        inspectors[m, s][name] = counts
    flags = holders(shown)
    rows = []
    for each in months:
        for s in [None, *street_ids]:
            key = (each.pk, s)
            n, total = totals.get(key, (0, Decimal(0)))
            holder = flags.get(key)
            cell, missing = cells.get(key, (0, 0))
            by_inspector = inspectors[key]
            rows.append(AreaFigures(
                assessment_month=each, publication=each.publication, district=district,
                street_id=s, communities=n, mean=_cents(total / n) if n else None,
                spread=_texts(spread[key][:5]) if key in spread else [],
                by_indicator=indicators[key],
                holder_id=holder.community_id if holder else None,
                holder_total=holder.total if holder else None, cells=cell, missing=missing,
                entered=sum(c[0] for c in by_inspector.values()),
                late=sum(c[1] for c in by_inspector.values()), by_inspector=by_inspector,
            ))  # fmt: skip
    with transaction.atomic():
        AreaFigures.objects.bulk_create(rows, ignore_conflicts=True)


def _by_area(rows: Iterable[tuple], width: int = 2) -> dict[tuple, list]:
    """Counts of rows keyed (month, street, …) — the first `width` items — summed into their
    street's key and their district's (street None)."""
    found: dict[tuple, list] = {}
    for row in rows:
        key, counts = row[:width], row[width:]
        for each in (key, (key[0], None, *key[2:])):
            sums = found.setdefault(each, [0] * len(counts))
            for i, count in enumerate(counts):
                sums[i] += count
    return found


def _district(found: dict[tuple, tuple]) -> dict[tuple, tuple]:
    """Keys (month, …) of a district's groups as (month, None, …), beside its streets'."""
    return {(key[0], None, *key[1:]): value for key, value in found.items()}


def _entries(months: Sequence[AssessmentMonth]) -> list[tuple[int, int, str, int, int]]:
    """(month id, street id, inspector, entered, late): the inspections of the months' schemes,
    and those entered after the scheme's deadline."""
    scheme_of = Q(pk__in=[])
    late = Q(pk__in=[])
    for month in months:
        scheme_of |= Q(month=month.month, indicator__scheme=month.scheme_id)
        late |= Q(month=month.month, entered_at__gte=_late_after(month))
    month_ids = {month.month: month.pk for month in months}
    rows = (
        Inspection.objects.filter(scheme_of, community__street__district=months[0].district_id)
        .order_by()
        .values_list("month", "community__street", "inspector__name", "inspector__username")
        .annotate(entered=Count("pk"), late=Count("pk", filter=late))
    )
    return [
        (month_ids[month], street, name or username, entered, late_count)
        for month, street, name, username, entered, late_count in rows
    ]


def _late_after(month: AssessmentMonth) -> datetime.datetime:
    """The first instant after the month's inspection deadline, in local time."""
    deadline = month.scheme.inspection_deadline(month.month)
    return timezone.make_aware(
        datetime.datetime.combine(deadline + datetime.timedelta(days=1), datetime.time())
    )


def quartiles(queryset: QuerySet, partition: list[str], field: str) -> dict[tuple, tuple]:
    """The least value of `field`, its quartiles, its greatest, and how many rows, in each group
    of the `partition` fields: interpolated between neighbouring ranks, as numpy and ECharts do.
    The database ranks the rows and hands back only those either side of each quartile, ten a
    group however many rows there are."""
    over = {"partition_by": [F(name) for name in partition]}
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
        *partition, "position", "size", field
    ):
        found[tuple(group)][position] = value
        sizes[tuple(group)] = size
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


def _cents(value) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(CENT)


def _text(value: Decimal) -> str:
    return str(_cents(value))


def _texts(values: Iterable[Decimal]) -> list[str]:
    return [_text(v) for v in values]


def red_flags(
    user: User, district: District, months: Sequence[AssessmentMonth],
    street: Street | None = None,
) -> list[RedFlag]:  # fmt: skip
    """The flags of the months the user may read: of the one street, or of the district and
    every street of it; by month, newest first, the district's first, then the streets' in the
    order of their codes."""
    by_month = {month.pk: month for month in months}
    flags = [
        RedFlag(by_month[row.assessment_month_id], row.street, row.holder, row.holder_total)
        for row in area_figures(user, district, months, street=street, every_street=True)
        if row.holder is not None
    ]
    return sorted(flags, key=lambda f: (
        -f.month.month.toordinal(), f.street is not None,
        (f.street.code or "", f.street.pk) if f.street else ("", 0),
    ))  # fmt: skip


# 排名 ----------------------------------------------------------------------------------------


def ranked(user: User, area: Area, month: AssessmentMonth) -> QuerySet[CommunityScore]:
    """The area's communities in the month, best first, each with its place in the area
    (`area_rank`: equal totals share a place, as in the district's ranking, which is the
    district's own as published)."""
    rows = published(CommunityScore.objects.visible_to(user), [month]).select_related(
        "community__street"
    )
    if area.street is None:
        return rows.annotate(area_rank=F("rank")).order_by("rank", "community__code")
    return (
        rows.filter(community__street=area.street)
        .annotate(area_rank=Window(Rank(), order_by=F("total").desc()))
        .order_by("area_rank", "community__code")
    )


def places(
    user: User, area: Area, month: AssessmentMonth | None, communities: list[int]
) -> dict[int, int]:
    """The places of these communities in the area in a month, by community id."""
    if month is None:
        return {}
    rows = ranked(user, area, month).values_list("community_id", "area_rank")
    if area.street is None:
        rows = rows.filter(community__in=communities)
    return dict(rows)


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
        for score in published(CommunityScore.objects.visible_to(user), months).filter(
            community=community
        )
    }
    means = {}
    if area.whole:
        means = {
            row.assessment_month_id: row.mean
            for row in area_figures(user, area.district, months, street=area.street)
        }
    return [TrendPoint(m, own.get(m.pk), means.get(m.pk)) for m in months]


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


def _figures(user: User, area: Area, month: AssessmentMonth) -> AreaFigures | None:
    if not area.whole:
        return None
    rows = area_figures(
        user, area.district, [month], street=area.street, detail=("spread", "by_indicator")
    )
    return rows[0] if rows and rows[0].communities else None


def breakdown(
    user: User, area: Area, month: AssessmentMonth, community: Community | None
) -> list[Share]:
    """Each indicator of the scheme the month was scored with, and the line of each group of
    several after them: the area's mean marks (for a viewer who reads it whole) and the
    community's."""
    indicators = list(month.scheme.indicators.order_by("order", "pk"))
    figures = _figures(user, area, month)
    mean = {}
    if figures is not None:
        mean = {int(i): Decimal(values[0]) for i, values in figures.by_indicator.items()}
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
                  mean.get(indicator.pk), own.get(indicator.pk), indicator)
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


def _sum(values: Iterable[Decimal | None]) -> Decimal | None:
    present = [v for v in values if v is not None]
    return sum(present, Decimal(0)) if present else None


# 指标分布 -----------------------------------------------------------------------------------


@dataclass
class Spread:
    """How the area's communities scored on an indicator (or in total): the five numbers of a
    box plot, and how many communities."""

    name: str
    full_marks: Decimal
    five: list[Decimal]
    communities: int


def spread(user: User, area: Area, month: AssessmentMonth) -> list[Spread]:
    """The total and each indicator across the area's communities in the month."""
    figures = _figures(user, area, month)
    if figures is None:
        return []
    lines = [
        Spread(_("总分"), month.scheme.full_marks, [Decimal(v) for v in figures.spread],
               figures.communities)
    ]  # fmt: skip
    for indicator in month.scheme.indicators.order_by("order", "pk"):
        values = figures.by_indicator.get(str(indicator.pk))
        if values:
            five = [Decimal(v) for v in values[1:]]
            lines.append(Spread(indicator.name, indicator.full_marks, five, figures.communities))
    return lines
