"""Changes to a party file: one function per step, each checking the actor's scope and the
file's state, changing the file and appending its event in one transaction."""

from __future__ import annotations

import contextlib
import datetime
from dataclasses import dataclass, field
from typing import IO

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Case, Exists, OuterRef, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grievances.choices import Channel, Kind
from grievances.models import Category as GrievanceCategory
from grievances.services import Refused as GrievanceRefused
from grievances.services import grievance_register
from partybuild import excel
from partybuild.choices import (
    FILED_ITEMS,
    Category,
    EventKind,
    FourOnesItem,
    MeetingStatus,
    MemberStatus,
    NeedStatus,
    Presence,
)
from partybuild.dues.services import dues_end
from partybuild.models import (
    Attendance,
    CommunityNeed,
    FourOnesRecord,
    LetterCounter,
    MeetingAttachment,
    MemberEvent,
    OrganizationalLife,
    Pairing,
    PairingVisit,
    PartyMember,
    PartyOrganization,
)
from partybuild.models.members import PROBATION_YEARS
from partybuild.models.organization import years_after
from partybuild.tasks import compliance_changed
from residents.choices import Relation, Status
from residents.models import Resident, ResidentTag, Visit
from shequ.excel import ImportFileError, RowError, SheetRow, communities_for_import
from shequ.id_numbers import parse_id_number
from shequ.models import Community, User
from shequ.models.scoping import CHANGE
from shequ.personal_data import lookup_hash


class Refused(ValidationError):
    """A step that may not be taken on this file now, or by this user."""


NOT_YOURS = gettext_lazy("无权修改这份党员档案。")


def _held(model, row, by: User, action: str = CHANGE, message: str = ""):
    """The row, locked for the step, if `by` may take `action` on it; otherwise Refused."""
    held = model.objects.visible_to(by, action).select_for_update(of=("self",))
    locked = held.filter(pk=row.pk).first()
    if locked is None:
        raise Refused(message or _("无权进行这项操作。"))
    return locked


def _check_day(member: PartyMember, day: datetime.date) -> None:
    if day > timezone.localdate():
        raise Refused(_("日期不能晚于今天。"))
    last = member.events.order_by("-happened_on").values_list("happened_on", flat=True).first()
    if last and day < last:
        raise Refused(_("日期不能早于档案上一次变动（%(day)s）。") % {"day": f"{last:%Y-%m-%d}"})


def _next_letter(member: PartyMember, year: int) -> int:
    counter, _created = LetterCounter.objects.select_for_update().get_or_create(
        community_id=member.community_id, year=year
    )
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def _event(member: PartyMember, kind: str, day: datetime.date, by: User, **fields) -> MemberEvent:
    organization = fields.pop("organization", member.organization if member.active else None)
    # Where a member is and whether they are a full member decide a branch's committee meeting
    # (seven full members) from `day` on.
    compliance_changed(member.community_id, day)
    return MemberEvent.objects.create(
        member=member, kind=kind, happened_on=day, by=by, organization=organization, **fields
    )


def _save(member: PartyMember, reason: str) -> None:
    member._change_reason = reason
    member.save()


@transaction.atomic
def member_register(
    member: PartyMember, by: User, *, transferred_from: str = "", letter: str = "",
    day: datetime.date | None = None,
) -> PartyMember:  # fmt: skip
    """A new file: a member admitted here, or one whose relation comes from elsewhere (转入),
    with the sending organisation and its letter's number in the note."""
    member.community = member.resident.community
    member.save()
    if transferred_from:
        _event(
            member, EventKind.TRANSFERRED_IN, day or timezone.localdate(), by,
            counterpart=transferred_from, note=letter,
        )  # fmt: skip
        must_visit([member.resident], TRANSFERRED_IN_TAG, _("组织关系转入"))
    else:
        _event(member, EventKind.REGISTERED, member.joined_on, by)
    return member


@transaction.atomic
def member_transfer_out(
    member: PartyMember, by: User, *, day: datetime.date, counterpart: str, note: str = ""
) -> MemberEvent:
    """转出: the introduction letter takes the community's next number of the year."""
    member = _held(PartyMember, member, by, message=NOT_YOURS)
    if not member.active:
        raise Refused(_("只有正常状态的党员可以转出。"))
    if not counterpart.strip():
        raise Refused(_("请填写接收的党组织。"))
    _check_day(member, day)
    number = _next_letter(member, day.year)
    member.status = MemberStatus.TRANSFERRED_OUT
    _save(member, _("组织关系转出"))
    dues_end(member, day)
    return _event(
        member, EventKind.TRANSFERRED_OUT, day, by, organization=None,
        counterpart=counterpart.strip(), letter_year=day.year, letter_number=number, note=note,
    )  # fmt: skip


def letter_awaiting_receipt(member: PartyMember) -> MemberEvent | None:
    """The last introduction letter of a transferred-out member, while its receipt is not in."""
    if member.status != MemberStatus.TRANSFERRED_OUT:
        return None
    letter = member.events.filter(kind=EventKind.TRANSFERRED_OUT).order_by("-pk").first()
    if letter is None or member.events.filter(kind=EventKind.RECEIPT, pk__gt=letter.pk).exists():
        return None
    return letter


@transaction.atomic
def member_receipt(
    member: PartyMember, by: User, *, day: datetime.date, note: str = ""
) -> MemberEvent:
    """The receiving organisation's receipt (回执) for the last letter came back."""
    member = _held(PartyMember, member, by, message=NOT_YOURS)
    letter = letter_awaiting_receipt(member)
    if letter is None:
        raise Refused(_("这位党员没有待回执的转出介绍信。"))
    _check_day(member, day)
    return _event(
        member, EventKind.RECEIPT, day, by, organization=None, counterpart=letter.counterpart,
        letter_year=letter.letter_year, letter_number=letter.letter_number, note=note,
    )  # fmt: skip


@transaction.atomic
def member_confirm(
    member: PartyMember, by: User, *, day: datetime.date, note: str = ""
) -> MemberEvent:
    """预备 → 正式, not before the year of probation has run."""
    member = _held(PartyMember, member, by, message=NOT_YOURS)
    if not (member.active and member.probationary):
        raise Refused(_("只有正常状态的预备党员可以转正。"))
    if day < member.probation_due:
        raise Refused(
            _("预备期满一年才能转正：最早 %(due)s。") % {"due": f"{member.probation_due:%Y-%m-%d}"}
        )
    _check_day(member, day)
    member.full_on = day
    _save(member, _("预备党员转正"))
    return _event(member, EventKind.CONFIRMED, day, by, note=note)


@transaction.atomic
def member_move(
    member: PartyMember, by: User, *, organization: PartyOrganization, day: datetime.date,
    note: str = "",
) -> MemberEvent:  # fmt: skip
    """调整所在组织 within the community."""
    member = _held(PartyMember, member, by, message=NOT_YOURS)
    if not member.active:
        raise Refused(_("只有正常状态的党员可以调整所在组织。"))
    if organization.pk == member.organization_id:
        raise Refused(_("这位党员已在%(organization)s。") % {"organization": organization})
    if organization.community_id != member.community_id or not organization.holds_members:
        raise Refused(_("请选择本社区的党支部或党小组。"))
    _check_day(member, day)
    member.organization = organization
    _save(member, _("调整所在组织"))
    return _event(member, EventKind.MOVED, day, by, note=note)


STATUS_STEPS = {
    # kind: (states it may follow, state after, reason)
    EventKind.SUSPENDED: ({MemberStatus.ACTIVE}, MemberStatus.SUSPENDED),
    EventKind.REINSTATED: ({MemberStatus.SUSPENDED}, MemberStatus.ACTIVE),
    EventKind.DECEASED: ({MemberStatus.ACTIVE, MemberStatus.SUSPENDED}, MemberStatus.DECEASED),
}


@transaction.atomic
def member_status(
    member: PartyMember, by: User, *, kind: str, day: datetime.date, note: str = ""
) -> MemberEvent:
    """停止党籍, 恢复党籍 or 去世: the file stays, with the reason in its events."""
    member = _held(PartyMember, member, by, message=NOT_YOURS)
    allowed, after = STATUS_STEPS[kind]
    if member.status not in allowed:
        raise Refused(
            _("%(status)s的党员不能登记%(kind)s。")
            % {"status": member.get_status_display(), "kind": EventKind(kind).label}
        )
    if kind == EventKind.SUSPENDED and not note.strip():
        raise Refused(_("请填写停止党籍的原因。"))
    _check_day(member, day)
    member.status = after
    _save(member, str(EventKind(kind).label))
    if after != MemberStatus.ACTIVE:
        dues_end(member, day)
    if kind == EventKind.DECEASED:
        must_visit(bereaved(member), BEREAVED_TAG, _("党员去世"))
    return _event(member, kind, day, by, note=note)


@transaction.atomic
def meeting_save(
    meeting: OrganizationalLife, *, by: User, attendance: dict[int, tuple[str, str]],
    files: list[tuple[ContentFile, str]],
) -> OrganizationalLife:  # fmt: skip
    """A meeting planned or recorded, with the attendance of its roll once held: rows of
    members no longer on the roll (the date or the organisation changed) go, with their
    history; files are added beside those already kept."""
    stored = None  # (date, status) before this save
    if meeting.pk:
        changeable = OrganizationalLife.objects.visible_to(by, CHANGE).filter(pk=meeting.pk)
        stored = changeable.values_list("date", "status").first()
        if stored is None:
            raise Refused(_("无权修改这次组织生活的记录。"))
    meeting.save()
    # Only held meetings count, so a plan changes nothing; a meeting moved to another day
    # changes the quarters of both days.
    day, status = stored or (meeting.date, meeting.status)
    if meeting.held or status == MeetingStatus.HELD:
        compliance_changed(meeting.organization.community_id, min(day, meeting.date))
    kept = {row.member_id: row for row in meeting.attendances.all()}
    if not meeting.held:
        attendance = {}
    for member_id, row in kept.items():
        if member_id not in attendance:
            row.delete()
    for member_id, (presence, reason) in attendance.items():
        reason = reason if presence == Presence.LEAVE else ""
        row = kept.get(member_id)
        if row is None:
            Attendance.objects.create(
                meeting=meeting, member_id=member_id, presence=presence, reason=reason
            )
        elif (row.presence, row.reason) != (presence, reason):
            row.presence, row.reason = presence, reason
            row.save()
    for content, name in files:
        MeetingAttachment.objects.create(
            meeting=meeting, file=content, name=name, size=content.size, uploaded_by=by
        )
    return meeting


# 三必访: the registry's must-visit tags a step puts on the people to visit.
TRANSFERRED_IN_TAG = "new_party_member"
BEREAVED_TAG = "deceased_member_family"


def must_visit(residents: list[Resident], code: str, reason: str) -> None:
    """Put a must-visit tag on these residents, so the registry's due list (and the party's
    三必访 page) shows them until their household is visited; the change is in their history.
    A tag an administrator has deleted puts nothing."""
    tag = ResidentTag.objects.filter(code=code).first()
    if tag is None:
        return
    for resident in residents:
        resident._change_reason = reason
        resident.tags.add(tag)


def bereaved(member: PartyMember) -> list[Resident]:
    """Whom to visit after a member's death: the head of their household, or else the eldest
    other living member; nobody when they lived alone. One person, so the household is one
    line of the due list."""
    family = (
        Resident.objects.filter(household=member.resident.household_id, status=Status.LIVING)
        .exclude(pk=member.resident_id)
        .order_by(Case(When(relation_to_head=Relation.HEAD, then=0), default=1), "birth_date")
    )
    return list(family[:1])


@transaction.atomic
def pairing_visit(
    pairing: Pairing, by: User, *, visited_on: datetime.date, notes: str, follow_up: str = "",
    residents=(),
) -> Visit:  # fmt: skip
    """A pair's visit, recorded as the registry's visit of the household (so its due list and
    the monthly assessment count it) and linked to the pairing."""
    pairing = _held(Pairing, pairing, by, message=_("无权登记这个结对的走访。"))
    if visited_on > timezone.localdate():
        raise Refused(_("走访日期不能晚于今天。"))
    if visited_on < pairing.started_on:
        raise Refused(
            _("走访日期不能早于结对日期（%(day)s）。") % {"day": f"{pairing.started_on:%Y-%m-%d}"}
        )
    if pairing.ended_on and visited_on > pairing.ended_on:
        raise Refused(
            _("走访日期不能晚于解除日期（%(day)s）。") % {"day": f"{pairing.ended_on:%Y-%m-%d}"}
        )
    if not notes.strip():
        raise Refused(_("请填写走访情况。"))
    residents = list(residents)
    if any(r.household_id != pairing.household_id for r in residents):
        raise Refused(_("走访对象须是这一户的成员。"))
    household = pairing.household
    visit = Visit(
        community_id=household.community_id, household=household, visited_on=visited_on,
        visitor=by, notes=notes.strip(), follow_up=follow_up.strip(),
    )  # fmt: skip
    try:
        visit.check_residents_born(residents)
    except ValidationError as error:
        raise Refused(error.messages) from error
    visit.save()
    visit.residents.set(residents)
    PairingVisit.objects.create(pairing=pairing, visit=visit)
    return visit


def _case_title(item: str, description: str) -> str:
    first_line = description.strip().splitlines()[0] if description.strip() else ""
    title = f"{FourOnesItem(item).label}：{first_line}"
    return title if len(title) <= 60 else f"{title[:59]}…"


@transaction.atomic
def four_ones_record(
    *, member: PartyMember, item: str, done_on: datetime.date, description: str, by: User,
    category: GrievanceCategory | None = None,
) -> FourOnesRecord:  # fmt: skip
    """One of a member's 四个一. A report (一条信息) or a suggestion (一条建议) is registered at the
    grievance desk as a 建议 case (the issue names that kind for both), online, from the member
    at the building they live in, and the record keeps it: the desk answers it as any case, and
    the member follows it."""
    if not PartyMember.objects.visible_to(by).filter(pk=member.pk).exists():
        raise Refused(_("无权为这位党员登记四个一。"))
    if not member.active:
        raise Refused(_("只有正常状态的党员登记四个一。"))
    if done_on > timezone.localdate():
        raise Refused(_("日期不能晚于今天。"))
    if not description.strip():
        raise Refused(_("请填写内容。"))
    case = None
    if item in FILED_ITEMS:
        if category is None:
            raise Refused(_("信息和建议会转到诉求受理，请选择类别。"))
        own = member.account_id is not None and member.account_id == by.pk
        try:
            case = grievance_register(
                community=member.community, category=category, kind=Kind.SUGGESTION,
                channel=Channel.ONLINE, title=_case_title(item, description),
                description=description, by=None if own else by, resident=member.resident,
                building=member.resident.household.building,
                contact_name=member.resident.name, submitted_by=member.account,
            )  # fmt: skip
        except GrievanceRefused as refused:
            raise Refused(refused.messages) from refused
    return FourOnesRecord.objects.create(
        community_id=member.community_id, member=member, item=item, done_on=done_on,
        description=description.strip(), grievance=case, recorded_by=by,
    )  # fmt: skip


@transaction.atomic
def need_claim(need: CommunityNeed, member: PartyMember, by: User) -> CommunityNeed:
    """认领: a member takes on an open need of their community; a member signed in claims for
    themself, a party worker for any member."""
    need = _held(CommunityNeed, need, by, "claim", _("无权认领这项需求。"))
    if need.status != NeedStatus.OPEN:
        raise Refused(_("这项需求已被认领。"))
    if not PartyMember.objects.visible_to(by).filter(pk=member.pk).exists():
        raise Refused(_("无权替这位党员认领。"))
    if not member.active or member.community_id != need.community_id:
        raise Refused(_("请选择本社区正常状态的党员。"))
    need.status, need.claimed_by, need.claimed_on = NeedStatus.CLAIMED, member, timezone.localdate()
    need._change_reason = _("认领")
    need.save()
    return need


@transaction.atomic
def need_done(need: CommunityNeed, by: User) -> CommunityNeed:
    need = _held(CommunityNeed, need, by, message=_("无权修改这项需求。"))
    if need.status != NeedStatus.CLAIMED:
        raise Refused(_("只有已认领的需求可以标记完成。"))
    need.status, need.done_on = NeedStatus.DONE, timezone.localdate()
    need._change_reason = _("完成")
    need.save()
    return need


@dataclass
class MembersImported:
    members: int = 0
    errors: list[RowError] = field(default_factory=list)


@dataclass
class _MemberRow:
    number: int  # the row number Excel shows
    key: str  # the ID number's lookup hash; empty when it is missing, wrong or repeated
    name: str
    member: PartyMember


class _MembersImport:
    """Checks every row of a 党员信息采集表 against the file, the registry and the tree, which it
    loads in a few queries whatever the number of rows."""

    def __init__(self, *, user: User, community: Community) -> None:
        self.user = user
        self.community = community
        self.today = timezone.localdate()
        self.errors: list[RowError] = []
        self.organizations = {
            organization.name: organization
            for organization in PartyOrganization.objects.visible_to(user, CHANGE).filter(
                community=community, dissolved_on__isnull=True
            )
        }
        self.numbers: dict[str, int] = {}  # ID number hash → first row
        self.rows: list[_MemberRow] = []

    def error(self, row: int, column: str, message: str) -> None:
        self.errors.append(RowError(row, message, column))

    def add(self, row: SheetRow) -> None:
        values, failed = excel.IMPORT_SHEET.values(row, self.errors)
        member = PartyMember(
            community=self.community,
            category=values.get("category", Category.RESIDENT),
            **{
                key: values[key]
                for key in ("joined_on", "full_on", "post", "work_unit", "reported_on",
                            "floating_to", "notes")
                if key in values
            },
        )  # fmt: skip
        self.organization(row.number, values.get("organization"), member)
        for key in ("joined_on", "full_on", "reported_on"):
            day = values.get(key)
            if day and day > self.today:
                header = excel.IMPORT_SHEET.column(key).header
                self.error(row.number, header, _("%(h)s不能晚于今天。") % {"h": header})
                failed.add(key)
        full_on, joined_on = member.full_on, member.joined_on
        if full_on and joined_on and full_on < years_after(joined_on, PROBATION_YEARS):
            self.error(row.number, "转正日期", _("转正须在预备期满一年之后。"))
        if member.category == Category.IN_SERVICE and not member.work_unit:
            self.error(row.number, "工作单位", _("在职党员须填写工作单位。"))
        key = ""
        if number := values.get("id_number"):
            with contextlib.suppress(ValidationError):
                number = parse_id_number(number).number
            key = lookup_hash(number)
            if key in self.numbers:
                self.error(
                    row.number, "证件号码",
                    _("证件号码与第 %(first)s 行重复。") % {"first": self.numbers[key]},
                )  # fmt: skip
                key = ""
            else:
                self.numbers[key] = row.number
        self.rows.append(_MemberRow(row.number, key, values.get("name", ""), member))

    def organization(self, row: int, name: str | None, member: PartyMember) -> None:
        if not name:
            return
        organization = self.organizations.get(name) or self.organizations.get("".join(name.split()))
        if organization is None:
            self.error(
                row, "所在党组织",
                _("本社区没有名为“%(name)s”的党组织（可选：%(names)s）。")
                % {"name": name, "names": "、".join(
                    o.name for o in self.organizations.values() if o.holds_members
                )},
            )  # fmt: skip
        elif not organization.holds_members:
            self.error(
                row, "所在党组织",
                _("%(name)s是%(kind)s，党员须编入党支部或党小组。")
                % {"name": name, "kind": organization.get_kind_display()},
            )  # fmt: skip
        else:
            member.organization = organization

    def check_registry(self) -> None:
        """Each row's resident, found by ID number among the community's residents in one query:
        living, without a file, of the name the row gives, old enough when admitted."""
        keys = [line.key for line in self.rows if line.key]
        found = Resident.objects.visible_to(self.user).filter(
            community=self.community, id_number_hash__in=keys
        )
        residents = {
            resident.id_number_hash: resident
            for resident in found.annotate(
                has_file=Exists(PartyMember.objects.filter(resident=OuterRef("pk")))
            )
        }
        for line in self.rows:
            row, key, member = line.number, line.key, line.member
            if not key:
                continue
            resident = residents.get(key)
            if resident is None:
                self.error(
                    row, "证件号码",
                    _("本社区登记的居民中没有这个证件号码，请先在“居民”中登记此人。"),
                )  # fmt: skip
                continue
            if resident.has_file:
                self.error(row, "证件号码", _("%(name)s已有党员档案。") % {"name": resident.name})
            elif resident.status != Status.LIVING:
                self.error(
                    row, "证件号码",
                    _("%(name)s的登记状态是“%(status)s”，不能建立党员档案。")
                    % {"name": resident.name, "status": resident.get_status_display()},
                )  # fmt: skip
            if line.name and line.name != resident.name:
                self.error(
                    row, "姓名",
                    _("姓名与居民登记不一致：这个证件号码登记的是“%(name)s”。")
                    % {"name": resident.name},
                )  # fmt: skip
            member.resident = resident
            self.model_rules(row, member)

    def model_rules(self, row: int, member: PartyMember) -> None:
        """The file's own rules across fields (admitted at 18 or older), as the form gets them."""
        if not (member.joined_on and member.organization_id):
            return
        try:
            member.clean()
        except ValidationError as error:
            for key, messages in error.message_dict.items():
                self.error(row, excel.IMPORT_SHEET.column(key).header, messages[0])


def members_import(*, user: User, community: Community, file: IO[bytes]) -> MembersImported:
    """Bring a filled-in 党员信息采集表 into a community: a file for every row, or none.

    Raises ImportFileError when the file itself cannot be read. Otherwise returns every row's
    errors with nothing saved, or the number of files made, each registered as the form
    registers one (with its event), in one transaction.
    """
    if not communities_for_import(user, PartyMember).filter(pk=community.pk).exists():
        raise PermissionDenied
    rows = excel.IMPORT_SHEET.read(file)
    check = _MembersImport(user=user, community=community)
    for row in rows:
        check.add(row)
    check.check_registry()
    if check.errors:
        return MembersImported(errors=sorted(check.errors, key=lambda error: error.row))
    try:
        with transaction.atomic():
            for line in check.rows:
                member_register(line.member, user)
    except IntegrityError:
        raise ImportFileError(
            _("导入时本社区的党员档案发生了变化（可能有人同时在建档），请重新上传。")
        ) from None
    return MembersImported(members=len(check.rows))
