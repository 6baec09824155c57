from html import escape
from urllib.parse import quote

from django.middleware.csrf import get_token
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from residents.choices import Status
from residents.models import Resident
from residents.models.people import CALL
from residents.presenters import load_tags
from residents.privacy import shown_age
from shequ.tables import Column, ListGroup, Table, as_html, link
from shequ.views.generic import allowed_url


class GridUnitTable(Table):
    columns = (
        Column("name", _("网格"), sort="name"),
        Column("code", _("网格编码"), sort="code", css="d-none d-sm-table-cell",
               cell_css="font-monospace small"),
        Column("community", _("社区"), sort="community", several_communities=True),
        Column("building_count", _("楼栋"), sort="buildings", css="text-end"),
        Column("resident_count", _("在住居民"), sort="residents", css="text-end"),
    )  # fmt: skip
    empty_text = _("还没有网格。")

    def prepare(self, units):
        # Officials see the grid units of their district, not its buildings or residents.
        self.buildings = allowed_url(self.access, "residents:building_list")
        self.residents = allowed_url(self.access, "residents:resident_list")

    def render_name(self, unit):
        if not self.buildings:
            return unit.name
        return link(f"{self.buildings}?grid_unit={unit.pk}", unit.name)

    def render_code(self, unit):
        return f"{unit.community.code or ''}{unit.number:03d}"

    def render_resident_count(self, unit):
        if not self.residents:
            return unit.resident_count
        return link(f"{self.residents}?grid_unit={unit.pk}", unit.resident_count)


class BuildingTable(Table):
    columns = (
        Column("number", _("楼栋"), sort="number"),
        Column("grid_unit", _("网格"), sort="grid_unit"),
        Column("kind", _("类型"), sort="kind", css="d-none d-sm-table-cell"),
        Column("floors", _("单元 × 层"), sort="floors", css="d-none d-md-table-cell"),
        Column("household_count", _("户数"), sort="households", css="text-end"),
    )
    empty_text = _("还没有登记楼栋。")

    def render_number(self, building):
        url = self.url("residents:building_detail", building.pk)
        address = as_html(building.address) if building.address else ""
        return mark_safe(
            f'{link(url, building)}<div class="small text-body-secondary">{address}</div>'
        )

    def render_kind(self, building):
        kind = self.label(building, "kind")
        return f"{kind} · {_('有电梯')}" if building.has_elevator else kind

    def render_floors(self, building):
        return f"{building.units} × {building.floors}"


class HouseholdTable(Table):
    columns = (
        Column("address", _("住址"), sort="address"),
        Column("number", _("户号"), sort="number", cell_css="font-monospace small"),
        Column("head", _("户主"), sort="head"),
        Column("kind", _("户别"), sort="kind", css="d-none d-sm-table-cell"),
        Column("member_count", _("在住人数"), sort="members", css="text-end"),
    )
    empty_text = _("没有符合条件的住户。")

    def render_address(self, household):
        return link(self.url("residents:household_detail", household.pk), household)

    def render_kind(self, household):
        return self.label(household, "kind")


class ResidentTable(Table):
    columns = (
        Column("name", _("姓名"), sort="name"),
        Column("sex", _("性别"), sort="sex", css="d-none d-sm-table-cell"),
        Column("age", _("年龄"), sort="age"),
        Column("household", _("住址"), sort="address"),
        Column("id_number_masked", _("证件号码"), css="d-none d-md-table-cell",
               cell_css="font-monospace small"),
        Column("mobile_masked", _("手机号码"), css="d-none d-md-table-cell",
               cell_css="font-monospace small"),
        Column("tags", _("重点人群"), css="d-none d-lg-table-cell"),
    )  # fmt: skip
    empty_text = _("没有符合条件的居民。")

    def render_name(self, resident):
        name = link(self.url("residents:resident_detail", resident.pk), resident.name)
        if resident.status == Status.LIVING:
            return name
        status = as_html(self.label(resident, "status"))
        return mark_safe(f'{name} <span class="badge text-bg-secondary">{status}</span>')

    def render_sex(self, resident):
        return self.label(resident, "sex")

    def render_age(self, resident):
        return shown_age(self.access, resident)

    def render_household(self, resident):
        household = resident.household
        url = self.url("residents:household_detail", household.pk)
        return link(url, household, css="link-secondary")

    def prepare(self, residents):
        load_tags(residents, self.access)

    def render_tags(self, resident):
        tags = resident.shown_tags
        return mark_safe(
            "".join(
                f'<span class="badge text-bg-light border me-1">{as_html(t)}</span>' for t in tags
            )
        )


class FieldLogEntryList(ListGroup):
    empty_text = _("还没有民情日志。")

    def render_row(self, entry):
        place = " · ".join(
            str(part)
            for part in (f"{entry.date:%Y-%m-%d}", entry.grid_unit, entry.building)
            if part
        )
        done = (
            f'<div class="small text-success">{as_html(_("处理："))}'
            f"{as_html(Truncator(entry.done).chars(60))}</div>"
            if entry.done
            else ""
        )
        return (
            f'<a class="list-group-item list-group-item-action" '
            f'href="{self.url("residents:fieldlogentry_detail", entry.pk)}">'
            '<div class="d-flex justify-content-between small text-body-secondary">'
            f"<span>{as_html(place)}</span><span>{as_html(entry.author)}</span></div>"
            f"<div>{as_html(Truncator(entry.seen).chars(80))}</div>{done}</a>"
        )


class DueVisitList(ListGroup):
    """The residents a grid worker must visit, each with the way to call them and to record the
    visit, which brings the worker back here."""

    empty_text = _("没有待走访的居民。")

    def prepare(self, residents):
        load_tags(residents, self.access)
        self.may_call = self.access.is_admin or bool(Resident.scope_roles[CALL] & self.access.roles)
        self.visit_add_url = allowed_url(self.access, "residents:visit_add")
        self.back = quote(self.request.get_full_path(), safe="/")
        self.csrf = get_token(self.request)

    def render_row(self, resident):
        household = resident.household
        badges = "".join(
            f'<span class="badge text-bg-warning me-1">{as_html(tag)}</span>'
            for tag in resident.shown_tags
            if tag.visit_every_days
        )
        if resident.has_hidden_tags:
            badges += f'<span class="badge text-bg-warning me-1">{as_html(_("重点关注"))}</span>'
        if resident.last_visit:
            last = as_html(_("上次走访 %(date)s") % {"date": f"{resident.last_visit:%Y-%m-%d}"})
        else:
            last = f'<span class="text-danger">{as_html(_("从未走访"))}</span>'
        actions = ""
        if self.may_call and resident.mobile_masked:
            actions += call_button(self.url("residents:resident_call", resident.pk), self.csrf)
        if self.visit_add_url:
            add = escape(f"{self.visit_add_url}?household={household.pk}&next={self.back}")
            actions += (
                f'<a class="btn btn-sm btn-primary text-nowrap" href="{add}">'
                f"{as_html(_('记录走访'))}</a>"
            )
        name = link(
            self.url("residents:resident_detail", resident.pk), resident.name, "fw-semibold"
        )
        return (
            '<div class="list-group-item d-flex justify-content-between align-items-center gap-2">'
            f'<div>{name} <span class="small text-body-secondary">{as_html(household)} · '
            f'{as_html(household.building.grid_unit)}</span><div class="small">{badges}{last}</div>'
            f'</div><div class="d-flex flex-wrap gap-1 justify-content-end">{actions}</div></div>'
        )


def call_button(url: str, csrf_token: str, css: str = "d-inline-block") -> str:
    """The form that reveals a resident's mobile number to call it (a logged POST)."""
    url, csrf_token = escape(url), escape(csrf_token)
    return (
        f'<form method="post" action="{url}" hx-post="{url}" hx-swap="outerHTML" '
        f'class="{escape(css)}"><input type="hidden" name="csrfmiddlewaretoken" '
        f'value="{csrf_token}"><button class="btn btn-sm btn-success" type="submit">'
        f"{as_html(_('拨打电话'))}</button></form>"
    )
