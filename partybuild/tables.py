from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from partybuild.choices import SENSITIVE_PAIRING_KINDS, MemberStatus
from partybuild.forms.fieldwork import may_see_sensitive
from partybuild.models import PartyMember
from residents.privacy import shown_age
from shequ.tables import Column, Table, as_html, link


class PartyMemberTable(Table):
    columns = (
        Column("name", _("姓名"), sort="name", cell_css="text-nowrap"),
        Column("age", _("年龄"), css="d-none d-sm-table-cell"),
        Column("organization", _("所在党组织"), sort="organization"),
        Column("category", _("类别"), sort="category", css="d-none d-md-table-cell"),
        Column("joined_on", _("入党日期"), sort="joined_on", css="d-none d-md-table-cell"),
        Column("standing", _("党员状态"), sort="full_on"),
        Column("post", _("一人一岗"), css="d-none d-lg-table-cell"),
        Column("community", _("社区"), several_communities=True),
    )  # fmt: skip
    empty_text = _("没有符合条件的党员。")

    def render_name(self, member):
        name = link(self.url("partybuild:member_detail", member.pk), member.resident.name)
        if member.status == MemberStatus.ACTIVE:
            return name
        status = as_html(self.label(member, "status"))
        return mark_safe(f'{name} <span class="badge text-bg-secondary">{status}</span>')

    def render_age(self, member):
        return shown_age(self.access, member.resident)

    def render_organization(self, member):
        return as_html(member.organization.name)

    def render_category(self, member):
        return self.label(member, "category")

    def render_joined_on(self, member):
        return f"{member.joined_on:%Y-%m-%d}"

    def render_standing(self, member):
        if not member.probationary:
            return as_html(_("正式党员"))
        due = as_html(_("%(due)s 期满") % {"due": f"{member.probation_due:%Y-%m-%d}"})
        due = f'<small class="text-body-secondary text-nowrap">{due}</small>'
        if member.probation_overdue():
            label = as_html(_("待转正"))
            return mark_safe(f'<span class="badge text-bg-warning">{label}</span> {due}')
        return mark_safe(f"{as_html(_('预备党员'))} {due}")

    def render_post(self, member):
        return as_html(member.post) if member.post else "—"

    def render_community(self, member):
        return as_html(member.community.name)


def meeting_kind(table: Table, meeting) -> str:
    kind = as_html(table.label(meeting, "kind"))
    if meeting.also_lecture:
        kind += f' <span class="badge text-bg-light border">{as_html(_("暨党课"))}</span>'
    return mark_safe(kind)


def meeting_status(table: Table, meeting) -> str:
    if meeting.overdue:
        return mark_safe(f'<span class="badge text-bg-danger">{as_html(_("计划已过期"))}</span>')
    css = "text-bg-success" if meeting.held else "text-bg-secondary"
    return mark_safe(f'<span class="badge {css}">{as_html(table.label(meeting, "status"))}</span>')


class OrganizationalLifeTable(Table):
    columns = (
        Column("date", _("日期"), sort="date", css="text-nowrap"),
        Column("kind", _("类型"), sort="kind"),
        Column("topic", _("主题")),
        Column("organization", _("党组织"), sort="organization", css="d-none d-md-table-cell"),
        Column("attendance", _("出席/应到"), css="d-none d-sm-table-cell text-nowrap"),
        Column("status", _("状态"), sort="status"),
        Column("community", _("社区"), several_communities=True),
    )  # fmt: skip
    empty_text = _("没有符合条件的组织生活记录。")

    def render_date(self, meeting):
        return f"{meeting.date:%Y-%m-%d}"

    def render_kind(self, meeting):
        return meeting_kind(self, meeting)

    def render_topic(self, meeting):
        return link(self.url("partybuild:meeting_detail", meeting.pk), meeting.topic)

    def render_organization(self, meeting):
        return as_html(meeting.organization.name)

    def render_attendance(self, meeting):
        if not meeting.held:
            return "—"
        return f"{meeting.present}/{meeting.on_roll}"

    def render_status(self, meeting):
        return meeting_status(self, meeting)

    def render_community(self, meeting):
        return as_html(meeting.organization.community.name)


class AttendanceTable(Table):
    """A member's own rows signed in as a resident; the community's register for its keepers."""

    columns = (
        Column("date", _("日期"), sort="date", css="text-nowrap"),
        Column("kind", _("类型")),
        Column("topic", _("主题"), css="d-none d-md-table-cell"),
        Column("member", _("党员"), css="text-nowrap"),
        Column("presence", _("出勤"), css="text-nowrap"),
    )  # fmt: skip
    empty_text = _("没有出勤记录。")

    def render_date(self, row):
        return f"{row.meeting.date:%Y-%m-%d}"

    def render_kind(self, row):
        return meeting_kind(self, row.meeting)

    def render_topic(self, row):
        return as_html(row.meeting.topic)

    def render_member(self, row):
        return as_html(row.member.resident.name)

    def render_presence(self, row):
        presence = as_html(self.label(row, "presence"))
        if row.reason:
            presence += f'<div class="small text-body-secondary">{as_html(row.reason)}</div>'
        return mark_safe(presence)


class ComplianceOverviewTable(Table):
    """Officials' counts: per community, the share of required meetings held in the quarter and
    the branches with something missing; never a member or a meeting's content."""

    columns = (
        Column("community", _("社区"), css="text-nowrap"),
        Column("street", _("街道"), css="d-none d-md-table-cell"),
        Column("branches", _("党支部"), css="text-end"),
        Column("held", _("已召开/应召开"), css="text-end text-nowrap d-none d-sm-table-cell"),
        Column("share", _("召开率"), css="text-end"),
        Column("missing", _("有缺项的支部"), css="text-end"),
    )  # fmt: skip
    empty_text = _("没有社区。")

    def render_community(self, row):
        if row.community is None:
            return mark_safe(f"<strong>{as_html(_('合计'))}</strong>")
        query = f"?community={row.community.pk}&quarter={self.quarter}"
        return link(self.url("partybuild:compliance") + query, row.community.name)

    def render_street(self, row):
        return row.community.street.name if row.community else ""

    def render_branches(self, row):
        return row.branches if row.counted else "—"

    def render_held(self, row):
        return f"{row.held}/{row.required}" if row.counted else "—"

    def render_share(self, row):
        if not row.required:
            return "—"
        return f"{100 * row.held / row.required:.1f}%"

    def render_missing(self, row):
        if not row.counted:
            return "—"
        if not row.missing:
            return "0"
        return mark_safe(f'<span class="text-danger fw-semibold">{row.missing}</span>')

    def __init__(self, rows, *, request, quarter) -> None:
        super().__init__(rows, request=request)
        self.quarter = quarter


class PairingTable(Table):
    columns = (
        Column("member", _("党员"), sort="member"),
        Column("household", _("帮扶户")),
        Column("kind", _("帮扶类型"), sort="kind", css="d-none d-sm-table-cell"),
        Column("started_on", _("结对日期"), sort="started_on", css="d-none d-md-table-cell"),
        Column("visit_every_days", _("走访频次"), css="d-none d-md-table-cell"),
        Column("last_visit", _("上次走访"), sort="last_visit"),
        Column("community", _("社区"), several_communities=True),
    )  # fmt: skip
    empty_text = _("没有符合条件的结对。")

    def prepare(self, pairings):
        self.today = timezone.localdate()
        self.sensitive = may_see_sensitive(self.request.user)

    def render_member(self, pairing):
        return link(self.url("partybuild:pairing_detail", pairing.pk), pairing.member.resident.name)

    def render_household(self, pairing):
        return as_html(pairing.household)

    def render_kind(self, pairing):
        return pairing_kind_label(pairing, self.sensitive, self.label(pairing, "kind"))

    def render_started_on(self, pairing):
        return f"{pairing.started_on:%Y-%m-%d}"

    def render_visit_every_days(self, pairing):
        return self.label(pairing, "visit_every_days")

    def render_last_visit(self, pairing):
        if pairing.ended_on:
            text = as_html(_("已解除 %(day)s") % {"day": f"{pairing.ended_on:%Y-%m-%d}"})
            return mark_safe(f'<span class="text-body-secondary">{text}</span>')
        last = f"{pairing.last_visit:%Y-%m-%d}" if pairing.last_visit else _("从未走访")
        if pairing.overdue(pairing.last_visit, self.today):
            text = as_html(_("%(last)s，已逾期") % {"last": last})
            return mark_safe(f'<span class="badge text-bg-warning">{text}</span>')
        return as_html(last)

    def render_community(self, pairing):
        return as_html(pairing.community.name)


def pairing_kind_label(pairing, sensitive: bool, label: str) -> str:
    """The kind, or for a sensitive kind and a user who may not see it, a word that tells
    nothing (as the registry's 重点关注 for a sensitive tag)."""
    if pairing.kind in SENSITIVE_PAIRING_KINDS and not sensitive:
        return str(_("重点帮扶"))
    return label


class FourOnesRecordTable(Table):
    columns = (
        Column("done_on", _("日期"), sort="done_on"),
        Column("member", _("党员"), sort="member"),
        Column("item", _("项目"), sort="item"),
        Column("description", _("内容"), css="d-none d-md-table-cell"),
        Column("grievance", _("转诉求"), css="d-none d-sm-table-cell"),
        Column("community", _("社区"), several_communities=True),
    )  # fmt: skip
    empty_text = _("还没有四个一记录。")

    def render_done_on(self, record):
        return link(
            self.url("partybuild:fouronesrecord_detail", record.pk), f"{record.done_on:%Y-%m-%d}"
        )

    def render_member(self, record):
        return as_html(record.member.resident.name)

    def render_item(self, record):
        return self.label(record, "item")

    def render_description(self, record):
        text = record.description
        return as_html(text if len(text) <= 40 else f"{text[:39]}…")

    def render_grievance(self, record):
        case = record.grievance
        if case is None:
            return "—"
        return f"{case.register_number} {self.label(case, 'state')}"

    def render_community(self, record):
        return as_html(record.community.name)


class CommunityNeedTable(Table):
    columns = (
        Column("title", _("需求"), sort="title"),
        Column("kind", _("类型"), sort="kind", css="d-none d-sm-table-cell"),
        Column("posted_on", _("发布日期"), sort="posted_on", css="d-none d-md-table-cell"),
        Column("status", _("状态"), sort="status"),
        Column("claimed_by", _("认领党员"), css="d-none d-md-table-cell"),
        Column("community", _("社区"), several_communities=True),
    )  # fmt: skip
    empty_text = _("没有符合条件的需求。")

    def prepare(self, needs):
        claimers = {need.claimed_by_id for need in needs if need.claimed_by_id}
        # A member signed in reads the board, not who else in the community is a member.
        self.shown_members = (
            set(
                PartyMember.objects.visible_to(self.request.user)
                .filter(pk__in=claimers)
                .values_list("pk", flat=True)
            )
            if claimers
            else set()
        )

    def render_title(self, need):
        return link(self.url("partybuild:need_detail", need.pk), need.title)

    def render_kind(self, need):
        return self.label(need, "kind")

    def render_posted_on(self, need):
        return f"{need.posted_on:%Y-%m-%d}"

    def render_status(self, need):
        css = {"open": "text-bg-success", "claimed": "text-bg-primary"}.get(
            need.status, "text-bg-secondary"
        )
        return mark_safe(f'<span class="badge {css}">{as_html(self.label(need, "status"))}</span>')

    def render_claimed_by(self, need):
        if need.claimed_by_id in self.shown_members:
            return as_html(need.claimed_by.resident.name)
        return "—"

    def render_community(self, need):
        return as_html(need.community.name)
