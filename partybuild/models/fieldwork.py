"""The party's field work: pairing (结对帮扶 / 五包) with its visits, 四个一, and in-service
members reporting to the community (双报到): the needs they claim and the hours they serve."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Max, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from partybuild.choices import FourOnesItem, NeedKind, NeedStatus, PairingKind, VisitEvery
from partybuild.models.members import OWN_FILE_ROLES
from partybuild.models.organization import PARTY_KEEPERS, PARTY_ROLES
from shequ.models import Community, Role, ScopedModel, ScopedQuerySet
from shequ.models.scoping import CHANGE, VIEW
from shequ.validators import not_in_future


class PairingQuerySet(ScopedQuerySet):
    def with_last_visit(self, until: datetime.date | None = None) -> PairingQuerySet:
        """Each pairing with the date of its newest visit (up to `until`)."""
        visits = PairingVisit.objects.filter(pairing=OuterRef("pk"))
        if until is not None:
            visits = visits.filter(visit__visited_on__lte=until)
        last = visits.order_by().values("pairing").annotate(day=Max("visit__visited_on"))
        return self.annotate(last_visit=Subquery(last.values("day")))

    def due_on(self, day: datetime.date) -> PairingQuerySet:
        """The pairings that should have been visited by `day`: going on that day and begun at
        least one period before it (a pair made last week is not late yet)."""
        begun = Q(pk__in=[])
        for days in VisitEvery.values:
            begun |= Q(visit_every_days=days, started_on__lte=day - datetime.timedelta(days=days))
        return self.filter(begun, Q(ended_on__isnull=True) | Q(ended_on__gt=day))

    @staticmethod
    def in_time(day: datetime.date) -> Q:
        """Of pairings annotated `with_last_visit`: visited within their period before `day`."""
        q = Q(pk__in=[])
        for days in VisitEvery.values:
            since = day - datetime.timedelta(days=days)
            q |= Q(visit_every_days=days, last_visit__gte=since)
        return q

    @staticmethod
    def late(day: datetime.date) -> Q:
        """Of pairings annotated `with_last_visit`: never visited, or not within their period."""
        q = Q(last_visit__isnull=True)
        for days in VisitEvery.values:
            since = day - datetime.timedelta(days=days)
            q |= Q(visit_every_days=days, last_visit__lt=since)
        return q

    def overdue(self, day: datetime.date) -> PairingQuerySet:
        return self.due_on(day).with_last_visit().filter(self.late(day))


class Pairing(ScopedModel):
    """结对帮扶 (五包): a member paired with a household in need. Ended, never deleted."""

    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="party_pairings", verbose_name=_("社区")
    )
    member = models.ForeignKey(
        "partybuild.PartyMember", on_delete=models.PROTECT, related_name="pairings",
        verbose_name=_("党员"),
    )  # fmt: skip
    household = models.ForeignKey(
        "residents.Household", on_delete=models.PROTECT, related_name="party_pairings",
        verbose_name=_("帮扶户"),
    )  # fmt: skip
    kind = models.CharField(_("帮扶类型"), max_length=20, choices=PairingKind.choices)
    started_on = models.DateField(
        _("结对日期"), default=timezone.localdate, validators=[not_in_future]
    )
    visit_every_days = models.PositiveSmallIntegerField(
        _("走访频次"), choices=VisitEvery.choices, default=VisitEvery.MONTH
    )
    ended_on = models.DateField(_("解除日期"), null=True, blank=True, validators=[not_in_future])
    end_reason = models.CharField(_("解除原因"), max_length=200, blank=True)
    notes = models.TextField(_("帮扶内容"), blank=True)
    history = HistoricalRecords()

    scope_roles = PARTY_ROLES

    objects = PairingQuerySet.as_manager()

    class Meta:
        verbose_name = _("结对帮扶")
        verbose_name_plural = _("结对帮扶")
        ordering = ["community_id", "ended_on", "-started_on", "pk"]
        indexes = [models.Index(fields=["community", "ended_on"], name="party_pairing_list")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="party_pairing_ended_after_started",
                violation_error_message=_("解除日期不能早于结对日期。"),
            ),
            models.UniqueConstraint(
                fields=["member", "household"],
                condition=Q(ended_on__isnull=True),
                name="party_pairing_one_open_per_pair",
                violation_error_message=_("这位党员已与这一户结对，请勿重复登记。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} — {self.household}"

    def get_absolute_url(self) -> str:
        return reverse("partybuild:pairing_detail", args=[self.pk])

    @property
    def open(self) -> bool:
        return self.ended_on is None

    def overdue(self, last_visit: datetime.date | None, today: datetime.date) -> bool:
        """One pairing's answer to `PairingQuerySet.overdue`: going, begun a period ago, and not
        visited within the period."""
        since = today - datetime.timedelta(days=self.visit_every_days)
        going = self.ended_on is None or self.ended_on > today
        return going and self.started_on <= since and not (last_visit and last_visit >= since)


class PairingVisit(ScopedModel):
    """A pairing's visit: the registry's Visit of the household (so its due list and the
    assessment count it), linked to the pairing whose member went."""

    pairing = models.ForeignKey(
        Pairing, on_delete=models.PROTECT, related_name="visits", verbose_name=_("结对帮扶")
    )
    visit = models.OneToOneField(
        "residents.Visit", on_delete=models.PROTECT, related_name="pairing_visit",
        verbose_name=_("走访记录"),
    )  # fmt: skip
    history = HistoricalRecords()

    scope_community = "pairing__community"
    scope_roles = PARTY_ROLES

    class Meta:
        verbose_name = _("结对走访")
        verbose_name_plural = _("结对走访")

    def __str__(self) -> str:
        return str(self.visit)


class FourOnesRecord(ScopedModel):
    """四个一: one item a member did in a year, dated. A report or a suggestion goes to the
    grievance desk as a case, linked here."""

    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="four_ones_records",
        verbose_name=_("社区"),
    )  # fmt: skip
    member = models.ForeignKey(
        "partybuild.PartyMember", on_delete=models.PROTECT, related_name="four_ones_records",
        verbose_name=_("党员"),
    )  # fmt: skip
    item = models.CharField(_("项目"), max_length=20, choices=FourOnesItem.choices)
    done_on = models.DateField(_("日期"), default=timezone.localdate, validators=[not_in_future])
    description = models.TextField(_("内容"))
    grievance = models.OneToOneField(
        "grievances.Grievance", on_delete=models.PROTECT, null=True, blank=True,
        related_name="four_ones_record", verbose_name=_("诉求"), editable=False,
    )  # fmt: skip
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("登记人"), editable=False,
    )  # fmt: skip
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    history = HistoricalRecords()

    scope_account = "member__account"
    # A member signed in as a resident records their own.
    scope_roles = {VIEW: PARTY_KEEPERS | {Role.RESIDENT}, CHANGE: PARTY_KEEPERS | {Role.RESIDENT}}

    class Meta:
        verbose_name = _("四个一")
        verbose_name_plural = _("四个一")
        ordering = ["-done_on", "-pk"]
        indexes = [models.Index(fields=["member", "done_on"], name="four_ones_by_member")]

    def __str__(self) -> str:
        return f"{self.done_on:%Y-%m-%d} {self.get_item_display()}"

    def get_absolute_url(self) -> str:
        return reverse("partybuild:fouronesrecord_detail", args=[self.pk])


class CommunityNeed(ScopedModel):
    """A community need that members reporting here claim (双报到): a post to take on (认领岗位)
    or a resident's small wish (微心愿)."""

    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="party_needs", verbose_name=_("社区")
    )
    kind = models.CharField(_("类型"), max_length=10, choices=NeedKind.choices)
    title = models.CharField(_("标题"), max_length=100)
    description = models.TextField(_("说明"), blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=NeedStatus.choices, default=NeedStatus.OPEN,
        editable=False,
    )  # fmt: skip
    posted_on = models.DateField(_("发布日期"), default=timezone.localdate, editable=False)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("发布人"), editable=False,
    )  # fmt: skip
    claimed_by = models.ForeignKey(
        "partybuild.PartyMember", on_delete=models.PROTECT, null=True, blank=True,
        related_name="claimed_needs", verbose_name=_("认领党员"), editable=False,
    )  # fmt: skip
    claimed_on = models.DateField(_("认领日期"), null=True, blank=True, editable=False)
    done_on = models.DateField(_("完成日期"), null=True, blank=True, editable=False)
    history = HistoricalRecords()

    # The members of the community, signed in as residents, read its board and claim from it.
    scope_account = "community__party_members__account"
    scope_roles = {
        VIEW: PARTY_KEEPERS | {Role.RESIDENT},
        CHANGE: PARTY_KEEPERS,
        "claim": PARTY_KEEPERS | {Role.RESIDENT},
    }

    class Meta:
        verbose_name = _("社区需求")
        verbose_name_plural = _("社区需求")
        ordering = ["community_id", "-posted_on", "-pk"]
        indexes = [models.Index(fields=["community", "status"], name="party_need_board")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=NeedStatus.OPEN) | Q(claimed_by__isnull=False),
                name="party_need_claimed_has_member",
                violation_error_message=_("已认领的需求须有认领党员。"),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("partybuild:need_detail", args=[self.pk])


class ServiceHours(ScopedModel):
    """Hours an in-service member served in the community."""

    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="party_service_hours",
        verbose_name=_("社区"),
    )  # fmt: skip
    member = models.ForeignKey(
        "partybuild.PartyMember", on_delete=models.PROTECT, related_name="service_hours",
        verbose_name=_("党员"),
    )  # fmt: skip
    served_on = models.DateField(
        _("服务日期"), default=timezone.localdate, validators=[not_in_future]
    )
    hours = models.DecimalField(_("时长（小时）"), max_digits=4, decimal_places=1)
    what = models.CharField(_("服务内容"), max_length=200)
    need = models.ForeignKey(
        CommunityNeed, on_delete=models.PROTECT, null=True, blank=True, related_name="hours",
        verbose_name=_("认领的需求"),
    )  # fmt: skip
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("登记人"), editable=False,
    )  # fmt: skip
    history = HistoricalRecords()

    scope_account = "member__account"
    scope_roles = OWN_FILE_ROLES

    class Meta:
        verbose_name = _("服务时长")
        verbose_name_plural = _("服务时长")
        ordering = ["-served_on", "-pk"]
        indexes = [models.Index(fields=["member", "served_on"], name="service_hours_by_member")]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0, hours__lte=24),
                name="party_service_hours_range",
                violation_error_message=_("时长须大于 0，且一天不超过 24 小时。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.served_on:%Y-%m-%d} {self.hours} h"

    def clean(self) -> None:
        if self.need_id and self.member_id and self.need.claimed_by_id != self.member_id:
            raise ValidationError({"need": _("只能选择这位党员认领的需求。")})
