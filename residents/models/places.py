from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Coalesce, Length
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from residents.choices import BuildingKind, HouseholdKind, Relation, Status
from shequ.models import Community, GridUnit, Role, ScopedModel
from shequ.models.scoping import CHANGE, VIEW
from shequ.validators import natural_sort_key, normalize_building_number

# Names never leave the community: officials read counts on the overview instead.
COMMUNITY_WORKERS = frozenset({Role.COMMUNITY_STAFF, Role.GRID_WORKER, Role.PARTY_WORKER})
REGISTRY_ROLES = {VIEW: COMMUNITY_WORKERS, CHANGE: frozenset({Role.COMMUNITY_STAFF})}


class Building(ScopedModel):
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="buildings", verbose_name=_("社区")
    )
    grid_unit = models.ForeignKey(
        GridUnit, on_delete=models.PROTECT, related_name="buildings", verbose_name=_("网格")
    )
    number = models.CharField(_("楼栋号"), max_length=20, help_text=_("例如 8 或 8号楼"))
    # The number with its digit runs zero-padded, so buildings sort 1, 2, 10 and not 1, 10, 2.
    sort_key = models.CharField(max_length=60, editable=False, default="")
    address = models.CharField(_("地址"), max_length=200, blank=True)
    kind = models.CharField(
        _("类型"), max_length=10, choices=BuildingKind.choices, default=BuildingKind.BLOCK
    )
    units = models.PositiveSmallIntegerField(_("单元数"), default=1)
    floors = models.PositiveSmallIntegerField(_("层数"), default=1)
    has_elevator = models.BooleanField(_("有电梯"), default=False)
    chief = models.ForeignKey(
        "residents.Resident", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("楼栋长"),
    )  # fmt: skip
    history = HistoricalRecords()

    scope_grid_unit = "grid_unit"
    scope_roles = REGISTRY_ROLES

    class Meta:
        verbose_name = _("楼栋")
        verbose_name_plural = _("楼栋")
        ordering = ["community_id", "sort_key", "number"]
        indexes = [models.Index(fields=["community", "sort_key"], name="building_list_order")]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "number"],
                name="building_number_unique_in_community",
                violation_error_message=_("本社区已有这个楼栋号。"),
            ),
            models.CheckConstraint(
                condition=models.Q(units__gte=1, floors__gte=1, floors__lte=200),
                name="building_units_floors_positive",
                violation_error_message=_("单元数至少为 1，层数在 1 至 200 之间。"),
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return (
            self.number if self.number.endswith(("楼", "栋", "号", "排")) else f"{self.number}号楼"
        )

    def get_absolute_url(self) -> str:
        return reverse("residents:building_detail", args=[self.pk])

    def save(self, *args, **kwargs) -> None:
        self.sort_key = natural_sort_key(self.number)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "number" in update_fields:
            kwargs["update_fields"] = {*update_fields, "sort_key"}
        super().save(*args, **kwargs)

    def clean(self) -> None:
        # Every way in (form, admin) stores one spelling, so the unique constraint sees 1号楼 = 1.
        self.number = normalize_building_number(self.number)
        if (
            self.grid_unit_id
            and self.community_id
            and self.grid_unit.community_id != self.community_id
        ):
            raise ValidationError({"grid_unit": _("网格必须属于本社区。")})


class Household(ScopedModel):
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="households", verbose_name=_("社区")
    )
    building = models.ForeignKey(
        Building, on_delete=models.PROTECT, related_name="households", verbose_name=_("楼栋")
    )
    unit = models.PositiveSmallIntegerField(_("单元"), null=True, blank=True)
    room = models.CharField(_("门牌/室"), max_length=20)
    number = models.CharField(_("户号"), max_length=30)
    kind = models.CharField(
        _("户别"), max_length=12, choices=HouseholdKind.choices, default=HouseholdKind.FAMILY
    )
    head = models.ForeignKey(
        "residents.Resident", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("户主"),
    )  # fmt: skip
    history = HistoricalRecords()

    scope_grid_unit = "building__grid_unit"
    scope_roles = REGISTRY_ROLES

    class Meta:
        verbose_name = _("户")
        verbose_name_plural = _("户")
        # Rooms in natural order within a unit: 301 before 1202, as numbered rooms have no
        # leading zeros and the shorter number is the lower floor.
        ordering = ["building_id", "unit", Length("room"), "room"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "number"],
                name="household_number_unique_in_community",
                violation_error_message=_("本社区已有这个户号。"),
            ),
            models.UniqueConstraint(
                "building",
                Coalesce("unit", 0),
                "room",
                name="household_dwelling_unique",
                violation_error_message=_("这栋楼的这个单元、门牌已登记过一户。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.building.label}{self.address_in_building}"

    @property
    def address_in_building(self) -> str:
        return f"{self.unit}单元{self.room}" if self.unit else self.room

    def get_absolute_url(self) -> str:
        return reverse("residents:household_detail", args=[self.pk])

    def living_head_besides(self, resident_pk: int | None):
        """The living 户主 of this household other than the given resident, if there is one."""
        heads = self.members.filter(relation_to_head=Relation.HEAD, status=Status.LIVING)
        return heads.exclude(pk=resident_pk).first() if resident_pk else heads.first()

    def sync_head(self) -> None:
        """`head` follows the living member registered as 户主 (at most one, by constraint)."""
        living_head = self.members.filter(relation_to_head=Relation.HEAD, status=Status.LIVING)
        head = living_head.first()
        if self.head_id != (head.pk if head else None):
            self.head = head
            self.save(update_fields=["head"])

    def clean(self) -> None:
        if not (self.building_id and self.community_id):
            return
        if self.building.community_id != self.community_id:
            raise ValidationError({"building": _("楼栋必须属于本社区。")})
        if self.unit and self.unit > self.building.units:
            raise ValidationError(
                {"unit": _("这栋楼只有 %(units)s 个单元。") % {"units": self.building.units}}
            )
