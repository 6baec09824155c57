"""The year's 文明楼院 and 文明户 of a community as an Excel workbook, as offices pass such lists
to the street."""

from __future__ import annotations

from django.utils.translation import gettext as _
from openpyxl import Workbook

from assessments.models import CivilityAward
from shequ.excel import sheet_row, workbook_bytes
from shequ.models import Community


def awards_workbook(
    community: Community, year: int, buildings: list[CivilityAward],
    households: list[CivilityAward],
) -> bytes:  # fmt: skip
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("文明楼院文明户"))
    for letter, width in zip("ABCDEF", (10, 12, 14, 12, 30, 16), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A3"
    title = _("%(community)s %(year)s 年度文明楼院、文明户名单") % {
        "community": community.name, "year": year,
    }  # fmt: skip
    sheet.append(sheet_row(sheet, [title], strong=True))
    sheet.append(
        sheet_row(
            sheet,
            [_("类别"), _("楼栋"), _("单元门牌"), _("户主/楼栋长"), _("地址"), _("网格")],
            strong=True,
        )
    )
    for award in buildings:
        building = award.building
        chief = building.chief.name if building.chief else ""
        values = [_("文明楼院"), building.label, "", chief, building.address,
                  building.grid_unit.name]  # fmt: skip
        sheet.append(sheet_row(sheet, values))
    for award in households:
        building, household = award.building, award.household
        head = household.head.name if household.head else ""
        values = [_("文明户"), building.label, household.address_in_building, head,
                  building.address, building.grid_unit.name]  # fmt: skip
        sheet.append(sheet_row(sheet, values))
    return workbook_bytes(workbook)
