"""The registry's figures for the monthly assessment: must-visit residents visited in time, and
the field log grid workers keep."""

import datetime

from django.db.models import Count, Min, OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _

from residents.choices import Status
from residents.models import FieldLogEntry, Resident, ResidentTag, Visit
from shequ.metrics import Figures, Period, metric
from shequ.models import Role, RoleAssignment


def must_visit(period: Period):
    """Living residents with a must-visit tag (三必访), each with the shortest period among their
    tags and their household's last visit by the end of the month."""
    tagged = Resident.tags.through.objects.filter(residenttag__visit_every_days__isnull=False)
    shortest = (
        tagged.filter(resident=OuterRef("pk"))
        .order_by()
        .values("resident")
        .annotate(days=Min("residenttag__visit_every_days"))
        .values("days")
    )
    return (
        # The tagged residents first: asking every living resident for a shortest period
        # probed the tags 982,000 times at a million residents, three quarters of the month's run.
        Resident.objects.filter(status=Status.LIVING, pk__in=tagged.values("resident"))
        .annotate(period_days=Subquery(shortest), last_visit=Visit.last_of_household(period.last))
        .order_by()
    )


@metric(
    "visits_in_time", _("必访对象按时走访率"), numerator=_("期限内走访过"),
    denominator=_("必访对象"), records=must_visit,
)  # fmt: skip
def visits_in_time(period: Period) -> Figures:
    periods = ResidentTag.objects.filter(visit_every_days__isnull=False).values_list(
        "visit_every_days", flat=True
    )
    in_time = Q(pk__in=[])
    for days in set(periods):
        since = period.last - datetime.timedelta(days=days)
        in_time |= Q(period_days=days, last_visit__gte=since)
    rows = (
        must_visit(period)
        .values("community")
        .annotate(n=Count("pk", filter=in_time), d=Count("pk"))
    )
    return {row["community"]: (row["n"], row["d"]) for row in rows}


def entries_in(period: Period):
    return FieldLogEntry.objects.filter(date__gte=period.first, date__lte=period.last).order_by()


@metric(
    "field_log_per_grid_worker", _("网格员人均民情日志"), numerator=_("民情日志（篇）"),
    denominator=_("网格员（人）"), per=1, records=entries_in,
)  # fmt: skip
def field_log_per_grid_worker(period: Period) -> Figures:
    entries = dict(entries_in(period).values_list("community").annotate(n=Count("pk")).order_by())
    workers = (
        RoleAssignment.objects.filter(role=Role.GRID_WORKER)
        .values_list("grid_unit__community")
        .annotate(n=Count("user", distinct=True))
        .order_by()
    )
    return {community: (entries.get(community, 0), n) for community, n in workers}
