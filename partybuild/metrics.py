"""Party building's figures for the monthly assessment."""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from partybuild.choices import MeetingStatus
from partybuild.compliance import branch_quarters, community_figures
from partybuild.models import DuesMonth, OrganizationalLife
from shequ.metrics import Figures, Period, Quarter, metric
from shequ.models import Community


def meetings_held(period: Period):
    """The meetings held in the month's quarter up to the month's end: what the figure counts."""
    quarter = Quarter.of(period.first)
    return OrganizationalLife.objects.filter(
        status=MeetingStatus.HELD, date__gte=quarter.first, date__lte=period.last
    ).order_by()


@metric(
    "party_meeting_compliance", _("三会一课按要求召开率"), numerator=_("已召开"),
    denominator=_("应召开"), records=meetings_held, community_path="organization__community",
)  # fmt: skip
def party_meeting_compliance(period: Period) -> Figures:
    """Each branch's required meetings of the month's quarter that are due by the month's end
    (or already held), summed per community."""
    rows = branch_quarters(
        Community.objects.values("pk"), Quarter.of(period.first), period.last, day_over=True
    )
    return {
        pk: (held, required) for pk, (held, required, _b, _m) in community_figures(rows).items()
    }


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
