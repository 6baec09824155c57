"""Demo rows: the district's scheme; a year of published months, so the dashboards have a
trend, a spread and the red flag's history; this month computed.

Last month is scored from the demo's own records. The eleven months before it predate them, so
they are scored by the app's own rules from figures drawn here for each community (steady ones,
improving ones, slipping ones) and from inspections entered by the street's or the district's
officials, a few of them late and a few never entered."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from assessments.choices import Kind, Rule
from assessments.models import Inspection, Scheme
from assessments.scoring import score_month
from assessments.services import month_publish
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
    month_publish(score_month(district, last_month))
    score_month(district, this_month)


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
        month_publish(score_month(district, period, figures=figures))


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
