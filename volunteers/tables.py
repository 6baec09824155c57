import datetime
from collections import defaultdict

from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from residents.privacy import shown_age
from shequ.models.scoping import CHANGE
from shequ.tables import Column, ListGroup, Table, as_html, link
from volunteers.choices import (
    ACTIVE_SIGN_UPS,
    RecordStatus,
    SignUpStatus,
    TeamRole,
    VolunteerStatus,
)
from volunteers.hours import check_in_open
from volunteers.models import ServiceRecord, TeamMembership

VOLUNTEER_BADGES = {
    VolunteerStatus.PENDING: "text-bg-warning",
    VolunteerStatus.LEFT: "text-bg-secondary",
}


class VolunteerTable(Table):
    columns = (
        Column("name", _("姓名"), sort="name", cell_css="text-nowrap"),
        Column("age", _("年龄"), css="d-none d-sm-table-cell"),
        Column("mobile", _("手机号码"), css="d-none d-md-table-cell", cell_css="font-monospace"),
        Column("skills", _("特长")),
        Column("teams", _("队伍/协会"), css="d-none d-md-table-cell"),
        Column("registered_on", _("注册日期"), sort="registered_on", css="d-none d-lg-table-cell"),
        Column("community", _("社区"), several_communities=True),
    )  # fmt: skip
    empty_text = _("没有符合条件的志愿者。")

    def prepare(self, rows):
        """The teams each volunteer of the page is in now, in one query."""
        self.teams = defaultdict(list)
        if not rows:
            return
        memberships = (
            TeamMembership.objects.visible_to(self.request.user)
            .filter(volunteer__in=[row.pk for row in rows], left_on__isnull=True)
            .select_related("team")
            .only("volunteer_id", "role", "team__name")
            .order_by("team__name")
        )
        for membership in memberships:
            self.teams[membership.volunteer_id].append(membership)

    def render_name(self, volunteer):
        name = link(self.url("volunteers:volunteer_detail", volunteer.pk), volunteer.resident.name)
        if volunteer.status == VolunteerStatus.ACTIVE:
            return name
        css = VOLUNTEER_BADGES[volunteer.status]
        status = as_html(self.label(volunteer, "status"))
        return mark_safe(f'{name} <span class="badge {css}">{status}</span>')

    def render_age(self, volunteer):
        if volunteer.resident.birth_date is None:
            return None
        return shown_age(self.access, volunteer.resident)

    def render_mobile(self, volunteer):
        return volunteer.resident.mobile_masked

    def render_teams(self, volunteer):
        parts = []
        for membership in self.teams.get(volunteer.pk, ()):
            text = as_html(membership.team.name)
            if membership.role != TeamRole.MEMBER:
                role = as_html(self.label(membership, "role"))
                text += f'<small class="text-body-secondary">（{role}）</small>'
            parts.append(text)
        return mark_safe("、".join(parts)) if parts else None

    def render_registered_on(self, volunteer):
        return f"{volunteer.registered_on:%Y-%m-%d}"

    def render_community(self, volunteer):
        return as_html(volunteer.community.name)


class TeamTable(Table):
    """What a resident may read too: a team's name, kind and purpose, and how many belong to it,
    never who."""

    columns = (
        Column("name", _("名称"), sort="name", cell_css="text-nowrap"),
        Column("kind", _("类型"), sort="kind", css="d-none d-sm-table-cell"),
        Column("purpose", _("宗旨和服务内容")),
        Column("members", _("人数"), sort="members", css="text-end"),
        Column("founded_on", _("成立日期"), sort="founded_on", css="d-none d-md-table-cell"),
        Column("community", _("社区"), several_communities=True),
    )  # fmt: skip
    empty_text = _("没有符合条件的队伍或协会。")

    def render_name(self, team):
        name = link(self.url("volunteers:team_detail", team.pk), team.name)
        if team.dissolved_on is None:
            return name
        badge = as_html(_("已解散"))
        return mark_safe(f'{name} <span class="badge text-bg-secondary">{badge}</span>')

    def render_kind(self, team):
        return self.label(team, "kind")

    def render_purpose(self, team):
        text = team.purpose
        return text if len(text) <= 60 else f"{text[:60]}…"

    def render_founded_on(self, team):
        return f"{team.founded_on:%Y-%m-%d}"

    def render_community(self, team):
        return as_html(team.community.name)


RECORD_BADGES = {
    RecordStatus.PENDING: "text-bg-warning",
    RecordStatus.APPROVED: "text-bg-success",
    RecordStatus.DECLINED: "text-bg-secondary",
}


class ServiceRecordTable(Table):
    """Records to approve: a box to tick on each pending one (the bulk form is outside the table
    and names it), the hours against those planned, and a flag where beat checked them out."""

    columns = (
        Column("pick", "", css="text-nowrap"),
        Column("volunteer", _("志愿者"), css="text-nowrap"),
        Column("served_on", _("服务日期"), sort="served_on", css="text-nowrap"),
        Column("description", _("服务内容"), css="d-none d-md-table-cell"),
        Column("hours", _("时长（小时）"), sort="hours", css="text-end text-nowrap"),
        Column("status", _("审核"), css="text-nowrap"),
        Column("community", _("社区"), several_communities=True),
    )  # fmt: skip
    empty_text = _("没有符合条件的服务记录。")

    def prepare(self, rows):
        """The page's records this user may decide and correct (party workers only read them),
        in one query."""
        changeable = ServiceRecord.objects.visible_to(self.request.user, CHANGE)
        self.changeable = set(
            changeable.filter(pk__in=[row.pk for row in rows]).values_list("pk", flat=True)
        )

    def render_pick(self, record):
        if record.status != RecordStatus.PENDING or record.pk not in self.changeable:
            return ""
        return mark_safe(
            f'<input class="form-check-input" type="checkbox" name="record" value="{record.pk}" '
            f'form="records-decide" aria-label="{as_html(_("选择"))}">'
        )

    def render_volunteer(self, record):
        return as_html(record.volunteer.resident.name)

    def render_served_on(self, record):
        return f"{record.served_on:%Y-%m-%d}"

    def render_description(self, record):
        return as_html(record.description)

    def render_hours(self, record):
        text = str(record.hours)
        if record.pk in self.changeable:
            text = link(self.url("volunteers:record_correct", record.pk), record.hours)
        if record.planned_hours is not None and record.planned_hours != record.hours:
            planned = f"{as_html(_('计划'))} {record.planned_hours}"
            text += f'<div class="small text-body-secondary">{planned}</div>'
        return mark_safe(text)

    def render_status(self, record):
        badge = RECORD_BADGES[record.status]
        html = f'<span class="badge {badge}">{as_html(self.label(record, "status"))}</span>'
        if record.needs_review:
            html += f' <span class="badge text-bg-danger">{as_html(_("自动签退，需核对"))}</span>'
        return mark_safe(html)

    def render_community(self, record):
        return as_html(record.community.name)


def when(activity) -> str:
    """19:00–21:00 on one day; a night across midnight names the next day's date."""
    starts, ends = timezone.localtime(activity.starts_at), timezone.localtime(activity.ends_at)
    end = f"{ends:%H:%M}" if ends.date() == starts.date() else f"{ends:%m-%d %H:%M}"
    return f"{starts:%Y-%m-%d %H:%M}–{end}"


def cancelled_badge() -> str:
    return f'<span class="badge text-bg-secondary">{as_html(_("已取消"))}</span>'


class ActivityTable(Table):
    """Staff's list: rows annotated with `held` and `waiting` in the list's one query."""

    columns = (
        Column("when", _("时间"), sort="starts_at", cell_css="text-nowrap"),
        Column("title", _("活动名称")),
        Column("place", _("地点"), css="d-none d-md-table-cell"),
        Column("team", _("组织队伍"), css="d-none d-lg-table-cell"),
        Column("places", _("已报名/名额"), css="text-end text-nowrap"),
        Column("waiting", _("候补"), css="text-end"),
        Column("community", _("社区"), several_communities=True),
    )  # fmt: skip
    empty_text = _("没有符合条件的活动。")

    def render_when(self, activity):
        return when(activity)

    def render_title(self, activity):
        title = link(self.url("volunteers:activity_detail", activity.pk), activity.title)
        if activity.cancelled_at:
            return mark_safe(f"{title} {cancelled_badge()}")
        return title

    def render_place(self, activity):
        return activity.place

    def render_team(self, activity):
        return activity.team.name if activity.team else ""

    def render_places(self, activity):
        return f"{activity.held}/{activity.capacity}"

    def render_waiting(self, activity):
        return activity.waiting or "—"

    def render_community(self, activity):
        return activity.community.name


def places_left(activity) -> str:
    """What a resident reads of the places: how many are left, or how many wait. No names."""
    if activity.cancelled_at:
        return _("已取消")
    left = activity.capacity - activity.held
    if left > 0 and not activity.waiting:
        return _("剩余 %(n)s 个名额") % {"n": left}
    if not activity.waiting:
        return _("已满，可报名候补")
    return _("已满，候补 %(n)s 人") % {"n": activity.waiting}


class CalendarList(ListGroup):
    """The community's calendar on a phone: rows annotated with `held`, `waiting` and `mine`
    (the reader's own sign-up's status, or None)."""

    empty_text = _("近期没有活动。")

    def render_row(self, activity) -> str:
        url = self.url("volunteers:activity_detail", activity.pk)
        mine = ""
        if activity.mine:
            label = as_html(self.status_labels.get(activity.mine, activity.mine))
            mine = f' <span class="badge text-bg-primary">{label}</span>'
        return (
            f'<a class="list-group-item list-group-item-action py-3" href="{url}">'
            '<div class="d-flex justify-content-between align-items-center gap-2">'
            f"<strong>{as_html(activity.title)}</strong>{mine}</div>"
            f'<div class="small text-body-secondary">{as_html(when(activity))} · '
            f"{as_html(activity.place)}</div>"
            f'<div class="small">{as_html(places_left(activity))}</div></a>'
        )

    def prepare(self, rows: list) -> None:
        self.status_labels = {value: str(label) for value, label in SignUpStatus.choices}


class MySignUpList(ListGroup):
    """我的报名: rows annotated with `position` (their place in the waitlist); the buttons are
    forms, each a POST."""

    empty_text = _("还没有报名任何活动。")

    def render_row(self, sign_up) -> str:
        activity = sign_up.activity
        token = as_html(get_token(self.request))
        here = as_html(self.request.get_full_path())
        status = as_html(self.label(sign_up, "status"))
        detail = ""
        buttons = []
        if sign_up.status == SignUpStatus.WAITLISTED:
            detail = as_html(_("候补第 %(n)s 位") % {"n": sign_up.position})
        elif sign_up.status == SignUpStatus.OFFERED:
            until = f"{timezone.localtime(sign_up.offer_expires_at):%m-%d %H:%M}"
            detail = as_html(_("有空余名额，请在 %(until)s 前确认") % {"until": until})
            buttons.append(("volunteers:signup_confirm", "btn-success", _("确认参加")))
        if sign_up.status in ACTIVE_SIGN_UPS and activity.starts_at > timezone.now():
            label = _("放弃名额") if sign_up.status == SignUpStatus.OFFERED else _("取消报名")
            buttons.append(("volunteers:signup_cancel", "btn-outline-danger", label))
        if sign_up.checked_in_at:
            at = f"{timezone.localtime(sign_up.checked_in_at):%H:%M}"
            detail = as_html(_("已于 %(at)s 签到") % {"at": at})
        # Under way: the page where they type the code if the QR code will not scan.
        on_site = ""
        if (
            sign_up.status == SignUpStatus.CONFIRMED
            and not sign_up.checked_out_at
            and (check_in_open(activity, timezone.now()))
        ):
            label = _("签退") if sign_up.checked_in_at else _("签到")
            on_site = link(self.url("volunteers:activity_check_in", activity.pk), label,
                           css="btn btn-primary me-2")  # fmt: skip
        forms = "".join(
            f'<form method="post" action="{self.url(name, sign_up.pk)}" class="d-inline">'
            f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
            f'<input type="hidden" name="next" value="{here}">'
            f'<button class="btn btn-sm {css} me-2" type="submit">{as_html(label)}</button></form>'
            for name, css, label in buttons
        )
        title = link(self.url("volunteers:activity_detail", activity.pk), activity.title)
        cancelled = f" {cancelled_badge()}" if activity.cancelled_at else ""
        return (
            '<div class="list-group-item py-3">'
            '<div class="d-flex justify-content-between align-items-center gap-2">'
            f"<strong>{title}{cancelled}</strong>"
            f'<span class="badge text-bg-light border">{status}</span></div>'
            f'<div class="small text-body-secondary">{as_html(when(activity))} · '
            f"{as_html(activity.place)}</div>"
            + (f'<div class="small mt-1">{detail}</div>' if detail else "")
            + (f'<div class="mt-2">{on_site}{forms}</div>' if forms or on_site else "")
            + "</div>"
        )


class ActivityTemplateTable(Table):
    """固定排班: each weekly shift with the day, the hours (across midnight shown as the next
    day's) and how long it runs."""

    columns = (
        Column("when", _("时间"), cell_css="text-nowrap"),
        Column("title", _("活动名称")),
        Column("place", _("地点"), css="d-none d-md-table-cell"),
        Column("team", _("组织队伍"), css="d-none d-lg-table-cell"),
        Column("capacity", _("名额"), css="text-end"),
        Column("period", _("起止日期"), css="d-none d-sm-table-cell", cell_css="text-nowrap"),
        Column("community", _("社区"), several_communities=True),
    )  # fmt: skip
    empty_text = _("没有固定排班。")

    def render_when(self, template):
        start = datetime.datetime.combine(datetime.date(2000, 1, 3), template.start_time)
        end = start + datetime.timedelta(minutes=template.minutes)
        until = (
            f"{end:%H:%M}"
            if end.date() == start.date()
            else _("次日 %(t)s") % {"t": f"{end:%H:%M}"}
        )
        return f"{self.label(template, 'weekday')} {start:%H:%M}–{until}"

    def render_title(self, template):
        return link(self.url("volunteers:activitytemplate_edit", template.pk), template.title)

    def render_place(self, template):
        return template.address or str(template.building)

    def render_team(self, template):
        return template.team.name if template.team else ""

    def render_period(self, template):
        ends = f"{template.ends_on:%Y-%m-%d}" if template.ends_on else _("长期")
        return f"{template.starts_on:%Y-%m-%d} – {ends}"

    def render_community(self, template):
        return template.community.name
