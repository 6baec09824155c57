"""The party roster (党员花名册) as a workbook: a member a line, numbers masked unless the user
may reveal them and asked to, each whole number logged as the registry's export logs it. And the
党员信息采集表 that brings a paper roster in: a line per member, found in the registry by the
ID number."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from partybuild.choices import Category
from partybuild.models import PartyMember
from residents.models import Resident
from residents.models.people import REVEAL
from residents.privacy import shown_birth
from shequ.access import Access
from shequ.excel import (
    DATE,
    TEXT,
    Column,
    ImportSheet,
    coded,
    limited,
    parse_date,
    parse_document_number,
    sheet_row,
    workbook_bytes,
)
from shequ.models import AccessLog

HEADERS = (
    "姓名", "性别", "出生", "证件号码", "手机号码", "住址", "所在党组织", "党员类别", "入党日期",
    "转正日期", "状态", "一人一岗", "工作单位", "到社区报到日期",
)  # fmt: skip
WIDTHS = (10, 6, 12, 21, 13, 16, 16, 11, 12, 12, 8, 14, 18, 14)


@dataclass
class Roster:
    content: bytes
    revealed: int
    refused: bool  # whole numbers were asked for and none may be shown


def _day(value) -> str:
    return f"{value:%Y-%m-%d}" if value else ""


def roster_workbook(
    *, access: Access, members: QuerySet[PartyMember], full: bool, ip_address: str | None
) -> Roster:
    user = access.user
    members = members.select_related("resident__household__building", "organization").order_by(
        "organization__order", "organization_id", "joined_on", "pk"
    )
    revealable: set[int] = set()
    if full:
        revealable = set(
            Resident.objects.visible_to(user, REVEAL)
            .filter(party_member__in=members.values("pk"))
            .values_list("pk", flat=True)
        )
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("党员花名册"))
    for index, width in enumerate(WIDTHS):
        sheet.column_dimensions[get_column_letter(index + 1)].width = width + 2
    sheet.freeze_panes = "B2"
    sheet.append(sheet_row(sheet, [_(header) for header in HEADERS], strong=True))
    revealed = []
    for member in members.iterator(chunk_size=2000):
        resident = member.resident
        whole = resident.pk in revealable
        if whole:
            revealed.append(resident)
        sheet.append(sheet_row(sheet, [
            resident.name, resident.get_sex_display(), shown_birth(access, resident),
            resident.id_number if whole else resident.id_number_masked,
            resident.mobile if whole else resident.mobile_masked,
            str(resident.household), member.organization.name, member.get_category_display(),
            _day(member.joined_on), _day(member.full_on), member.get_status_display(),
            member.post, member.work_unit, _day(member.reported_on),
        ]))  # fmt: skip
    now = timezone.localtime()
    notes = workbook.create_sheet(_("导出说明"))
    notes.append(
        [_("导出时间：%(at)s，导出人：%(user)s") % {"at": f"{now:%Y-%m-%d %H:%M}", "user": user}]
    )
    refused = full and not revealable
    if full and revealable:
        notes.append([_("本文件含完整的证件号码和手机号码，已记录导出人。请妥善保管，用后删除。")])
    else:
        notes.append([_("证件号码和手机号码已部分隐藏。")])
    content = workbook_bytes(workbook)
    if revealed:
        content_type = ContentType.objects.get_for_model(Resident)
        AccessLog.objects.bulk_create(
            AccessLog(
                user=user,
                community_id=resident.community_id,
                action="export_personal_numbers",
                content_type=content_type,
                object_id=str(resident.pk),
                object_repr=str(resident)[:200],
                ip_address=ip_address or None,
            )
            for resident in revealed
        )
    return Roster(content=content, revealed=len(revealed), refused=refused)


IMPORT_TITLE = "党员信息采集表"
IMPORT_SHEET = ImportSheet(
    IMPORT_TITLE,
    (
        Column("name", "姓名", required=True, parse=limited(50), width=10,
               note="与居民登记中的姓名一致。"),
        Column("id_number", "证件号码", required=True, parse=parse_document_number,
               number_format=TEXT, width=21,
               note="本社区已登记居民的证件号码，按它找到这位居民；该列已设为文本。"),
        Column("organization", "所在党组织", required=True, parse=limited(60), width=16,
               note="本社区党支部或党小组的名称，与系统中的一致。"),
        coded("category", "党员类别", Category.choices, width=11, note="不填为居民党员。"),
        Column("joined_on", "入党日期", required=True, parse=parse_date, number_format=DATE,
               width=12, note="被接收为预备党员的日期，YYYY-MM-DD。"),
        Column("full_on", "转正日期", parse=parse_date, number_format=DATE, width=12,
               note="已是正式党员的填写；预备党员不填。"),
        Column("post", "一人一岗", parse=limited(50), width=14,
               note="例如：楼栋信息员、政策宣传员。"),
        Column("work_unit", "工作单位", parse=limited(100), width=18, note="在职党员必填。"),
        Column("reported_on", "到社区报到日期", parse=parse_date, number_format=DATE, width=14,
               note="在职党员到社区报到的日期。"),
        Column("floating_to", "外出去向", parse=limited(100), width=16,
               note="流动党员外出所在地和单位。"),
        Column("notes", "备注", width=20),
    ),
    what="党员",
    max_rows=5_000,
    other_headers={"身份证号码": "id_number", "党组织": "organization", "所在支部": "organization"},
)  # fmt: skip


def import_template(organization_names: list[str]) -> bytes:
    """The empty 党员信息采集表, its 所在党组织 dropdown listing the community's branches and
    groups when it is clear which community."""
    rules = [
        _("一名党员一行。党员须先在“居民”中登记，按证件号码找到这位居民。"),
        _("带 * 的列必须填写（表头为红字、橙色底）。"),
        _("所在党组织填本社区党支部或党小组的名称；党委、党总支下不直接编入党员。"),
        _("证件号码列已设为“文本”，不要改成数字格式，否则后几位会变成 0，导入时会被退回。"),
        _("日期写成 YYYY-MM-DD，例如 1998-07-01。年满 18 周岁才能入党；转正须在入党满一年后。"),
        _("在职党员须填写工作单位；到社区报到日期只填在职党员的。"),
        _(
            "组织关系从外单位转入的党员，请在“党员”中逐个建立档案并填写转入信息，"
            "以便编号登记介绍信。"
        ),
        _(
            "一个文件最多 %(rows)s 行、10 MB。整个文件要么全部导入，要么一条也不导入："
            "有任何一行出错，系统会列出每一行的行号和原因，改好后重新上传即可。"
        )
        % {"rows": f"{IMPORT_SHEET.max_rows:,}"},
    ]
    example = ["张建国", "370302195003070019", "第一党支部", "离退休党员", "1978-07-01",
               "1979-07-01", "楼栋信息员", "", "", "", ""]  # fmt: skip
    return IMPORT_SHEET.template(
        heading=_("党员信息采集表（带 * 的列必填；填写前请先看“填写说明”）"),
        rules=rules,
        example=example,
        lists={"organization": organization_names},
    )
