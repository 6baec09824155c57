from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from assessments.choices import AppealState, Rule, Source
from assessments.models.civility import ITEMS, Decision, Item, Quarter
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
        unit = metric.unit
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


class FourNoQuarterTable(Table):
    """A community's buildings in one quarter: each of the four items, or where the record is
    missing."""

    columns = (
        Column("building", _("楼栋")),
        Column("grid_unit", _("网格"), css="d-none d-md-table-cell text-nowrap"),
        *(Column(item.field, item.label, css="d-none d-lg-table-cell text-center text-nowrap")
          for item in ITEMS),
        Column("result", _("结果")),
        Column("entered", _("录入"), css="d-none d-md-table-cell", cell_css="small"),
        Column("action", _("操作"), css="text-end text-nowrap"),
    )  # fmt: skip
    empty_text = _("没有可查看的楼栋。")

    def __init__(self, rows, *, request, quarter: Quarter, may_enter: bool) -> None:
        super().__init__(rows, request=request)
        self.quarter, self.may_enter = quarter, may_enter

    def render_building(self, row):
        building = row.building
        address = as_html(building.address) if building.address else ""
        return mark_safe(
            f'<span class="fw-semibold">{as_html(building.label)}</span>'
            f'<div class="small text-body-secondary">{address}</div>'
        )

    def render_grid_unit(self, row):
        return row.building.grid_unit.name

    def item(self, row, item: Item):
        if row.record is None:
            return EMPTY
        if getattr(row.record, item.field):
            return mark_safe(f'<span class="text-success" title="{as_html(_("达标"))}">✓</span>')
        note = as_html(getattr(row.record, item.note))
        return mark_safe(f'<span class="text-danger fw-semibold" title="{note}">✗</span>')

    def render_no_mess(self, row):
        return self.item(row, ITEMS[0])

    def render_no_vice(self, row):
        return self.item(row, ITEMS[1])

    def render_no_theft_or_fire(self, row):
        return self.item(row, ITEMS[2])

    def render_no_fights(self, row):
        return self.item(row, ITEMS[3])

    def render_result(self, row):
        record = row.record
        if record is None:
            return mark_safe(f'<span class="badge text-bg-danger">{as_html(_("未录入"))}</span>')
        if record.passed:
            return mark_safe(f'<span class="badge text-bg-success">{as_html(_("四无达标"))}</span>')
        failed = "、".join(str(item.label) for item in record.failed_items)
        notes = "；".join(getattr(record, item.note) for item in record.failed_items)
        return mark_safe(
            f'<span class="badge text-bg-warning">{as_html(_("未达标"))}</span> '
            f'<span class="small">{as_html(failed)}</span>'
            f'<div class="small text-body-secondary">{as_html(notes)}</div>'
        )

    def render_entered(self, row):
        if row.record is None:
            return EMPTY
        return f"{row.record.entered_by} {timezone.localtime(row.record.entered_at):%m-%d %H:%M}"

    def render_action(self, row):
        if not self.may_enter:
            return ""
        if row.locked:
            return mark_safe(
                f'<span class="small text-body-secondary">{as_html(_("已评定"))}</span>'
            )
        if row.record:
            return link(self.url("assessments:fournorecord_edit", row.record.pk), _("修改"),
                        "btn btn-sm btn-outline-secondary")  # fmt: skip
        url = (
            f"{self.url('assessments:fournorecord_add')}?building={row.building.pk}"
            f"&quarter={self.quarter}"
        )
        return link(url, _("录入"), "btn btn-sm btn-primary")


def quarter_columns(css: str) -> tuple[Column, ...]:
    labels = (_("一季度"), _("二季度"), _("三季度"), _("四季度"))
    return tuple(Column(f"q{n}", label, css=css) for n, label in enumerate(labels, start=1))


class QuarterCells:
    """The cells of `quarter_columns`, each the table's `quarter(row, n)`."""

    def render_q1(self, row):
        return self.quarter(row, 1)

    def render_q2(self, row):
        return self.quarter(row, 2)

    def render_q3(self, row):
        return self.quarter(row, 3)

    def render_q4(self, row):
        return self.quarter(row, 4)


class FourNoOverviewTable(QuarterCells, Table):
    """Officials' counts: each community's buildings, its records entered and passed in each
    quarter of the year, and its confirmed awards; the district's total last."""

    columns = (
        Column("community", _("社区"), css="text-nowrap"),
        Column("street", _("街道"), css="d-none d-md-table-cell", several_communities=True),
        Column("buildings", _("楼栋"), css="text-end text-nowrap"),
        *quarter_columns("text-end text-nowrap"),
        Column("awarded_buildings", _("文明楼院"), css="text-end text-nowrap"),
        Column("awarded_households", _("文明户"), css="text-end text-nowrap"),
    )  # fmt: skip
    empty_text = _("这个区没有社区。")

    def render_community(self, row):
        if row.community is None:
            return mark_safe(f"<strong>{as_html(_('合计'))}</strong>")
        return row.community.name

    def render_street(self, row):
        return row.community.street.name if row.community else ""

    def __init__(self, rows, *, request, year: int) -> None:
        super().__init__(rows, request=request)
        # Buildings are missing from a quarter only once it has begun.
        self.begun = {n for n in (1, 2, 3, 4) if Quarter(year, n) <= Quarter.current()}

    def quarter(self, row, n: int):
        entered, passed = row.quarters.get(n, (0, 0))
        shown = f"{entered}/{row.buildings}"
        if n in self.begun and entered < row.buildings:
            shown = f'<span class="text-danger">{shown}</span>'
        note = as_html(_("达标 %(n)s") % {"n": passed})
        return mark_safe(f'{shown}<div class="small text-body-secondary">{note}</div>')


class DecisionTable(Table):
    """A candidate list whose last cell is staff's decision: what was decided, and the forms
    to confirm or decline (with a reason), posted to 评定 and back."""

    def __init__(self, rows, *, request, year: int, may_decide: bool) -> None:
        super().__init__(rows, request=request)
        self.year, self.may_decide = year, may_decide
        self.token = get_token(request) if may_decide else ""

    def decision(self, award, building_id: int, household_id: int | None = None):
        shown = ""
        if award is not None and award.decision == Decision.CONFIRMED:
            shown = f'<span class="badge text-bg-success">{as_html(_("已确认"))}</span>'
        elif award is not None:
            shown = (
                f'<span class="badge text-bg-secondary">{as_html(_("不予评选"))}</span>'
                f'<div class="small text-body-secondary">{as_html(award.reason)}</div>'
            )
        if not self.may_decide:
            return mark_safe(shown)
        hidden = (
            f'<input type="hidden" name="csrfmiddlewaretoken" value="{as_html(self.token)}">'
            f'<input type="hidden" name="year" value="{self.year}">'
            f'<input type="hidden" name="building" value="{building_id}">'
        )
        if household_id:
            hidden += f'<input type="hidden" name="household" value="{household_id}">'
        action = as_html(self.url("assessments:civilityaward_add"))
        confirm = (
            f'<form method="post" action="{action}" class="d-inline">{hidden}'
            f'<input type="hidden" name="decision" value="{Decision.CONFIRMED}">'
            f'<button class="btn btn-sm btn-success" type="submit">{as_html(_("确认"))}</button>'
            "</form>"
        )
        decline = (
            f'<details class="d-inline-block decline"><summary class="btn btn-sm '
            f'btn-outline-secondary">{as_html(_("不予评选"))}</summary>'
            f'<form method="post" action="{action}" class="mt-1">{hidden}'
            f'<input type="hidden" name="decision" value="{Decision.DECLINED}">'
            f'<textarea class="form-control form-control-sm mb-1" name="reason" rows="2" required '
            f'aria-label="{as_html(_("理由"))}" placeholder="{as_html(_("理由（必填）"))}">'
            "</textarea>"
            f'<button class="btn btn-sm btn-secondary" type="submit">{as_html(_("确定"))}</button>'
            "</form></details>"
        )
        if award is None:
            return mark_safe(f'<div class="d-flex flex-wrap gap-1 justify-content-end">'
                             f"{confirm}{decline}</div>")  # fmt: skip
        other = decline if award.decision == Decision.CONFIRMED else confirm
        return mark_safe(
            f'<div class="d-flex flex-wrap gap-2 justify-content-end align-items-start">{shown}'
            f'<details class="small"><summary class="btn btn-sm btn-link p-0">{as_html(_("更改"))}'
            f"</summary>{other}</details></div>"
        )


class CandidateBuildingTable(QuarterCells, DecisionTable):
    columns = (
        Column("building", _("楼栋")),
        Column("grid_unit", _("网格"), css="d-none d-md-table-cell text-nowrap"),
        *quarter_columns("d-none d-sm-table-cell text-center text-nowrap"),
        Column("standing", _("候选情况")),
        Column("decision", _("评定"), css="text-end"),
    )  # fmt: skip
    empty_text = _("没有可查看的楼栋。")

    def render_building(self, row):
        return row.building.label

    def render_grid_unit(self, row):
        return row.building.grid_unit.name

    def quarter(self, row, n: int):
        record = row.quarters[n - 1][1]
        if record is None:
            return mark_safe(f'<span class="text-danger">{as_html(_("未录入"))}</span>')
        if record.passed:
            return mark_safe('<span class="text-success">✓</span>')
        failed = "、".join(str(item.label) for item in record.failed_items)
        return mark_safe(f'<span class="text-danger" title="{as_html(failed)}">✗</span>')

    def render_standing(self, row):
        if row.candidate:
            return mark_safe(f'<span class="badge text-bg-primary">{as_html(_("候选"))}</span>')
        if row.failed:
            failed = [n for n, record in row.quarters if record and not record.passed]
            text = _("第 %(quarters)s 季度四无未达标") % {"quarters": "、".join(map(str, failed))}
            return mark_safe(f'<span class="text-body-secondary">{as_html(text)}</span>')
        text = _("待录入第 %(quarters)s 季度") % {"quarters": "、".join(map(str, row.missing))}
        return mark_safe(f'<span class="text-danger">{as_html(text)}</span>')

    def render_decision(self, row):
        if not row.candidate:
            return ""
        return self.decision(row.award, row.building.pk)


class CandidateHouseholdTable(DecisionTable):
    columns = (
        Column("household", _("户")),
        Column("decision", _("评定"), css="text-end"),
    )
    empty_text = _("还没有候选楼栋，也就没有候选户。")

    def render_household(self, row):
        household = row.household
        head = _("户主 %(name)s") % {"name": household.head.name} if household.head else ""
        if household.in_dispute:
            remark = f'<span class="text-danger">{as_html(_("年内有纠纷诉求，不列入候选"))}</span>'
        elif row.mentions:
            remark = as_html(_("民情日志提及 %(n)s 次，请核实") % {"n": row.mentions})
        else:
            remark = ""
        return mark_safe(
            f'<span class="text-nowrap">{as_html(household)}</span> '
            f'<span class="small text-nowrap">{as_html(head) if head else ""}</span>'
            f'<div class="small">{remark}</div>'
        )

    def render_decision(self, row):
        if row.household.in_dispute:
            return ""
        return self.decision(row.award, row.household.building_id, row.household.pk)
