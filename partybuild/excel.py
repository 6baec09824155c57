"""The party roster (党员花名册) as a workbook: a member a line, numbers masked unless the user
may reveal them and asked to, each whole number logged as the registry's export logs it."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from partybuild.models import PartyMember
from residents.models import Resident
from residents.models.people import REVEAL
from residents.privacy import shown_birth
from shequ.access import Access
from shequ.excel import sheet_row, workbook_bytes
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
