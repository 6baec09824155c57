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

from partybuild.choices import MeetingKind, MeetingStatus, MemberStatus, OrganizationKind, Presence
from partybuild.models import ComplianceExemption, OrganizationalLife, PartyMember
from partybuild.models.meetings import roll_on
from partybuild.services import meeting_save
from partybuild.tasks import compliance_changed
from residents.forms import DATE_INPUT
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
    """A member on the roll and the form's two fields for them: how they attended, and the
    reason for a leave."""

    member: PartyMember
    presence: forms.BoundField
    reason: forms.BoundField


class MeetingForm(ScopedModelForm):
    """The meeting and, once held, each member's attendance: everyone on the roll of the
    meeting's date is present unless marked otherwise. A member who comes onto the roll when
    the branch or the date changes has no answer yet, and is asked for one."""

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
            "date": DATE_INPUT,
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
        self.members = self._roll()
        saved = {}
        if self.instance.pk:
            saved = {a.member_id: a for a in self.instance.attendances.all()}
        for member in self.members:
            kept = saved.get(member.pk)
            self.fields[f"presence-{member.pk}"] = forms.ChoiceField(
                label=member.resident.name, choices=Presence.choices, required=False,
                initial=kept.presence if kept else Presence.PRESENT, widget=forms.RadioSelect,
            )  # fmt: skip
            self.fields[f"reason-{member.pk}"] = forms.CharField(
                label=_("请假事由"), max_length=100, required=False,
                initial=kept.reason if kept else "",
            )  # fmt: skip

    def _chosen(self):
        """The organisation, kind and date the roll is taken for, as typed or as saved."""
        organization = self.chosen_row("organization")
        kind = self["kind"].value()
        try:
            day = self.fields["date"].clean(self["date"].value())
        except ValidationError:
            day = None
        return organization, kind, day

    def _roll(self) -> list[PartyMember]:
        organization, kind, day = self._chosen()
        if not (organization and kind in MeetingKind.values and isinstance(day, datetime.date)):
            return []
        return list(
            roll_on(organization, kind, day)
            .filter(community=organization.community_id)
            .select_related("resident")
            .order_by("organization_id", "joined_on", "pk")
        )

    @property
    def roll(self) -> list[RollRow]:
        return [
            RollRow(member, self[f"presence-{member.pk}"], self[f"reason-{member.pk}"])
            for member in self.members
        ]

    def visible_fields(self):
        """The meeting's own fields; the roll is laid out member by member."""
        return [field for field in super().visible_fields() if "-" not in field.name]

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None:
            self.instance.recorded_by = self.user
        if cleaned.get("status") != MeetingStatus.HELD:
            day = cleaned.get("date")
            if day and day < timezone.localdate() and "date" in self.changed_data:
                self.add_error("date", _("计划日期已过：已经召开的会议请选“已召开”并登记出勤。"))
            return cleaned
        for member in self.members:
            presence = cleaned.get(f"presence-{member.pk}")
            if not presence:
                self.add_error(f"presence-{member.pk}", _("请选择出勤情况。"))
            elif presence == Presence.LEAVE and not cleaned.get(f"reason-{member.pk}"):
                self.add_error(f"reason-{member.pk}", _("请假须填写事由。"))
        return cleaned

    def save(self, commit: bool = True) -> OrganizationalLife:
        data = self.cleaned_data
        return meeting_save(
            self.instance,
            by=self.user,
            attendance={
                member.pk: (data[f"presence-{member.pk}"], data[f"reason-{member.pk}"])
                for member in self.members
            },
            files=data.get("attachments") or [],
        )


class ComplianceExemptionForm(ScopedModelForm):
    class Meta:
        model = ComplianceExemption
        fields = ["organization", "kind", "starts_on", "ends_on", "reason"]
        widgets = {
            "starts_on": DATE_INPUT,
            "ends_on": DATE_INPUT,
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = self.fields["organization"].queryset.filter(
            kind=OrganizationKind.BRANCH, dissolved_on__isnull=True
        )
        if self.instance.pk is None:
            self.instance.recorded_by = self.user

    def save(self, commit: bool = True) -> ComplianceExemption:
        exemption = super().save(commit)
        # An exemption moved to a later start still changes the quarters it used to cover.
        starts = [day for day in (self.initial.get("starts_on"), exemption.starts_on) if day]
        compliance_changed(exemption.organization.community_id, min(starts))
        return exemption
