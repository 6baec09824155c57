"""Demo rows: the district's scheme, last month scored, reviewed and published with one appeal
waiting, this month computed and waiting for the streets."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import F
from django.utils import timezone

from assessments.choices import Kind, Rule
from assessments.models import Appeal, IndicatorScore, Inspection, Scheme
from assessments.scoring import score_month
from assessments.services import month_publish, street_review, streets_to_review
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
