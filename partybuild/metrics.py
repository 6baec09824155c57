"""Party building's figures for the monthly assessment."""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from partybuild.models import DuesMonth
from shequ.metrics import Figures, Period, metric


def dues_owed(period: Period):
    return DuesMonth.objects.filter(month=period.first).order_by()


@metric(
    "party_dues_on_time", _("党费按月交纳率"), numerator=_("当月交纳（人·月）"),
    denominator=_("应交（人·月）"), records=dues_owed, community_path="member__community",
)  # fmt: skip
def party_dues_on_time(period: Period) -> Figures:
    """Member-months paid by the end of their month over member-months owed; a month paid
    later counts as owed and not paid on time."""
    rows = (
        dues_owed(period)
        .values("member__community")
        .annotate(n=Count("pk", filter=Q(paid_on__lte=period.last)), d=Count("pk"))
    )
    return {row["member__community"]: (row["n"], row["d"]) for row in rows}
