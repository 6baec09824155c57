"""流动红旗: each month's best community of every street, and of the district, holds the
rotating red flag.

Derived from the published snapshot, never stored by hand: each publication's holders are part
of its area figures (`AreaFigures.holder`, computed once from the published totals), so a month
published again after an accepted appeal hands the flag on by itself, and nothing can fall
behind it. Who holds it is decided in two queries however many months and communities: the
communities at the top of their street or district (a window over the published totals), and
for those alone the marks of their computed indicators, which break a tie.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

from django.db.models import F, Max, Q, QuerySet, Sum, Window
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.choices import Kind
from assessments.models import AssessmentMonth, CommunityScore, IndicatorScore
from shequ.models import Community, Street

# The one statement of who holds the flag; `_precedence` below is its code.
RULE = gettext_lazy(
    "流动红旗每月授予总分最高的社区，各街道一面、全区一面；总分相同的，系统计算指标得分合计"
    "高者获得；仍相同的，社区代码在前者获得。"
)


def holders(scores: QuerySet[CommunityScore]) -> dict[tuple[int, int | None], CommunityScore]:
    """Who holds each flag in the months of `scores` (a district's published rows), by (month
    id, street id), and by (month id, None) the district's."""
    candidates = list(
        scores.annotate(
            street_best=Window(
                Max("total"), partition_by=[F("assessment_month"), F("community__street")]
            ),
            district_best=Window(Max("total"), partition_by=[F("assessment_month")]),
        )
        .filter(Q(total=F("street_best")) | Q(total=F("district_best")))
        .select_related("community")
    )
    computed = dict(
        IndicatorScore.objects.filter(
            community_score__in=[c.pk for c in candidates], indicator__kind=Kind.COMPUTED
        )
        .order_by()
        .values("community_score")
        .annotate(marks=Sum("score"))
        .values_list("community_score", "marks")
    )

    def _precedence(score: CommunityScore) -> tuple:
        return (-score.total, -computed.get(score.pk, 0), score.community.code)

    found: dict[tuple[int, int | None], CommunityScore] = {}
    # Best first: the first candidate of a month holds the district's flag, the first of each
    # street that street's (every street's best is a candidate).
    for score in sorted(candidates, key=_precedence):
        found.setdefault((score.assessment_month_id, score.community.street_id), score)
        found.setdefault((score.assessment_month_id, None), score)
    return found


@dataclass(frozen=True)
class RedFlag:
    rule: ClassVar[str] = RULE

    month: AssessmentMonth
    street: Street | None  # None: the district's flag
    holder: Community  # with its street
    total: Decimal

    @property
    def label(self) -> str:
        if self.street is None:
            return _("全区流动红旗")
        return _("%(street)s流动红旗") % {"street": self.street.name}


def held_by(flags: Sequence[RedFlag]) -> dict[int, str]:
    """What each holding community holds, by community id: "全区流动红旗、东城街道流动红旗"."""
    held: dict[int, list[str]] = {}
    for flag in flags:
        held.setdefault(flag.holder.pk, []).append(flag.label)
    return {community: "、".join(labels) for community, labels in held.items()}
