"""The 人口信息采集表 as a workbook: its columns in one place, the template, reading and writing.

Each column says its header, whether it is required, its coded choices (offered as a dropdown
in the template and read back from their Chinese labels) and how a cell becomes a value. Cells
arrive as Excel left them: text, whole or decimal numbers, or dates. A number where an ID
number belongs has already lost digits in Excel, so it is refused, never converted.
"""

from __future__ import annotations

import datetime
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import KW_ONLY, dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from residents.choices import (
    ETHNICITIES,
    ETHNICITY_CHOICES,
    DocumentType,
    Education,
    HouseholdKind,
    MaritalStatus,
    PoliticalStatus,
    Relation,
    ResidenceStatus,
    ResidenceType,
    Sex,
)
from shequ.text import strip_control

TITLE = "人口信息采集表"
INSTRUCTIONS_TITLE = "填写说明"
LISTS_TITLE = "选项"
HEADER_ROW = 2  # row 1 is the form's title, as on the paper form
FIRST_DATA_ROW = HEADER_ROW + 1
MAX_ROWS = 10_000
MAX_FILE_BYTES = 10 * 1024 * 1024
TEXT = "@"
DATE = "yyyy-mm-dd"
# 重点人群 may hold several names.
TAG_SEPARATORS = re.compile(r"[、,，;；\s]+")

REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
OPTIONAL_FILL = PatternFill("solid", fgColor="DDEBF7")
REQUIRED_FONT = Font(bold=True, color="C00000")
OPTIONAL_FONT = Font(bold=True)


class ImportFileError(ValidationError):
    """The file as a whole cannot be read: wrong type, wrong headers, too many rows."""


def _text(value: object) -> str:
    """A cell as text. Whole numbers lose the `.0` Excel's float gives them (门牌 301)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime | datetime.date):
        raise ValidationError(_("应填写文字，不是日期。"))
    return strip_control(str(value)).strip()


def _code(value: object) -> str:
    """Numbers and codes, with full-width digits and letters made half-width (１３８ → 138)."""
    return unicodedata.normalize("NFKC", _text(value)).strip()


def _limited(max_length: int) -> Callable[[object], str]:
    def parse(value: object) -> str:
        text = _text(value)
        if len(text) > max_length:
            raise ValidationError(_("不能超过 %(n)s 个字。") % {"n": max_length})
        return text

    return parse


def _limited_code(max_length: int) -> Callable[[object], str]:
    def parse(value: object) -> str:
        text = _code(value)
        if len(text) > max_length:
            raise ValidationError(_("不能超过 %(n)s 个字符。") % {"n": max_length})
        return text

    return parse


def _unit(value: object) -> int:
    text = _code(value).removesuffix("单元")
    if not text.isdigit() or not 1 <= int(text) <= 99:
        raise ValidationError(_("应填写单元的数字，例如 2。"))
    return int(text)


def _document_number(value: object) -> str:
    """An ID number typed into a cell Excel treated as a number keeps only 15 significant digits:
    1.10105194912310E+17. Such a cell is reported, whatever digits it happens to show."""
    if isinstance(value, float):
        shown = f"{value:.14E}" if abs(value) >= 1e11 else _text(value)
        raise ValidationError(
            _(
                "证件号码被 Excel 存成了数字（%(value)s），后几位已经丢失，"
                "请把该列设为“文本”后按原件重新填写。"
            )
            % {"value": shown},
            code="scientific",
        )
    return re.sub(r"\s", "", _code(value)).upper()


_DATE_TEXT = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


def _date(value: object) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _code(value)
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


def _choice(
    choices: Sequence[tuple[str, str]], aliases: dict[str, str] | None = None
) -> Callable[[object], str]:
    by_label = {str(label): value for value, label in choices}
    by_label.update(aliases or {})

    def parse(value: object) -> str:
        text = _text(value).replace(" ", "")
        if text in by_label:
            return by_label[text]
        labels = "、".join(str(label) for _value, label in choices)
        if len(choices) > 12:
            raise ValidationError(_("“%(value)s”不是可选的值。") % {"value": text})
        raise ValidationError(
            _("“%(value)s”不是可选的值（可选：%(labels)s）。") % {"value": text, "labels": labels}
        )

    return parse


def _tag_names(value: object) -> list[str]:
    return [name for name in TAG_SEPARATORS.split(_text(value)) if name]


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    _: KW_ONLY
    required: bool = False
    parse: Callable[[object], object] = _text
    choices: Sequence[tuple[str, str]] = ()
    number_format: str | None = None
    width: int = 10
    note: str = ""
    # A dropdown that also takes typed values (several tags in one cell).
    free_dropdown: bool = False

    @property
    def title(self) -> str:
        return f"{self.header}*" if self.required else self.header

    @property
    def labels(self) -> list[str]:
        return [str(label) for _value, label in self.choices]


# What offices write instead of the labels; the labels themselves are always accepted.
ALIASES = {
    "relation_to_head": {
        "本人": Relation.HEAD, "妻": Relation.SPOUSE, "夫": Relation.SPOUSE,
        "妻子": Relation.SPOUSE, "丈夫": Relation.SPOUSE, "儿子": Relation.SON,
        "长子": Relation.SON, "次子": Relation.SON, "女儿": Relation.DAUGHTER,
        "长女": Relation.DAUGHTER, "次女": Relation.DAUGHTER, "父亲": Relation.PARENT,
        "母亲": Relation.PARENT, "儿媳": Relation.CHILD_IN_LAW, "女婿": Relation.CHILD_IN_LAW,
        "孙子": Relation.GRANDCHILD, "孙女": Relation.GRANDCHILD,
        "外孙子女": Relation.GRANDCHILD,
    },
    "document_type": {"身份证": DocumentType.RESIDENT_ID},
    "sex": {"男性": Sex.MALE, "女性": Sex.FEMALE},
    "ethnicity": {name.removesuffix("族"): name for name in ETHNICITIES},
    "political_status": {
        "党员": PoliticalStatus.PARTY_MEMBER, "预备党员": PoliticalStatus.PROBATIONARY,
        "团员": PoliticalStatus.LEAGUE_MEMBER,
    },
    "education": {
        "本科": Education.BACHELOR, "大专": Education.JUNIOR_COLLEGE,
        "专科": Education.JUNIOR_COLLEGE, "中专": Education.SECONDARY_VOCATIONAL,
        "中技": Education.SECONDARY_VOCATIONAL, "技校": Education.SECONDARY_VOCATIONAL,
        "文盲": Education.ILLITERATE, "半文盲": Education.ILLITERATE,
        "硕士": Education.POSTGRADUATE, "博士": Education.POSTGRADUATE,
    },
    "residence_type": {"户籍人口": ResidenceType.REGISTERED, "流动人口": ResidenceType.FLOATING},
}  # fmt: skip


def _coded(key: str, header: str, choices, **kwargs) -> Column:
    """A column of coded values: a dropdown of the labels in the template."""
    choices = [(value, str(label)) for value, label in choices]
    parse = _choice(choices, ALIASES.get(key))
    return Column(key, header, parse=parse, choices=choices, **kwargs)


COLUMNS: tuple[Column, ...] = (
    Column("building", "楼栋号", required=True, parse=_limited_code(20), number_format=TEXT,
           width=8, note="本社区已登记的楼栋号，例如 8 或 8号楼。"),
    Column("unit", "单元", parse=_unit, width=6, note="数字，没有单元可不填。"),
    Column("room", "门牌/室", required=True, parse=_limited_code(20), number_format=TEXT,
           width=9, note="例如 301；平房写门牌号。"),
    Column("household_number", "户号", required=True, parse=_limited_code(30),
           number_format=TEXT, width=12,
           note="同一户的人填同一个户号；本社区已有的户号会并入该户，新户号新建一户。"),
    _coded("household_kind", "户别", HouseholdKind.choices, width=8, note="不填为家庭户。"),
    _coded("relation_to_head", "与户主关系", Relation.choices, required=True, width=11,
           note="每户一位“户主”。"),
    Column("name", "姓名", required=True, parse=_limited(50), width=10),
    _coded("document_type", "证件类型", DocumentType.choices, width=12,
           note="不填为居民身份证。"),
    Column("id_number", "证件号码", parse=_document_number, number_format=TEXT, width=21,
           note="18 位；该列已设为文本，请勿改为数字格式，否则后几位会变成 0。"),
    _coded("sex", "性别", Sex.choices, width=6, note="填了居民身份证号码可不填。"),
    Column("birth_date", "出生日期", parse=_date, number_format=DATE, width=12,
           note="YYYY-MM-DD；填了居民身份证号码可不填。"),
    Column("mobile", "手机号码", parse=_code, number_format=TEXT, width=13,
           note="11 位中国大陆手机号码。"),
    _coded("ethnicity", "民族", ETHNICITY_CHOICES, width=9, note="不填为汉族。"),
    _coded("political_status", "政治面貌", PoliticalStatus.choices, width=12,
           note="不填为群众。"),
    _coded("education", "文化程度", Education.choices, width=12),
    _coded("marital_status", "婚姻状况", MaritalStatus.choices, width=9),
    Column("registered_address", "户籍地", parse=_limited(200), width=20),
    _coded("residence_status", "人户状态", ResidenceStatus.choices, width=11,
           note="不填为人户同在。"),
    _coded("residence_type", "户籍类型", ResidenceType.choices, width=9, note="不填为户籍。"),
    Column("tags", "重点人群", parse=_tag_names, width=16, free_dropdown=True,
           note="可填多个，用顿号“、”或逗号分隔。"),
    Column("moved_in_on", "迁入日期", parse=_date, number_format=DATE, width=12,
           note="YYYY-MM-DD。"),
    Column("notes", "备注", width=20),
)  # fmt: skip
COLUMNS_BY_KEY = {column.key: column for column in COLUMNS}


def _header_key(text: object) -> str:
    """ "姓名*", "＊姓名", " 姓 名 " all name the 姓名 column."""
    return re.sub(r"[\s*＊]", "", unicodedata.normalize("NFKC", str(text or "")))


_COLUMNS_BY_HEADER = {_header_key(column.header): column for column in COLUMNS}
_COLUMNS_BY_HEADER[_header_key("门牌号")] = COLUMNS_BY_KEY["room"]
_COLUMNS_BY_HEADER[_header_key("身份证号码")] = COLUMNS_BY_KEY["id_number"]
_COLUMNS_BY_HEADER[_header_key("联系电话")] = COLUMNS_BY_KEY["mobile"]


# Writing -------------------------------------------------------------------------------------


def _style_header(worksheet, columns: Sequence[Column], row: int) -> None:
    for index, column in enumerate(columns, start=1):
        cell = worksheet.cell(row=row, column=index, value=column.title)
        cell.fill = REQUIRED_FILL if column.required else OPTIONAL_FILL
        cell.font = REQUIRED_FONT if column.required else OPTIONAL_FONT
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        letter = get_column_letter(index)
        worksheet.column_dimensions[letter].width = column.width + 2
        if column.number_format:
            worksheet.column_dimensions[letter].number_format = column.number_format


def template_workbook(building_numbers: Iterable[str] = (), tag_names: Iterable[str] = ()) -> bytes:
    """The empty 人口信息采集表: marked headers, dropdowns, text and date formats, the rules."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = TITLE
    sheet.cell(row=1, column=1, value=_("人口信息采集表（带 * 的列必填；填写前请先看“填写说明”）"))
    sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(COLUMNS))
    sheet.row_dimensions[1].height = 24
    _style_header(sheet, COLUMNS, HEADER_ROW)
    sheet.freeze_panes = sheet.cell(row=FIRST_DATA_ROW, column=1)

    # Long lists live on a hidden sheet: a list typed into the rule itself may not exceed
    # 255 characters, which the 56 ethnic groups do.
    lists = workbook.create_sheet(LISTS_TITLE)
    lists.sheet_state = "hidden"
    extra = {"building": list(building_numbers), "tags": list(tag_names)}
    last_row = FIRST_DATA_ROW + MAX_ROWS - 1
    list_column = 0
    for index, column in enumerate(COLUMNS, start=1):
        values = column.labels or extra.get(column.key, [])
        if not values:
            continue
        list_column += 1
        list_letter = get_column_letter(list_column)
        lists.cell(row=1, column=list_column, value=column.header)
        for row, value in enumerate(values, start=2):
            lists.cell(row=row, column=list_column, value=value)
        source = f"{quote_sheetname(LISTS_TITLE)}!${list_letter}$2:${list_letter}${len(values) + 1}"
        validation = DataValidation(
            type="list",
            formula1=source,
            allow_blank=True,
            showErrorMessage=not (column.free_dropdown or column.key == "building"),
            errorTitle=column.header,
            error=_("请从下拉列表中选择。"),
            showInputMessage=bool(column.note),
            promptTitle=column.header[:32],
            prompt=column.note[:255] or None,
        )
        letter = get_column_letter(index)
        validation.add(f"{letter}{FIRST_DATA_ROW}:{letter}{last_row}")
        sheet.add_data_validation(validation)

    _instructions(workbook.create_sheet(INSTRUCTIONS_TITLE))
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _instructions(sheet) -> None:
    rules = [
        _("一人一行。同一户的人填写同一个户号，楼栋号、单元、门牌也要一致。"),
        _("带 * 的列必须填写（表头为红字、橙色底）。"),
        _("楼栋须是本社区已登记的楼栋；户号在本社区已有的，人员并入该户，否则新建一户。"),
        _("每户只能有一位“户主”；导入后自动设为该户户主。"),
        _(
            "证件号码、手机号码、门牌、户号列已设为“文本”。不要把它们改成数字格式或从别处粘贴"
            "数字，否则 Excel 会把身份证号码变成 1.10105E+17 或把末几位变成 0，导入时会被退回。"
        ),
        _("填写居民身份证号码的，出生日期和性别按号码自动生成，可以不填；填了须与号码一致。"),
        _("日期写成 YYYY-MM-DD，例如 1950-03-07。"),
        _("有下拉列表的列请从列表中选择；重点人群可填多个，用顿号“、”分隔。"),
        _(
            "一个文件最多 %(rows)s 行、10 MB。整个文件要么全部导入，要么一条也不导入："
            "有任何一行出错，系统会列出每一行的行号和原因，改好后重新上传即可。"
        )
        % {"rows": f"{MAX_ROWS:,}"},
        _("同一社区内证件号码不能重复，文件内重复或与已登记居民重复的行都会被列出。"),
    ]
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
    for column in COLUMNS:
        row += 1
        detail = column.note
        if column.labels and len(column.labels) <= 12:
            detail = f"{detail} " + _("可选：%(labels)s") % {"labels": "、".join(column.labels)}
        sheet.cell(row=row, column=1, value=column.header)
        sheet.cell(row=row, column=2, value=_("是") if column.required else "")
        sheet.cell(row=row, column=3, value=detail.strip()).alignment = Alignment(wrap_text=True)
    row += 2
    sheet.cell(row=row, column=1, value=_("示例")).font = Font(bold=True)
    example = ["8", 2, "301", "H0008-2-301", "家庭户", "户主", "张建国", "居民身份证",
               "370302195003070019", "", "", "13812345678", "汉族", "中共党员", "高中",
               "已婚", "山东省淄博市", "人户同在", "户籍", "独居/空巢老人", "", ""]  # fmt: skip
    for index, (column, value) in enumerate(zip(COLUMNS, example, strict=True), start=1):
        sheet.cell(row=row + 1, column=index, value=column.title)
        sheet.cell(row=row + 2, column=index, value=value)


@dataclass
class ExportSheet:
    """Rows to write, each a dict keyed by column key (and `status`)."""

    rows: Iterable[dict[str, object]]
    notes: list[str] = field(default_factory=list)


EXPORT_EXTRA = (Column("status", "状态", width=8),)


def _formula_like(value: object) -> bool:
    return isinstance(value, str) and value.startswith("=")


def export_workbook(sheet_data: ExportSheet) -> bytes:
    """The list in the template's columns, in write-only mode so a whole community fits."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(TITLE)
    columns = (*COLUMNS, *EXPORT_EXTRA)
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width + 2
        if column.number_format:
            sheet.column_dimensions[letter].number_format = column.number_format
    sheet.freeze_panes = "A2"
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font = OPTIONAL_FONT
        cell.fill = OPTIONAL_FILL
        header.append(cell)
    sheet.append(header)
    for row in sheet_data.rows:
        cells = []
        for column in columns:
            value = row.get(column.key)
            if isinstance(value, str):
                # Rows saved before input was cleaned may still hold a vertical tab from Word.
                value = strip_control(value)
            if value in (None, "") or not (column.number_format or _formula_like(value)):
                cells.append(value)
                continue
            cell = WriteOnlyCell(sheet, value=value)
            if column.number_format:
                cell.number_format = column.number_format
            if _formula_like(value):
                cell.data_type = "s"  # typed text such as notes must never run as a formula
            cells.append(cell)
        sheet.append(cells)
    if sheet_data.notes:
        notes = workbook.create_sheet(_("导出说明"))
        for note in sheet_data.notes:
            notes.append([note])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


# Reading -------------------------------------------------------------------------------------


@dataclass
class SheetRow:
    number: int  # the row number Excel shows
    cells: dict[str, object]  # column key → the cell's value, blanks left out


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_rows(file) -> list[SheetRow]:
    """The non-empty data rows of the first sheet, or ImportFileError saying what is wrong."""
    name = getattr(file, "name", "") or ""
    if name.lower().endswith((".xls", ".et", ".csv")):
        raise ImportFileError(
            _("只能导入 .xlsx 文件。请在 Excel 或 WPS 中“另存为”Excel 工作簿（*.xlsx）后再上传。")
        )
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise ImportFileError(
            _("无法读取这个文件。请上传用本系统模板填写的 .xlsx 文件（不支持 .xls、.csv）。")
        ) from None
    try:
        sheet = workbook[TITLE] if TITLE in workbook.sheetnames else workbook.worksheets[0]
        return _read_sheet(sheet.iter_rows(values_only=True))
    except ImportFileError:
        raise
    except Exception:
        raise ImportFileError(_("文件已损坏或格式不对，无法读取，请重新保存后再上传。")) from None
    finally:
        workbook.close()


def _read_sheet(rows: Iterator[tuple]) -> list[SheetRow]:
    positions: dict[int, Column] | None = None
    found: list[SheetRow] = []
    for number, values in enumerate(rows, start=1):
        if positions is None:
            if number > 5:
                break
            positions = _header_positions(values)
            continue
        cells = {
            positions[i].key: value
            for i, value in enumerate(values)
            if i in positions and not _blank(value)
        }
        if not cells:
            continue
        if len(found) == MAX_ROWS:
            raise ImportFileError(
                _("一个文件最多导入 %(max)s 行，请分成几个文件。") % {"max": f"{MAX_ROWS:,}"}
            )
        found.append(SheetRow(number, cells))
    if positions is None:
        raise ImportFileError(
            _("没有找到表头。请使用本系统的导入模板，表头须含%(headers)s等列。")
            % {"headers": "、".join(f"“{c.header}”" for c in COLUMNS if c.required)}
        )
    if not found:
        raise ImportFileError(_("文件里没有居民数据：表头下面的行都是空的。"))
    return found


def _header_positions(values: tuple) -> dict[int, Column] | None:
    """The column index of each known header, if this row is the header row."""
    positions = {}
    for index, value in enumerate(values):
        if column := _COLUMNS_BY_HEADER.get(_header_key(value)):
            positions.setdefault(index, column)
    present = {column.key for column in positions.values()}
    if not present:
        return None
    missing = [c.header for c in COLUMNS if c.required and c.key not in present]
    if missing:
        raise ImportFileError(
            _("表头缺少必填列：%(missing)s。请使用本系统的导入模板。")
            % {"missing": "、".join(missing)}
        )
    return positions
