"""Volunteers in Excel: the roster (志愿者名册) and the hours (服务时长) as the pages filter them,
numbers masked as the registry's export masks them; and the 历史服务记录导入表 that brings
hours served before the system, kept on paper, in."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import DecimalField, IntegerField, Max, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from residents.privacy import shown_age
from shequ.access import Access
from shequ.excel import (
    DATE,
    TEXT,
    Column,
    ImportSheet,
    limited,
    parse_date,
    parse_document_number,
    sheet_row,
    workbook_bytes,
)
from volunteers.choices import RecordStatus, TeamRole
from volunteers.models import ServiceRecord, StarReached, TeamMembership, Volunteer
from volunteers.models.records import MAX_HOURS, star_name

ROSTER_HEADERS = (
    "姓名", "证件号码", "手机号码", "年龄", "特长", "队伍/协会", "状态", "注册日期",
    "累计认定时长（小时）", "星级", "社区",
)  # fmt: skip
ROSTER_WIDTHS = (10, 21, 13, 6, 20, 24, 8, 12, 12, 6, 14)
HOURS_HEADERS = (
    "志愿者", "证件号码", "服务日期", "活动", "服务内容", "计划时长（小时）", "服务时长（小时）",
    "审核", "需核对", "审核人", "审核时间", "审核意见", "社区",
)  # fmt: skip
HOURS_WIDTHS = (10, 21, 12, 20, 24, 10, 10, 8, 6, 10, 17, 20, 14)


def _day(value) -> str:
    return f"{value:%Y-%m-%d}" if value else ""


def _sheet(workbook: Workbook, title: str, headers, widths):
    sheet = workbook.create_sheet(title)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width + 2
    sheet.freeze_panes = "B2"
    sheet.append(sheet_row(sheet, [_(header) for header in headers], strong=True))
    return sheet


def _notes(workbook: Workbook, access: Access) -> None:
    now = timezone.localtime()
    notes = workbook.create_sheet(_("导出说明"))
    stamp = {"at": f"{now:%Y-%m-%d %H:%M}", "user": access.user}
    notes.append([_("导出时间：%(at)s，导出人：%(user)s") % stamp])
    notes.append([_("证件号码和手机号码已部分隐藏。")])


def roster_workbook(access: Access, volunteers: QuerySet[Volunteer]) -> bytes:
    """志愿者名册: a volunteer a line with their current teams, approved hours and star level,
    in two queries whatever the number of volunteers (the teams come in one)."""
    user = access.user
    approved = (
        ServiceRecord.objects.filter(volunteer=OuterRef("pk"), status=RecordStatus.APPROVED)
        .order_by()
        .values("volunteer")
        .annotate(total=Sum("hours"))
        .values("total")
    )
    star = (
        StarReached.objects.filter(volunteer=OuterRef("pk"))
        .order_by()
        .values("volunteer")
        .annotate(top=Max("level"))
        .values("top")
    )
    volunteers = (
        volunteers.select_related("resident", "community")
        .annotate(
            approved_hours=Coalesce(
                Subquery(approved, output_field=DecimalField()), Decimal(0),
                output_field=DecimalField(),
            ),
            star=Subquery(star, output_field=IntegerField()),
        )
        .order_by("community_id", "registered_on", "pk")
    )  # fmt: skip
    teams: dict[int, list[str]] = defaultdict(list)
    memberships = (
        TeamMembership.objects.visible_to(user)
        .filter(volunteer__in=volunteers.values("pk"), left_on__isnull=True)
        .select_related("team")
        .order_by("team__name")
    )
    for membership in memberships:
        name = membership.team.name
        if membership.role != TeamRole.MEMBER:
            name += f"（{membership.get_role_display()}）"
        teams[membership.volunteer_id].append(name)
    workbook = Workbook(write_only=True)
    sheet = _sheet(workbook, _("志愿者名册"), ROSTER_HEADERS, ROSTER_WIDTHS)
    for volunteer in volunteers.iterator(chunk_size=2000):
        resident = volunteer.resident
        star = star_name(volunteer.star) if volunteer.star else ""
        age = shown_age(access, resident) if resident.birth_date else ""
        sheet.append(sheet_row(sheet, [
            resident.name, resident.id_number_masked, resident.mobile_masked, age,
            volunteer.skills, "、".join(teams.get(volunteer.pk, ())),
            volunteer.get_status_display(), _day(volunteer.registered_on),
            volunteer.approved_hours, star,
            volunteer.community.name,
        ]))  # fmt: skip
    _notes(workbook, access)
    return workbook_bytes(workbook)


def hours_workbook(access: Access, records: QuerySet[ServiceRecord]) -> bytes:
    """服务时长: a service record a line, in one query whatever the number of records."""
    records = records.select_related(
        "volunteer__resident", "activity", "decided_by", "community"
    ).order_by("community_id", "-served_on", "pk")
    workbook = Workbook(write_only=True)
    sheet = _sheet(workbook, _("服务时长"), HOURS_HEADERS, HOURS_WIDTHS)
    for record in records.iterator(chunk_size=2000):
        resident = record.volunteer.resident
        decided_at = timezone.localtime(record.decided_at) if record.decided_at else None
        sheet.append(sheet_row(sheet, [
            resident.name, resident.id_number_masked, _day(record.served_on),
            record.activity.title if record.activity else "", record.description,
            record.planned_hours, record.hours, record.get_status_display(),
            _("是") if record.needs_review else "", str(record.decided_by or ""),
            f"{decided_at:%Y-%m-%d %H:%M}" if decided_at else "", record.note,
            record.community.name,
        ]))  # fmt: skip
    _notes(workbook, access)
    return workbook_bytes(workbook)


_HOURS_TEXT = re.compile(r"([0-9]+(?:\.[0-9]+)?)\s*(?:个?小时|h|H)?")


def parse_hours(value: object) -> Decimal:
    """More than 0 and at most 24 hours, to two decimals: 2、1.5、"1.5小时" as offices write
    them. A number with more decimals is a sum gone wrong (1.3333…), not rounded silently."""
    if isinstance(value, bool):
        raise ValidationError(_("应填写小时数，例如 2 或 1.5。"))
    if isinstance(value, int | float):
        hours = Decimal(str(value))
    else:
        text = unicodedata.normalize("NFKC", str(value)).strip()
        match = _HOURS_TEXT.fullmatch(text)
        if not match:
            raise ValidationError(
                _("“%(value)s”不是小时数，应填写数字，例如 2 或 1.5。") % {"value": text[:20]}
            )
        hours = Decimal(match.group(1))
    if not (hours.is_finite() and Decimal(0) < hours <= MAX_HOURS):
        raise ValidationError(
            _("须大于 0，且不超过 24 小时（填了 %(value)s）。") % {"value": value}
        )
    if hours != hours.quantize(Decimal("0.01")):
        raise ValidationError(_("最多保留两位小数（%(value)s）。") % {"value": value})
    return hours.quantize(Decimal("0.01"))


IMPORT_TITLE = "历史服务记录导入表"
IMPORT_SHEET = ImportSheet(
    IMPORT_TITLE,
    (
        Column("name", "姓名", required=True, parse=limited(50), width=10,
               note="与志愿者登记中的姓名一致。"),
        Column("id_number", "证件号码", required=True, parse=parse_document_number,
               number_format=TEXT, width=21,
               note="本社区已确认注册的志愿者的证件号码，按它找到志愿者；该列已设为文本。"),
        Column("served_on", "服务日期", required=True, parse=parse_date, number_format=DATE,
               width=12, note="YYYY-MM-DD，不晚于今天，不早于注册日期。"),
        Column("description", "服务内容", required=True, parse=limited(200), width=28,
               note="例如：夜间巡逻、敬老院探访。"),
        Column("hours", "服务时长（小时）", required=True, parse=parse_hours, width=10,
               note="大于 0、不超过 24，最多两位小数，例如 2 或 1.5。"),
        Column("note", "备注", parse=limited(200), width=20,
               note="例如纸质台账的册号、页码。"),
    ),
    what="服务记录",
    max_rows=5_000,
    other_headers={"身份证号码": "id_number", "日期": "served_on", "服务时长": "hours",
                   "时长": "hours", "小时数": "hours", "内容": "description"},
)  # fmt: skip


def import_template() -> bytes:
    rules = [
        _("一条服务记录一行：一位志愿者一天的一次服务。"),
        _("带 * 的列必须填写（表头为红字、橙色底）。"),
        _(
            "志愿者须已在“志愿者”中注册并经社区确认，按证件号码找到；姓名须与登记一致。"
            "已注销的志愿者只能导入注销之前的服务。"
        ),
        _("证件号码列已设为“文本”，不要改成数字格式，否则后几位会变成 0，导入时会被退回。"),
        _("服务日期写成 YYYY-MM-DD，不晚于今天，不早于志愿者的注册日期。"),
        _("服务时长填小时数，大于 0、不超过 24，最多两位小数，例如 2 或 1.5。"),
        _(
            "导入的记录视为已按纸质台账核实，直接计为“已认定”，计入累计时长和星级；"
            "审核人为导入人。请只导入核实过的记录。"
        ),
        _(
            "一个文件最多 %(rows)s 行、10 MB。整个文件要么全部导入，要么一条也不导入："
            "有任何一行出错，系统会列出每一行的行号和原因，改好后重新上传即可。"
        )
        % {"rows": f"{IMPORT_SHEET.max_rows:,}"},
    ]
    example = ["张建国", "370302195003070019", "2024-05-01", "夜间巡逻", 2.5, "2024 年台账第 3 页"]
    return IMPORT_SHEET.template(
        heading=_("历史服务记录导入表（带 * 的列必填；填写前请先看“填写说明”）"),
        rules=rules,
        example=example,
    )
