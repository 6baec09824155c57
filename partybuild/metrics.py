"""Party building's figures for the monthly assessment: 三会一课 held as required, dues paid in
their month, pairings visited in time, 四个一 done, in-service members reported."""

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from partybuild.choices import Category, FourOnesItem, MeetingStatus
from partybuild.compliance import branch_quarters, community_figures
from partybuild.models import (
    DuesMonth,
    FourOnesRecord,
    OrganizationalLife,
    Pairing,
    PartyMember,
    PartyOrganization,
)
from partybuild.models.fieldwork import PairingQuerySet
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


def pairings_due(period: Period):
    """The pairings that should have been visited by the month's end, each with its last visit
    by then."""
    return Pairing.objects.due_on(period.last).with_last_visit(period.last).order_by()


@metric(
    "party_pairing_visits", _("结对帮扶按时走访率"), numerator=_("期限内走访过"),
    denominator=_("应走访的结对"), records=pairings_due,
)  # fmt: skip
def party_pairing_visits(period: Period) -> Figures:
    rows = (
        pairings_due(period)
        .values("community")
        .annotate(n=Count("pk", filter=PairingQuerySet.in_time(period.last)), d=Count("pk"))
    )
    return {row["community"]: (row["n"], row["d"]) for row in rows}


def members_on(period: Period):
    """The members who belonged to one of the community's organisations on the month's last
    day (transferred out, suspended or dead by then: not counted)."""
    return PartyMember.objects.in_organization_on(
        PartyOrganization.objects.values("pk"), period.last
    ).order_by()


def four_ones_of_year(period: Period):
    """Each member of the month with how many of the four items they did from 1 January to the
    month's end."""
    items = (
        FourOnesRecord.objects.filter(
            member=OuterRef("pk"),
            done_on__gte=period.first.replace(month=1),
            done_on__lte=period.last,
        )
        .order_by()
        .values("member")
        .annotate(n=Count("item", distinct=True))
        .values("n")
    )
    return members_on(period).annotate(
        items=Coalesce(Subquery(items, output_field=IntegerField()), Value(0))
    )


@metric(
    "party_four_ones", _("党员四个一完成率"), numerator=_("四项全部完成的党员"),
    denominator=_("党员"), records=four_ones_of_year,
)  # fmt: skip
def party_four_ones(period: Period) -> Figures:
    rows = (
        four_ones_of_year(period)
        .values("community")
        .annotate(n=Count("pk", filter=Q(items__gte=len(FourOnesItem))), d=Count("pk"))
    )
    return {row["community"]: (row["n"], row["d"]) for row in rows}


@metric(
    "party_in_service_reported", _("在职党员到社区报到（每百名党员）"),
    numerator=_("已报到的在职党员"), denominator=_("党员"), records=members_on,
)  # fmt: skip
def party_in_service_reported(period: Period) -> Figures:
    reported = Q(category=Category.IN_SERVICE, reported_on__lte=period.last)
    rows = (
        members_on(period)
        .values("community")
        .annotate(n=Count("pk", filter=reported), d=Count("pk"))
    )
    return {row["community"]: (row["n"], row["d"]) for row in rows}
