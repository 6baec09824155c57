from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from residents.models.people import Resident
from residents.models.places import COMMUNITY_WORKERS, Building, Household
from shequ.models import Community, GridUnit, Role, ScopedModel
from shequ.models.scoping import CHANGE, VIEW
from shequ.validators import not_in_future

FIELD_ROLES = {VIEW: COMMUNITY_WORKERS, CHANGE: frozenset({Role.COMMUNITY_STAFF, Role.GRID_WORKER})}


class Visit(ScopedModel):
    """走访: a recorded visit to a household, and to whom in it."""

    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="visits", verbose_name=_("社区")
    )
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="visits", verbose_name=_("户")
    )
    residents = models.ManyToManyField(
        Resident, blank=True, related_name="visits", verbose_name=_("走访对象")
    )
    visited_on = models.DateField(
        _("走访日期"), default=timezone.localdate, validators=[not_in_future]
    )
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("走访人"),
    )
    notes = models.TextField(_("走访情况"))
    follow_up = models.TextField(_("需跟进的问题"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    scope_grid_unit = "household__building__grid_unit"
    scope_roles = FIELD_ROLES

    class Meta:
        verbose_name = _("走访记录")
        verbose_name_plural = _("走访记录")
        ordering = ["-visited_on", "-pk"]
        # A household's last visit, read backwards: one index entry for each resident asking
        # (the must-visit list, the monthly assessment's visits in time).
        indexes = [models.Index(fields=["household", "visited_on"], name="visit_household_date")]

    def __str__(self) -> str:
        return f"{self.visited_on:%Y-%m-%d} {self.household}"

    @classmethod
    def last_of_household(cls, until: datetime.date | None = None) -> Subquery:
        """The date of the newest visit to the outer row's household, up to `until`."""
        visits = cls.objects.filter(household=OuterRef("household"))
        if until is not None:
            visits = visits.filter(visited_on__lte=until)
        return Subquery(visits.order_by("-visited_on").values("visited_on")[:1])

    def get_absolute_url(self) -> str:
        return reverse("residents:visit_detail", args=[self.pk])

    def check_residents_born(self, residents) -> None:
        """Nobody is visited before they were born (the people named are not set until saved,
        so the form calls this with its chosen ones)."""
        if not self.visited_on:
            return
        unborn = [r.name for r in residents if r.birth_date and r.birth_date > self.visited_on]
        if unborn:
            raise ValidationError(
                _("走访日期早于%(names)s的出生日期。"),
                code="before_birth",
                params={"names": "、".join(unborn)},
            )


class FieldLogEntry(ScopedModel):
    """民情日志: what a grid worker saw on their round and what they did about it."""

    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="field_log", verbose_name=_("社区")
    )
    grid_unit = models.ForeignKey(
        GridUnit, on_delete=models.PROTECT, related_name="field_log", verbose_name=_("网格")
    )
    building = models.ForeignKey(
        Building, on_delete=models.PROTECT, null=True, blank=True, related_name="field_log",
        verbose_name=_("楼栋"),
    )  # fmt: skip
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="field_log",
        verbose_name=_("记录人"),
    )  # fmt: skip
    date = models.DateField(_("日期"), default=timezone.localdate, validators=[not_in_future])
    seen = models.TextField(_("民情（看到、听到的）"))
    done = models.TextField(_("处理情况"), blank=True)
    residents = models.ManyToManyField(
        Resident, blank=True, related_name="field_log", verbose_name=_("涉及居民")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    scope_grid_unit = "grid_unit"
    # Supervisors (community staff) comment on grid workers' entries.
    scope_roles = {**FIELD_ROLES, "comment": frozenset({Role.COMMUNITY_STAFF})}

    class Meta:
        verbose_name = _("民情日志")
        verbose_name_plural = _("民情日志")
        ordering = ["-date", "-pk"]
        indexes = [
            models.Index(fields=["grid_unit", "-date"]),
            models.Index(fields=["author", "-date"]),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.grid_unit}"

    def get_absolute_url(self) -> str:
        return reverse("residents:fieldlogentry_detail", args=[self.pk])

    @classmethod
    def authors_visible_to(cls, user):
        from shequ.models import User

        visible = cls.objects.visible_to(user).values("author")
        return User.objects.filter(pk__in=visible).order_by("name")


class FieldLogComment(models.Model):
    """A supervisor's remark on an entry; scoped through the entry it belongs to."""

    entry = models.ForeignKey(
        FieldLogEntry, on_delete=models.CASCADE, related_name="comments", verbose_name=_("日志")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("批注人"),
    )
    text = models.TextField(_("批注"))
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("日志批注")
        verbose_name_plural = _("日志批注")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.text[:30]
