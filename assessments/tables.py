from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from assessments.choices import Rule, Source
from shequ.metrics import Metric
from shequ.tables import EMPTY, Column, Table, as_html, link


class RankingTable(Table):
    columns = (
        Column("rank", _("名次"), cell_css="text-nowrap"),
        Column("community", _("社区")),
        Column("street", _("街道"), css="d-none d-md-table-cell", several_communities=True),
        Column("total", _("总分"), css="text-end"),
    )
    empty_text = _("这个月还没有可查看的考核得分。")

    def __init__(self, rows, *, request, flags: dict[int, str]) -> None:
        super().__init__(rows, request=request)
        self.flags = flags  # what each holder of a red flag holds, by community

    def render_community(self, score):
        name = link(self.url("assessments:score", score.pk), score.community.name)
        held = self.flags.get(score.community_id)
        if held is None:
            return name
        return mark_safe(f'{name} <span class="badge red-flag">{as_html(held)}</span>')

    def render_street(self, score):
        return score.community.street.name


class PartsTable(Table):
    """Each indicator of a community's month: what it was computed from, and its marks."""

    columns = (
        Column("group", _("类别"), css="d-none d-md-table-cell text-nowrap"),
        Column("indicator", _("指标")),
        Column("inputs", _("计算依据"), css="small"),
        Column("full_marks", _("满分"), css="text-end d-none d-sm-table-cell"),
        Column("score", _("得分"), css="text-end text-nowrap"),
    )
    empty_text = _("这个方案没有指标。")

    def __init__(self, rows, *, request, registry: dict[str, Metric]) -> None:
        super().__init__(rows, request=request)
        self.registry = registry

    def render_group(self, part):
        return part.indicator.group

    def render_indicator(self, part):
        return part.indicator.name

    def render_full_marks(self, part):
        return part.indicator.full_marks

    def render_score(self, part):
        return mark_safe(f'<strong data-testid="score-{part.indicator_id}">{part.score}</strong>')

    def render_inputs(self, part):
        indicator = part.indicator
        if part.source == Source.NOT_INSPECTED:
            return self.label(part, "source")
        if part.source == Source.INSPECTED:
            url = f"{self.url('assessments:score', part.community_score_id)}{indicator.pk}/"
            return link(url, _("检查情况"))
        metric = self.registry.get(indicator.metric)
        if metric is None:
            return EMPTY
        unit = "%" if metric.percent else ""
        figures = (
            f"{as_html(metric.numerator)} {_number(part.numerator)} ÷ "
            f"{as_html(metric.denominator)} {_number(part.denominator)}"
        )
        if part.source == Source.NO_DATA:
            outcome = as_html(_("本月无数据，%(rule)s") % {"rule": indicator.get_no_data_display()})
        else:
            outcome = f"= {part.value}{unit}；{as_html(_rule(indicator, unit))}"
        records = ""
        if metric.records is not None:
            url = f"{self.url('assessments:score', part.community_score_id)}{indicator.pk}/"
            records = " " + link(url, _("明细"))
        return mark_safe(f"{as_html(metric.name)}：{figures} {outcome}{records}")


def _number(value) -> str:
    if value is None:
        return EMPTY
    return f"{value.normalize():f}"


def _rule(indicator, unit: str) -> str:
    if indicator.rule == Rule.TARGET:
        return _("达到 %(full)s%(unit)s 得满分") % {"full": indicator.full_at, "unit": unit}
    return _("%(zero)s%(unit)s 得 0 分，%(full)s%(unit)s 得满分，其间按比例") % {
        "zero": indicator.zero_at, "full": indicator.full_at, "unit": unit,
    }  # fmt: skip
