"""Demo rows: the district's scheme; a year of published months, so the dashboards have a
trend, spreads and the red flag's history; last month scored, reviewed and published with one
appeal waiting, this month computed and waiting for the streets; and 四无 in the first two
communities, last year's and this year's, with last year's awards partly decided.

Last month is scored from the demo's own records. The eleven months before it predate them, so
they are scored by the app's own rules from figures drawn here for each community (steady ones,
improving ones, slipping ones) and from inspections entered by the street's or the district's
officials, a few of them late and a few never entered."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.db.models import F
from django.utils import timezone

from assessments.choices import Kind, Rule
from assessments.models import (
    Appeal,
    AssessmentMonth,
    CivilityAward,
    FourNoRecord,
    IndicatorScore,
    Inspection,
    Scheme,
)
from assessments.models.civility import ITEMS, Decision, Quarter, award_year
from assessments.scoring import score_month
from assessments.services import month_publish, street_review, streets_to_review
from grievances import services as desk
from grievances.choices import Channel
from grievances.choices import Kind as GrievanceKind
from grievances.demo import _clock
from grievances.models import Category
from residents.models import FieldLogEntry
from shequ.metrics import Figures, Period
from shequ.models import Community, District, Role, RoleAssignment, User

# (group, name, full marks, metric, rule, zero at, full at, guidance)
INDICATORS = [
    ("党建工作", "三会一课、党员活动", 15, "", "", None, None,
     "支部按时召开会议，有记录；党员参加活动。每缺一次扣 3 分。"),
    ("环境卫生", "楼道、院落整洁", 15, "", "", None, None,
     "现场检查：无乱堆乱放、无卫生死角。"),
    ("信访调解", "诉求按时办结率", 20, "grievance_on_time", Rule.LINEAR, 60, 95, ""),
    ("信访调解", "诉求满意率", 15, "grievance_satisfaction", Rule.LINEAR, 60, 90, ""),
    ("信访调解", "诉求重新办理率", 5, "grievance_reopened", Rule.LINEAR, 20, 5, ""),
    ("信访调解", "调解成功率", 10, "mediation_success", Rule.TARGET, None, 80, ""),
    ("网格服务", "必访对象按时走访率", 10, "visits_in_time", Rule.LINEAR, 50, 95, ""),
    ("网格服务", "网格员人均民情日志", 10, "field_log_per_grid_worker", Rule.LINEAR, 0, 8, ""),
]  # fmt: skip


def seed(district: District) -> None:
    for community in Community.objects.filter(street__district=district).order_by("code")[:2]:
        _four_no(community)
    if Scheme.objects.filter(district=district).exists():
        return
    this_month = Period.of(timezone.localdate())
    last_month = this_month.previous
    history = [last_month.previous]
    while len(history) < HISTORY:
        history.insert(0, history[0].previous)
    scheme = Scheme.objects.create(
        district=district, name="社区工作月考核", effective_from=history[0].first,
        note="月检查、月考核：系统计算的指标取自诉求、调解、走访和民情日志，其余由街道检查评分。",
    )  # fmt: skip
    for order, (group, name, full, metric, rule, zero_at, full_at, guidance) in enumerate(
        INDICATORS, start=1
    ):
        scheme.indicators.create(
            group=group, name=name, order=order, full_marks=Decimal(full),
            kind=Kind.COMPUTED if metric else Kind.INSPECTED, metric=metric,
            rule=rule or Rule.LINEAR, guidance=guidance,
            zero_at=None if zero_at is None else Decimal(zero_at),
            full_at=None if full_at is None else Decimal(full_at),
        )  # fmt: skip
    inspector = (
        RoleAssignment.objects.filter(role=Role.OFFICIAL, district=district).first()
        or RoleAssignment.objects.filter(role=Role.OFFICIAL, street__district=district).first()
    )
    if inspector:
        _history(district, scheme, history, inspector.user)
        communities = Community.objects.filter(street__district=district).order_by("code")
        for n, community in enumerate(communities):
            found = "现场查看，台账齐全。" if n % 4 == 0 else "个别楼道有杂物，已要求整改。"
            for indicator in scheme.indicators.filter(kind=Kind.INSPECTED):
                Inspection.objects.create(
                    indicator=indicator, community=community, month=last_month.first,
                    score=indicator.full_marks - n % 4, inspector=inspector.user,
                    evidence=found,
                )  # fmt: skip
        # Entered in the first days of this month, as inspectors do, not late.
        entered = min(timezone.now(), this_month.start + datetime.timedelta(days=2, hours=10))
        Inspection.objects.filter(indicator__scheme=scheme, month=last_month.first).update(
            entered_at=entered
        )
    last = score_month(district, last_month)
    # Each street's official checked last month before the district published it; this month
    # waits for the streets. The first community disputes one inspected score.
    reviewer = inspector.user if inspector else None
    for street in streets_to_review(last):
        official = RoleAssignment.objects.filter(role=Role.OFFICIAL, street=street).first()
        user = official.user if official else reviewer
        if user:
            street_review(last, street, user, "已逐个社区核对。")
    last = month_publish(last)
    score_month(district, this_month)
    _appeal(last)


def _appeal(month) -> None:
    """A community whose staff sign in to the demo disputes its lowest inspected score."""
    staffed = RoleAssignment.objects.filter(role=Role.COMMUNITY_STAFF).values("community")
    part = (
        IndicatorScore.objects.filter(
            community_score__assessment_month=month,
            community_score__publication=month.publication,
            community_score__community__in=staffed,
            indicator__kind=Kind.INSPECTED,
            score__lt=F("indicator__full_marks"),
        )
        .select_related("community_score")
        .order_by("score", "pk")
        .first()
    )
    if part is None:
        return
    community = part.community_score.community
    staff = RoleAssignment.objects.filter(role=Role.COMMUNITY_STAFF, community=community).first()
    Appeal.objects.create(
        assessment_month=month, community=community, indicator=part.indicator,
        publication=month.publication, marks_before=part.score, filed_by=staff.user,
        reason="检查当天楼道杂物是住户搬家临时堆放，当天下午已清走，有物业登记为证。",
    )  # fmt: skip


# (building's place in its community, quarter, item that failed, what happened); last year's
# and this year's quarters before the current one, the rest passed.
LAST_YEAR_FAILURES = [(2, 3, "no_fights", "2单元301、302两户因漏水争吵，已调解。")]
THIS_YEAR_FAILURES = [(0, 2, "no_mess", "2单元楼道堆放杂物，已联系物业清理。")]


def _first(**assignment) -> User | None:
    first = RoleAssignment.objects.filter(**assignment).select_related("user").order_by("pk")
    return first.first().user if first.exists() else None


def _record(building, place: int, quarter: Quarter, by: User, failures) -> None:
    failed = {item: note for at, n, item, note in failures
              if (at, n) == (place, quarter.number)}  # fmt: skip
    kept = {item.field: item.field not in failed for item in ITEMS}
    notes = {item.note: failed.get(item.field, "") for item in ITEMS}
    record = FourNoRecord.objects.create(
        community=building.community, building=building, year=quarter.year,
        quarter=quarter.number, entered_by=by, **kept, **notes,
    )  # fmt: skip
    # Entered in the last days of the quarter, as grid workers do.
    entered = quarter.end - datetime.timedelta(hours=8)
    FourNoRecord.objects.filter(pk=record.pk).update(entered_at=min(entered, timezone.now()))


def _four_no(community: Community) -> None:
    staff = _first(role=Role.COMMUNITY_STAFF, community=community)
    buildings = list(community.buildings.select_related("grid_unit").order_by("sort_key"))
    if not (staff and buildings) or FourNoRecord.objects.filter(community=community).exists():
        return
    current, year = Quarter.current(), award_year()
    for place, building in enumerate(buildings):
        # The building's grid worker, or staff where its grid unit has none.
        grid_worker = _first(role=Role.GRID_WORKER, grid_unit=building.grid_unit) or staff
        for n in (1, 2, 3, 4):
            _record(building, place, Quarter(year, n), grid_worker, LAST_YEAR_FAILURES)
        # This quarter the first two buildings are in; the others are still to do.
        for n in range(1, current.number + (place < 2)):
            quarter = Quarter(current.year, n)
            _record(building, place, quarter, grid_worker, THIS_YEAR_FAILURES)
    _disputes_and_mentions(community, buildings, staff, year)
    for building in buildings[:2]:
        CivilityAward.objects.create(
            community=community, year=year, building=building, decision=Decision.CONFIRMED,
            decided_by=staff,
        )  # fmt: skip
    first = buildings[0]
    for n, household in enumerate(first.households.order_by("unit", "room")):
        declined = n == 3
        CivilityAward.objects.create(
            community=community, year=year, building=first, household=household,
            decision=Decision.DECLINED if declined else Decision.CONFIRMED, decided_by=staff,
            reason="多次在楼道堆放杂物，劝导后仍未改正。" if declined else "",
        )  # fmt: skip


def _disputes_and_mentions(community, buildings, staff, year: int) -> None:
    """Last year a head of household in the last building brought a dispute to the desk (their
    household is no candidate), and a field-log entry named someone of the second building."""
    last = buildings[-1].households.exclude(head=None).order_by("unit", "room").first()
    if last is not None:
        moment = datetime.datetime(year, 6, 12, 9, 30, tzinfo=timezone.get_current_timezone())
        with _clock(moment):
            desk.grievance_register(
                community=community, category=Category.objects.get(code="neighbours"),
                kind=GrievanceKind.DISPUTE, channel=Channel.VISIT, title="与对门邻居因噪音争执",
                description="对门邻居夜间噪音大，协商未果，请社区调解。", by=staff,
                building=buildings[-1], resident=last.head,
            )  # fmt: skip
    mentioned = buildings[1].households.exclude(head=None).order_by("unit", "room").first()
    if mentioned is not None:
        entry = FieldLogEntry.objects.create(
            community=community, grid_unit=buildings[1].grid_unit, building=buildings[1],
            author=_first(role=Role.GRID_WORKER, grid_unit=buildings[1].grid_unit) or staff,
            date=datetime.date(year, 9, 8),
            seen="楼道内有住户私拉电线给电动车充电", done="已劝导拆除，讲解消防安全",
        )  # fmt: skip
        entry.residents.add(mentioned.head)


HISTORY = 11  # months published before last month


def _history(district: District, scheme: Scheme, months: list[Period], official: User) -> None:
    """Each community's form (a level and a monthly drift, with noise) drives its figures and
    its inspections; the months are scored and published as the district would."""
    rng = random.Random(district.code)
    communities = list(Community.objects.filter(street__district=district).order_by("code"))
    form = {c.pk: (rng.uniform(0.8, 0.97), rng.choice([-0.006, 0, 0, 0.004, 0.008]))
            for c in communities}  # fmt: skip
    inspectors = {
        a.street_id: a.user
        for a in RoleAssignment.objects.filter(role=Role.OFFICIAL, street__district=district)
    }
    indicators = list(scheme.indicators.all())
    inspected = [i for i in indicators if i.kind == Kind.INSPECTED]
    zone = timezone.get_current_timezone()
    for age, period in enumerate(months):
        level = {c: min(max(base + drift * age + rng.gauss(0, 0.025), 0.5), 1.0)
                 for c, (base, drift) in form.items()}  # fmt: skip
        figures = {
            i.metric: _figures(rng, i.metric, level) for i in indicators if i.kind == Kind.COMPUTED
        }
        cells = [
            Inspection(
                indicator=indicator, community=community, month=period.first,
                score=Decimal(round(float(indicator.full_marks) * _near(rng, level[community.pk])
                                    * 2)) / 2,
                inspector=inspectors.get(community.street_id, official),
                evidence=rng.choice(EVIDENCE),
            )
            for community in communities
            for indicator in inspected
            if rng.random() > 0.03  # a few cells nobody inspected
        ]  # fmt: skip
        Inspection.objects.bulk_create(cells)
        deadline = datetime.datetime.combine(
            scheme.inspection_deadline(period.first), datetime.time(10), zone
        )
        late = [cell.pk for cell in cells if rng.random() < 0.08]
        Inspection.objects.filter(month=period.first, indicator__in=inspected).update(
            entered_at=deadline - datetime.timedelta(days=3)
        )
        Inspection.objects.filter(pk__in=late).update(
            entered_at=deadline + datetime.timedelta(days=4)
        )
        month = month_publish(score_month(district, period, figures=figures))
        # Published on the 10th of the next month, its appeals long closed.
        published = datetime.datetime.combine(period.following.first, datetime.time(9), zone)
        AssessmentMonth.objects.filter(pk=month.pk).update(
            published_at=published + datetime.timedelta(days=9),
            appeals_until=period.following.first + datetime.timedelta(days=16),
        )


def _near(rng: random.Random, share: float) -> float:
    return min(max(share + rng.gauss(0, 0.06), 0), 1)


EVIDENCE = [
    "现场查看，台账齐全。",
    "个别楼道有杂物，已要求整改。",
    "三会一课记录完整，党员活动有照片。",
    "院落整洁，绿化带有少量垃圾。",
    "支部会议记录缺一次，已提醒补齐。",
]


def _figures(rng: random.Random, metric: str, level: dict[int, float]) -> Figures:
    """A month of one metric for every community, as its form would have it."""
    figures: Figures = {}
    for community, share in level.items():
        if metric == "field_log_per_grid_worker":
            workers = rng.randint(2, 5)
            figures[community] = (round(workers * 9 * share + rng.randint(-2, 2)), workers)
            continue
        cases = rng.randint(0, 4) if metric == "mediation_success" else rng.randint(8, 40)
        if metric == "grievance_reopened":
            share = (1 - share) * 0.4  # lower is better
        done = round(cases * min(max(share + rng.gauss(0.05, 0.05), 0), 1))
        figures[community] = (done, cases)
    return figures
