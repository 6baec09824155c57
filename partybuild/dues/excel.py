"""A year of an organisation's dues as the treasurer keeps it (党费收缴台账): a member a line with
what was paid each month, and every month's row beneath in a second sheet."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook

from partybuild.models import DuesMonth, PartyOrganization
from shequ.excel import sheet_row, workbook_bytes

MONTHS = range(1, 13)


def dues_workbook(node: PartyOrganization, year: int, rows: list[DuesMonth]) -> bytes:
    workbook = Workbook(write_only=True)
    ledger = workbook.create_sheet(_("台账"))
    ledger.freeze_panes = "C3"
    ledger.column_dimensions["A"].width = 12
    ledger.column_dimensions["B"].width = 18
    title = _("%(organization)s %(year)s 年党费收缴台账") % {
        "organization": node.name, "year": year,
    }  # fmt: skip
    ledger.append(sheet_row(ledger, [title], strong=True))
    months = [_("%(month)s月") % {"month": month} for month in MONTHS]
    ledger.append(sheet_row(
        ledger, [_("姓名"), _("所在党组织"), *months, _("应交合计"), _("已交合计"), _("欠交合计")],
        strong=True,
    ))  # fmt: skip
    by_member: dict[int, list[DuesMonth]] = {}
    for row in rows:
        by_member.setdefault(row.member_id, []).append(row)
    for member_rows in by_member.values():
        paid = {row.month.month: row.amount_paid for row in member_rows if row.paid}
        due = sum((row.amount_due for row in member_rows), Decimal(0))
        received = sum((row.amount_paid for row in member_rows if row.paid), Decimal(0))
        owing = sum((row.amount_due for row in member_rows if not row.paid), Decimal(0))
        last = member_rows[-1]
        values = [last.member.resident.name, last.organization.name,
                  *(paid.get(month) for month in MONTHS), due, received, owing]  # fmt: skip
        ledger.append(sheet_row(ledger, values))

    detail = workbook.create_sheet(_("明细"))
    detail.freeze_panes = "A2"
    detail.append(sheet_row(
        detail, [_("月份"), _("姓名"), _("所在党组织"), _("应交（元）"), _("实交（元）"),
                 _("交纳日期"), _("当月交纳"), _("登记人"), _("备注")],
        strong=True,
    ))  # fmt: skip
    for row in sorted(rows, key=lambda row: (row.month, row.organization.order, row.member_id)):
        detail.append(sheet_row(detail, [
            f"{row.month:%Y-%m}", row.member.resident.name, row.organization.name,
            row.amount_due, row.amount_paid, row.paid_on,
            (_("是") if row.on_time else _("否")) if row.paid else _("未交"),
            str(row.recorded_by) if row.recorded_by else "", row.note,
        ]))  # fmt: skip
    return workbook_bytes(workbook)
