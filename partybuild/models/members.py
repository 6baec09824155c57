from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from partybuild.choices import MEMBER_KINDS, Category, EventKind, MemberStatus
from partybuild.models.organization import PARTY_KEEPERS, years_after
from shequ.models import Community, Role, ScopedModel, ScopedQuerySet
from shequ.models.scoping import CHANGE, VIEW
from shequ.validators import not_in_future

# A probationary member may become a full member one year after admission (党章第七条).
PROBATION_YEARS = 1
# Nobody is admitted before their eighteenth birthday (党章第一条).
ADMISSION_AGE = 18
# The member reads their own file, signed in as a resident.
OWN_FILE_ROLES = {VIEW: PARTY_KEEPERS | {Role.RESIDENT}, CHANGE: PARTY_KEEPERS}


class PartyMemberQuerySet(ScopedQuerySet):
    def in_organization_on(self, organizations, day: datetime.date) -> PartyMemberQuerySet:
        """The members who belonged to one of these organisations on `day`, by each member's
        last event on or before it: a member who moved, left or joined later is placed where
        the file said then."""
        last = (
            MemberEvent.objects.filter(member=OuterRef("pk"), happened_on__lte=day)
            .order_by("-happened_on", "-pk")
            .values("organization")[:1]
        )
        return self.annotate(organization_then=Subquery(last)).filter(
            organization_then__in=organizations
        )


class PartyMember(ScopedModel):
    """党员电子档案: a resident's party file. Never deleted: a transfer out, a suspension or a
    death is a status with its event, and the file stays with its history."""

    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="party_members", verbose_name=_("社区")
    )
    resident = models.OneToOneField(
        "residents.Resident", on_delete=models.PROTECT, related_name="party_member",
        verbose_name=_("居民"),
    )  # fmt: skip
    organization = models.ForeignKey(
        "partybuild.PartyOrganization", on_delete=models.PROTECT, related_name="members",
        verbose_name=_("所在党组织"), limit_choices_to={"kind__in": MEMBER_KINDS},
    )  # fmt: skip
    category = models.CharField(
        _("党员类别"), max_length=20, choices=Category.choices, default=Category.RESIDENT
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=MemberStatus.choices, default=MemberStatus.ACTIVE,
        editable=False,
    )  # fmt: skip
    joined_on = models.DateField(
        _("入党日期"), validators=[not_in_future], help_text=_("被接收为预备党员的日期。")
    )
    full_on = models.DateField(
        _("转正日期"), null=True, blank=True, editable=False,
        help_text=_("预备党员转为正式党员的日期；预备期内为空。"),
    )  # fmt: skip
    post = models.CharField(
        _("一人一岗"), max_length=50, blank=True,
        help_text=_("在社区承担的岗位，例如：楼栋信息员、政策宣传员、环境监督员。"),
    )  # fmt: skip
    zone = models.ManyToManyField(
        "residents.Building", blank=True, related_name="party_members",
        verbose_name=_("党员责任区"), help_text=_("这位党员联系的楼栋。"),
    )  # fmt: skip
    work_unit = models.CharField(
        _("工作单位"), max_length=100, blank=True, help_text=_("在职党员的单位（组织关系所在）。")
    )
    reported_on = models.DateField(
        _("到社区报到日期"), null=True, blank=True, validators=[not_in_future],
        help_text=_("在职党员到社区报到（双报到）的日期。"),
    )  # fmt: skip
    floating_to = models.CharField(
        _("外出去向"), max_length=100, blank=True, help_text=_("流动党员外出所在地和单位。")
    )
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="party_member", verbose_name=_("登录账户"),
        help_text=_("党员本人的居民账户：登录后可查看自己的档案、组织生活和四个一。"),
    )  # fmt: skip
    notes = models.TextField(_("备注"), blank=True)
    history = HistoricalRecords(m2m_fields=["zone"])

    scope_account = "account"
    scope_roles = OWN_FILE_ROLES

    objects = PartyMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("党员")
        verbose_name_plural = _("党员")
        ordering = ["community_id", "organization_id", "joined_on", "pk"]
        indexes = [
            models.Index(fields=["community", "status", "organization"], name="party_member_list")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(full_on__isnull=True) | Q(full_on__gte=models.F("joined_on")),
                name="party_member_full_after_joined",
                violation_error_message=_("转正日期不能早于入党日期。"),
            ),
            models.CheckConstraint(
                condition=~Q(category=Category.IN_SERVICE) | ~Q(work_unit=""),
                name="party_member_in_service_has_unit",
                violation_error_message=_("在职党员须填写工作单位。"),
            ),
        ]

    def __str__(self) -> str:
        return self.resident.name

    def get_absolute_url(self) -> str:
        return reverse("partybuild:member_detail", args=[self.pk])

    def clean(self) -> None:
        errors = {}
        resident = self.resident if self.resident_id else None
        adult_on = (
            resident and resident.birth_date and years_after(resident.birth_date, ADMISSION_AGE)
        )
        if adult_on and self.joined_on and self.joined_on < adult_on:
            errors["joined_on"] = _("入党日期须在年满 18 周岁之后（出生于 %(birth)s）。") % {
                "birth": f"{resident.birth_date:%Y-%m-%d}"
            }
        if self.organization_id:
            if self.organization.kind not in MEMBER_KINDS:
                errors["organization"] = _("党员须编入党支部或党小组。")
            elif resident and self.organization.community_id != resident.community_id:
                errors["organization"] = _("所在党组织须与居民在同一社区。")
        if self.reported_on and self.category != Category.IN_SERVICE:
            errors["reported_on"] = _("只有在职党员登记到社区报到日期。")
        if errors:
            raise ValidationError(errors)

    @property
    def name(self) -> str:
        return self.resident.name

    @property
    def probationary(self) -> bool:
        return self.full_on is None

    @property
    def probation_due(self) -> datetime.date:
        """The first day the branch may confirm a probationary member."""
        return years_after(self.joined_on, PROBATION_YEARS)

    def probation_overdue(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return (
            self.probationary and self.status == MemberStatus.ACTIVE and self.probation_due < today
        )

    @property
    def active(self) -> bool:
        return self.status == MemberStatus.ACTIVE


class LetterCounter(models.Model):
    """The last introduction-letter number a community gave in a year, taken under a row lock in
    the transferring transaction, so a rolled-back transfer gives its number back."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community", "year"], name="letter_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.community_id}/{self.year}: {self.last}"


class MemberEvent(ScopedModel):
    """One change in a party file: registration, transfer in or out with its introduction
    letter, the letter's receipt, confirmation, suspension, death. Appended, never changed."""

    member = models.ForeignKey(
        PartyMember, on_delete=models.PROTECT, related_name="events", verbose_name=_("党员")
    )
    kind = models.CharField(_("事项"), max_length=20, choices=EventKind.choices)
    # Where the member belongs after this event (none once transferred out, suspended or dead),
    # so who was in a branch on any day is read from the events, not from today's file.
    organization = models.ForeignKey(
        "partybuild.PartyOrganization", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("所在党组织"),
    )  # fmt: skip
    happened_on = models.DateField(_("日期"), validators=[not_in_future])
    counterpart = models.CharField(
        _("对方党组织"), max_length=100, blank=True,
        help_text=_("转入时为转出的党组织，转出时为接收的党组织。"),
    )  # fmt: skip
    letter_year = models.PositiveSmallIntegerField(_("介绍信年度"), null=True, blank=True)
    letter_number = models.PositiveIntegerField(_("介绍信编号"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("经办人"),
    )  # fmt: skip
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    scope_community = "member__community"
    scope_account = "member__account"
    scope_roles = OWN_FILE_ROLES

    class Meta:
        verbose_name = _("党员档案变动")
        verbose_name_plural = _("党员档案变动")
        ordering = ["member_id", "happened_on", "pk"]
        indexes = [models.Index(fields=["member", "happened_on"], name="member_event_by_day")]
        constraints = [
            models.CheckConstraint(
                condition=Q(letter_number__isnull=True) | Q(letter_year__isnull=False),
                name="member_event_letter_has_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.happened_on:%Y-%m-%d} {self.get_kind_display()}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValidationError(_("档案变动只能新增，不能修改。"))
        super().save(*args, **kwargs)

    @property
    def letter(self) -> str:
        """As the letter is numbered: 〔2026〕3号."""
        if self.letter_number is None:
            return ""
        return f"〔{self.letter_year}〕{self.letter_number}号"
