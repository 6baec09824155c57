from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from partybuild.choices import MemberStatus
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
