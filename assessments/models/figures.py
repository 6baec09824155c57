"""考核看板's figures of an area — a district, or one street of it — in one publication of a
month: how many communities, their mean total, the spread of the total and of each indicator,
the red flag's holder, and the inspections missing or late.

Computed once from the published rows (`assessments.dashboards.refresh_area_figures`), after
publication and whenever a page finds them missing. A publication's rows never change, so its
figures never go stale, and a month published again (an accepted appeal) has figures of its own
beside the earlier ones: nothing needs rewriting. Pages then read a row per month and area
instead of a thousand communities' scores, however large the district.

Officials read them: a district's every area of the district, a street's their street's. Those
are exactly who read all of an area's communities, so the figures are the area's own and never
those of the part of it someone happens to see.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from assessments.models.scores import AssessmentMonth
from shequ.models import Community, District, Role, ScopedModel, Street
from shequ.models.scoping import CHANGE, VIEW, scope_of


def _marks(label: str, **kwargs) -> models.DecimalField:
    return models.DecimalField(label, max_digits=7, decimal_places=2, **kwargs)


class AreaFigures(ScopedModel):
    assessment_month = models.ForeignKey(
        AssessmentMonth, on_delete=models.CASCADE, related_name="area_figures",
        verbose_name=_("月考核"),
    )  # fmt: skip
    publication = models.PositiveSmallIntegerField(_("发布版次"))
    district = models.ForeignKey(
        District, on_delete=models.CASCADE, related_name="+", verbose_name=_("区")
    )
    # None: the whole district.
    street = models.ForeignKey(
        Street, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
        verbose_name=_("街道"),
    )  # fmt: skip
    communities = models.PositiveIntegerField(_("社区数"))
    mean = _marks(_("平均总分"), null=True)  # None: no community scored in the area
    # The total's least, quartiles and greatest, as text ("93.50") to keep the cents exact.
    spread = models.JSONField(_("总分分布"))
    # Indicator id → [mean, least, lower quartile, median, upper quartile, greatest].
    by_indicator = models.JSONField(_("各指标"))
    holder = models.ForeignKey(
        Community, on_delete=models.CASCADE, null=True, related_name="+",
        verbose_name=_("流动红旗"),
    )  # fmt: skip
    holder_total = _marks(_("流动红旗社区总分"), null=True)
    cells = models.PositiveIntegerField(_("应检查"))
    missing = models.PositiveIntegerField(_("未检查"))
    entered = models.PositiveIntegerField(_("已录入"))
    late = models.PositiveIntegerField(_("逾期录入"))
    # Inspector's name → [entered, late].
    by_inspector = models.JSONField(_("各检查人"))
    computed_at = models.DateTimeField(_("计算时间"), auto_now_add=True)

    scope_roles = {VIEW: frozenset({Role.OFFICIAL}), CHANGE: frozenset()}

    class Meta:
        verbose_name = _("考核看板数据")
        verbose_name_plural = _("考核看板数据")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment_month", "publication", "street"], name="area_figures_unique"
            ),
            models.UniqueConstraint(
                fields=["assessment_month", "publication"], condition=Q(street=None),
                name="area_figures_district_unique",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.street or self.district} {self.assessment_month.month:%Y-%m}"

    @classmethod
    def scope_filter(cls, user, roles) -> Q:
        scope = scope_of(user)
        return Q(district__in=sorted(scope.ids(roles, "district"))) | Q(
            street__in=sorted(scope.ids(roles, "street"))
        )
