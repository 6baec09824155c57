"""Excel (.xlsx) out, as every export writes it: the response, and rows of a write-only sheet
whose text can neither break the file nor run as a formula."""

from __future__ import annotations

import io
from collections.abc import Iterable

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOLD = Font(bold=True)


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def sheet_row(sheet, values: Iterable, strong: bool = False) -> list:
    """Cells for `sheet.append` on a write-only sheet, in bold when `strong`. Names typed
    elsewhere may carry control characters (pasted from Word) that openpyxl refuses, which would
    fail the whole export; and text is text, so a name beginning with "=" never runs as a
    formula."""
    cells = []
    for value in values:
        if not isinstance(value, str):
            cells.append(WriteOnlyCell(sheet, value=value) if strong else value)
            continue
        cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
        cell.data_type = "s"
        cells.append(cell)
    if strong:
        for cell in cells:
            cell.font = BOLD
    return cells


def workbook_bytes(workbook: Workbook) -> bytes:
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
