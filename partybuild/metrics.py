"""Party building's figures for the monthly assessment: pairings visited in time, 四个一 done,
in-service members reported to the community."""

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from partybuild.choices import Category, FourOnesItem
from partybuild.models import FourOnesRecord, Pairing, PartyMember, PartyOrganization
from partybuild.models.fieldwork import PairingQuerySet
from shequ.metrics import Figures, Period, metric


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
