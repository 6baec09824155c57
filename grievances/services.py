"""The life of a case: one function per step, each checking who may take it and from which
state, changing the case and appending its event in one transaction. A step that may not be
taken raises `Refused` with the reason in Chinese and changes nothing.

Who acts is a capacity over the case: the community's staff (`community`), the official of its
street or district (`street`, `district`), the handler of the department it was escalated to
(`department`), the grid worker of its grid unit (`grid`). Administrators hold every capacity.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from grievances import notifications, workdays
from grievances.choices import (
    OPEN_STATES,
    Channel,
    EventKind,
    Kind,
    Level,
    Priority,
    State,
)
from grievances.models import (
    Category,
    Grievance,
    GrievanceEvent,
    Mediation,
    MediationSession,
    Party,
    RegisterCounter,
)
from grievances.models.mediation import Outcome, Side
from grievances.tasks import grievance_figures_changed
from shequ.models import Community, Department, Role, User
from shequ.models.scoping import scope_of

REOPEN_WITHIN = datetime.timedelta(days=15)
ACTIVE = frozenset({State.ACCEPTED, State.IN_PROGRESS})


class Refused(ValidationError):
    """A step that may not be taken now, by this user, on this case."""


def capacities(user: User | None, grievance: Grievance) -> frozenset[str]:
    """What the user may act as on this case."""
    if user is None or not (user.is_authenticated and user.is_active):
        return frozenset()
    if user.is_superuser:
        return frozenset({"community", "street", "district", "department", "grid"})
    scope = scope_of(user)
    community = grievance.community
    held = set()
    if community.pk in scope.ids(frozenset({Role.COMMUNITY_STAFF}), "community"):
        held.add("community")
    officials = frozenset({Role.OFFICIAL})
    if community.street_id in scope.ids(officials, "street"):
        held.add("street")
    if community.street.district_id in scope.ids(officials, "district"):
        held.add("district")
    handlers = frozenset({Role.DEPARTMENT_HANDLER})
    if grievance.department_id and grievance.department_id in scope.ids(handlers, "department"):
        held.add("department")
    if grievance.grid_unit_id and grievance.grid_unit_id in scope.grid_units:
        held.add("grid")
    return frozenset(held)


def _locked(grievance: Grievance) -> Grievance:
    return (
        Grievance.objects.select_for_update()
        .select_related("community__street")
        .get(pk=grievance.pk)
    )


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise Refused(message)


def _holder(grievance: Grievance) -> str:
    """The capacity that holds the case at its level."""
    return {
        Level.COMMUNITY: "community",
        Level.STREET: "street",
        Level.DISTRICT: "district",
        Level.DEPARTMENT: "department",
    }[grievance.level]


def _event(grievance, kind, by, *, from_state="", note="", public=False) -> GrievanceEvent:
    grievance_figures_changed(grievance.community_id)
    return GrievanceEvent.objects.create(
        grievance=grievance, kind=kind, actor=by if by and by.is_authenticated else None,
        from_state=from_state, to_state=grievance.state, level=grievance.level,
        department=grievance.department, note=note, public=public,
    )  # fmt: skip


def _step(
    grievance: Grievance, by: User | None, *, kind: str, states, capacity: str | None = None,
    note: str = "", note_required: str = "", public: bool = False, **changes,
) -> Grievance:  # fmt: skip
    """Lock the case, check the state and the actor's capacity, apply the changes, append the
    event. `capacity` None means the holder of the case at its level."""
    with transaction.atomic():
        case = _locked(grievance)
        _require(
            case.state in states,
            _("诉求当前为“%(state)s”，不能%(step)s。")
            % {"state": case.get_state_display(), "step": EventKind(kind).label},
        )
        needed = capacity or _holder(case)
        _require(needed in capacities(by, case), _("您无权对这件诉求%(step)s。") % {
            "step": EventKind(kind).label
        })  # fmt: skip
        note = (note or "").strip()
        _require(bool(note) or not note_required, note_required)
        before = case.state
        for field, value in changes.items():
            setattr(case, field, value)
        case.save()
        event = _event(case, kind, by, from_state=before, note=note, public=public)
        notifications.announce([event])
    grievance.refresh_from_db()
    return case


def _deadlines(case: Grievance, start: datetime.date, days: int) -> None:
    calendar = workdays.Calendar(start, start + datetime.timedelta(days=days * 3 + 130))
    case.due_on = workdays.add_working_days(start, days, calendar)
    case.warn_on = workdays.warning_day(start, days, calendar)
    case.warned = case.overdue = False


def _take_number(community: Community, year: int) -> int:
    """The next register number, under a row lock held until the registering transaction ends:
    a registration that rolls back gives its number back, two never share one."""
    RegisterCounter.objects.bulk_create(
        [RegisterCounter(community=community, year=year)], ignore_conflicts=True
    )
    counter = RegisterCounter.objects.select_for_update().get(community=community, year=year)
    counter.last = F("last") + 1
    counter.save(update_fields=["last"])
    counter.refresh_from_db(fields=["last"])
    return counter.last


def grievance_register(
    *, community: Community, category: Category, kind: str, channel: str, title: str,
    description: str, by: User | None = None, building=None, address: str = "",
    resident=None, contact_name: str = "", contact_phone: str = "",
    priority: str = Priority.NORMAL, answers: dict | None = None, field_log_entry=None,
    submitted_by: User | None = None,
) -> Grievance:  # fmt: skip
    """Put a case in the community's register: its number, its time limit, its first event.
    Staff register what is brought in; a grid worker what they saw in their grid; anyone else
    only online."""
    grievance = Grievance(
        community=community, category=category, kind=kind, channel=channel, title=title.strip(),
        description=description.strip(), building=building, address=address.strip(),
        resident=resident, contact_name=contact_name.strip(), priority=priority,
        answers=answers or {}, field_log_entry=field_log_entry, submitted_by=submitted_by,
        registered_by=by if by and by.is_authenticated else None,
    )  # fmt: skip
    grievance.set_contact_phone(contact_phone)
    held = capacities(by, grievance)
    if "community" not in held:
        if "grid" in held or (by and building and building.grid_unit_id in scope_of(by).grid_units):
            _require(channel == Channel.GRID, _("网格员登记的诉求渠道须为“网格上报”。"))
        else:
            _require(channel == Channel.ONLINE, _("只有社区工作人员能登记来访、来电等诉求。"))
    _require(category.active, _("这个类别已停用，请选择其他类别。"))
    now = timezone.localtime()
    grievance.received_at = now
    grievance.year = now.year
    _deadlines(grievance, now.date(), category.time_limit_days)
    grievance.full_clean(exclude=["sequence", "year", "due_on", "warn_on"])
    with transaction.atomic():
        grievance.sequence = _take_number(community, now.year)
        try:
            with transaction.atomic():
                grievance.save()
        except IntegrityError as error:  # a tracking code drawn twice in 8·10^17
            raise Refused(_("登记失败，请重试。")) from error
        received = _event(grievance, EventKind.RECEIVED, by, note=_("登记编号 %(n)s") % {
            "n": grievance.register_number
        }, public=True)  # fmt: skip
        notifications.announce([received])
    return grievance


def grievance_accept(*, grievance: Grievance, by: User, note: str = "") -> Grievance:
    return _step(
        grievance, by, kind=EventKind.ACCEPTED, states={State.RECEIVED}, capacity="community",
        note=note, public=True, state=State.ACCEPTED,
    )  # fmt: skip


def grievance_reject(*, grievance: Grievance, by: User, reason: str) -> Grievance:
    return _step(
        grievance, by, kind=EventKind.REJECTED, states={State.RECEIVED, State.ACCEPTED},
        capacity="community", note=reason, note_required=_("请说明不予受理的理由。"),
        public=True, state=State.REJECTED, closed_at=timezone.now(),
    )  # fmt: skip


def grievance_assign(*, grievance: Grievance, by: User, assignee: User, note: str = ""):
    """Give the case to one of the community's staff (or its grid worker) to work."""
    probe = Grievance(community=grievance.community, grid_unit=grievance.grid_unit)
    _require(
        bool({"community", "grid"} & capacities(assignee, probe)),
        _("承办人须是本社区的工作人员或本网格的网格员。"),
    )
    kind = EventKind.REASSIGNED if grievance.assignee_id else EventKind.ASSIGNED
    return _step(
        grievance, by, kind=kind, states=OPEN_STATES, capacity="community",
        note=note or str(assignee), assignee=assignee,
        state=State.ACCEPTED if grievance.state == State.RECEIVED else grievance.state,
    )  # fmt: skip


def grievance_start(*, grievance: Grievance, by: User, note: str = "") -> Grievance:
    return _step(
        grievance, by, kind=EventKind.STARTED, states={State.ACCEPTED}, note=note,
        public=True, state=State.IN_PROGRESS,
    )  # fmt: skip


def grievance_escalate(
    *, grievance: Grievance, by: User, to: str, reason: str, department: Department | None = None
) -> Grievance:
    """上报: the street, the district or a department takes the case; its answer comes back
    down to the community, which replies to the resident."""
    order = [Level.COMMUNITY, Level.STREET, Level.DISTRICT, Level.DEPARTMENT]
    _require(to in order[1:], _("请选择上报到街道、区或职能部门。"))
    _require(order.index(to) > order.index(grievance.level), _("只能向上一级或职能部门上报。"))
    _require(to != Level.DEPARTMENT or department is not None, _("请选择职能部门。"))
    _require(department is None or department.active, _("这个职能部门已停用，请选择其他部门。"))
    return _step(
        grievance, by, kind=EventKind.ESCALATED, states=ACTIVE | {State.RECEIVED},
        note=reason, note_required=_("请说明上报的原因。"), public=True,
        state=State.IN_PROGRESS, level=to,
        department=department if to == Level.DEPARTMENT else grievance.department,
    )  # fmt: skip


def grievance_answer(*, grievance: Grievance, by: User, answer: str) -> Grievance:
    """The level that holds an escalated case answers it; the case goes back to the community."""
    _require(grievance.level != Level.COMMUNITY, _("这件诉求没有上报，无需上级答复。"))
    return _step(
        grievance, by, kind=EventKind.ANSWERED, states=ACTIVE, note=answer,
        note_required=_("请填写答复意见。"), public=True, level=Level.COMMUNITY,
    )  # fmt: skip


def grievance_return(*, grievance: Grievance, by: User, reason: str) -> Grievance:
    """退回: the level that holds an escalated case sends it back (not its remit, facts missing)."""
    _require(grievance.level != Level.COMMUNITY, _("这件诉求没有上报，不能退回。"))
    return _step(
        grievance, by, kind=EventKind.RETURNED, states=ACTIVE, note=reason,
        note_required=_("请说明退回的理由。"), level=Level.COMMUNITY,
    )  # fmt: skip


def grievance_reply(*, grievance: Grievance, by: User, reply: str) -> Grievance:
    """The community's answer to the resident: what was done. The time limit stops here."""
    _require(grievance.level == Level.COMMUNITY, _("诉求已上报，等上级答复后再答复居民。"))
    return _step(
        grievance, by, kind=EventKind.REPLIED, states=ACTIVE | {State.RECEIVED},
        capacity="community", note=reply, note_required=_("请填写答复内容。"), public=True,
        state=State.REPLIED, reply=reply.strip(), replied_at=timezone.now(),
    )  # fmt: skip


def grievance_close(*, grievance: Grievance, by: User, note: str = "") -> Grievance:
    return _step(
        grievance, by, kind=EventKind.CLOSED, states={State.REPLIED}, capacity="community",
        note=note, public=True, state=State.CLOSED, closed_at=timezone.now(),
    )  # fmt: skip


def grievance_request_extension(*, grievance: Grievance, by: User, days: int, reason: str):
    _require(1 <= days <= 30, _("延期须在 1 到 30 个工作日之间。"))
    _require(grievance.extension_requested_days is None, _("已有一个延期申请在等待审批。"))
    return _step(
        grievance, by, kind=EventKind.EXTENSION_REQUESTED, states=OPEN_STATES,
        capacity="community", note=reason, note_required=_("请说明延期的理由。"),
        extension_requested_days=days,
    )  # fmt: skip


def grievance_decide_extension(*, grievance: Grievance, by: User, approve: bool, note: str = ""):
    """The street's or district's official approves or refuses a pending extension."""
    _require(grievance.extension_requested_days is not None, _("没有待审批的延期申请。"))
    _require(
        bool({"street", "district"} & capacities(by, grievance)),
        _("延期须由街道或区的领导审批。"),
    )
    days = grievance.extension_requested_days
    changes: dict = {"extension_requested_days": None}
    if approve:
        calendar = workdays.Calendar(grievance.due_on, grievance.due_on + datetime.timedelta(200))
        changes["due_on"] = workdays.add_working_days(grievance.due_on, days, calendar)
        changes["overdue"] = changes["due_on"] < timezone.localdate()
        changes["warned"] = False
    kind = EventKind.EXTENSION_APPROVED if approve else EventKind.EXTENSION_REFUSED
    capacity = "street" if "street" in capacities(by, grievance) else "district"
    return _step(
        grievance, by, kind=kind, states=OPEN_STATES, capacity=capacity,
        note=note or _("%(days)s 个工作日") % {"days": days}, **changes,
    )  # fmt: skip


def grievance_merge(*, grievance: Grievance, into: Grievance, by: User, note: str = ""):
    """A duplicate goes into the case that carries on; both register numbers stay valid and
    lead to it."""
    _require(into.pk != grievance.pk, _("不能并入自己。"))
    _require(into.community_id == grievance.community_id, _("只能并入本社区的诉求。"))
    _require(into.state != State.MERGED, _("目标诉求已并入其他诉求，请并入它所并入的那件。"))
    case = _step(
        grievance, by, kind=EventKind.MERGED, states=OPEN_STATES, capacity="community",
        note=note or _("并入 %(n)s") % {"n": into.register_number}, public=True,
        state=State.MERGED, merged_into=into, closed_at=timezone.now(),
    )  # fmt: skip
    GrievanceEvent.objects.create(
        grievance=into, kind=EventKind.MERGED, actor=by, from_state=into.state,
        to_state=into.state, level=into.level, note=_("并入了 %(n)s") % {
            "n": grievance.register_number
        },
    )  # fmt: skip
    return case


def grievance_note(*, grievance: Grievance, by: User, note: str) -> Grievance:
    """A line in the timeline from anyone who may act on the case at all."""
    with transaction.atomic():
        case = _locked(grievance)
        _require(bool(capacities(by, case)), _("您无权在这件诉求上记录。"))
        _require(bool(note.strip()), _("请填写内容。"))
        _event(case, EventKind.NOTE, by, from_state=case.state, note=note.strip())
    return case


def grievance_hide(*, grievance: Grievance, by: User, reason: str) -> Grievance:
    """An abusive submission is hidden from lists and statistics, never deleted."""
    return _step(
        grievance, by, kind=EventKind.HIDDEN, states=set(State), capacity="community",
        note=reason, note_required=_("请说明屏蔽的理由。"), hidden=True,
    )  # fmt: skip


def _public_step(grievance: Grievance, kind: str, check, note: str = "") -> Grievance:
    """A step the resident takes with the tracking code: `check(case)` refuses or returns the
    changes, on the locked row."""
    with transaction.atomic():
        case = _locked(grievance)
        changes = check(case)
        before = case.state
        for field, value in changes.items():
            setattr(case, field, value)
        case.save()
        event = _event(case, kind, None, from_state=before, note=note, public=True)
        notifications.announce([event])
    return case


def grievance_reopen(*, grievance: Grievance, reason: str) -> Grievance:
    """The resident, with the tracking code: not really solved. Once, within 15 days of the
    reply; the time limit starts again."""
    _require(bool(reason.strip()), _("请说明还有什么没有解决。"))

    def check(case: Grievance) -> dict:
        _require(
            case.state in {State.REPLIED, State.CLOSED} and case.replied_at is not None,
            _("只有已答复或已办结的诉求可以申请重新办理。"),
        )
        _require(case.reopened_at is None, _("每件诉求只能申请重新办理一次。"))
        _require(
            timezone.now() - case.replied_at <= REOPEN_WITHIN,
            _("答复已超过 15 天，请重新提交一件诉求。"),
        )
        _deadlines(case, timezone.localdate(), case.category.time_limit_days)
        return {"state": State.IN_PROGRESS, "reopened_at": timezone.now(), "closed_at": None}

    return _public_step(grievance, EventKind.REOPENED, check, reason.strip())


def grievance_rate(*, grievance: Grievance, rating: int, comment: str = "") -> Grievance:
    _require(rating in range(1, 6), _("请选择 1 到 5 的满意度。"))

    def check(case: Grievance) -> dict:
        _require(case.state in {State.REPLIED, State.CLOSED}, _("诉求答复后才能评价。"))
        _require(case.rating is None, _("这件诉求已经评价过了。"))
        return {"rating": rating, "rating_comment": comment.strip()}

    return _public_step(grievance, EventKind.RATED, check, comment.strip())


def mediation_open(
    *, grievance: Grievance, by: User, mediator: User, facts: str,
    opened_on: datetime.date | None = None,
) -> Mediation:  # fmt: skip
    """A dispute (纠纷) goes to mediation, with one of the community's staff as mediator."""
    _require(grievance.kind == Kind.DISPUTE, _("只有纠纷可以调解。"))
    _require(not hasattr(grievance, "mediation"), _("这件纠纷已在调解。"))
    probe = Grievance(community=grievance.community)
    _require("community" in capacities(mediator, probe), _("调解员须是本社区的工作人员。"))
    with transaction.atomic():
        _step(
            grievance, by, kind=EventKind.MEDIATION_OPENED, states=OPEN_STATES,
            capacity="community", note=_("调解员：%(name)s") % {"name": mediator}, public=True,
            state=State.IN_PROGRESS,
        )  # fmt: skip
        mediation = Mediation(
            grievance=grievance, mediator=mediator, facts=facts.strip(),
            opened_on=opened_on or timezone.localdate(),
        )  # fmt: skip
        mediation.full_clean()
        mediation.save()
    return mediation


def _mediating(mediation: Mediation, by: User) -> None:
    _require("community" in capacities(by, mediation.grievance), _("您无权记录这件纠纷的调解。"))
    _require(not mediation.outcome, _("调解已经结束，不能再修改。"))


def mediation_add_party(
    *, mediation: Mediation, by: User, side: str, name: str, phone: str = "", address: str = ""
) -> Party:
    _mediating(mediation, by)
    party = Party(mediation=mediation, side=side, name=name.strip(), address=address.strip())
    party.set_phone(phone)
    party.full_clean()
    party.save()
    return party


def mediation_record_session(
    *, mediation: Mediation, by: User, held_on: datetime.date, notes: str, place: str = ""
) -> MediationSession:
    _mediating(mediation, by)
    session = MediationSession(
        mediation=mediation, held_on=held_on, place=place.strip(), notes=notes.strip()
    )
    session.full_clean()
    session.save()
    return session


def mediation_conclude(
    *, mediation: Mediation, by: User, outcome: str, agreement: str = "", performance: str = "",
    concluded_on: datetime.date | None = None,
) -> Mediation:  # fmt: skip
    """An agreement needs both sides and its text; the case's timeline records the outcome."""
    _mediating(mediation, by)
    _require(outcome in Outcome.values, _("请选择调解结果。"))
    if outcome == Outcome.AGREED:
        sides = set(mediation.parties.values_list("side", flat=True))
        _require(sides >= set(Side.values), _("调解协议须有申请人和被申请人。"))
        _require(bool(agreement.strip()), _("请填写协议内容。"))
    with transaction.atomic():
        mediation.outcome = outcome
        mediation.agreement = agreement.strip()
        mediation.performance = performance.strip()
        mediation.concluded_on = concluded_on or timezone.localdate()
        mediation.full_clean()
        mediation.save()
        case = _locked(mediation.grievance)
        _event(case, EventKind.MEDIATION_CONCLUDED, by, from_state=case.state,
               note=Outcome(outcome).label, public=True)  # fmt: skip
    return mediation
