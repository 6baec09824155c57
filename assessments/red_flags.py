"""流动红旗: each month's best community of every street, and of the district, holds the
rotating red flag.

Derived from the published snapshot whenever it is read, not stored: a month published again
after an accepted appeal hands the flag on by itself, and no store can fall behind it. Two
queries answer for any number of months and communities: the communities at the top of their
street or district (a window over the published totals), and for those alone the marks of their
computed indicators, which break a tie.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from django.db.models import F, Max, Q, Sum, Window
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.choices import Kind
from assessments.dashboards import OFFICIALS, published, reads_whole
from assessments.models import AssessmentMonth, CommunityScore, IndicatorScore
from shequ.models import District, Street, User
from shequ.models.scoping import scope_of

# The one statement of who holds the flag; `_precedence` below is its code.
RULE = gettext_lazy(
    "流动红旗每月授予总分最高的社区，各街道一面、全区一面；总分相同的，系统计算指标得分合计"
    "高者获得；仍相同的，社区代码在前者获得。"
)


@dataclass(frozen=True)
class RedFlag:
    rule: ClassVar[str] = RULE

    month: AssessmentMonth
    street: Street | None  # None: the district's flag
    holder: CommunityScore  # with its community

    @property
    def label(self) -> str:
        if self.street is None:
            return _("全区流动红旗")
        return _("%(street)s流动红旗") % {"street": self.street.name}


def red_flags(
    user: User, district: District, months: Sequence[AssessmentMonth],
    street: Street | None = None,
) -> list[RedFlag]:  # fmt: skip
    """The flags of the months, of every street of the district (or of the one street) that the
    user reads whole, and of the district when they read all of it; by month, the district's
    first, then the streets' in the order of their codes."""
    whole_district = reads_whole(user, district)
    if street is not None:
        whole_streets = {street.pk} if reads_whole(user, district, street) else set()
    elif whole_district:
        whole_streets = None  # every one
    else:
        whole_streets = set(scope_of(user).ids(OFFICIALS, "street"))
    if not months or whole_streets == set():
        return []
    shown = published(CommunityScore.objects.visible_to(user), months).order_by()
    if street is not None:
        shown = shown.filter(community__street=street)
    else:
        shown = shown.filter(community__street__district=district)
    candidates = list(
        shown.annotate(
            street_best=Window(
                Max("total"), partition_by=[F("assessment_month"), F("community__street")]
            ),
            district_best=Window(Max("total"), partition_by=[F("assessment_month")]),
        )
        .filter(Q(total=F("street_best")) | Q(total=F("district_best")))
        .select_related("community__street")
    )
    computed = dict(
        IndicatorScore.objects.visible_to(user)
        .filter(community_score__in=[c.pk for c in candidates], indicator__kind=Kind.COMPUTED)
        .order_by()
        .values("community_score")
        .annotate(marks=Sum("score"))
        .values_list("community_score", "marks")
    )

    def _precedence(score: CommunityScore) -> tuple:
        return (-score.total, -computed.get(score.pk, 0), score.community.code)

    holders: dict[tuple[int, int | None], CommunityScore] = {}
    # Best first: the first candidate of a month holds the district's flag, the first of each
    # street that street's (every street's best is a candidate).
    for score in sorted(candidates, key=_precedence):
        holders.setdefault((score.assessment_month_id, score.community.street_id), score)
        if street is None and whole_district:
            holders.setdefault((score.assessment_month_id, None), score)
    flags = []
    for month in sorted(months, key=lambda m: m.month, reverse=True):
        if (month.pk, None) in holders:
            flags.append(RedFlag(month, None, holders[month.pk, None]))
        streets = {s.community.street for (m, key), s in holders.items() if m == month.pk and key}
        for each in sorted(streets, key=lambda s: (s.code or "", s.pk)):
            if whole_streets is None or each.pk in whole_streets:
                flags.append(RedFlag(month, each, holders[month.pk, each.pk]))
    return flags


def held_by(flags: Sequence[RedFlag]) -> dict[int, str]:
    """What each holding community holds, by community id: "全区流动红旗、东城街道流动红旗"."""
    held: dict[int, list[str]] = {}
    for flag in flags:
        held.setdefault(flag.holder.community_id, []).append(flag.label)
    return {community: "、".join(labels) for community, labels in held.items()}
