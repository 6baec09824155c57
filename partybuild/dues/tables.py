from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from partybuild.choices import MemberStatus
from shequ.tables import Column, Table, as_html, link


class DuesArrearsTable(Table):
    columns = (
        Column("name", _("姓名"), cell_css="text-nowrap"),
        Column("organization", _("所在党组织"), sort="organization", css="d-none d-md-table-cell"),
        Column("since", _("最早欠交月份"), sort="since"),
        Column("months", _("欠交月数"), sort="months", css="text-end d-none d-sm-table-cell"),
        Column("amount", _("欠交（元）"), sort="amount", css="text-end"),
        Column("community", _("社区"), several_communities=True),
    )  # fmt: skip
    empty_text = _("没有欠交党费的党员。")

    def render_name(self, member):
        name = link(self.url("partybuild:member_dues", member.pk), member.resident.name)
        if member.status == MemberStatus.ACTIVE:
            return name
        status = as_html(self.label(member, "status"))
        return mark_safe(f'{name} <span class="badge text-bg-secondary">{status}</span>')

    def render_organization(self, member):
        return as_html(member.organization.name)

    def render_since(self, member):
        return f"{member.arrears_since:%Y-%m}"

    def render_months(self, member):
        return member.arrears_months

    def render_amount(self, member):
        return f"{member.arrears_amount:.2f}"

    def render_community(self, member):
        return as_html(member.community.name)
