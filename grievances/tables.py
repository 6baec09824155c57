from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from grievances.choices import OPEN_STATES, Level, State
from shequ.tables import Column, Table, as_html, link

STATE_BADGES = {
    State.RECEIVED: "text-bg-info",
    State.ACCEPTED: "text-bg-primary",
    State.IN_PROGRESS: "text-bg-primary",
    State.REPLIED: "text-bg-success",
    State.CLOSED: "text-bg-secondary",
    State.REJECTED: "text-bg-light border",
    State.MERGED: "text-bg-light border",
}


def due_state(case, today) -> str:
    """ "overdue", "warning" or "": from the dates, so the colour is right between the sweeps
    that set the case's flags."""
    if case.state not in OPEN_STATES:
        return ""
    if today > case.due_on:
        return "overdue"
    return "warning" if today >= case.warn_on else ""


class GrievanceTable(Table):
    columns = (
        Column("register_number", _("编号"), sort="number", cell_css="font-monospace text-nowrap"),
        Column("title", _("事由")),
        Column("community", _("社区"), several_communities=True),
        Column("category", _("类别"), css="d-none d-md-table-cell"),
        Column("state", _("状态"), sort="state"),
        Column("due_on", _("办结时限"), sort="due", cell_css="text-nowrap"),
        Column("channel", _("渠道"), css="d-none d-lg-table-cell"),
        Column("level", _("办理层级"), css="d-none d-lg-table-cell"),
    )
    empty_text = _("没有符合条件的诉求。")

    def prepare(self, rows) -> None:
        self.today = timezone.localdate()

    def render_register_number(self, case):
        return link(self.url("grievances:grievance_detail", case.pk), case.register_number)

    def render_title(self, case):
        if not case.hidden:
            return case.title
        return mark_safe(
            f'{as_html(case.title)} <span class="badge text-bg-dark">{as_html(_("已屏蔽"))}</span>'
        )

    def render_community(self, case):
        return case.community.name

    def render_category(self, case):
        return str(case.category)

    def render_state(self, case):
        css = STATE_BADGES.get(case.state, "text-bg-light")
        return mark_safe(f'<span class="badge {css}">{as_html(self.label(case, "state"))}</span>')

    def render_due_on(self, case):
        state = due_state(case, self.today)
        date = f"{case.due_on:%Y-%m-%d}"
        if state == "overdue":
            return mark_safe(
                f'<span class="badge text-bg-danger" data-due="overdue">{date} '
                f"{as_html(_('已超期'))}</span>"
            )
        if state == "warning":
            return mark_safe(
                f'<span class="badge text-bg-warning" data-due="warning">{date} '
                f"{as_html(_('临近时限'))}</span>"
            )
        return date

    def render_channel(self, case):
        return self.label(case, "channel")

    def render_level(self, case):
        if case.level == Level.DEPARTMENT and case.department_id:
            return case.department.name
        return self.label(case, "level")
