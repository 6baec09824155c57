from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from assessments.choices import AppealState, Rule, Source
from shequ.metrics import Metric
from shequ.tables import EMPTY, Column, Table, as_html, link

APPEAL_CSS = {
    AppealState.PENDING: "text-warning-emphasis",
    AppealState.ACCEPTED: "text-success",
    AppealState.REJECTED: "text-body-secondary",
}


class RankingTable(Table):
    columns = (
        Column("rank", _("名次"), cell_css="text-nowrap"),
        Column("community", _("社区")),
        Column("street", _("街道"), css="d-none d-md-table-cell", several_communities=True),
        Column("total", _("总分"), css="text-end"),
    )
    empty_text = _("这个月还没有可查看的考核得分。")

    def render_community(self, score):
        return link(self.url("assessments:score", score.pk), score.community.name)

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
        Column("appeal", _("申诉"), css="small text-nowrap"),
    )
    empty_text = _("这个方案没有指标。")

    def __init__(self, rows, *, request, registry: dict[str, Metric], appeals: dict,
                 may_appeal: bool) -> None:  # fmt: skip
        super().__init__(rows, request=request)
        self.registry, self.appeals, self.may_appeal = registry, appeals, may_appeal

    def render_appeal(self, part):
        appeal = self.appeals.get(part.indicator_id)
        if appeal is not None:
            css = APPEAL_CSS[appeal.state]
            return link(self.url("assessments:appeal", appeal.pk), self.label(appeal, "state"), css)
        if self.may_appeal:
            return link(self.url("assessments:appeal_add", part.pk), _("申诉"))
        return EMPTY

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
        if part.source == Source.APPEAL:
            appeal = self.appeals.get(indicator.pk)
            before = appeal.marks_before if appeal else EMPTY
            return as_html(_("申诉采纳后调整（原 %(before)s 分）") % {"before": before})
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


class AppealTable(Table):
    columns = (
        Column("filed_at", _("申诉时间"), cell_css="text-nowrap"),
        Column("community", _("社区"), cell_css="text-nowrap", several_communities=True),
        Column("month", _("月份"), css="d-none d-sm-table-cell", cell_css="text-nowrap"),
        Column("indicator", _("指标")),
        Column("marks", _("得分"), css="text-end text-nowrap d-none d-md-table-cell"),
        Column("state", _("状态"), cell_css="text-nowrap"),
    )
    empty_text = _("没有申诉。")

    def render_filed_at(self, appeal):
        filed = timezone.localtime(appeal.filed_at)
        return link(self.url("assessments:appeal", appeal.pk), f"{filed:%Y-%m-%d}")

    def render_community(self, appeal):
        return appeal.community.name

    def render_month(self, appeal):
        return f"{appeal.assessment_month.month:%Y-%m}"

    def render_indicator(self, appeal):
        return appeal.indicator.name

    def render_marks(self, appeal):
        if appeal.marks_after is None:
            return appeal.marks_before
        return f"{appeal.marks_before} → {appeal.marks_after}"

    def render_state(self, appeal):
        return self.label(appeal, "state")
