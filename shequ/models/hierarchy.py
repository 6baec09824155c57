"""District → Street → Community → GridUnit: the places everything else belongs to.

GridUnit sits here rather than in the residents app because role assignments are scoped to it:
a grid worker's reach is a set of grid units, and the scoping mechanism must know them.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from shequ.models.roles import Role
from shequ.models.scoping import CHANGE, VIEW, ScopedModel, scope_of
from shequ.validators import (
    validate_community_code,
    validate_district_code,
    validate_street_code,
)

_READ_ONLY_REFERENCE = {
    VIEW: frozenset(Role) - {Role.RESIDENT},
    CHANGE: frozenset(),
}


class District(ScopedModel):
    name = models.CharField(_("名称"), max_length=50)
    code = models.CharField(
        _("区划代码"),
        max_length=6,
        unique=True,
        validators=[validate_district_code],
        help_text=_("GB/T 2260 的 6 位代码，例如 370302。"),
    )
    history = HistoricalRecords()

    scope_roles = _READ_ONLY_REFERENCE

    class Meta:
        verbose_name = _("区")
        verbose_name_plural = _("区")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def scope_filter(cls, user, roles) -> Q:
        streets = Street.objects.filter(Street.scope_filter(user, roles)).values("district")
        return Q(pk__in=sorted(scope_of(user).ids(roles, "district"))) | Q(pk__in=streets)


class Street(ScopedModel):
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="streets", verbose_name=_("所属区")
    )
    name = models.CharField(_("名称"), max_length=50)
    code = models.CharField(
        _("街道代码"),
        max_length=9,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_street_code],
        help_text=_("统计用区划代码的前 9 位；可不填。"),
    )
    history = HistoricalRecords()

    scope_roles = _READ_ONLY_REFERENCE

    class Meta:
        verbose_name = _("街道")
        verbose_name_plural = _("街道")
        ordering = ["district__code", "code", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "name"], name="street_name_unique_in_district"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.code = self.code or None
        if self.code and self.district_id and not self.code.startswith(self.district.code):
            raise ValidationError(
                {
                    "code": _("街道代码应以所属区的区划代码 %(code)s 开头。")
                    % {"code": self.district.code}
                }
            )

    @classmethod
    def scope_filter(cls, user, roles) -> Q:
        scope = scope_of(user)
        communities = Community.objects.filter(Community.scope_filter(user, roles)).values("street")
        return (
            Q(pk__in=sorted(scope.ids(roles, "street")))
            | Q(district__in=sorted(scope.ids(roles, "district")))
            | Q(pk__in=communities)
        )


class Community(ScopedModel):
    street = models.ForeignKey(
        Street, on_delete=models.PROTECT, related_name="communities", verbose_name=_("所属街道")
    )
    name = models.CharField(_("名称"), max_length=50)
    code = models.CharField(
        _("统计用区划代码"),
        max_length=12,
        unique=True,
        validators=[validate_community_code],
        help_text=_("12 位，前 6 位为所属区的区划代码。"),
    )
    address = models.CharField(_("办公地址"), max_length=200, blank=True)
    phone = models.CharField(_("办公电话"), max_length=30, blank=True)
    history = HistoricalRecords()

    scope_community = "pk"
    scope_roles = {VIEW: frozenset(Role), CHANGE: frozenset({Role.COMMUNITY_STAFF})}

    class Meta:
        verbose_name = _("社区")
        verbose_name_plural = _("社区")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("community_detail", args=[self.pk])

    def clean(self) -> None:
        if not (self.code and self.street_id):
            return
        district_code = self.street.district.code
        if not self.code.startswith(district_code):
            raise ValidationError(
                {
                    "code": _("社区代码前 6 位应为所属区的区划代码 %(code)s。")
                    % {"code": district_code}
                }
            )
        if self.street.code and not self.code.startswith(self.street.code):
            raise ValidationError(
                {
                    "code": _("社区代码前 9 位应为所属街道的代码 %(code)s。")
                    % {"code": self.street.code}
                }
            )


class GridUnit(ScopedModel):
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="grid_units", verbose_name=_("所属社区")
    )
    number = models.PositiveSmallIntegerField(_("网格序号"))
    name = models.CharField(_("名称"), max_length=50)
    history = HistoricalRecords()

    scope_grid_unit = "pk"

    class Meta:
        verbose_name = _("网格")
        verbose_name_plural = _("网格")
        ordering = ["community__code", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "number"],
                name="grid_unit_number_unique",
                violation_error_message=_("这个社区已有该序号的网格。"),
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1, number__lte=999),
                name="grid_unit_number_range",
                violation_error_message=_("网格序号应在 1 至 999 之间。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def code(self) -> str:
        """The community's 12-digit code followed by the 3-digit sequence."""
        return f"{self.community.code}{self.number:03d}"


class Department(ScopedModel):
    """A city or district department (城管, 住建, 市场监管, 公安派出所 …) that answers the cases
    escalated to it. Not a place: every signed-in worker may pick it as a target; its handlers
    reach only the rows escalated to it."""

    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="departments",
        verbose_name=_("所属区"),
        help_text=_("市级部门不填。"),
    )
    name = models.CharField(_("名称"), max_length=50, unique=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    active = models.BooleanField(_("在用"), default=True)
    history = HistoricalRecords()

    scope_roles = {VIEW: frozenset(Role) - {Role.RESIDENT}, CHANGE: frozenset()}

    class Meta:
        verbose_name = _("职能部门")
        verbose_name_plural = _("职能部门")
        ordering = ["district_id", "name"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def scope_filter(cls, user, roles) -> Q:
        return Q()
