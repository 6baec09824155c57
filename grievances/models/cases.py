"""The register (统一接待登记本): one row per case, its append-only timeline, and the counter
that gives each community a gap-free register number per year."""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from grievances.choices import Channel, EventKind, Kind, Level, Priority, Rating, State
from grievances.models.catalogue import Category
from shequ import personal_data
from shequ.models import Role, ScopedModel
from shequ.models.scoping import CHANGE, VIEW
from shequ.validators import normalize_mainland_mobile

# Tracking codes: 12 characters without look-alikes (0/O, 1/I/L), 31^12 ≈ 8·10^17 of them.
_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12

# The desk's work is community staff's; officials and departments act on what reaches them;
# grid workers report from the field and follow their grid's cases; party workers read.
GRIEVANCE_ROLES = {
    VIEW: frozenset(
        {Role.COMMUNITY_STAFF, Role.GRID_WORKER, Role.PARTY_WORKER, Role.OFFICIAL,
         Role.DEPARTMENT_HANDLER}
    ),
    CHANGE: frozenset({Role.COMMUNITY_STAFF, Role.OFFICIAL, Role.DEPARTMENT_HANDLER}),
}  # fmt: skip


def new_tracking_code() -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(CODE_LENGTH))


class RegisterCounter(models.Model):
    """The last register number given in a community's year. Taken with a row lock inside the
    registering transaction, so a rolled-back registration gives its number back: no gaps."""

    community = models.ForeignKey("shequ.Community", on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community", "year"], name="register_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.community_id}/{self.year}: {self.last}"


class Grievance(ScopedModel):
    scope_grid_unit = "grid_unit"
    scope_department = "department"
    scope_roles = GRIEVANCE_ROLES

    community = models.ForeignKey(
        "shequ.Community", on_delete=models.PROTECT, related_name="grievances",
        verbose_name=_("社区"),
    )  # fmt: skip
    year = models.PositiveSmallIntegerField(_("登记年度"), editable=False)
    sequence = models.PositiveIntegerField(_("登记序号"), editable=False)
    tracking_code = models.CharField(
        _("查询码"), max_length=CODE_LENGTH, unique=True, editable=False, default=new_tracking_code
    )
    kind = models.CharField(_("性质"), max_length=20, choices=Kind.choices)
    channel = models.CharField(_("渠道"), max_length=20, choices=Channel.choices)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="grievances", verbose_name=_("类别")
    )
    priority = models.CharField(
        _("缓急"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    title = models.CharField(_("事由"), max_length=100)
    description = models.TextField(_("具体情况"))
    answers = models.JSONField(_("附加问题的回答"), default=dict, blank=True)
    # Where: a building of the registry, or an address typed when there is none.
    building = models.ForeignKey(
        "residents.Building", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="grievances", verbose_name=_("楼栋"),
    )  # fmt: skip
    grid_unit = models.ForeignKey(
        "shequ.GridUnit", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="grievances", verbose_name=_("网格"), editable=False,
    )  # fmt: skip
    address = models.CharField(_("地点"), max_length=200, blank=True)
    # Who: a resident of the registry, or a name and a phone number, protected like residents'.
    resident = models.ForeignKey(
        "residents.Resident", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="grievances", verbose_name=_("居民"),
    )  # fmt: skip
    contact_name = models.CharField(_("反映人"), max_length=50, blank=True)
    contact_phone_ciphertext = models.TextField(editable=False, blank=True)
    contact_phone_hash = models.CharField(max_length=64, editable=False, blank=True, db_index=True)
    contact_phone_masked = models.CharField(
        _("联系电话"), max_length=20, editable=False, blank=True
    )

    state = models.CharField(
        _("状态"), max_length=20, choices=State.choices, default=State.RECEIVED, editable=False
    )
    level = models.CharField(
        _("办理层级"), max_length=20, choices=Level.choices, default=Level.COMMUNITY,
        editable=False,
    )  # fmt: skip
    department = models.ForeignKey(
        "shequ.Department", on_delete=models.PROTECT, null=True, blank=True,
        related_name="grievances", verbose_name=_("职能部门"), editable=False,
    )  # fmt: skip
    assignee = models.ForeignKey(
        "shequ.User", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="assigned_grievances", verbose_name=_("承办人"), editable=False,
    )  # fmt: skip
    received_at = models.DateTimeField(_("登记时间"), default=timezone.now, editable=False)
    due_on = models.DateField(_("办结时限"), editable=False)
    warn_on = models.DateField(_("预警日期"), editable=False)
    # Set by the hourly sweep when it has marked (and announced) the case; the lists count
    # from due_on, so the figures are exact between sweeps too.
    warned = models.BooleanField(default=False, editable=False)
    overdue = models.BooleanField(_("已超期"), default=False, editable=False)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True, editable=False)
    reply = models.TextField(_("答复内容"), blank=True, editable=False)
    rating = models.PositiveSmallIntegerField(
        _("满意度"), choices=Rating.choices, null=True, blank=True, editable=False
    )
    rating_comment = models.CharField(_("评价"), max_length=500, blank=True, editable=False)
    extension_requested_days = models.PositiveSmallIntegerField(
        _("申请延期（工作日）"), null=True, blank=True, editable=False
    )
    reopened_at = models.DateTimeField(_("重新办理时间"), null=True, blank=True, editable=False)
    # When the resident was asked whether it is solved (the follow-up, once per case). A field
    # beside the FOLLOWED_UP event, as warned/overdue are: two runs that overlap see it set on
    # the locked row and the second asks nobody, where a new event row would not stop it.
    followed_up_at = models.DateTimeField(_("回访询问时间"), null=True, blank=True, editable=False)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged",
        verbose_name=_("并入"), editable=False,
    )  # fmt: skip
    hidden = models.BooleanField(_("已屏蔽"), default=False, editable=False)
    field_log_entry = models.OneToOneField(
        "residents.FieldLogEntry", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="grievance", verbose_name=_("来自民情日志"), editable=False,
    )  # fmt: skip
    submitted_by = models.ForeignKey(
        "shequ.User", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="submitted_grievances", verbose_name=_("提交人账号"), editable=False,
    )  # fmt: skip
    registered_by = models.ForeignKey(
        "shequ.User", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="registered_grievances", verbose_name=_("登记人"), editable=False,
    )  # fmt: skip
    history = HistoricalRecords(excluded_fields=["contact_phone_ciphertext"])

    class Meta:
        verbose_name = _("诉求")
        verbose_name_plural = _("诉求")
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "year", "sequence"],
                name="grievance_register_number_unique",
                violation_error_message=_("该登记编号已被使用。"),
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="grievance_rating_range",
                violation_error_message=_("满意度须在 1 到 5 之间。"),
            ),
            models.CheckConstraint(
                condition=~Q(level="department") | Q(department__isnull=False),
                name="grievance_department_level_has_department",
                violation_error_message=_("上报职能部门时须指定部门。"),
            ),
        ]
        indexes = [
            models.Index(fields=["community", "-received_at"], name="grievance_list_order"),
            models.Index(fields=["community", "state", "due_on"], name="grievance_open_due"),
            models.Index(fields=["department", "state"], name="grievance_department_state"),
            # A street's or district's list, newest first: read backwards until a page is full
            # rather than sorting half a million cases (480 ms to 0.5 ms for a district's).
            models.Index(fields=["-received_at", "-id"], name="grievance_recent"),
            # Sorted by due date, either way (416 ms to 1 ms).
            models.Index(fields=["due_on", "id"], name="grievance_due"),
            # Its count of what is not hidden, from the index alone (106 ms to 46 ms).
            models.Index(fields=["community"], condition=Q(hidden=False), name="grievance_shown"),
        ]

    def __str__(self) -> str:
        return f"{self.register_number} {self.title}"

    @property
    def register_number(self) -> str:
        return f"{self.year}-{self.sequence:04d}"

    def get_absolute_url(self) -> str:
        return reverse("grievances:grievance_detail", args=[self.pk])

    def set_contact_phone(self, phone: str) -> None:
        phone = normalize_mainland_mobile(phone) or phone.strip()
        self.contact_phone_ciphertext = personal_data.encrypt(phone) if phone else ""
        self.contact_phone_hash = personal_data.lookup_hash(phone) if phone else ""
        self.contact_phone_masked = personal_data.mask_mobile(phone) if phone else ""

    @property
    def contact_phone(self) -> str:
        if not self.contact_phone_ciphertext:
            return ""
        return personal_data.decrypt(self.contact_phone_ciphertext)

    def clean(self) -> None:
        community = self.community_id
        if self.building_id and community and self.building.community_id != community:
            raise ValidationError({"building": _("楼栋不在本社区。")})
        if not (self.building_id or self.address.strip()):
            raise ValidationError({"address": _("请选择楼栋或填写地点。")})

    def save(self, *args, **kwargs) -> None:
        if self.building_id:
            self.grid_unit_id = self.building.grid_unit_id
        super().save(*args, **kwargs)


class GrievanceEvent(models.Model):
    """One step of a case's life. Append-only: the database refuses UPDATE and DELETE on this
    table (migration 0002), so the timeline can never be rewritten."""

    grievance = models.ForeignKey(Grievance, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(_("时间"), default=timezone.now)
    kind = models.CharField(_("事项"), max_length=30, choices=EventKind.choices)
    actor = models.ForeignKey(
        "shequ.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("经办人"),
    )  # fmt: skip
    from_state = models.CharField(max_length=20, choices=State.choices, blank=True)
    to_state = models.CharField(max_length=20, choices=State.choices, blank=True)
    level = models.CharField(max_length=20, choices=Level.choices, blank=True)
    department = models.ForeignKey(
        "shequ.Department", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("说明"), blank=True)
    public = models.BooleanField(
        _("居民可见"), default=False, help_text=_("居民的查询页只显示这些事项，且不显示经办人。")
    )

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["grievance", "at"], name="grievance_event_timeline")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValidationError(_("办理记录只能新增，不能修改。"))
        super().save(*args, **kwargs)
