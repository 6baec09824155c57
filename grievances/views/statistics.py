"""统计: the desk's figures for a street's or a district's officials, and for a community's
staff, read from the monthly snapshots (grievances.models.stats) in a fixed number of queries
however many cases there are."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from django.db.models import Min, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from grievances.choices import Channel
from grievances.models import Category, GrievanceBreakdown, GrievanceMonth
from grievances.models.stats import FIGURES
from shequ.models import Community
from shequ.params import query_row, query_text
from shequ.tables import Column, Table
from shequ.views.generic import ScopedMixin

GROUPINGS = {
    "community": _("按社区"),
    "month": _("按月份"),
    "category": _("按类别"),
    "channel": _("按渠道"),
}
_MONTH = re.compile(r"(\d{4})-(\d{1,2})")


@dataclass
class Line:
    name: str
    figures: dict[str, int] = field(default_factory=dict)

    def add(self, figures: dict[str, int]) -> None:
        for name, n in figures.items():
            self.figures[name] = self.figures.get(name, 0) + (n or 0)

    def __getattr__(self, name: str) -> int:
        if name in FIGURES:
            return self.figures.get(name, 0)
        raise AttributeError(name)

    @staticmethod
    def _share(part: int, whole: int) -> str:
        return f"{part / whole:.1%}" if whole else "—"

    @property
    def on_time_rate(self) -> str:
        return self._share(self.on_time, self.resolved)

    @property
    def satisfaction(self) -> str:
        return self._share(self.satisfied, self.rated)

    @property
    def average_rating(self) -> str:
        return f"{self.rating_sum / self.rated:.2f}" if self.rated else "—"


class FiguresTable(Table):
    columns = (
        Column("name", ""),
        Column("received", _("登记"), css="text-end text-nowrap"),
        Column("accepted", _("受理"), css="text-end text-nowrap d-none d-sm-table-cell"),
        Column("resolved", _("办结"), css="text-end text-nowrap"),
        Column("on_time_rate", _("按时办结率"), css="text-end text-nowrap"),
        Column("overdue", _("超期"), css="text-end text-nowrap"),
        Column("reopened", _("重新办理"), css="text-end text-nowrap d-none d-md-table-cell"),
        Column("satisfaction", _("满意率"), css="text-end text-nowrap"),
        Column(
            "average_rating", _("平均满意度"), css="text-end text-nowrap d-none d-md-table-cell"
        ),
    )
    empty_text = _("这段时间没有诉求。")

    def __init__(self, rows, *, request, first_header: str) -> None:
        super().__init__(rows, request=request)
        self.columns = (Column("name", first_header), *type(self).columns[1:])


def _month(text: str, default: datetime.date) -> datetime.date:
    match = _MONTH.fullmatch(text)
    if not match or not 1 <= int(match.group(2)) <= 12 or not 2000 <= int(match.group(1)) <= 2100:
        return default
    return datetime.date(int(match.group(1)), int(match.group(2)), 1)


class StatisticsView(ScopedMixin, TemplateView):
    queryset = GrievanceMonth.objects.all()
    template_name = "grievances/statistics.html"

    def get_context_data(self, **kwargs):
        request = self.request
        this_month = timezone.localdate().replace(day=1)
        year_ago = (this_month - datetime.timedelta(days=335)).replace(day=1)
        start = _month(query_text(request, "from", 7), year_ago)
        end = _month(query_text(request, "to", 7), this_month)
        if end < start:
            start, end = end, start
        communities = Community.objects.visible_to(request.user).select_related("street")
        chosen = query_row(request, "community", communities)
        grouping = query_text(request, "by", 10)
        if grouping not in GROUPINGS:
            grouping = "month" if chosen else "community"
        months = self.get_queryset().filter(month__range=(start, end))
        parts = GrievanceBreakdown.objects.visible_to(request.user).filter(
            month__range=(start, end)
        )
        if chosen:
            months, parts = months.filter(community=chosen), parts.filter(community=chosen)
        lines, total = self.lines(months, parts, grouping, communities)
        return super().get_context_data(
            table=FiguresTable(lines, request=request, first_header=GROUPINGS[grouping]),
            total=total,
            groupings=GROUPINGS,
            grouping=grouping,
            start=start,
            end=end,
            communities=communities if communities.count() > 1 else None,
            chosen=chosen,
            computed_at=months.aggregate(oldest=Min("computed_at"))["oldest"],
            **kwargs,
        )

    def lines(self, months, parts, grouping: str, communities) -> tuple[list[Line], Line]:
        sums = {name: Sum(name) for name in FIGURES}
        total = Line(str(_("合计")))
        if grouping == "community":
            rows = months.values("community").annotate(**sums).order_by("community")
            names = {c.pk: f"{c.street.name} · {c.name}" for c in communities}
            lines = [Line(names.get(row["community"], "—")) for row in rows]
        elif grouping == "month":
            rows = months.values("month").annotate(**sums).order_by("month")
            lines = [Line(f"{row['month']:%Y-%m}") for row in rows]
        else:
            rows = parts.filter(dimension=grouping).values("key").annotate(**sums)
            rows = sorted(rows, key=lambda row: -row["received"])
            if grouping == "category":
                names = {str(c.pk): str(c) for c in Category.objects.select_related("parent")}
            else:
                names = dict(Channel.choices)
            lines = [Line(str(names.get(row["key"], row["key"]))) for row in rows]
        for line, row in zip(lines, rows, strict=True):
            line.add({name: row[name] for name in FIGURES})
            total.add(line.figures)
        return lines, total
