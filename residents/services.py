"""Registry writes that touch several models: importing and exporting the 人口信息采集表."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import IO

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from residents import excel
from residents.choices import DocumentType, HouseholdKind, Relation
from residents.models import Building, Household, Resident, ResidentTag
from residents.models.people import REVEAL
from residents.presenters import visible_tags
from residents.privacy import sees_birth_date, shown_birth, shown_registered_address
from residents.tasks import population_changed
from shequ.access import Access
from shequ.excel import ImportFileError, RowError, SheetRow, communities_for_import
from shequ.id_numbers import parse_id_number
from shequ.models import AccessLog, Community, User
from shequ.models.scoping import CHANGE
from shequ.personal_data import lookup_hash
from shequ.validators import (
    normalize_building_number,
    normalize_mainland_mobile,
    validate_mainland_mobile,
)

# The file lists buildings, then households in a building, in the order the pages show them.
EXPORT_ORDER = (
    "household__building__sort_key", "household__building_id", "household__unit",
    Length("household__room"), "household__room", "household_id", "pk",
)  # fmt: skip


@dataclass
class ImportResult:
    households: int = 0
    residents: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class _FileHousehold:
    """A household the file names: one already registered, or one the import creates."""

    instance: Household
    existing: bool
    first_row: int
    head_row: int | None = None
    head: Resident | None = None


def _address(building: Building, unit: int | None, room: str) -> str:
    return f"{building.label}{unit}单元{room}" if unit else f"{building.label}{room}"


class _Import:
    """Checks every row against the file and the registry, which it loads in a few queries."""

    def __init__(self, *, user: User, community: Community) -> None:
        self.user = user
        self.community = community
        self.today = timezone.localdate()
        self.errors: list[RowError] = []
        self.buildings: dict[str, Building] = {}
        for building in Building.objects.visible_to(user, CHANGE).filter(community=community):
            self.buildings[building.number] = building
            self.buildings.setdefault(building.label, building)
        # All the community's households keep 户号 and rooms unique; only those the user may
        # change take new members.
        registered = list(
            Household.objects.filter(community=community).only(
                "pk", "number", "building_id", "unit", "room", "head_id"
            )
        )
        self.registered = {household.number: household for household in registered}
        self.dwellings = {(h.building_id, h.unit or 0, h.room): h.number for h in registered}
        self.changeable = set(
            Household.objects.visible_to(user, CHANGE)
            .filter(community=community)
            .values_list("pk", flat=True)
        )
        self.tags = {tag.name: tag for tag in ResidentTag.objects.all()}
        self.households: dict[str, _FileHousehold] = {}
        self.new_dwellings: dict[tuple, tuple[str, int]] = {}
        self.numbers: dict[str, int] = {}  # ID number hash → first row
        self.residents: list[tuple[Resident, list[ResidentTag]]] = []

    def error(self, row: int, column: str, message: str) -> None:
        self.errors.append(RowError(row, message, column))

    def add(self, row: SheetRow) -> None:
        values, failed = excel.SHEET.values(row, self.errors)
        household = self.household(row.number, values)
        resident = Resident(
            community=self.community,
            household=household.instance if household else None,
            relation_to_head=values.get("relation_to_head", Relation.OTHER),
            document_type=values.get("document_type", DocumentType.RESIDENT_ID),
            **{
                key: values[key]
                for key in (
                    "ethnicity", "political_status", "education", "marital_status",
                    "registered_address", "residence_status", "residence_type", "moved_in_on",
                    "notes",
                )
                if key in values
            },
        )  # fmt: skip
        resident.set_name(str(values.get("name", "")))
        if household and resident.relation_to_head == Relation.HEAD:
            self.head(row.number, household, resident)
        self.personal(row.number, values, failed, resident)
        moved_in = values.get("moved_in_on")
        if isinstance(moved_in, datetime.date) and moved_in > self.today:
            self.error(row.number, "迁入日期", _("迁入日期不能晚于今天。"))
        elif "moved_in_on" not in failed:
            self.model_rules(row.number, resident)
        tags = []
        for name in values.get("tags", []):
            if name in self.tags:
                tags.append(self.tags[name])
            else:
                self.error(
                    row.number,
                    "重点人群",
                    _("重点人群“%(name)s”不在标签列表中（可选：%(names)s）。")
                    % {"name": name, "names": "、".join(self.tags)},
                )
        self.residents.append((resident, tags))

    def household(self, row: int, values: dict) -> _FileHousehold | None:
        """The household a row belongs to, found by 户号 or created; None if it cannot be."""
        number = values.get("building")
        building = (
            self.buildings.get(number) or self.buildings.get(normalize_building_number(number))
            if number
            else None
        )
        if number and building is None:
            self.error(row, "楼栋号", _("楼栋“%(number)s”在本社区不存在。") % {"number": number})
        unit = values.get("unit")
        if building and unit and unit > building.units:
            self.error(
                row,
                "单元",
                _("%(building)s只有 %(units)s 个单元。")
                % {"building": building.label, "units": building.units},
            )
            return None
        if not (building and "room" in values and "household_number" in values):
            return None
        room, number = values["room"], values["household_number"]
        address = _address(building, unit, room)
        if known := self.households.get(number):
            household = known.instance
            if (household.building_id, household.unit, household.room) != (building.pk, unit, room):
                self.error(
                    row,
                    "户号",
                    _("户号“%(number)s”在第 %(first)s 行的住址是%(address)s，与本行不一致。")
                    % {
                        "number": number,
                        "first": known.first_row,
                        "address": _address(household.building, household.unit, household.room),
                    },
                )
                return None
            return known
        if registered := self.registered.get(number):
            if registered.pk not in self.changeable:
                self.error(
                    row, "户号", _("户号“%(number)s”不在你可以修改的范围内。") % {"number": number}
                )
                return None
            if (registered.building_id, registered.unit, registered.room) != (
                building.pk,
                unit,
                room,
            ):
                self.error(
                    row,
                    "户号",
                    _("户号“%(number)s”已登记在别的住址，与本行填写的%(address)s不一致。")
                    % {"number": number, "address": address},
                )
                return None
            registered.building = building  # for the messages; it is the same row
            entry = _FileHousehold(registered, existing=True, first_row=row)
        else:
            dwelling = (building.pk, unit or 0, room)
            if other := self.dwellings.get(dwelling):
                self.error(
                    row,
                    "门牌/室",
                    _("%(address)s已登记为户号“%(other)s”，与本行的户号“%(number)s”不一致。")
                    % {"address": address, "other": other, "number": number},
                )
                return None
            if dwelling in self.new_dwellings:
                other, first = self.new_dwellings[dwelling]
                self.error(
                    row,
                    "门牌/室",
                    _("%(address)s在第 %(first)s 行填的户号是“%(other)s”，与本行不一致。")
                    % {"address": address, "first": first, "other": other},
                )
                return None
            self.new_dwellings[dwelling] = (number, row)
            household = Household(
                community=self.community,
                building=building,
                unit=unit,
                room=room,
                number=number,
                kind=values.get("household_kind", HouseholdKind.FAMILY),
            )
            entry = _FileHousehold(household, existing=False, first_row=row)
        self.households[number] = entry
        return entry

    def head(self, row: int, household: _FileHousehold, resident: Resident) -> None:
        number = household.instance.number
        if household.head_row:
            self.error(
                row,
                "与户主关系",
                _("户号“%(number)s”在第 %(first)s 行已有户主，每户只能有一位户主。")
                % {"number": number, "first": household.head_row},
            )
        elif household.existing and household.instance.head_id:
            self.error(
                row,
                "与户主关系",
                _("户号“%(number)s”已登记了户主，每户只能有一位户主。") % {"number": number},
            )
        else:
            household.head_row, household.head = row, resident

    def model_rules(self, row: int, resident: Resident) -> None:
        """The model's own rules across fields (nothing before birth), as the forms get them."""
        try:
            resident.clean()
        except ValidationError as error:
            for key, messages in error.message_dict.items():
                column = excel.COLUMNS_BY_KEY.get(key)
                self.error(row, column.header if column else "", messages[0])

    def personal(self, row: int, values: dict, failed: set[str], resident: Resident) -> None:
        """ID number, sex and birth date (derived from a resident ID card), mobile number."""
        number = str(values.get("id_number", ""))
        sex, birth = values.get("sex"), values.get("birth_date")
        if number and resident.document_type == DocumentType.RESIDENT_ID:
            try:
                parsed = parse_id_number(number, today=self.today)
            except ValidationError as error:
                self.error(row, "证件号码", error.messages[0])
                failed.add("id_number")
                number = ""
            else:
                number = parsed.number
                if sex and sex != parsed.sex:
                    self.error(row, "性别", _("性别与身份证号码不一致。"))
                if birth and birth != parsed.birth_date:
                    self.error(
                        row,
                        "出生日期",
                        _("出生日期与身份证号码不一致（号码中为 %(date)s）。")
                        % {"date": f"{parsed.birth_date:%Y-%m-%d}"},
                    )
                sex, birth = parsed.sex, parsed.birth_date
        elif len(number) > 30:
            self.error(row, "证件号码", _("证件号码不能超过 30 个字符。"))
            number = ""
        if number:
            key = lookup_hash(number)
            if key in self.numbers:
                self.error(
                    row,
                    "证件号码",
                    _("证件号码与第 %(first)s 行重复。") % {"first": self.numbers[key]},
                )
            else:
                self.numbers[key] = row
        unexplained = not failed & {"id_number", "sex", "birth_date"}
        if not sex and unexplained:
            self.error(row, "性别", _("请填写性别（或填写居民身份证号码自动生成）。"))
        if not birth and unexplained:
            self.error(row, "出生日期", _("请填写出生日期（或填写居民身份证号码自动生成）。"))
        if isinstance(birth, datetime.date) and birth > self.today:
            self.error(row, "出生日期", _("出生日期不能晚于今天。"))
        resident.sex, resident.birth_date = sex or "", birth
        resident.set_id_number(number)
        mobile = normalize_mainland_mobile(str(values.get("mobile", "")))
        if mobile:
            try:
                validate_mainland_mobile(mobile)
            except ValidationError as error:
                self.error(row, "手机号码", f"手机号码：{error.messages[0]}")
                mobile = ""
        resident.set_mobile(mobile)

    def check_registry(self) -> None:
        """ID numbers already registered in the community, in one query for the whole file."""
        taken = Resident.objects.filter(
            community=self.community, id_number_hash__in=list(self.numbers)
        ).values_list("id_number_hash", flat=True)
        for key in taken:
            self.error(self.numbers[key], "证件号码", _("本社区已登记过这个证件号码。"))

    def save(self) -> ImportResult:
        new = [h.instance for h in self.households.values() if not h.existing]
        Household.objects.bulk_create(new)
        residents = [resident for resident, _tags in self.residents]
        bulk_create_with_history(residents, Resident, default_user=self.user)
        through = Resident.tags.through
        through.objects.bulk_create(
            through(resident_id=resident.pk, residenttag_id=tag.pk)
            for resident, tags in self.residents
            for tag in tags
        )
        for household in self.households.values():
            if household.head:
                household.instance.head = household.head
        headed = [h for h in new if h.head_id]
        Household.objects.bulk_update(headed, ["head"])
        Household.history.bulk_history_create(new, default_user=self.user)
        existing = [h.instance for h in self.households.values() if h.existing and h.head]
        if existing:
            bulk_update_with_history(existing, Household, ["head"], default_user=self.user)
        population_changed(self.community.pk)  # bulk writes send no post_save
        return ImportResult(households=len(new), residents=len(residents))


def residents_import(*, user: User, community: Community, file: IO[bytes]) -> ImportResult:
    """Import a filled-in 人口信息采集表 into a community: every row or none.

    Raises ImportFileError when the file itself cannot be read. Otherwise returns every row's
    errors with nothing saved, or the counts of what was saved in one transaction.
    """
    if not communities_for_import(user, Resident).filter(pk=community.pk).exists():
        raise PermissionDenied
    rows = excel.SHEET.read(file)
    check = _Import(user=user, community=community)
    for row in rows:
        check.add(row)
    check.check_registry()
    if check.errors:
        return ImportResult(errors=sorted(check.errors, key=lambda error: error.row))
    try:
        with transaction.atomic():
            return check.save()
    except IntegrityError:
        raise ImportFileError(
            _("导入时本社区的登记数据发生了变化（可能有人同时在登记），请重新上传。")
        ) from None


@dataclass
class Export:
    content: bytes
    revealed: int  # residents whose whole numbers are in the file
    refused: bool  # whole numbers were asked for and none may be shown


def residents_export(
    *, access: Access, residents: QuerySet[Resident], full: bool, ip_address: str | None
) -> Export:
    """A list as the 人口信息采集表's columns. Numbers are masked, except, when `full` is asked,
    for the residents the user may reveal; each of those is logged as a sensitive read."""
    user = access.user
    revealable: set[int] = set()
    if full:
        revealable = set(
            Resident.objects.visible_to(user, REVEAL)
            .filter(pk__in=residents.values("pk"))
            .values_list("pk", flat=True)
        )
    residents = (
        residents.select_related("household__building")
        .prefetch_related("tags")
        .order_by(*EXPORT_ORDER)
    )
    revealed: list[Resident] = []

    def rows():
        for resident in residents.iterator(chunk_size=2000):
            whole = resident.pk in revealable
            if whole:
                revealed.append(resident)
            household = resident.household
            yield {
                "building": household.building.number,
                "unit": household.unit,
                "room": household.room,
                "household_number": household.number,
                "household_kind": household.get_kind_display(),
                "relation_to_head": resident.get_relation_to_head_display(),
                "name": resident.name,
                "document_type": resident.get_document_type_display(),
                "id_number": resident.id_number if whole else resident.id_number_masked,
                "sex": resident.get_sex_display(),
                "birth_date": resident.birth_date
                if sees_birth_date(access, resident)
                else shown_birth(access, resident),
                "mobile": resident.mobile if whole else resident.mobile_masked,
                "ethnicity": resident.ethnicity,
                "political_status": resident.get_political_status_display(),
                "education": resident.get_education_display(),
                "marital_status": resident.get_marital_status_display(),
                "registered_address": shown_registered_address(access, resident),
                "residence_status": resident.get_residence_status_display(),
                "residence_type": resident.get_residence_type_display(),
                "tags": "、".join(t.name for t in visible_tags(resident.tags.all(), access)),
                "moved_in_on": resident.moved_in_on,
                "notes": resident.notes,
                "status": resident.get_status_display(),
            }

    now = timezone.localtime()
    notes = [
        _("导出时间：%(at)s，导出人：%(user)s") % {"at": f"{now:%Y-%m-%d %H:%M}", "user": user}
    ]
    refused = full and not revealable
    if refused:
        notes.append(_("你没有查看完整号码的权限，证件号码和手机号码已部分隐藏。"))
    elif not full:
        notes.append(_("证件号码和手机号码已部分隐藏。"))
    else:
        notes.append(_("本文件含完整的证件号码和手机号码，已记录导出人。请妥善保管，用后删除。"))
    content = excel.export_workbook(excel.ExportSheet(rows(), notes))
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
    return Export(content=content, revealed=len(revealed), refused=refused)
