"""The desk's figures for the monthly assessment, per community and month of receipt, counted as
诉求统计 counts them (grievances.models.stats.figures): hidden submissions are not counted."""

from django.db.models import Count, F, Q
from django.utils.translation import gettext_lazy as _

from grievances.models import Grievance, Mediation
from grievances.models.mediation import Outcome
from grievances.models.stats import RESOLVED
from shequ.metrics import Figures, Period, metric


def received_in(period: Period):
    return Grievance.objects.filter(
        hidden=False, received_at__gte=period.start, received_at__lt=period.end
    ).order_by()


def _per_community(period: Period, numerator: Q, denominator: Q) -> Figures:
    rows = (
        received_in(period)
        .values("community")
        .annotate(n=Count("pk", filter=numerator & denominator), d=Count("pk", filter=denominator))
    )
    return {row["community"]: (row["n"], row["d"]) for row in rows}


@metric(
    "grievance_on_time", _("诉求按时办结率"), numerator=_("按时办结"), denominator=_("已办结"),
    records=received_in,
)  # fmt: skip
def on_time(period: Period) -> Figures:
    return _per_community(period, Q(replied_at__date__lte=F("due_on")), Q(state__in=RESOLVED))


@metric(
    "grievance_satisfaction", _("诉求满意率"), numerator=_("满意（4–5 分）"),
    denominator=_("已评价"), records=received_in,
)  # fmt: skip
def satisfaction(period: Period) -> Figures:
    return _per_community(period, Q(rating__gte=4), Q(rating__isnull=False))


@metric(
    "grievance_reopened", _("诉求重新办理率"), numerator=_("重新办理"), denominator=_("已办结"),
    records=received_in,
)  # fmt: skip
def reopened(period: Period) -> Figures:
    return _per_community(period, Q(reopened_at__isnull=False), Q(state__in=RESOLVED))


def concluded_in(period: Period):
    return Mediation.objects.filter(
        concluded_on__gte=period.first, concluded_on__lte=period.last
    ).order_by()


@metric(
    "mediation_success", _("调解成功率"), numerator=_("调解成功"),
    denominator=_("调解结案（撤回的不计）"), records=concluded_in,
    community_path="grievance__community",
)  # fmt: skip
def mediation_success(period: Period) -> Figures:
    rows = (
        concluded_in(period)
        .exclude(outcome=Outcome.WITHDRAWN)
        .values("grievance__community")
        .annotate(n=Count("pk", filter=Q(outcome=Outcome.AGREED)), d=Count("pk"))
    )
    return {row["grievance__community"]: (row["n"], row["d"]) for row in rows}
