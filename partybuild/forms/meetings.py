"""Recording a meeting with its roll, and the community's exemptions from compliance."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partybuild.choices import MeetingStatus, MemberStatus, OrganizationKind, Presence
from partybuild.models import ComplianceExemption, OrganizationalLife, PartyMember
from partybuild.models.meetings import roll_on
from partybuild.services import meeting_save
from shequ.forms import ScopedModelForm
from shequ.images import MultipleFileInput, cleaned_photo

MAX_FILES = 5
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
# What a document must begin with, by extension: a PDF, or an Office file (a ZIP container).
DOCUMENTS = {"pdf": b"%PDF-", "pptx": b"PK\x03\x04", "docx": b"PK\x03\x04", "xlsx": b"PK\x03\x04"}
IMAGES = ("jpg", "jpeg", "png", "webp")


def cleaned_attachment(upload) -> tuple[ContentFile, str]:
    """The file to keep and its name as shown: a picture re-encoded without metadata (the
    sign-in sheet photographed with a phone carries its GPS position), a document checked to
    be what its extension says; anything else refused in Chinese."""
    name = (upload.name or "").rsplit("/", 1)[-1][-100:] or _("附件")
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension in IMAGES:
        picture = cleaned_photo(upload)
        return picture, name
    if extension not in DOCUMENTS:
        raise ValidationError(
            _("“%(name)s”不能上传：只收照片（JPEG、PNG、WebP）、PDF 和 Word、Excel、PPT 文件。")
            % {"name": name}
        )
    if upload.size > MAX_DOCUMENT_BYTES:
        raise ValidationError(_("“%(name)s”超过 20 MB。") % {"name": name})
    upload.seek(0)
    content = upload.read()
    if not content.startswith(DOCUMENTS[extension]):
        raise ValidationError(_("“%(name)s”的内容与扩展名不符。") % {"name": name})
    return ContentFile(content, name=f"file.{extension}"), name


class AttachmentsField(forms.FileField):
    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        uploads = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(uploads) > MAX_FILES:
            raise ValidationError(_("一次最多上传 5 个文件。"))
        cleaned = []
        for upload in uploads:
            if not hasattr(upload, "size"):
                raise ValidationError(_("文件上传失败，请重新选择。"))
            cleaned.append(cleaned_attachment(upload))
        return cleaned


@dataclass
class RollRow:
    """A member on the roll as the form shows them: how they attended, and the reason."""

    member: PartyMember
    presence: str
    reason: str
    error: str = ""


class MeetingForm(ScopedModelForm):
    """The meeting and, once held, each member's attendance: everyone on the roll of the
    meeting's date is present unless marked otherwise."""

    attachments = AttachmentsField(
        label=gettext_lazy("附件"), required=False,
        help_text=gettext_lazy("签到表照片、课件、PDF 等，最多 5 个，每个不超过 20 MB。"),
    )  # fmt: skip

    class Meta:
        model = OrganizationalLife
        fields = [
            "organization", "kind", "also_lecture", "status", "date", "place", "topic",
            "speaker_member", "speaker", "minutes",
        ]  # fmt: skip
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "status": forms.RadioSelect,
            "minutes": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = self.fields["organization"].queryset.filter(
            dissolved_on__isnull=True
        )
        members = self.fields["speaker_member"].queryset.filter(status=MemberStatus.ACTIVE)
        self.fields["speaker_member"].queryset = members.select_related("resident")
        self.fields["speaker_member"].label_from_instance = lambda member: member.resident.name
        if self.instance.pk and self.instance.held:
            self.fields["status"].choices = [(MeetingStatus.HELD, MeetingStatus.HELD.label)]
        self.roll = self._roll()

    def _chosen(self):
        """The organisation, kind and date the roll is taken for, as typed or as saved."""
        organization = self.chosen_row("organization")
        kind = self["kind"].value()
        try:
            day = self.fields["date"].clean(self["date"].value())
        except ValidationError:
            day = None
        if isinstance(day, str):
            day = None
        return organization, kind, day

    def _roll(self) -> list[RollRow]:
        organization, kind, day = self._chosen()
        if not (organization and kind and isinstance(day, datetime.date)):
            return []
        members = (
            roll_on(organization, kind, day)
            .filter(community=organization.community_id)
            .select_related("resident")
            .order_by("organization_id", "joined_on", "pk")
        )
        saved = {}
        if self.instance.pk:
            saved = {a.member_id: a for a in self.instance.attendances.all()}
        rows = []
        for member in members:
            presence, reason = Presence.PRESENT, ""
            if member.pk in saved:
                presence, reason = saved[member.pk].presence, saved[member.pk].reason
            if self.is_bound:
                posted = self.data.get(f"presence-{member.pk}")
                presence = posted if posted in Presence.values else presence
                reason = (self.data.get(f"reason-{member.pk}") or "").strip()[:100]
            rows.append(RollRow(member, presence, reason))
        return rows

    @property
    def roll_ids(self) -> str:
        return ",".join(str(row.member.pk) for row in self.roll)

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None:
            self.instance.recorded_by = self.user
        if cleaned.get("status") != MeetingStatus.HELD:
            day = cleaned.get("date")
            if day and day < timezone.localdate() and "date" in self.changed_data:
                self.add_error("date", _("计划日期已过：已经召开的会议请选“已召开”并登记出勤。"))
            return cleaned
        if (self.data.get("roll_shown") or "") != self.roll_ids:
            raise ValidationError(
                _("参会名单已按所选党组织在会议当天的党员重新列出，请核对出勤后再保存。")
            )
        missing = []
        for row in self.roll:
            if self.data.get(f"presence-{row.member.pk}") not in Presence.values:
                row.error = _("请选择出勤情况。")
                missing.append(row.member.resident.name)
            elif row.presence == Presence.LEAVE and not row.reason:
                row.error = _("请假须填写事由。")
                missing.append(row.member.resident.name)
        if missing:
            raise ValidationError(_("请补全出勤：%(names)s。") % {"names": "、".join(missing)})
        return cleaned

    def save(self, commit: bool = True) -> OrganizationalLife:
        return meeting_save(
            self.instance,
            by=self.user,
            attendance={row.member.pk: (row.presence, row.reason) for row in self.roll},
            files=self.cleaned_data.get("attachments") or [],
        )


class ComplianceExemptionForm(ScopedModelForm):
    class Meta:
        model = ComplianceExemption
        fields = ["organization", "kind", "starts_on", "ends_on", "reason"]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = self.fields["organization"].queryset.filter(
            kind=OrganizationKind.BRANCH, dissolved_on__isnull=True
        )
        if self.instance.pk is None:
            self.instance.recorded_by = self.user
