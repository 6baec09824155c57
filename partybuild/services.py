"""Changes to a party file: one function per step, each checking the actor's scope and the
file's state, changing the file and appending its event in one transaction."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partybuild.choices import EventKind, MemberStatus, Presence
from partybuild.dues.services import dues_end
from partybuild.models import (
    Attendance,
    LetterCounter,
    MeetingAttachment,
    MemberEvent,
    OrganizationalLife,
    PartyMember,
    PartyOrganization,
)
from shequ.models import User
from shequ.models.scoping import CHANGE


class Refused(ValidationError):
    """A step that may not be taken on this file now, or by this user."""


def _locked(member: PartyMember, by: User) -> PartyMember:
    """The file, locked for the step, if `by` may change it; otherwise Refused."""
    changeable = PartyMember.objects.visible_to(by, CHANGE).select_for_update(of=("self",))
    locked = changeable.select_related("resident", "organization").filter(pk=member.pk).first()
    if locked is None:
        raise Refused(_("无权修改这份党员档案。"))
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
    else:
        _event(member, EventKind.REGISTERED, member.joined_on, by)
    return member


@transaction.atomic
def member_transfer_out(
    member: PartyMember, by: User, *, day: datetime.date, counterpart: str, note: str = ""
) -> MemberEvent:
    """转出: the introduction letter takes the community's next number of the year."""
    member = _locked(member, by)
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
    member = _locked(member, by)
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
    member = _locked(member, by)
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
    member = _locked(member, by)
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
    member = _locked(member, by)
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
    return _event(member, kind, day, by, note=note)


@transaction.atomic
def meeting_save(
    meeting: OrganizationalLife, *, by: User, attendance: dict[int, tuple[str, str]],
    files: list[tuple[ContentFile, str]],
) -> OrganizationalLife:  # fmt: skip
    """A meeting planned or recorded, with the attendance of its roll once held: rows of
    members no longer on the roll (the date or the organisation changed) go, with their
    history; files are added beside those already kept."""
    if (
        meeting.pk
        and not OrganizationalLife.objects.visible_to(by, CHANGE).filter(pk=meeting.pk).exists()
    ):
        raise Refused(_("无权修改这次组织生活的记录。"))
    meeting.save()
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
