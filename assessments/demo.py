"""Demo rows: the district's scheme, last month scored and published, this month computed."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from assessments.choices import Kind, Rule
from assessments.models import Inspection, Scheme
from assessments.scoring import score_month
from assessments.services import month_publish
from shequ.metrics import Period
from shequ.models import Community, District, Role, RoleAssignment

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
    scheme = Scheme.objects.create(
        district=district, name="社区工作月考核", effective_from=last_month.first,
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
