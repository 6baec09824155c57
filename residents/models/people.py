from __future__ import annotations

import contextlib
import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from residents.choices import (
    AGE_BOUNDS,
    ETHNICITY_CHOICES,
    DocumentType,
    Education,
    MaritalStatus,
    PoliticalStatus,
    Relation,
    ResidenceStatus,
    ResidenceType,
    Sex,
    Status,
)
from residents.models.places import REGISTRY_ROLES, Household
from shequ import chinese, personal_data
from shequ.id_numbers import parse_id_number
from shequ.models import Community, Role, ScopedModel, ScopedQuerySet
from shequ.validators import normalize_mainland_mobile, not_in_future

# Actions on a resident beyond view and change: each shows a whole number and is logged.
REVEAL = "reveal"
CALL = "call"


class ResidentTag(models.Model):
    """A 重点人群 label. Reference data, kept by administrators."""

    code = models.SlugField(_("代码"), max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=30, unique=True)
    sensitive = models.BooleanField(
        _("敏感"), default=False, help_text=_("只有本社区工作人员能看到带这个标签的人。")
    )
    visit_every_days = models.PositiveSmallIntegerField(
        _("必访周期（天）"), null=True, blank=True,
        help_text=_("三必访/四个必访：超过这么多天未走访即列入待走访；不填表示不是必访对象。"),
    )  # fmt: skip
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("重点人群标签")
        verbose_name_plural = _("重点人群标签")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.name


class ResidentQuerySet(ScopedQuerySet):
    def in_age_group(self, group: str, today: datetime.date | None = None) -> ResidentQuerySet:
        return self.filter(age_group_q(group, today))

    def search(self, text: str) -> ResidentQuerySet:
        """One box: a name (simplified or traditional), pinyin initials, or the last 1–4 digits
        of an ID or mobile number. A whole number is never searched here, because the box is a
        GET and its text lands in URLs and server logs: `lookup` takes it, by POST."""
        text = "".join(text.split())
        if not text or personal_data.is_number_query(text):
            return self
        q = Q(name_simplified__contains=chinese.simplified(text))
        if text.isascii() and text.isalpha():
            initials = text.lower()
            q |= Q(name_initials__startswith=initials) | Q(name_initials__contains=f" {initials}")
        number = text.upper()
        if (
            len(number) <= 4
            and number[:-1].isdigit()
            and (number[-1].isdigit() or number[-1] == "X")
        ):
            # Masks end with these characters, so the answer tells no more than the list shows.
            q |= Q(id_number_masked__endswith=number) | Q(mobile_masked__endswith=number)
        return self.filter(q)

    def lookup(self, text: str) -> ResidentQuerySet:
        """Residents whose whole ID, document or mobile number is `text`, found by hash."""
        number = personal_data.normalize_number_query(text)
        if not number:
            return self.none()
        with contextlib.suppress(ValidationError):
            number = parse_id_number(number).number
        hashes = {
            personal_data.lookup_hash(value)
            for value in (number, normalize_mainland_mobile(number))
        }
        return self.filter(Q(id_number_hash__in=hashes) | Q(mobile_hash__in=hashes))


def age_group_q(group: str, today: datetime.date | None = None) -> Q:
    """Birth-date bounds for an age group, so the database does the counting.

    Someone is `n` or older once their n-th birthday has come: born on or before `today` n years
    ago. A group's upper bound is the next group's lower bound negated, so adjacent groups
    neither overlap nor leave a gap. Born on 29 February: the birthday comes on 1 March in
    other years, as `Resident.age` counts it."""
    today = today or timezone.localdate()
    youngest, oldest = AGE_BOUNDS[group]

    def years_ago(years: int) -> datetime.date:
        try:
            return today.replace(year=today.year - years)
        except ValueError:  # today is 29 February: a year without one has its 28th
            return today.replace(year=today.year - years, day=28)

    q = Q()
    if youngest is not None:
        q &= Q(birth_date__lte=years_ago(youngest))
    if oldest is not None:
        q &= Q(birth_date__gt=years_ago(oldest + 1))
    return q


class Resident(ScopedModel):
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="residents", verbose_name=_("社区")
    )
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="members", verbose_name=_("所在户")
    )
    relation_to_head = models.CharField(
        _("与户主关系"), max_length=15, choices=Relation.choices, default=Relation.HEAD
    )
    name = models.CharField(_("姓名"), max_length=50)
    # Search keys, derived from the name when it is set.
    name_simplified = models.CharField(max_length=50, editable=False)
    name_initials = models.CharField(max_length=120, editable=False)

    document_type = models.CharField(
        _("证件类型"), max_length=20, choices=DocumentType.choices, default=DocumentType.RESIDENT_ID
    )
    id_number_ciphertext = models.TextField(editable=False, blank=True)
    id_number_hash = models.CharField(max_length=64, editable=False, blank=True)
    id_number_masked = models.CharField(_("证件号码"), max_length=40, editable=False, blank=True)
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("出生日期"), validators=[not_in_future])
    mobile_ciphertext = models.TextField(editable=False, blank=True)
    mobile_hash = models.CharField(max_length=64, editable=False, blank=True)
    mobile_masked = models.CharField(_("手机号码"), max_length=20, editable=False, blank=True)

    ethnicity = models.CharField(
        _("民族"), max_length=10, choices=ETHNICITY_CHOICES, default="汉族"
    )
    political_status = models.CharField(
        _("政治面貌"),
        max_length=20,
        choices=PoliticalStatus.choices,
        default=PoliticalStatus.MASSES,
    )
    education = models.CharField(
        _("文化程度"), max_length=25, choices=Education.choices, blank=True
    )
    marital_status = models.CharField(
        _("婚姻状况"), max_length=10, choices=MaritalStatus.choices, blank=True
    )
    registered_address = models.CharField(_("户籍地"), max_length=200, blank=True)
    residence_status = models.CharField(
        _("人户状态"),
        max_length=20,
        choices=ResidenceStatus.choices,
        default=ResidenceStatus.PRESENT,
    )
    residence_type = models.CharField(
        _("户籍类型"),
        max_length=12,
        choices=ResidenceType.choices,
        default=ResidenceType.REGISTERED,
    )
    tags = models.ManyToManyField(
        ResidentTag, blank=True, related_name="residents", verbose_name=_("重点人群")
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.LIVING
    )
    status_changed_on = models.DateField(
        _("迁出/去世日期"), null=True, blank=True, validators=[not_in_future]
    )
    moved_in_on = models.DateField(_("迁入日期"), null=True, blank=True, validators=[not_in_future])
    notes = models.TextField(_("备注"), blank=True)
    history = HistoricalRecords(
        excluded_fields=["id_number_ciphertext", "mobile_ciphertext"], m2m_fields=["tags"]
    )

    scope_grid_unit = "household__building__grid_unit"
    # Whole ID and phone numbers are for the community's own staff, and every reveal is logged.
    # A grid worker may call the people of their own grid units (`call`, a logged reveal of the
    # mobile number alone).
    scope_roles = {
        **REGISTRY_ROLES,
        REVEAL: frozenset({Role.COMMUNITY_STAFF}),
        CALL: frozenset({Role.COMMUNITY_STAFF, Role.GRID_WORKER}),
    }

    objects = ResidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("居民")
        verbose_name_plural = _("居民")
        ordering = ["household_id", "pk"]
        # Searches always run inside a community (a thousand rows), so the search keys need no
        # index of their own; this one serves the list in its order straight from the index.
        indexes = [
            models.Index(
                fields=["community", "status", "household", "id"], name="resident_list_order"
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "id_number_hash"],
                condition=~Q(id_number_hash=""),
                name="resident_id_number_unique_in_community",
                violation_error_message=_("本社区已登记过这个证件号码。"),
            ),
            models.CheckConstraint(
                condition=Q(status="living") | Q(status_changed_on__isnull=False),
                name="resident_left_has_date",
                violation_error_message=_("迁出或去世须填写日期。"),
            ),
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(relation_to_head="head", status="living"),
                name="resident_one_living_head_per_household",
                violation_error_message=_("这一户已有在住的户主，每户只能有一位户主。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("residents:resident_detail", args=[self.pk])

    def clean(self) -> None:
        """Nothing this registry records about a person happens before they were born."""
        if not self.birth_date:
            return
        errors = {}
        for field in ("moved_in_on", "status_changed_on"):
            value = getattr(self, field)
            if value and value < self.birth_date:
                errors[field] = ValidationError(
                    _("%(what)s不能早于出生日期（%(birth)s）。"),
                    code="before_birth",
                    params={
                        "what": self._meta.get_field(field).verbose_name,
                        "birth": f"{self.birth_date:%Y-%m-%d}",
                    },
                )
        if errors:
            raise ValidationError(errors)

    def restore(self) -> None:
        """Undo a wrong 已迁出/已故: the person is living here again; history keeps the change."""
        self.status, self.status_changed_on = Status.LIVING, None
        self._change_reason = str(_("撤销迁出/去世登记"))
        self.save()
        self.household.sync_head()

    def set_name(self, name: str) -> None:
        self.name = name.strip()
        self.name_simplified = chinese.simplified(self.name)
        self.name_initials = chinese.initials(self.name)

    def set_id_number(self, number: str) -> None:
        self.id_number_ciphertext = personal_data.encrypt(number) if number else ""
        self.id_number_hash = personal_data.lookup_hash(number) if number else ""
        self.id_number_masked = personal_data.mask_document(number) if number else ""

    def set_mobile(self, mobile: str) -> None:
        self.mobile_ciphertext = personal_data.encrypt(mobile) if mobile else ""
        self.mobile_hash = personal_data.lookup_hash(mobile) if mobile else ""
        self.mobile_masked = personal_data.mask_mobile(mobile) if mobile else ""

    @property
    def id_number(self) -> str:
        return personal_data.decrypt(self.id_number_ciphertext) if self.id_number_ciphertext else ""

    @property
    def mobile(self) -> str:
        return personal_data.decrypt(self.mobile_ciphertext) if self.mobile_ciphertext else ""

    def age(self, today: datetime.date | None = None) -> int:
        today = today or timezone.localdate()
        before_birthday = (today.month, today.day) < (self.birth_date.month, self.birth_date.day)
        return today.year - self.birth_date.year - before_birthday
