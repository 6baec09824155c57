"""The steps of a case as the detail page offers them: which form, when it is shown, and the
service it calls. The services decide; `shown` only spares the user buttons that would be
refused, so it mirrors their state and capacity checks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from grievances import forms, services
from grievances.choices import OPEN_STATES, Level, State
from grievances.models import Grievance

ACTIVE = {State.ACCEPTED, State.IN_PROGRESS}
HOLDER = {
    Level.COMMUNITY: "community",
    Level.STREET: "street",
    Level.DISTRICT: "district",
    Level.DEPARTMENT: "department",
}


@dataclass(frozen=True)
class Step:
    name: str
    label: str
    form: type[forms.StepForm]
    shown: Callable[[Grievance, frozenset[str]], bool]
    run: Callable[..., Grievance]
    done: str
    button: str = "btn-outline-primary"

    @property
    def url_name(self) -> str:
        return f"grievances:grievance_{self.name}"


def _desk(states) -> Callable[[Grievance, frozenset[str]], bool]:
    return lambda case, held: "community" in held and case.state in states


def _holder(states) -> Callable[[Grievance, frozenset[str]], bool]:
    return lambda case, held: HOLDER[case.level] in held and case.state in states


STEPS: tuple[Step, ...] = (
    Step("accept", _("受理"), forms.NoteForm, _desk({State.RECEIVED}),
         lambda c, u, d: services.grievance_accept(grievance=c, by=u, note=d["note"]),
         _("已受理。"), "btn-primary"),
    Step("assign", _("指派承办人"), forms.AssignForm, _desk(OPEN_STATES),
         lambda c, u, d: services.grievance_assign(
             grievance=c, by=u, assignee=d["assignee"], note=d["note"]),
         _("已指派承办人。")),
    Step("start", _("开始办理"), forms.NoteForm, _holder({State.ACCEPTED}),
         lambda c, u, d: services.grievance_start(grievance=c, by=u, note=d["note"]),
         _("已开始办理。"), "btn-primary"),
    Step("escalate", _("上报"), forms.EscalateForm,
         lambda c, held: c.level != Level.DEPARTMENT
         and _holder(ACTIVE | {State.RECEIVED})(c, held),
         lambda c, u, d: services.grievance_escalate(
             grievance=c, by=u, to=d["to"], reason=d["reason"], department=d["department"]
             if d["to"] == Level.DEPARTMENT else None),
         _("已上报。")),
    Step("answer", _("答复并交回社区"), forms.AnswerForm,
         lambda c, held: c.level != Level.COMMUNITY and _holder(ACTIVE)(c, held),
         lambda c, u, d: services.grievance_answer(grievance=c, by=u, answer=d["answer"]),
         _("已答复，诉求交回社区。"), "btn-primary"),
    Step("return", _("退回"), forms.ReasonForm,
         lambda c, held: c.level != Level.COMMUNITY and _holder(ACTIVE)(c, held),
         lambda c, u, d: services.grievance_return(grievance=c, by=u, reason=d["reason"]),
         _("已退回社区。"), "btn-outline-danger"),
    Step("reply", _("答复居民"), forms.ReplyForm,
         lambda c, held: c.level == Level.COMMUNITY
         and _desk(ACTIVE | {State.RECEIVED})(c, held),
         lambda c, u, d: services.grievance_reply(grievance=c, by=u, reply=d["reply"]),
         _("已答复居民。"), "btn-primary"),
    Step("close", _("办结"), forms.NoteForm, _desk({State.REPLIED}),
         lambda c, u, d: services.grievance_close(grievance=c, by=u, note=d["note"]),
         _("已办结。"), "btn-success"),
    Step("request_extension", _("申请延期"), forms.ExtensionForm,
         lambda c, held: c.extension_requested_days is None and _desk(OPEN_STATES)(c, held),
         lambda c, u, d: services.grievance_request_extension(
             grievance=c, by=u, days=d["days"], reason=d["reason"]),
         _("延期申请已提交，等待街道或区审批。")),
    Step("decide_extension", _("审批延期"), forms.DecideExtensionForm,
         lambda c, held: c.extension_requested_days is not None
         and bool({"street", "district"} & held) and c.state in OPEN_STATES,
         lambda c, u, d: services.grievance_decide_extension(
             grievance=c, by=u, approve=d["decision"] == "approve", note=d["note"]),
         _("延期申请已审批。"), "btn-primary"),
    Step("merge", _("并入其他诉求"), forms.MergeForm, _desk(OPEN_STATES),
         lambda c, u, d: services.grievance_merge(
             grievance=c, into=d["into"], by=u, note=d["note"]),
         _("已并入。")),
    Step("reject", _("不予受理"), forms.ReasonForm, _desk({State.RECEIVED, State.ACCEPTED}),
         lambda c, u, d: services.grievance_reject(grievance=c, by=u, reason=d["reason"]),
         _("已不予受理。"), "btn-outline-danger"),
    Step("hide", _("屏蔽"), forms.ReasonForm,
         lambda c, held: not c.hidden and "community" in held,
         lambda c, u, d: services.grievance_hide(grievance=c, by=u, reason=d["reason"]),
         _("已屏蔽，列表中不再显示。"), "btn-outline-danger"),
    Step("note", _("添加备注"), forms.RequiredNoteForm, lambda c, held: bool(held),
         lambda c, u, d: services.grievance_note(grievance=c, by=u, note=d["note"]),
         _("备注已添加。"), "btn-outline-secondary"),
)  # fmt: skip
STEPS_BY_NAME = {step.name: step for step in STEPS}
