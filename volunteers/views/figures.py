"""Figures of a month: the community's leaderboard of approved hours (志愿服务排行), for its
organisers and residents, and the participation overview (志愿服务参与情况) for officials and
a community's staff, in counts only."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from django.db.models import Case, F, IntegerField, Max, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.expressions import Window
from django.db.models.functions import Coalesce, Rank
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from assessments import charts
from residents.models.snapshot import refresh_population
from shequ.excel import xlsx_response
from shequ.metrics import Metric, Period, metrics, value
from shequ.models import Community, Role
from shequ.models.scoping import scope_of
from shequ.params import asked_district, query_month, query_row
from shequ.views.generic import ScopedMixin
from volunteers import metrics as figures
from volunteers.choices import RecordStatus
from volunteers.models import ServiceRecord, StarReached
from volunteers.models.people import ORGANISERS
from volunteers.models.records import star_name

# The board lists this many; a resident further down still sees their own row beneath.
BOARD_SIZE = 100


def asked_period(request) -> Period:
    """The month asked for (`?month=2026-11`), else this one; months after this one are this
    one, as nobody has served in them yet."""
    this = Period.of(timezone.localdate())
    asked = query_month(request, "month")
    return Period(asked) if asked and asked <= this.first else this


def month_links(period: Period) -> dict:
    this = Period.of(timezone.localdate())
    following = period.following
    return {"period": period, "previous": period.previous,
            "following": following if following.first <= this.first else None,
            "this_month": f"{this}"}  # fmt: skip


# -- leaderboard -----------------------------------------------------------------------------


def board_communities(user) -> list[int] | object:
    """The communities whose board the user reads. Service records are each volunteer's own
    (`ServiceRecord.objects.visible_to` gives a resident only theirs, and the `Community` rows
    none), yet the board, like the activity calendar, is public to the community's residents:
    so the records are narrowed by the communities the user's scope reaches, the organisers'
    as `visible_to` reaches them and the residents' own, as `scope_public_to_residents` does."""
    if user.is_superuser:
        return Community.objects.values("pk")
    scope = scope_of(user)
    organised = scope.communities(ORGANISERS & scope.roles)
    lived = sorted(scope.ids(frozenset({Role.RESIDENT}), "community"))
    if not lived:
        return organised
    if isinstance(organised, list):
        return sorted({*organised, *lived})
    return Community.objects.filter(Q(pk__in=organised) | Q(pk__in=lived)).values("pk")


@dataclass
class BoardRow:
    rank: int
    volunteer_id: int
    name: str | None  # None unless the volunteer allows their name on the board
    hours: Decimal
    stars: int
    own: bool

    @property
    def star_marks(self) -> str:
        return "★" * self.stars

    @property
    def star_name(self) -> str:
        return star_name(self.stars)


def board(community: Community, period: Period, user) -> list[BoardRow]:
    """The community's volunteers ranked by their approved hours in the month, in one query: equal
    hours share a rank (1, 2, 2, 4). A name leaves the database only when its volunteer allows
    it, and the star level is the highest reached by the month's end."""
    stars = (
        StarReached.objects.filter(volunteer=OuterRef("volunteer"), reached_on__lte=period.last)
        .order_by()
        .values("volunteer")
        .annotate(top=Max("level"))
        .values("top")
    )
    rows = (
        ServiceRecord.objects.filter(
            community=community,
            status=RecordStatus.APPROVED,
            served_on__gte=period.first,
            served_on__lte=period.last,
        )
        .order_by()
        .values("volunteer")
        .annotate(
            total=Sum("hours"),
            rank=Window(Rank(), order_by=Sum("hours").desc()),
            shown=Case(
                When(volunteer__show_on_leaderboard=True, then=F("volunteer__resident__name")),
                default=Value(None),
            ),
            own=Case(
                When(volunteer__account_id=user.pk, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
            stars=Coalesce(Subquery(stars, output_field=IntegerField()), 0),
        )
        .order_by("-total", "volunteer")
        .values_list("rank", "volunteer", "shown", "total", "stars", "own")
    )
    return [BoardRow(*row[:5], own=bool(row[5])) for row in rows]


class LeaderboardView(ScopedMixin, TemplateView):
    """志愿服务排行: a community's volunteers by approved hours in a month, names only of those
    who allow it; for the community's organisers and residents, never for officials."""

    queryset = ServiceRecord.objects.all()
    template_name = "volunteers/leaderboard.html"

    @classmethod
    def allows(cls, access) -> bool:
        return access.is_admin or bool(access.roles & (ORGANISERS | {Role.RESIDENT}))

    def get_context_data(self, **kwargs):
        request = self.request
        communities = Community.objects.filter(pk__in=board_communities(request.user)).order_by(
            "code"
        )
        community = query_row(request, "community", communities) or communities.first()
        if community is None:
            raise Http404
        period = asked_period(request)
        rows = board(community, period, request.user)
        shown = rows[:BOARD_SIZE]
        mine = [row for row in rows[BOARD_SIZE:] if row.own]
        return super().get_context_data(
            communities=communities if len(communities) > 1 else None, community=community,
            rows=shown, mine=mine, more=len(rows) - len(shown), total=len(rows),
            **month_links(period), **kwargs,
        )  # fmt: skip


# -- participation overview ------------------------------------------------------------------

# The overview's columns, each read from one of the assessment's metrics (volunteers/metrics.py).
COLUMNS = (
    ("volunteers_registered", figures.volunteers_registered),
    ("volunteers_active", figures.volunteers_active),
    ("volunteer_hours", figures.volunteer_hours),
    ("volunteer_activities", figures.volunteer_activities),
    ("volunteer_teams_active", figures.volunteer_teams_active),
    ("volunteer_show_up", figures.volunteer_show_up),
)
# Those rated per 1,000 living residents, who are counted once for all of them.
PER_RESIDENTS = frozenset(
    {"volunteers_registered", "volunteers_active", "volunteer_hours", "volunteer_activities"}
)
READERS = frozenset({Role.OFFICIAL, Role.COMMUNITY_STAFF})


def _rate(metric: Metric, numerator, denominator) -> str:
    rate = value(metric, numerator, denominator)
    return "—" if rate is None else f"{rate}{metric.unit}"


def _hours(n: Decimal) -> int | Decimal:
    """Whole hours without their ".00" (and never as 7E+1)."""
    return int(n) if n == n.to_integral_value() else n


def living_from_snapshots(communities: list[Community]) -> dict[int, int]:
    """Living residents of each community from the population snapshots (loaded with the
    communities), as the officials' population overview reads them: counting a district's
    million residents live was most of this page's time. Communities never counted are counted
    now, once, in a fixed number of queries however many."""
    missing = [c.pk for c in communities if not hasattr(c, "population")]
    fresh = {s.community_id: s for s in refresh_population(missing)} if missing else {}
    return {c.pk: (fresh.get(c.pk) or c.population).living for c in communities}


def participation_rows(
    communities: list[Community], period: Period, within, residents: dict[int, int]
) -> list[list]:
    """A row per community and a totals row: counts and the rates of the assessment's metrics
    (per 1,000 living residents, per cent), one query per metric whatever the communities."""
    read = {
        code: compute(period, within, *[residents] * (code in PER_RESIDENTS))
        for code, compute in COLUMNS
    }
    registry = metrics()
    rate = {code: partial(_rate, registry[code]) for code, _compute in COLUMNS}
    totals = {code: [0, 0] for code, _compute in COLUMNS}
    rows = []
    for community in communities:
        cells = {code: read[code].get(community.pk, (0, 0)) for code, _compute in COLUMNS}
        for code, (n, d) in cells.items():
            totals[code][0] += n or 0
            totals[code][1] += d or 0
        rows.append([community.name, community.street.name, *_cells(cells, rate)])
    if rows:
        summed = {code: tuple(t) for code, t in totals.items()}
        rows.append([_("合计"), "", *_cells(summed, rate)])
    return rows


def _cells(cells: dict, rate: dict) -> list:
    registered, residents = cells["volunteers_registered"]
    active = cells["volunteers_active"][0]
    hours = cells["volunteer_hours"][0] or Decimal(0)
    teams, teams_in_being = cells["volunteer_teams_active"]
    showed, due = cells["volunteer_show_up"]
    return [
        residents, registered, rate["volunteers_registered"](registered, residents), active,
        rate["volunteers_active"](active, residents), _hours(hours),
        rate["volunteer_hours"](hours, residents), cells["volunteer_activities"][0],
        f"{teams}/{teams_in_being}", rate["volunteer_show_up"](showed, due),
    ]  # fmt: skip


HEADERS = (
    gettext_lazy("社区"), gettext_lazy("街道"), gettext_lazy("在住居民"),
    gettext_lazy("注册志愿者"), gettext_lazy("每千人注册"), gettext_lazy("本月服务"),
    gettext_lazy("每千人服务"), gettext_lazy("认定时长"), gettext_lazy("每千人时长"),
    gettext_lazy("活动场次"), gettext_lazy("有活动的队伍"), gettext_lazy("到岗率"),
)  # fmt: skip


class ParticipationView(ScopedMixin, TemplateView):
    """志愿服务参与情况: per community of the official's area (a community's staff: their own),
    for a month, the assessment's volunteering figures in counts and rates, never a name; with
    the table as an Excel file (`?export=xlsx`)."""

    queryset = Community.objects.all()
    template_name = "volunteers/participation.html"

    @classmethod
    def allows(cls, access) -> bool:
        return access.is_admin or bool(access.roles & READERS)

    def get(self, request, *args, **kwargs):
        context = self.get_context_data(**kwargs)
        if request.GET.get("export") == "xlsx":
            figure = context["figure"]
            return xlsx_response(
                charts.workbook([figure], context["heading"]),
                f"{figure.title}-{context['heading']}.xlsx",
            )
        return self.render_to_response(context)

    def get_context_data(self, **kwargs):
        request, user = self.request, self.request.user
        districts, district = asked_district(request)
        period = asked_period(request)
        roles = READERS & scope_of(user).roles
        reach = (
            Community.objects.all()
            if user.is_superuser
            else Community.objects.filter(Community.scope_filter(user, roles))
        )
        within = reach.filter(street__district=district).values("pk")
        communities = list(
            Community.objects.filter(pk__in=within).select_related("street", "population")
            .only("name", "code", "street__name", "population__living",
                  "population__computed_at")
            .order_by("street__code", "code")
        )  # fmt: skip
        residents = living_from_snapshots(communities)
        whole = user.is_superuser or district.pk in scope_of(user).ids(READERS, "district")
        streets = dict.fromkeys(community.street.name for community in communities)
        if whole:
            area = district.name
        elif len(communities) == 1 and not scope_of(user).ids(READERS, "street"):
            area = communities[0].name
        else:
            area = "、".join(streets) or district.name
        heading = f"{area} {period}"
        figure = charts.Figure(
            "participation", _("志愿服务参与情况"), headers=[str(h) for h in HEADERS],
            rows=participation_rows(communities, period, within, residents),
            empty_text=_("没有社区。"),
            phone_hidden=(1, 2, 4, 6, 8, 10),
            note=_("在住居民取自人口概况的统计；本月服务的志愿者含待审核的记录，不含不予认定的；"
                   "认定时长只计已认定的；到岗率为本月结束的活动中已确认报名的签到比例。"),
        )  # fmt: skip
        return super().get_context_data(
            districts=districts if districts.count() > 1 else None, district=district,
            area=area, heading=heading, figure=figure,
            # The residents are at least as fresh as the oldest snapshot.
            counted_at=min(
                (c.population.computed_at for c in communities if hasattr(c, "population")),
                default=None,
            ),
            export_query=f"?district={district.pk}&month={period}&export=xlsx",
            **month_links(period), **kwargs,
        )  # fmt: skip
