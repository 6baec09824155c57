from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from partybuild.choices import SENSITIVE_PAIRING_KINDS, MemberStatus
from partybuild.forms import may_see_sensitive
from partybuild.models import PartyMember
from residents.privacy import shown_age
from shequ.tables import Column, Table, as_html, link


class PartyMemberTable(Table):
    columns = (
        Column("name", _("姓名"), sort="name"),
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
        due = f"{member.probation_due:%Y-%m-%d}"
        if member.probation_overdue():
            text = as_html(_("预备期已满 %(due)s，待转正") % {"due": due})
            return mark_safe(f'<span class="badge text-bg-warning">{text}</span>')
        text = as_html(_("预备党员，%(due)s 期满") % {"due": due})
        return mark_safe(f'<span class="text-body-secondary">{text}</span>')

    def render_post(self, member):
        return as_html(member.post) if member.post else "—"

    def render_community(self, member):
        return as_html(member.community.name)


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
