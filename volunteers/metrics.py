"""Volunteering's figures for the monthly assessment: volunteers and hours per 1,000 residents,
activities held, teams active and sign-ups that showed up."""

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from residents.choices import Status
from residents.models import Resident
from shequ.metrics import Figures, Period, metric
from volunteers.choices import RecordStatus, SignUpStatus, VolunteerStatus
from volunteers.models import Activity, ServiceRecord, SignUp, Team, Volunteer

Within = list[int] | QuerySet | None
Residents = dict[int, int] | None


def _within(queryset: QuerySet, within: Within, path: str = "community") -> QuerySet:
    """The rows of the communities asked for: an official's overview reads their area, not the
    city (`within` is a list of ids or a subquery of them; None is every community)."""
    return queryset if within is None else queryset.filter(**{f"{path}__in": within})


def living_residents(within: Within = None) -> dict[int, int]:
    """Living residents of each community: the 1,000 the rates are per. A page reading several
    metrics counts them once and passes them on (`residents=`): at a million residents the
    count is most of a metric's time."""
    rows = (
        _within(Resident.objects.filter(status=Status.LIVING), within)
        .values_list("community")
        .annotate(n=Count("pk"))
    )
    return dict(rows.order_by())


def _per_residents(
    counts: dict[int, int | object], within: Within, residents: Residents
) -> Figures:
    residents = living_residents(within) if residents is None else residents
    return {pk: (counts.get(pk, 0), n) for pk, n in residents.items()}


def registered_by(period: Period):
    """Volunteers registered by the month's end who are on the register (not 注销)."""
    return Volunteer.objects.filter(
        status=VolunteerStatus.ACTIVE, registered_on__lte=period.last
    ).order_by()


@metric(
    "volunteers_registered", _("每千名居民注册志愿者"), numerator=_("注册志愿者"),
    denominator=_("在住居民"), per=1000, records=registered_by,
)  # fmt: skip
def volunteers_registered(
    period: Period, within: Within = None, residents: Residents = None
) -> Figures:
    counts = _within(registered_by(period), within).values_list("community")
    return _per_residents(dict(counts.annotate(n=Count("pk")).order_by()), within, residents)


def served_in(period: Period):
    """Service in the month that the organiser has not declined."""
    return (
        ServiceRecord.objects.filter(served_on__gte=period.first, served_on__lte=period.last)
        .exclude(status=RecordStatus.DECLINED)
        .order_by()
    )


@metric(
    "volunteers_active", _("每千名居民活跃志愿者"), numerator=_("本月服务过的志愿者"),
    denominator=_("在住居民"), per=1000, records=served_in,
)  # fmt: skip
def volunteers_active(
    period: Period, within: Within = None, residents: Residents = None
) -> Figures:
    counts = (
        _within(served_in(period), within)
        .values_list("community")
        .annotate(n=Count("volunteer", distinct=True))
    )
    return _per_residents(dict(counts.order_by()), within, residents)


def approved_in(period: Period):
    return ServiceRecord.objects.filter(
        served_on__gte=period.first, served_on__lte=period.last, status=RecordStatus.APPROVED
    ).order_by()


@metric(
    "volunteer_hours", _("每千名居民志愿服务时长"), numerator=_("认定服务时长（小时）"),
    denominator=_("在住居民"), per=1000, records=approved_in,
)  # fmt: skip
def volunteer_hours(period: Period, within: Within = None, residents: Residents = None) -> Figures:
    hours = _within(approved_in(period), within).values_list("community").annotate(n=Sum("hours"))
    return _per_residents(dict(hours.order_by()), within, residents)


def activities_in(period: Period):
    """Activities that took place in the month (not cancelled)."""
    return Activity.objects.filter(
        cancelled_at__isnull=True,
        starts_at__gte=period.start, starts_at__lt=period.end,
    ).order_by()  # fmt: skip


@metric(
    "volunteer_activities", _("志愿服务活动（场）"), numerator=_("活动"), denominator=_("社区"),
    per=1, records=activities_in,
)  # fmt: skip
def volunteer_activities(
    period: Period, within: Within = None, residents: Residents = None
) -> Figures:
    held = _within(activities_in(period), within).values_list("community")
    counts = dict(held.annotate(n=Count("pk")).order_by())
    residents = living_residents(within) if residents is None else residents
    return {pk: (counts.get(pk, 0), 1) for pk in residents}


def teams_in(period: Period):
    """Teams and associations in being at the month's end."""
    return (
        Team.objects.filter(founded_on__lte=period.last)
        .filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=period.last))
        .order_by()
    )


@metric(
    "volunteer_teams_active", _("活跃的志愿服务队和协会"), numerator=_("本月有活动的队伍"),
    denominator=_("队伍和协会"), records=teams_in,
)  # fmt: skip
def volunteer_teams_active(period: Period, within: Within = None) -> Figures:
    """Of the teams in being, those that ran an activity in the month."""
    ran = activities_in(period).filter(team__isnull=False).values("team")
    rows = (
        _within(teams_in(period), within)
        .values("community")
        .annotate(n=Count("pk", filter=Q(pk__in=ran)), d=Count("pk"))
    )
    return {row["community"]: (row["n"], row["d"]) for row in rows}


def sign_ups_due(period: Period):
    """Places held (confirmed) for activities that ended in the month."""
    return SignUp.objects.filter(
        status=SignUpStatus.CONFIRMED, activity__cancelled_at__isnull=True,
        activity__ends_at__gte=period.start, activity__ends_at__lt=period.end,
    ).order_by()  # fmt: skip


@metric(
    "volunteer_show_up", _("志愿者报名到岗率"), numerator=_("签到的报名"),
    denominator=_("已确认的报名"), records=sign_ups_due, community_path="activity__community",
)  # fmt: skip
def volunteer_show_up(period: Period, within: Within = None) -> Figures:
    rows = (
        _within(sign_ups_due(period), within, "activity__community")
        .values("activity__community")
        .annotate(n=Count("pk", filter=Q(checked_in_at__isnull=False)), d=Count("pk"))
    )
    return {row["activity__community"]: (row["n"], row["d"]) for row in rows}
