"""Excel (.xlsx) in and out. Out, as every export writes it: the response, and rows of a
write-only sheet whose text can neither break the file nor run as a formula. In, as every
import reads it: an `ImportSheet` of columns, its template, and its rows parsed with the row
number and a reason in Chinese for each cell that cannot be taken."""

from __future__ import annotations

import datetime
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import KW_ONLY, dataclass, field
from functools import cached_property

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from shequ.models import Community, ScopedModel, User
from shequ.models.scoping import CHANGE
from shequ.text import strip_control

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


# Import sheets ------------------------------------------------------------------------------
#
# An import sheet says its columns once: header, whether required, coded choices (a dropdown in
# the template, read back from their Chinese labels) and how a cell becomes a value. Cells
# arrive as Excel left them: text, whole or decimal numbers, or dates. A number where an ID
# number belongs has already lost digits in Excel, so it is refused, never converted.

HEADER_ROW = 2  # row 1 is the form's title, as on the paper form
FIRST_DATA_ROW = HEADER_ROW + 1
MAX_FILE_BYTES = 10 * 1024 * 1024
LISTS_TITLE = "选项"
INSTRUCTIONS_TITLE = "填写说明"
TEXT = "@"
DATE = "yyyy-mm-dd"
# More than this many errors is a wrong file, not a few typos; the page shows the first ones.
ERRORS_SHOWN = 500

REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
OPTIONAL_FILL = PatternFill("solid", fgColor="DDEBF7")
REQUIRED_FONT = Font(bold=True, color="C00000")
OPTIONAL_FONT = Font(bold=True)


class ImportFileError(ValidationError):
    """The file as a whole cannot be read: wrong type, wrong headers, too many rows."""


def parse_text(value: object) -> str:
    """A cell as text. Whole numbers lose the `.0` Excel's float gives them (门牌 301)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime | datetime.date):
        raise ValidationError(_("应填写文字，不是日期。"))
    return strip_control(str(value)).strip()


def parse_code(value: object) -> str:
    """Numbers and codes, with full-width digits and letters made half-width (１３８ → 138)."""
    return unicodedata.normalize("NFKC", parse_text(value)).strip()


def limited(max_length: int) -> Callable[[object], str]:
    def parse(value: object) -> str:
        text = parse_text(value)
        if len(text) > max_length:
            raise ValidationError(_("不能超过 %(n)s 个字。") % {"n": max_length})
        return text

    return parse


def limited_code(max_length: int) -> Callable[[object], str]:
    def parse(value: object) -> str:
        text = parse_code(value)
        if len(text) > max_length:
            raise ValidationError(_("不能超过 %(n)s 个字符。") % {"n": max_length})
        return text

    return parse


def parse_document_number(value: object) -> str:
    """An ID number typed into a cell Excel treated as a number keeps only 15 significant digits:
    1.10105194912310E+17. Such a cell is reported, whatever digits it happens to show; so is a
    number masked by an export (3703**********0019), which is no longer the person's."""
    if isinstance(value, float):
        shown = f"{value:.14E}" if abs(value) >= 1e11 else parse_text(value)
        raise ValidationError(
            _(
                "证件号码被 Excel 存成了数字（%(value)s），后几位已经丢失，"
                "请把该列设为“文本”后按原件重新填写。"
            )
            % {"value": shown},
            code="scientific",
        )
    number = re.sub(r"\s", "", parse_code(value)).upper()
    if "*" in number:
        raise ValidationError(
            _("证件号码 %(value)s 是导出时隐藏过的号码，请按原件填写完整号码。")
            % {"value": number},
            code="masked",
        )
    return number


_DATE_TEXT = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


def parse_date(value: object) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = parse_code(value)
    if match := _DATE_TEXT.fullmatch(text):
        parts = match.groups()
    elif re.fullmatch(r"\d{8}", text):
        parts = (text[:4], text[4:6], text[6:])
    else:
        raise ValidationError(_("日期应写成 YYYY-MM-DD，例如 1950-03-07。"))
    try:
        return datetime.date(*(int(part) for part in parts))
    except ValueError:
        raise ValidationError(_("日期 %(date)s 不存在。") % {"date": text}) from None


def parse_choice(
    choices: Sequence[tuple[str, str]], aliases: dict[str, str] | None = None
) -> Callable[[object], str]:
    by_label = {str(label): value for value, label in choices}
    by_label.update(aliases or {})

    def parse(value: object) -> str:
        text = parse_text(value).replace(" ", "")
        if text in by_label:
            return by_label[text]
        labels = "、".join(str(label) for _value, label in choices)
        if len(choices) > 12:
            raise ValidationError(_("“%(value)s”不是可选的值。") % {"value": text})
        raise ValidationError(
            _("“%(value)s”不是可选的值（可选：%(labels)s）。") % {"value": text, "labels": labels}
        )

    return parse


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    _: KW_ONLY
    required: bool = False
    parse: Callable[[object], object] = parse_text
    choices: Sequence[tuple[str, str]] = ()
    number_format: str | None = None
    width: int = 10
    note: str = ""
    # A dropdown that also takes typed values (several tags in one cell, a building not listed).
    free_dropdown: bool = False

    @property
    def title(self) -> str:
        return f"{self.header}*" if self.required else self.header

    @property
    def labels(self) -> list[str]:
        return [str(label) for _value, label in self.choices]


def coded(
    key: str, header: str, choices, aliases: dict[str, str] | None = None, **kwargs
) -> Column:
    """A column of coded values: a dropdown of the labels in the template."""
    choices = [(value, str(label)) for value, label in choices]
    return Column(key, header, parse=parse_choice(choices, aliases), choices=choices, **kwargs)


def header_key(text: object) -> str:
    """ "姓名*", "＊姓名", " 姓 名 " all name the 姓名 column."""
    return re.sub(r"[\s*＊]", "", unicodedata.normalize("NFKC", str(text or "")))


@dataclass
class SheetRow:
    number: int  # the row number Excel shows
    cells: dict[str, object]  # column key → the cell's value, blanks left out


@dataclass(frozen=True)
class RowError:
    row: int  # the row number Excel shows
    message: str
    column: str = ""

    def __str__(self) -> str:
        return _("第 %(row)s 行：%(message)s") % {"row": self.row, "message": self.message}


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@dataclass(frozen=True)
class ImportSheet:
    """One kind of import: its sheet's title, columns, and what a row holds ("居民")."""

    title: str
    columns: tuple[Column, ...]
    what: str
    max_rows: int = 10_000
    # Headers offices write instead of the template's: header → column key.
    other_headers: dict[str, str] = field(default_factory=dict)

    def column(self, key: str) -> Column:
        return next(column for column in self.columns if column.key == key)

    @cached_property
    def _by_header(self) -> dict[str, Column]:
        by_header = {header_key(column.header): column for column in self.columns}
        for header, key in self.other_headers.items():
            by_header[header_key(header)] = self.column(key)
        return by_header

    def read(self, file) -> list[SheetRow]:
        """The non-empty data rows of the sheet, or ImportFileError saying what is wrong."""
        name = getattr(file, "name", "") or ""
        if name.lower().endswith((".xls", ".et", ".csv")):
            raise ImportFileError(
                _(
                    "只能导入 .xlsx 文件。请在 Excel 或 WPS 中“另存为”Excel 工作簿（*.xlsx）"
                    "后再上传。"
                )
            )
        try:
            workbook = load_workbook(file, read_only=True, data_only=True)
        except Exception:  # openpyxl raises many kinds for a file that is not a workbook
            raise ImportFileError(
                _("无法读取这个文件。请上传用本系统模板填写的 .xlsx 文件（不支持 .xls、.csv）。")
            ) from None
        try:
            title = self.title
            sheet = workbook[title] if title in workbook.sheetnames else workbook.worksheets[0]
            return self._read_sheet(sheet.iter_rows(values_only=True))
        except ImportFileError:
            raise
        except Exception:
            raise ImportFileError(
                _("文件已损坏或格式不对，无法读取，请重新保存后再上传。")
            ) from None
        finally:
            workbook.close()

    def _read_sheet(self, rows: Iterator[tuple]) -> list[SheetRow]:
        positions: dict[int, Column] | None = None
        found: list[SheetRow] = []
        for number, values in enumerate(rows, start=1):
            if positions is None:
                if number > 5:
                    break
                positions = self._header_positions(values)
                continue
            cells = {
                positions[i].key: value
                for i, value in enumerate(values)
                if i in positions and not _blank(value)
            }
            if not cells:
                continue
            if len(found) == self.max_rows:
                raise ImportFileError(
                    _("一个文件最多导入 %(max)s 行，请分成几个文件。")
                    % {"max": f"{self.max_rows:,}"}
                )
            found.append(SheetRow(number, cells))
        if positions is None:
            raise ImportFileError(
                _("没有找到表头。请使用本系统的导入模板，表头须含%(headers)s等列。")
                % {"headers": "、".join(f"“{c.header}”" for c in self.columns if c.required)}
            )
        if not found:
            raise ImportFileError(
                _("文件里没有%(what)s数据：表头下面的行都是空的。") % {"what": self.what}
            )
        return found

    def _header_positions(self, values: tuple) -> dict[int, Column] | None:
        """The column index of each known header, if this row is the header row."""
        positions = {}
        for index, value in enumerate(values):
            if column := self._by_header.get(header_key(value)):
                positions.setdefault(index, column)
        present = {column.key for column in positions.values()}
        if not present:
            return None
        missing = [c.header for c in self.columns if c.required and c.key not in present]
        if missing:
            raise ImportFileError(
                _("表头缺少必填列：%(missing)s。请使用本系统的导入模板。")
                % {"missing": "、".join(missing)}
            )
        return positions

    def values(self, row: SheetRow, errors: list[RowError]) -> tuple[dict[str, object], set[str]]:
        """A row's cells parsed by their columns, and the keys that failed; each failure (or a
        required cell left empty) is added to `errors` with the row's number."""
        values: dict[str, object] = {}
        failed: set[str] = set()
        for column in self.columns:
            if column.key not in row.cells:
                if column.required:
                    message = _("%(h)s不能为空。") % {"h": column.header}
                    errors.append(RowError(row.number, message, column.header))
                    failed.add(column.key)
                continue
            try:
                values[column.key] = column.parse(row.cells[column.key])
            except ValidationError as error:
                message = error.messages[0]
                if error.code not in ("scientific", "masked"):  # these name the number already
                    message = f"{column.header}：{message}"
                errors.append(RowError(row.number, message, column.header))
                failed.add(column.key)
        return values, failed

    def template(
        self, *, heading: str, rules: Sequence[str], example: Sequence[object],
        lists: dict[str, Sequence[str]] | None = None,
    ) -> bytes:  # fmt: skip
        """The empty form: marked headers, dropdowns (the coded labels, or `lists` by column
        key), text and date formats, and a sheet of rules with each column and an example."""
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = self.title
        sheet.cell(row=1, column=1, value=heading).font = Font(bold=True, size=14)
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(self.columns))
        sheet.row_dimensions[1].height = 24
        for index, column in enumerate(self.columns, start=1):
            cell = sheet.cell(row=HEADER_ROW, column=index, value=column.title)
            cell.fill = REQUIRED_FILL if column.required else OPTIONAL_FILL
            cell.font = REQUIRED_FONT if column.required else OPTIONAL_FONT
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            letter = get_column_letter(index)
            sheet.column_dimensions[letter].width = column.width + 2
            if column.number_format:
                sheet.column_dimensions[letter].number_format = column.number_format
        sheet.freeze_panes = sheet.cell(row=FIRST_DATA_ROW, column=1)
        self._dropdowns(workbook, sheet, lists or {})
        self._instructions(workbook.create_sheet(INSTRUCTIONS_TITLE), rules, example)
        return workbook_bytes(workbook)

    def _dropdowns(self, workbook, sheet, lists: dict[str, Sequence[str]]) -> None:
        # Long lists live on a hidden sheet: a list typed into the rule itself may not exceed
        # 255 characters, which the 56 ethnic groups do.
        hidden = workbook.create_sheet(LISTS_TITLE)
        hidden.sheet_state = "hidden"
        last_row = FIRST_DATA_ROW + self.max_rows - 1
        list_column = 0
        for index, column in enumerate(self.columns, start=1):
            values = column.labels or list(lists.get(column.key, ()))
            if not values:
                continue
            list_column += 1
            list_letter = get_column_letter(list_column)
            hidden.cell(row=1, column=list_column, value=column.header)
            for row, value in enumerate(values, start=2):
                hidden.cell(row=row, column=list_column, value=value)
            source = (
                f"{quote_sheetname(LISTS_TITLE)}!${list_letter}$2:${list_letter}${len(values) + 1}"
            )
            validation = DataValidation(
                type="list",
                formula1=source,
                allow_blank=True,
                showErrorMessage=not column.free_dropdown,
                errorTitle=column.header,
                error=_("请从下拉列表中选择。"),
                showInputMessage=bool(column.note),
                promptTitle=column.header[:32],
                prompt=column.note[:255] or None,
            )
            letter = get_column_letter(index)
            validation.add(f"{letter}{FIRST_DATA_ROW}:{letter}{last_row}")
            sheet.add_data_validation(validation)

    def _instructions(self, sheet, rules: Sequence[str], example: Sequence[object]) -> None:
        sheet.column_dimensions["A"].width = 14
        sheet.column_dimensions["B"].width = 8
        sheet.column_dimensions["C"].width = 90
        sheet.cell(row=1, column=1, value=_("填写说明")).font = Font(bold=True, size=14)
        for row, rule in enumerate(rules, start=2):
            sheet.cell(row=row, column=1, value=f"{row - 1}.")
            sheet.cell(row=row, column=3, value=rule).alignment = Alignment(wrap_text=True)
        row = len(rules) + 3
        for index, header in enumerate((_("列"), _("必填"), _("说明与可选值")), start=1):
            sheet.cell(row=row, column=index, value=header).font = Font(bold=True)
        for column in self.columns:
            row += 1
            detail = column.note
            if column.labels and len(column.labels) <= 12:
                detail = f"{detail} " + _("可选：%(labels)s") % {"labels": "、".join(column.labels)}
            sheet.cell(row=row, column=1, value=column.header)
            sheet.cell(row=row, column=2, value=_("是") if column.required else "")
            sheet.cell(row=row, column=3, value=detail.strip()).alignment = Alignment(
                wrap_text=True
            )
        row += 2
        sheet.cell(row=row, column=1, value=_("示例")).font = Font(bold=True)
        for index, (column, value) in enumerate(zip(self.columns, example, strict=True), start=1):
            sheet.cell(row=row + 1, column=index, value=column.title)
            sheet.cell(row=row + 2, column=index, value=value)


def communities_for_import(user: User, model: type[ScopedModel]) -> QuerySet[Community]:
    """The communities into which the user may import rows of `model`: those where their roles
    may change it (community staff, their own)."""
    communities = Community.objects.visible_to(user)
    if user.is_superuser:
        return communities
    return communities.filter(Community.scope_filter(user, model.scope_roles[CHANGE]))
