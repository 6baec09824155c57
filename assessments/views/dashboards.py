"""考核看板: the published months as officials read them — the ranking, a community's year, the
indicators' breakdown and spread, inspections late or missing — and the red flag's history. A
community's staff read their own community's trend and breakdown.

A page is its figures (assessments.charts): each a chart, the table beneath it and a sheet of
the page's export (`?export=xlsx`), built from the same rows. The district, street, month and
community come from the query string, read through the scoped querysets: junk or a row out of
scope is no choice, and the page shows its default.
"""

from __future__ import annotations

from collections import Counter
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from assessments import charts
from assessments.charts import Badge, Figure, Link
from assessments.dashboards import (
    Area,
    area_figures,
    breakdown,
    places,
    published_months,
    ranked,
    reads_whole,
    red_flags,
    spread,
    trend,
    year_to,
)
from assessments.models import AssessmentMonth, CommunityScore
from assessments.red_flags import RULE, held_by
from shequ.excel import xlsx_response
from shequ.models import Community, District, Street
from shequ.params import query_int, query_month, query_row
from shequ.views.generic import ScopedMixin, allowed_url

PAGE = 50  # communities on a page of the ranking


class DashboardView(ScopedMixin, TemplateView):
    queryset = CommunityScore.objects.all()
    template_name = "assessments/dashboard.html"
    title: str
    # Street and district officials (and administrators); the trend and the breakdown are also
    # for a community's staff, who read their own community's rows.
    officials_only = True
    # Whether the page is about one community: required (the trend), optional (the breakdown).
    community: str = ""

    @classmethod
    def allows(cls, access) -> bool:
        if cls.officials_only:
            return access.is_admin or access.is_official
        return super().allows(access)

    def get(self, request, *args, **kwargs):
        self.exporting = request.GET.get("export") == "xlsx"
        context = self.get_context_data(**kwargs)
        if self.exporting:
            heading = context["heading"]
            return xlsx_response(
                charts.workbook(context["figures"], heading), f"{self.title}-{heading}.xlsx"
            )
        return self.render_to_response(context)

    def get_context_data(self, **kwargs):
        request, user = self.request, self.request.user
        districts = District.objects.visible_to(user).order_by("code")
        district = query_row(request, "district", districts) or districts.first()
        if district is None:
            raise Http404
        self.months = published_months(user, district)
        month = self.chosen_month()
        streets = list(
            Street.objects.visible_to(user).filter(district=district).order_by("code", "pk")
        )
        whole_district = reads_whole(user, district)
        offered = [s for s in streets if reads_whole(user, district, s)]
        street = next((s for s in offered if s.pk == query_int(request, "street")), None)
        if street is None and not whole_district:
            # A street's officials read their street; a community's staff, their own rows.
            street = (offered or streets or [None])[0]
        area = Area(district, street, reads_whole(user, district, street))
        community, communities = self.chosen_community(area)
        self.area, self.month, self.chosen = area, month, community
        query = {"district": district.pk, "street": street.pk if street else "",
                 "month": f"{month.month:%Y-%m}" if month else "",
                 "community": community.pk if community else ""}  # fmt: skip
        heading = " ".join(
            filter(None, [area.name if area.whole else "", community.name if community else "",
                          self.period_label()])
        )  # fmt: skip
        return super().get_context_data(
            title=self.title, heading=heading, district=district, area=area,
            districts=districts if districts.count() > 1 else None,
            streets=offered, all_streets=whole_district, months=self.months, month=month,
            communities=communities, community=community, community_required=self.community,
            tabs=self.tabs(urlencode(query)),
            export_url=f"?{urlencode({**query, **self.extra_query(), 'export': 'xlsx'})}",
            figures=self.figures() if month else [], **kwargs,
        )  # fmt: skip

    def chosen_month(self) -> AssessmentMonth | None:
        """The published month asked for, else the latest."""
        asked = query_month(self.request, "month")
        latest = self.months[0] if self.months else None
        return next((m for m in self.months if m.month == asked), latest)

    def period_label(self) -> str:
        return f"{self.month.month:%Y-%m}" if self.month else ""

    def extra_query(self) -> dict:
        return {}

    def chosen_community(self, area: Area) -> tuple[Community | None, list[Community]]:
        """The community the page is about, and those offered beside it: the communities of its
        street (a street at a time keeps the page the same size in a district of a thousand)."""
        if not self.community:
            return None, []
        visible = area.of(Community.objects.visible_to(self.request.user), "").select_related(
            "street"
        )
        chosen = query_row(self.request, "community", visible)
        if chosen is None and (self.community == "required" or not area.whole):
            chosen = visible.order_by("street__code", "code").first()
        street = area.street or (chosen.street if chosen else None)
        offered = visible.filter(street=street) if street else visible.none()
        return chosen, list(offered.order_by("code"))

    def tabs(self, query: str) -> list[tuple[str, str, bool]]:
        access = self.request.access
        found = []
        for name, view in TABS:
            url = allowed_url(access, name)
            if url:
                found.append((view.title, f"{url}?{query}", isinstance(self, view)))
        return found

    def figures(self) -> list[Figure]:
        raise NotImplementedError

    def link(self, name: str, score: CommunityScore) -> Link:
        """A community's name, leading to its page of `name` in the same area and month."""
        query = {"district": self.area.district.pk, "month": f"{self.month.month:%Y-%m}",
                 "community": score.community_id}  # fmt: skip
        if self.area.street:
            query["street"] = self.area.street.pk
        return Link(score.community.name, f"{reverse(name)}?{urlencode(query)}")


def _move(now: int, before: int | None) -> str:
    if before is None:
        return "—"
    if before == now:
        return _("持平")
    return f"↑{before - now}" if before > now else f"↓{now - before}"


class RankingView(DashboardView):
    """排名: the area's communities in the month, with the move since the previous published month
    and the red flags marked."""

    title = gettext_lazy("排名")

    def figures(self) -> list[Figure]:
        user, area, month = self.request.user, self.area, self.month
        earlier = [m for m in self.months if m.month < month.month]
        previous = earlier[0] if earlier else None
        rows = ranked(user, area, month)
        if self.exporting:
            shown = list(rows)
        else:
            self.page = Paginator(rows, PAGE).get_page(self.request.GET.get("page"))
            shown = list(self.page.object_list)
        before = places(user, area, previous, [s.community_id for s in shown])
        self.flags = red_flags(user, area.district, [month], street=area.street)
        held = held_by(self.flags)
        headers = [_("名次"), _("社区")]
        if area.street is None:
            headers.append(_("街道"))
        headers.append(_("总分"))
        if area.street is not None:
            headers.append(_("全区名次"))
        headers += [_("较上月"), _("流动红旗")]
        table = []
        for score in shown:
            row = [score.area_rank, self.link("assessments:dashboard_trend", score)]
            if area.street is None:
                row.append(score.community.street.name)
            row.append(score.total)
            if area.street is not None:
                row.append(score.rank)
            row.append(_move(score.area_rank, before.get(score.community_id)))
            row.append(Badge(held[score.community_id]) if score.community_id in held else "")
            table.append(row)
        full = month.scheme.full_marks
        option = charts.horizontal_bars(
            [s.community.name for s in shown],
            [charts.bars(_("总分"), [s.total for s in shown], colors=[
                charts.RED if s.community_id in held else charts.BLUE for s in shown
            ])],
            axis_name=_("总分"), axis_max=float(full),
        )  # fmt: skip
        compared = (
            _("“较上月”与上一个已发布的月份 %(month)s 的名次相比。")
            % {"month": f"{previous.month:%Y-%m}"}
            if previous
            else _("这是第一个已发布的月份，没有可比较的名次。")
        )
        return [
            Figure("ranking", _("%(area)s社区排名") % {"area": area.name}, headers, table,
                   option, charts.bar_height(len(shown)), _("这个月没有可查看的得分。"),
                   compared, phone_hidden=(2,)),
        ]  # fmt: skip

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_obj"] = getattr(self, "page", None)
        context["flags"] = getattr(self, "flags", [])
        return context


class TrendView(DashboardView):
    """趋势: one community's total and place over twelve months, beside the area's mean."""

    title = gettext_lazy("趋势")
    officials_only = False
    community = "required"

    def period_label(self) -> str:
        if not self.month:
            return ""
        months = year_to(self.month, self.months)
        return f"{months[0].month:%Y-%m}—{self.month.month:%Y-%m}"

    def figures(self) -> list[Figure]:
        community = self.chosen
        if community is None:
            return []
        area = self.area
        points = trend(self.request.user, area, community, year_to(self.month, self.months))
        mean_label = _("%(area)s平均") % {"area": _("全区") if area.street is None else area.name}
        headers = [_("月份"), _("总分"), _("全区名次")]
        if area.whole:
            headers.append(mean_label)
        rows = []
        for point in points:
            row = [f"{point.month.month:%Y-%m}",
                   point.score.total if point.score else None,
                   point.score.rank if point.score else None]  # fmt: skip
            if area.whole:
                row.append(point.mean)
            rows.append(row)
        months = [row[0] for row in rows]
        series = [charts.line(community.name, [r[1] for r in rows], color=charts.BLUE)]
        if area.whole:
            series.append(charts.line(mean_label, [r[3] for r in rows], color=charts.GREY,
                                      dashed=True))  # fmt: skip
        series.append(
            charts.line(_("全区名次"), [r[2] for r in rows], color=charts.ORANGE, axis=1,
                        dashed=True)
        )  # fmt: skip
        full = float(self.month.scheme.full_marks)
        option = charts.lines(months, series, y_axes=[
            # Totals sit close together near full marks: the axis starts near the lowest.
            {"type": "value", "name": _("总分"), "scale": True, "max": full},
            {"type": "value", "name": _("名次"), "inverse": True, "min": 1, "minInterval": 1,
             "nameLocation": "start", "splitLine": {"show": False}},
        ])  # fmt: skip
        return [
            Figure("trend", _("%(community)s近十二个月") % {"community": community.name},
                   headers, rows, option, 340, _("这段时间没有已发布的得分。"),
                   _("只列出已发布的月份；名次为全区名次。")),
        ]  # fmt: skip


class BreakdownView(DashboardView):
    """指标得分率: each indicator's marks against its full marks, for the area and a community."""

    title = gettext_lazy("指标得分率")
    officials_only = False
    community = "optional"

    def figures(self) -> list[Figure]:
        area, community = self.area, self.chosen
        lines = breakdown(self.request.user, area, self.month, community)
        headers = [_("类别"), _("指标"), _("满分")]
        if area.whole:
            headers += [_("%(area)s平均得分") % {"area": area.name}, _("得分率（%）")]
        if community is not None:
            headers += [_("%(c)s得分") % {"c": community.name}, _("得分率（%）")]
        rows = []
        for line in lines:
            name = line.name if line.indicator else _("小计")
            row = [line.group, name, line.full_marks]
            if area.whole:
                row += [line.area, line.area_percent]
            if community is not None:
                row += [line.community, line.community_percent]
            rows.append(row)
        indicators = [line for line in lines if line.indicator is not None]
        series = []
        if area.whole:
            series.append(charts.bars(area.name, [s.area_percent for s in indicators]))
        if community is not None:
            series.append(charts.bars(community.name, [s.community_percent for s in indicators],
                                      color=charts.ORANGE))  # fmt: skip
        option = charts.horizontal_bars(
            [s.name for s in indicators], series, axis_name=_("得分率（%）"), axis_max=100
        )
        per_name = 28 * max(len(series), 1)
        return [
            Figure("breakdown", _("各项指标得分率"), headers, rows, option if series else None,
                   charts.bar_height(len(indicators), per_name), _("这个月没有指标得分。"),
                   _("得分率 = 得分 ÷ 满分；类别小计按满分加权。")),
        ]  # fmt: skip


class SpreadView(DashboardView):
    """指标分布: how the area's communities spread on the total and on each indicator."""

    title = gettext_lazy("指标分布")

    def figures(self) -> list[Figure]:
        lines = spread(self.request.user, self.area, self.month)
        headers = [_("指标"), _("满分"), _("最低"), _("下四分位"), _("中位数"), _("上四分位"),
                   _("最高"), _("社区数")]  # fmt: skip
        rows = [[s.name, s.full_marks, *s.five, s.communities] for s in lines]
        option = charts.boxes(
            [s.name for s in lines],
            [[float(v * 100 / s.full_marks) for v in s.five] for s in lines],
            axis_name=_("得分率（%）"),
        )
        return [
            Figure("spread", _("%(area)s各社区得分分布") % {"area": self.area.name}, headers,
                   rows, option, charts.bar_height(len(lines), 40), _("这个月没有指标得分。"),
                   _("图中为得分占满分的百分比；箱体为上下四分位，中线为中位数，两端为最低和最高。")),
        ]  # fmt: skip


class InspectionLatenessView(DashboardView):
    """检查逾期与缺漏: inspected cells missing when the month was published and scores entered
    after the deadline, by month, by street and by inspector."""

    title = gettext_lazy("检查逾期与缺漏")

    def figures(self) -> list[Figure]:
        user, area, month = self.request.user, self.area, self.month
        months = year_to(month, self.months)
        rows = area_figures(user, area.district, months, street=area.street,
                            every_street=area.street is None, detail=["by_inspector"])  # fmt: skip
        by_month = {row.assessment_month_id: row for row in rows if row.street == area.street}
        monthly = [(f"{m.month:%Y-%m}", by_month.get(m.pk)) for m in months]
        streets = sorted(
            (row for row in rows if row.assessment_month_id == month.pk and row.street),
            key=lambda row: (-row.missing - row.late, row.street.code or "", row.street.pk),
        )
        area_row = by_month.get(month.pk)
        inspectors = sorted((area_row.by_inspector if area_row else {}).items(),
                            key=lambda item: (-item[1][1], item[0]))  # fmt: skip
        option = charts.chart(
            legend={"top": 0},
            xAxis={"type": "category", "data": [label for label, _row in monthly]},
            yAxis={"type": "value", "name": _("格数"), "minInterval": 1},
            series=[
                charts.bars(_("未检查（发布时）"), [r.missing if r else None for _l, r in monthly],
                            color=charts.RED, stack="cells"),
                charts.bars(_("逾期录入"), [r.late if r else None for _l, r in monthly],
                            color=charts.ORANGE, stack="cells"),
            ],
        )  # fmt: skip
        counts = [_("应检查"), _("未检查（发布时）"), _("已录入"), _("逾期录入")]
        return [
            Figure("months", _("近十二个月"), [_("月份"), *counts],
                   [[label, r.cells, r.missing, r.entered, r.late] for label, r in monthly if r],
                   option, 300, _("这段时间没有已发布的月份。"),
                   _("应检查：已发布月份中检查评分指标的格数（社区 × 指标）；未检查：发布时仍没有"
                     "评分的格数；逾期录入：在考核方案规定的截止日之后录入或修改的评分。")),
            Figure("streets", _("%(month)s 按街道") % {"month": self.period_label()},
                   [_("街道"), _("应检查"), _("未检查（发布时）"), _("逾期录入")],
                   [[r.street.name, r.cells, r.missing, r.late] for r in streets],
                   None, empty_text=_("这个月没有检查评分指标。")),
            Figure("inspectors", _("%(month)s 按检查人") % {"month": self.period_label()},
                   [_("检查人"), _("已录入"), _("逾期录入")],
                   [[name, entered, late] for name, (entered, late) in inspectors],
                   None, empty_text=_("这个月没有录入检查评分。")),
        ]  # fmt: skip


class RedFlagHistoryView(DashboardView):
    """流动红旗: who held each flag of the area, month by month in a year, and how often."""

    title = gettext_lazy("流动红旗")
    template_name = "assessments/red_flags.html"

    def chosen_month(self) -> AssessmentMonth | None:
        """The latest published month of the year asked for (else of the latest year)."""
        years = sorted({m.month.year for m in self.months}, reverse=True)
        asked = query_int(self.request, "year")
        self.years = years
        self.year = asked if asked in years else (years[0] if years else None)
        return next((m for m in self.months if m.month.year == self.year), None)

    def period_label(self) -> str:
        return _("%(year)s年") % {"year": self.year} if self.year else ""

    def extra_query(self) -> dict:
        return {"year": self.year or ""}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(years=self.years, year=self.year, rule=RULE)
        return context

    def figures(self) -> list[Figure]:
        area = self.area
        months = [m for m in self.months if m.month.year == self.year]
        flags = red_flags(self.request.user, area.district, months, street=area.street)
        columns: list[Street | None] = []
        for flag in flags:
            if flag.street not in columns:
                columns.append(flag.street)
        columns.sort(key=lambda s: (s is not None, s.code or "" if s else "", s.pk if s else 0))
        holders = {(flag.month.pk, flag.street): flag for flag in flags}
        header = [_("月份"), *(_("全区") if s is None else s.name for s in columns)]
        table = []
        for month in months:
            row = [f"{month.month:%Y-%m}"]
            for street in columns:
                flag = holders.get((month.pk, street))
                row.append(f"{flag.holder.name}（{flag.total}）" if flag else "—")
            table.append(row)
        times: Counter = Counter()
        names: dict[int, tuple[str, str]] = {}
        for flag in flags:
            community = flag.holder
            times[community.pk, flag.street is None] += 1
            names[community.pk] = (community.name, community.street.name)
        counted = sorted(names, key=lambda c: (-times[c, True] - times[c, False], names[c]))
        count_rows = [[names[c][0], names[c][1], times[c, False], times[c, True]]
                      for c in counted]  # fmt: skip
        district_flag = None in columns
        series = [charts.bars(_("街道流动红旗"), [r[2] for r in count_rows], color=charts.RED,
                              stack="flags")]  # fmt: skip
        if district_flag:
            series.append(charts.bars(_("全区流动红旗"), [r[3] for r in count_rows],
                                      color="#8b0000", stack="flags"))  # fmt: skip
        option = charts.horizontal_bars([r[0] for r in count_rows], series, axis_name=_("次数"))
        count_headers = [_("社区"), _("街道"), _("街道流动红旗（次）")]
        if district_flag:
            count_headers.append(_("全区流动红旗（次）"))
        else:
            count_rows = [r[:3] for r in count_rows]
        return [
            Figure("holders", _("%(year)s年各月流动红旗") % {"year": self.year}, header, table,
                   None, empty_text=_("这一年没有已发布的月份。"),
                   note=_("括号内为当月总分。")),
            Figure("times", _("%(year)s年获得次数") % {"year": self.year}, count_headers,
                   count_rows, option, charts.bar_height(len(count_rows)),
                   _("这一年还没有社区获得流动红旗。")),
        ]  # fmt: skip


TABS = [
    ("assessments:dashboard", RankingView),
    ("assessments:dashboard_trend", TrendView),
    ("assessments:dashboard_breakdown", BreakdownView),
    ("assessments:dashboard_spread", SpreadView),
    ("assessments:dashboard_inspections", InspectionLatenessView),
    ("assessments:red_flags", RedFlagHistoryView),
]
