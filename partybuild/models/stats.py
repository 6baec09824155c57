"""三会一课 figures per community and quarter, so officials read a district's compliance without
computing every branch of it (the shape of residents' PopulationSnapshot; see
shequ/snapshots.py).

A row holds what `compliance.community_figures` gives for the community's branches in the
quarter as of `computed_at`. Past quarters change only when a record of them is entered late
(a meeting, an exemption, a member's event or a branch's dates); the current quarter also
changes at midnight after each month's last day, when its cells fall due, which the nightly
refresh right after midnight catches."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from shequ.metrics import Quarter
from shequ.models import Community, Role, ScopedModel
from shequ.models.scoping import CHANGE, VIEW

FIGURES = ("held", "required", "branches", "missing")


def _figure(label: str) -> models.PositiveIntegerField:
    return models.PositiveIntegerField(label, default=0)


class ComplianceQuarter(ScopedModel):
    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="compliance_quarters",
        verbose_name=_("社区"),
    )  # fmt: skip
    quarter = models.DateField(_("季度"), help_text=_("季度第一天。"))
    held = _figure(_("已召开"))
    required = _figure(_("应召开"))
    branches = _figure(_("党支部"))
    missing = _figure(_("有缺项的支部"))
    computed_at = models.DateTimeField(_("统计时间"))

    # Officials read the district's rows; the community's own keepers read its table live.
    scope_roles = {VIEW: frozenset({Role.OFFICIAL}), CHANGE: frozenset()}

    class Meta:
        verbose_name = _("三会一课季度统计")
        verbose_name_plural = _("三会一课季度统计")
        constraints = [
            models.UniqueConstraint(
                fields=["community", "quarter"], name="compliance_quarter_unique"
            )
        ]
        indexes = [models.Index(fields=["quarter", "community"], name="compliance_quarter_period")]

    def __str__(self) -> str:
        return f"{self.community_id} {Quarter.of(self.quarter)}"
