"""A month on its way to the communities and back: each street's review of its communities
before the district publishes, a community's appeal of one indicator after, and the photos an
inspector or a community gives as evidence."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.choices import AppealState
from assessments.models.schemes import Indicator
from assessments.models.scores import AssessmentMonth, Inspection
from shequ.models import Community, Role, ScopedModel, Street
from shequ.models.roles import STAFF_ROLES
from shequ.models.scoping import CHANGE, VIEW


class StreetReview(ScopedModel):
    """街道审核: a street has checked its communities' computed month. A new run of the month
    changes what was checked, so it removes the month's reviews."""

    assessment_month = models.ForeignKey(
        AssessmentMonth, on_delete=models.CASCADE, related_name="reviews",
        verbose_name=_("月考核"),
    )  # fmt: skip
    street = models.ForeignKey(
        Street, on_delete=models.PROTECT, related_name="assessment_reviews", verbose_name=_("街道")
    )
    note = models.TextField(_("审核意见"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("审核人"),
    )  # fmt: skip
    reviewed_at = models.DateTimeField(_("审核时间"), default=timezone.now)

    # Where the month stands is no secret in the district; who may review is `reviews_street`.
    scope_district = "assessment_month__district"
    scope_roles = {VIEW: STAFF_ROLES, CHANGE: frozenset({Role.OFFICIAL})}

    class Meta:
        verbose_name = _("街道审核")
        verbose_name_plural = _("街道审核")
        ordering = ["assessment_month", "street"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment_month", "street"], name="street_review_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.street} {self.assessment_month.month:%Y-%m}"


class Appeal(ScopedModel):
    """申诉: a community disputes one indicator of a published month, within the scheme's
    working days. Accepted, the indicator takes the marks the district gives and the month is
    published again (the earlier publication stays); rejected, the district says why."""

    assessment_month = models.ForeignKey(
        AssessmentMonth, on_delete=models.PROTECT, related_name="appeals",
        verbose_name=_("月考核"),
    )  # fmt: skip
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="assessment_appeals",
        verbose_name=_("社区"),
    )  # fmt: skip
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="appeals", verbose_name=_("指标")
    )
    publication = models.PositiveSmallIntegerField(_("申诉的发布版次"))
    marks_before = models.DecimalField(_("原得分"), max_digits=6, decimal_places=2)
    reason = models.TextField(_("申诉理由"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("申诉人"),
    )  # fmt: skip
    filed_at = models.DateTimeField(_("申诉时间"), default=timezone.now)
    state = models.CharField(
        _("状态"), max_length=10, choices=AppealState.choices, default=AppealState.PENDING
    )
    decision = models.TextField(_("答复"), blank=True)
    marks_after = models.DecimalField(
        _("调整后得分"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    # The publication the accepted appeal made.
    republished_as = models.PositiveSmallIntegerField(_("重新发布版次"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("处理人"),
    )  # fmt: skip
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    # The community files; the district's officials decide (`runs_district`).
    scope_roles = {
        VIEW: frozenset({Role.COMMUNITY_STAFF, Role.OFFICIAL}),
        CHANGE: frozenset({Role.COMMUNITY_STAFF}),
    }

    class Meta:
        verbose_name = _("考核申诉")
        verbose_name_plural = _("考核申诉")
        ordering = ["-filed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment_month", "community", "indicator"], name="appeal_unique",
                violation_error_message=_("这个月的这项指标已经申诉过了。"),
            ),
            models.CheckConstraint(
                condition=Q(state=AppealState.PENDING) | Q(decided_at__isnull=False),
                name="appeal_decided_when_closed",
            ),
        ]  # fmt: skip
        indexes = [models.Index(fields=["state", "assessment_month"])]

    def __str__(self) -> str:
        return f"{self.community} {self.assessment_month.month:%Y-%m} {self.indicator.name}"

    def get_absolute_url(self) -> str:
        return reverse("assessments:appeal", args=[self.pk])


def _evidence_path(photo: EvidencePhoto, filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower()
    return f"assessments/evidence/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}.{extension}"


class EvidencePhoto(ScopedModel):
    """A photo behind an inspector's score or a community's appeal, served only by a view that
    checks the viewer reaches the community."""

    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="+", verbose_name=_("社区")
    )
    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, null=True, blank=True, related_name="photos",
        verbose_name=_("月检查"),
    )  # fmt: skip
    appeal = models.ForeignKey(
        Appeal, on_delete=models.CASCADE, null=True, blank=True, related_name="photos",
        verbose_name=_("申诉"),
    )  # fmt: skip
    image = models.ImageField(_("照片"), upload_to=_evidence_path)
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now, editable=False)

    scope_roles = {
        VIEW: frozenset({Role.COMMUNITY_STAFF, Role.OFFICIAL}),
        CHANGE: frozenset({Role.COMMUNITY_STAFF, Role.OFFICIAL}),
    }

    class Meta:
        verbose_name = _("证明照片")
        verbose_name_plural = _("证明照片")
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(inspection__isnull=True, appeal__isnull=False)
                | Q(inspection__isnull=False, appeal__isnull=True),
                name="evidence_photo_one_owner",
            )
        ]

    def __str__(self) -> str:
        return f"{self.community_id}/{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("assessments:photo", args=[self.pk])
