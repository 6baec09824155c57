"""The 人口信息采集表 as a workbook: its columns in one place, the template, reading and writing.
The reading and the template are shequ.excel's; this module says the registry's columns."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

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
from shequ.excel import (
    DATE,
    OPTIONAL_FILL,
    OPTIONAL_FONT,
    TEXT,
    Column,
    ImportSheet,
    coded,
    limited,
    limited_code,
    parse_code,
    parse_date,
    parse_document_number,
    parse_text,
    workbook_bytes,
)
from shequ.text import strip_control

TITLE = "人口信息采集表"
# 重点人群 may hold several names.
TAG_SEPARATORS = re.compile(r"[、,，;；\s]+")


def _unit(value: object) -> int:
    text = parse_code(value).removesuffix("单元")
    if not text.isdigit() or not 1 <= int(text) <= 99:
        raise ValidationError(_("应填写单元的数字，例如 2。"))
    return int(text)


def _tag_names(value: object) -> list[str]:
    return [name for name in TAG_SEPARATORS.split(parse_text(value)) if name]


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
    return coded(key, header, choices, ALIASES.get(key), **kwargs)


COLUMNS: tuple[Column, ...] = (
    Column("building", "楼栋号", required=True, parse=limited_code(20), number_format=TEXT,
           width=8, free_dropdown=True, note="本社区已登记的楼栋号，例如 8 或 8号楼。"),
    Column("unit", "单元", parse=_unit, width=6, note="数字，没有单元可不填。"),
    Column("room", "门牌/室", required=True, parse=limited_code(20), number_format=TEXT,
           width=9, note="例如 301；平房写门牌号。"),
    Column("household_number", "户号", required=True, parse=limited_code(30),
           number_format=TEXT, width=12,
           note="同一户的人填同一个户号；本社区已有的户号会并入该户，新户号新建一户。"),
    _coded("household_kind", "户别", HouseholdKind.choices, width=8, note="不填为家庭户。"),
    _coded("relation_to_head", "与户主关系", Relation.choices, required=True, width=11,
           note="每户一位“户主”。"),
    Column("name", "姓名", required=True, parse=limited(50), width=10),
    _coded("document_type", "证件类型", DocumentType.choices, width=12,
           note="不填为居民身份证。"),
    Column("id_number", "证件号码", parse=parse_document_number, number_format=TEXT, width=21,
           note="18 位；该列已设为文本，请勿改为数字格式，否则后几位会变成 0。"),
    _coded("sex", "性别", Sex.choices, width=6, note="填了居民身份证号码可不填。"),
    Column("birth_date", "出生日期", parse=parse_date, number_format=DATE, width=12,
           note="YYYY-MM-DD；填了居民身份证号码可不填。"),
    Column("mobile", "手机号码", parse=parse_code, number_format=TEXT, width=13,
           note="11 位中国大陆手机号码。"),
    _coded("ethnicity", "民族", ETHNICITY_CHOICES, width=9, note="不填为汉族。"),
    _coded("political_status", "政治面貌", PoliticalStatus.choices, width=12,
           note="不填为群众。"),
    _coded("education", "文化程度", Education.choices, width=12),
    _coded("marital_status", "婚姻状况", MaritalStatus.choices, width=9),
    Column("registered_address", "户籍地", parse=limited(200), width=20),
    _coded("residence_status", "人户状态", ResidenceStatus.choices, width=11,
           note="不填为人户同在。"),
    _coded("residence_type", "户籍类型", ResidenceType.choices, width=9, note="不填为户籍。"),
    Column("tags", "重点人群", parse=_tag_names, width=16, free_dropdown=True,
           note="可填多个，用顿号“、”或逗号分隔。"),
    Column("moved_in_on", "迁入日期", parse=parse_date, number_format=DATE, width=12,
           note="YYYY-MM-DD。"),
    Column("notes", "备注", width=20),
)  # fmt: skip
COLUMNS_BY_KEY = {column.key: column for column in COLUMNS}
SHEET = ImportSheet(
    TITLE, COLUMNS, what="居民",
    other_headers={"门牌号": "room", "身份证号码": "id_number", "联系电话": "mobile"},
)  # fmt: skip


def template_workbook(building_numbers: Iterable[str] = (), tag_names: Iterable[str] = ()) -> bytes:
    """The empty 人口信息采集表: marked headers, dropdowns, text and date formats, the rules."""
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
        % {"rows": f"{SHEET.max_rows:,}"},
        _("同一社区内证件号码不能重复，文件内重复或与已登记居民重复的行都会被列出。"),
    ]
    example = ["8", 2, "301", "H0008-2-301", "家庭户", "户主", "张建国", "居民身份证",
               "370302195003070019", "", "", "13812345678", "汉族", "中共党员", "高中",
               "已婚", "山东省淄博市", "人户同在", "户籍", "独居/空巢老人", "", ""]  # fmt: skip
    return SHEET.template(
        heading=_("人口信息采集表（带 * 的列必填；填写前请先看“填写说明”）"),
        rules=rules,
        example=example,
        lists={"building": list(building_numbers), "tags": list(tag_names)},
    )


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
    return workbook_bytes(workbook)
