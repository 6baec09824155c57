"""Photos a resident attaches to an online submission. Stored under a random name outside any
public URL and served only by a view that checks the case is visible to the user."""

from __future__ import annotations

import uuid

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grievances.models.cases import GRIEVANCE_ROLES, Grievance
from shequ.models import ScopedModel


def _photo_path(photo: Photo, filename: str) -> str:
    # The name the resident's phone gave the file (often a date and place) is not kept.
    extension = filename.rsplit(".", 1)[-1].lower()
    return f"grievances/photos/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}.{extension}"


class Photo(ScopedModel):
    # Scoped like its case, so the walkers and any list of photos go through visible_to.
    scope_community = "grievance__community"
    scope_grid_unit = "grievance__grid_unit"
    scope_department = "grievance__department"
    scope_roles = GRIEVANCE_ROLES

    grievance = models.ForeignKey(
        Grievance, on_delete=models.PROTECT, related_name="photos", verbose_name=_("诉求")
    )
    image = models.ImageField(_("照片"), upload_to=_photo_path)
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("照片")
        verbose_name_plural = _("照片")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.grievance_id}/{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("grievances_public:photo", args=[self.pk])
