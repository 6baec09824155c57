"""Who hears of a step of a case, and what they read. `announce` is called by the services (and
the sweeps) with the events they have just appended, inside their transaction: the messages go
into the outbox with the change, or not at all.

Recipients are found for all the events at once, one query per kind of recipient, so a sweep
that marks a thousand cases costs the same few queries as a step on one. Nobody is told of a
step they took themselves.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from django.conf import settings
from django.utils.translation import gettext as _

from grievances.choices import Channel, EventKind, Level
from grievances.models import Grievance, GrievanceEvent
from shequ import outbox
from shequ.models import OutboxMessage, Role, RoleAssignment, User

# The resident's tracking page (查询进度), served by the public pages under the tracking code.
TRACKING_PATH = "/track/{code}/"

STAFF_KINDS = frozenset({EventKind.ANSWERED, EventKind.RETURNED})
# The community must act again, and whoever works the case with it.
WITH_ASSIGNEE_KINDS = frozenset({EventKind.WARNED, EventKind.OVERDUE, EventKind.REOPENED})
RESIDENT_KINDS = frozenset({EventKind.REPLIED, EventKind.FOLLOWED_UP})
# Cases that did not come in across the desk: the staff learn of them from the message.
UNATTENDED_CHANNELS = frozenset({Channel.ONLINE, Channel.GRID})


def tracking_url(case: Grievance) -> str:
    return settings.SITE_URL + TRACKING_PATH.format(code=case.tracking_code)


def announce(events: Sequence[GrievanceEvent]) -> list[OutboxMessage]:
    """Put the messages these events call for in the outbox."""
    recipients = _Recipients(events)
    messages = []
    for event in events:
        wording = _wording(event)
        if wording is None:
            continue
        case = event.grievance
        fields = {
            "kind": f"grievance.{event.kind}", "subject": wording[0], "body": wording[1],
            "payload": {"grievance": case.pk, "register_number": case.register_number},
        }  # fmt: skip
        if event.kind in RESIDENT_KINDS:
            messages += _to_resident(case, fields)
        else:
            messages += [
                OutboxMessage(user=user, **fields)
                for user in recipients.of(event)
                if user.pk != event.actor_id
            ]
    return outbox.post(messages)


def _to_resident(case: Grievance, fields: dict) -> list[OutboxMessage]:
    """The person who raised the case: their phone for SMS, their account's e-mail if they
    submitted it signed in; nobody when there is no way to reach them."""
    phone = case.contact_phone or (case.resident.mobile if case.resident_id else "")
    if not (phone or case.submitted_by_id):
        return []
    message = OutboxMessage(user=case.submitted_by, **fields)
    message.set_phone(phone)
    return [message]


class _Recipients:
    """The staff of the events' communities, handlers of their departments and officials of
    their streets and districts, each read with one query and only if some event needs them."""

    def __init__(self, events: Sequence[GrievanceEvent]) -> None:
        cases = [e.grievance for e in events]
        needs_staff = {
            e.grievance.community_id for e in events
            if e.kind in STAFF_KINDS | WITH_ASSIGNEE_KINDS or _is_unattended_receipt(e)
        }  # fmt: skip
        escalated = [e.grievance for e in events if e.kind == EventKind.ESCALATED]
        self.staff = self._holders(Role.COMMUNITY_STAFF, "community", needs_staff)
        self.handlers = self._holders(
            Role.DEPARTMENT_HANDLER, "department",
            {c.department_id for c in escalated if c.level == Level.DEPARTMENT},
        )  # fmt: skip
        self.street = self._holders(
            Role.OFFICIAL, "street",
            {c.community.street_id for c in escalated if c.level == Level.STREET},
        )  # fmt: skip
        self.district = self._holders(
            Role.OFFICIAL, "district",
            {c.community.street.district_id for c in escalated if c.level == Level.DISTRICT},
        )  # fmt: skip
        self.assignees = {c.pk: c.assignee for c in cases if c.assignee_id}

    @staticmethod
    def _holders(role: str, level: str, ids: set[int]) -> dict[int, list[User]]:
        found: dict[int, list[User]] = defaultdict(list)
        if not ids:
            return found
        assignments = (
            RoleAssignment.objects.filter(role=role, user__is_active=True, **{f"{level}__in": ids})
            .select_related("user")
            .order_by("user_id")
        )
        for assignment in assignments:
            found[getattr(assignment, f"{level}_id")].append(assignment.user)
        return found

    def of(self, event: GrievanceEvent) -> list[User]:
        case = event.grievance
        users: list[User] = []
        if event.kind in (EventKind.ASSIGNED, EventKind.REASSIGNED):
            users = [case.assignee] if case.assignee_id else []
        elif event.kind == EventKind.ESCALATED:
            users = {
                Level.DEPARTMENT: lambda: self.handlers[case.department_id],
                Level.STREET: lambda: self.street[case.community.street_id],
                Level.DISTRICT: lambda: self.district[case.community.street.district_id],
            }[case.level]()
        elif event.kind in STAFF_KINDS or _is_unattended_receipt(event):
            users = self.staff[case.community_id]
        elif event.kind in WITH_ASSIGNEE_KINDS:
            users = self.staff[case.community_id] + (
                [self.assignees[case.pk]] if case.pk in self.assignees else []
            )
        return list({user.pk: user for user in users}.values())


def _is_unattended_receipt(event: GrievanceEvent) -> bool:
    return event.kind == EventKind.RECEIVED and event.grievance.channel in UNATTENDED_CHANNELS


def _wording(event: GrievanceEvent) -> tuple[str, str] | None:
    """The subject and body of the message for this event, or None if it calls for none."""
    case = event.grievance
    number = case.register_number
    about = {"n": number, "title": case.title, "due": f"{case.due_on:%Y-%m-%d}",
             "note": event.note, "community": case.community.name,
             "link": tracking_url(case)}  # fmt: skip
    match event.kind:
        case EventKind.RECEIVED if _is_unattended_receipt(event):
            return (
                _("新诉求 %(n)s：%(title)s") % about,
                _("%(community)s收到一件%(channel)s诉求 %(n)s“%(title)s”，请及时受理。"
                  "办结时限 %(due)s。") % {**about, "channel": case.get_channel_display()},
            )  # fmt: skip
        case EventKind.ASSIGNED | EventKind.REASSIGNED:
            return (
                _("诉求 %(n)s 已指派给您") % about,
                _("诉求 %(n)s“%(title)s”已指派给您承办，办结时限 %(due)s。") % about,
            )
        case EventKind.ESCALATED:
            return (
                _("%(community)s上报诉求 %(n)s") % about,
                _("%(community)s上报诉求 %(n)s“%(title)s”，请答复。上报原因：%(note)s") % about,
            )
        case EventKind.ANSWERED:
            return (
                _("诉求 %(n)s 已有上级答复") % about,
                _("诉求 %(n)s“%(title)s”已有上级答复，请答复居民：%(note)s") % about,
            )
        case EventKind.RETURNED:
            return (
                _("诉求 %(n)s 被退回") % about,
                _("上报的诉求 %(n)s“%(title)s”被退回，理由：%(note)s") % about,
            )
        case EventKind.WARNED:
            return (
                _("诉求 %(n)s 临近办结时限") % about,
                _("诉求 %(n)s“%(title)s”的办理时限已过七成，须在 %(due)s 前办结。") % about,
            )
        case EventKind.OVERDUE:
            return (
                _("诉求 %(n)s 已超期") % about,
                _("诉求 %(n)s“%(title)s”已超过办结时限 %(due)s，请尽快办结。") % about,
            )
        case EventKind.REOPENED:
            return (
                _("诉求 %(n)s 申请重新办理") % about,
                _("居民对诉求 %(n)s“%(title)s”的答复不满意，申请重新办理，须在 %(due)s 前办结："
                  "%(note)s") % about,
            )  # fmt: skip
        case EventKind.REPLIED:
            return (
                _("您的诉求已答复"),
                _("您反映的“%(title)s”（编号 %(n)s）已答复：%(note)s 查看进度：%(link)s") % about,
            )
        case EventKind.FOLLOWED_UP:
            return (
                _("问题解决了吗？"),
                _("您反映的“%(title)s”（编号 %(n)s）已答复两周。问题解决了吗？"
                  "请在这里评价或申请重新办理：%(link)s") % about,
            )  # fmt: skip
    return None
