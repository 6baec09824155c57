"""四无 and the awards it opens.

Each quarter a grid worker records, for every building of their grid units, whether it kept the
four-no target: no dirt or mess; no pornography, gambling or drugs; no theft or fire; no
quarrels or fights. A building that kept all four in every quarter of a year is a candidate for
文明楼院, and its living households for 文明户; community staff confirm or decline each one, and
the confirmed ones make the community's list for the year. Once a building's award of a year is
decided, its records of that year stand as they were decided on."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from grievances.choices import Kind as GrievanceKind
from grievances.models import Grievance
from residents.choices import Status
from residents.models import Building, Household, Resident
from residents.models.fieldwork import FIELD_ROLES
from residents.models.places import COMMUNITY_WORKERS
from shequ.metrics import Quarter
from shequ.models import Community, Role, ScopedModel
from shequ.models.scoping import CHANGE, VIEW


def award_year() -> int:
    """The latest year whose four quarters have all ended: the one awards are decided for."""
    return timezone.localdate().year - 1


@dataclass(frozen=True)
class Item:
    """One of the four: its field, its label, and what in a grievance or a field-log entry
    suggests it (the category codes of the grievance desk, words of the text), to show the
    worker beside it."""

    field: str
    label: str
    wording: str
    categories: tuple[str, ...]
    words: tuple[str, ...]

    @property
    def note(self) -> str:
        return f"{self.field}_note"


ITEMS = (
    Item("no_mess", _("无脏乱差"), _("清洁卫生无脏、乱、差"), ("sanitation", "order"),
         ("垃圾", "杂物", "卫生", "脏", "乱堆", "乱放", "乱停", "污水", "异味")),
    Item("no_vice", _("无黄赌毒"), _("居民无黄、赌、毒"), (),
         ("赌", "毒", "黄色", "卖淫", "嫖娼")),
    Item("no_theft_or_fire", _("无偷盗失火"), _("楼栋无偷盗、失火"), ("security",),
         ("盗", "偷", "失窃", "撬", "失火", "火灾", "起火", "着火")),
    Item("no_fights", _("无口角打架"), _("无口角纠纷、打架斗殴"), ("neighbours",),
         ("吵", "纠纷", "打架", "斗殴", "争执", "矛盾")),
)  # fmt: skip
PASSED = Q(**{item.field: True for item in ITEMS})


def _kept(item: Item) -> models.BooleanField:
    return models.BooleanField(item.label, choices=[(True, _("达标")), (False, _("未达标"))])


def _note(item: Item) -> models.TextField:
    return models.TextField(
        format_lazy("{}说明", item.label), blank=True,
        help_text=_("未达标时写明发生了什么、在哪里。"),
    )  # fmt: skip


def _failure_noted(item: Item) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{item.field: True}) | ~Q(**{item.note: ""}),
        name=f"four_no_{item.field}_failure_noted",
        violation_error_message=_("未达标须写明情况。"),
    )


class FourNoRecord(ScopedModel):
    """四无记录: one building's quarter, item by item, as its grid worker found it."""

    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="four_no_records",
        verbose_name=_("社区"),
    )  # fmt: skip
    building = models.ForeignKey(
        Building, on_delete=models.PROTECT, related_name="four_no_records",
        verbose_name=_("楼栋"),
    )  # fmt: skip
    year = models.PositiveSmallIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(_("季度"))
    no_mess, no_mess_note = _kept(ITEMS[0]), _note(ITEMS[0])
    no_vice, no_vice_note = _kept(ITEMS[1]), _note(ITEMS[1])
    no_theft_or_fire, no_theft_or_fire_note = _kept(ITEMS[2]), _note(ITEMS[2])
    no_fights, no_fights_note = _kept(ITEMS[3]), _note(ITEMS[3])
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("录入人"),
    )  # fmt: skip
    entered_at = models.DateTimeField(_("录入时间"), auto_now=True)
    history = HistoricalRecords()

    scope_grid_unit = "building__grid_unit"
    # Fieldwork, as the field log is: grid workers and community staff enter it, party
    # workers read it; officials read only the counts.
    scope_roles = FIELD_ROLES

    class Meta:
        verbose_name = _("四无记录")
        verbose_name_plural = _("四无记录")
        ordering = ["building", "year", "quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["building", "year", "quarter"], name="four_no_record_unique",
                violation_error_message=_("这栋楼这个季度已有四无记录。"),
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="four_no_record_quarter",
                violation_error_message=_("季度须在 1 到 4 之间。"),
            ),
            *(_failure_noted(item) for item in ITEMS),
        ]  # fmt: skip
        indexes = [models.Index(fields=["community", "year", "quarter"])]

    def __str__(self) -> str:
        return f"{self.building} {self.period.label}"

    def get_absolute_url(self) -> str:
        return reverse("assessments:fournorecord_edit", args=[self.pk])

    @property
    def period(self) -> Quarter:
        return Quarter(self.year, self.quarter)

    @property
    def passed(self) -> bool:
        return all(getattr(self, item.field) for item in ITEMS)

    @property
    def failed_items(self) -> list[Item]:
        return [item for item in ITEMS if getattr(self, item.field) is False]


def passed_buildings(year: int) -> QuerySet:
    """The ids of the buildings that kept all four in every quarter of the year."""
    return (
        FourNoRecord.objects.filter(PASSED, year=year)
        .values("building")
        .annotate(quarters=Count("pk"))
        .filter(quarters=4)
        .values("building")
    )


def households_of(buildings, year: int) -> QuerySet[Household]:
    """The living households of these buildings, each marked `in_dispute` when one of its
    people brought a dispute (纠纷) to the desk in the year: a party to a quarrel, whom the
    grievance desk names, is no 文明户 that year. A field-log entry only says who was
    involved, not who caused it, so it leaves nobody out (the candidate list shows it)."""
    living = Resident.objects.filter(household=OuterRef("pk"), status=Status.LIVING)
    disputes = Grievance.objects.filter(
        kind=GrievanceKind.DISPUTE, year=year, resident__household=OuterRef("pk")
    )
    return (
        Household.objects.filter(Exists(living), building__in=buildings)
        .annotate(in_dispute=Exists(disputes))
    )  # fmt: skip


def candidate_households(year: int) -> QuerySet[Household]:
    return households_of(passed_buildings(year), year).filter(in_dispute=False)


class Decision(models.TextChoices):
    CONFIRMED = "confirmed", _("确认授予")
    DECLINED = "declined", _("不予评选")


class CivilityAward(ScopedModel):
    """文明楼院 (a building) or 文明户 (a household, with its building) of a year, as community
    staff decided it."""

    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="civility_awards",
        verbose_name=_("社区"),
    )  # fmt: skip
    year = models.PositiveSmallIntegerField(_("年度"))
    building = models.ForeignKey(
        Building, on_delete=models.PROTECT, related_name="civility_awards",
        verbose_name=_("楼栋"),
    )  # fmt: skip
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, null=True, blank=True,
        related_name="civility_awards", verbose_name=_("户"),
        help_text=_("评文明户时选择；不选即评文明楼院。"),
    )  # fmt: skip
    decision = models.CharField(_("评定"), max_length=10, choices=Decision.choices)
    reason = models.TextField(_("不予评选的理由"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("评定人"),
    )  # fmt: skip
    decided_at = models.DateTimeField(_("评定时间"), auto_now=True)
    history = HistoricalRecords()

    scope_grid_unit = "building__grid_unit"
    scope_roles = {VIEW: COMMUNITY_WORKERS, CHANGE: frozenset({Role.COMMUNITY_STAFF})}

    class Meta:
        verbose_name = _("文明评选")
        verbose_name_plural = _("文明评选")
        ordering = ["community", "year", "building", "household"]
        constraints = [
            models.UniqueConstraint(
                fields=["building", "year"], condition=Q(household__isnull=True),
                name="civility_award_building_unique",
                violation_error_message=_("这栋楼这一年已评定过文明楼院。"),
            ),
            models.UniqueConstraint(
                fields=["household", "year"], condition=Q(household__isnull=False),
                name="civility_award_household_unique",
                violation_error_message=_("这一户这一年已评定过文明户。"),
            ),
            models.CheckConstraint(
                condition=Q(decision=Decision.CONFIRMED) | ~Q(reason=""),
                name="civility_award_decline_reasoned",
                violation_error_message=_("不予评选须写明理由。"),
            ),
        ]  # fmt: skip
        indexes = [models.Index(fields=["community", "year"])]

    def __str__(self) -> str:
        return f"{self.year} {self.title} {self.household or self.building}"

    @property
    def title(self) -> str:
        return str(_("文明户") if self.household_id else _("文明楼院"))


def undecided(records: QuerySet[FourNoRecord]) -> QuerySet[FourNoRecord]:
    """The records whose building has no award decided for their year yet: the ones that may
    still be corrected."""
    decided = CivilityAward.objects.filter(building=OuterRef("building"), year=OuterRef("year"))
    return records.exclude(Exists(decided))
