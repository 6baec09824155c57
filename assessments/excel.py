"""The year's 文明楼院 and 文明户 of a community as an Excel workbook, as offices pass such lists
to the street."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from assessments.models import CivilityAward
from shequ.models import Community
from shequ.text import strip_control


def awards_workbook(
    community: Community, year: int, buildings: list[CivilityAward],
    households: list[CivilityAward],
) -> bytes:  # fmt: skip
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("文明楼院文明户"))
    for letter, width in zip("ABCDEF", (10, 12, 14, 12, 30, 16), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A3"
    bold = Font(bold=True)

    def row(values: list[object], strong: bool = False) -> list[WriteOnlyCell]:
        cells = []
        for value in values:
            # Text never runs as a formula, and what was pasted from Word cannot break the file.
            cell = WriteOnlyCell(sheet, value=strip_control(str(value)) if value else "")
            cell.data_type = "s"
            if strong:
                cell.font = bold
            cells.append(cell)
        return cells

    title = _("%(community)s %(year)s 年度文明楼院、文明户名单") % {
        "community": community.name, "year": year,
    }  # fmt: skip
    sheet.append(row([title], strong=True))
    sheet.append(
        row(
            [_("类别"), _("楼栋"), _("单元门牌"), _("户主/楼栋长"), _("地址"), _("网格")],
            strong=True,
        )
    )
    for award in buildings:
        building = award.building
        chief = building.chief.name if building.chief else ""
        sheet.append(row([_("文明楼院"), building.label, "", chief, building.address,
                          building.grid_unit.name]))  # fmt: skip
    for award in households:
        building, household = award.building, award.household
        sheet.append(row([_("文明户"), building.label, household.address_in_building,
                          household.head.name if household.head else "", building.address,
                          building.grid_unit.name]))  # fmt: skip
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
