"""Files kept with a team: its charter (章程) and a meeting's sign-in sheet. A picture is
re-encoded without its metadata (a phone's photo carries where it was taken); a document is
checked to begin as its extension says, so a renamed program is not kept as a PDF."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shequ.images import cleaned_photo

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
IMAGES = ("jpg", "jpeg", "png", "webp")
# What a document begins with: a PDF, a Word file (.docx is a ZIP; .doc an OLE container).
PDF = {"pdf": b"%PDF-"}
WORD = {"docx": b"PK\x03\x04", "doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"}


def cleaned_upload(upload, documents: dict[str, bytes], kinds: str) -> tuple[ContentFile, str]:
    """The content to keep and the name to show; anything else refused in Chinese, `kinds`
    saying what is taken."""
    name = (upload.name or "").replace("\\", "/").rsplit("/", 1)[-1][-100:] or _("文件")
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension in IMAGES:
        return cleaned_photo(upload), name
    if extension not in documents:
        raise ValidationError(
            _("“%(name)s”不能上传：只收%(kinds)s。") % {"name": name, "kinds": kinds}
        )
    if upload.size > MAX_DOCUMENT_BYTES:
        raise ValidationError(_("“%(name)s”超过 10 MB，请压缩后再上传。") % {"name": name})
    upload.seek(0)
    content = upload.read()
    if not content.startswith(documents[extension]):
        raise ValidationError(_("“%(name)s”的内容与扩展名不符。") % {"name": name})
    return ContentFile(content, name=f"file.{extension}"), name


class KeptFileField(forms.FileField):
    """One file, cleaned to (content, name to show), or None when none was chosen."""

    def __init__(self, *, documents: dict[str, bytes], kinds: str, accept: str, **kwargs) -> None:
        self.documents, self.kinds = documents, kinds
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.FileInput(attrs={"accept": accept}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        if not data:
            return None
        if not hasattr(data, "size"):
            raise ValidationError(_("文件上传失败，请重新选择。"))
        return cleaned_upload(data, self.documents, self.kinds)


def charter_field() -> KeptFileField:
    return KeptFileField(
        label=gettext_lazy("章程文件"), documents={**PDF, **WORD},
        kinds=gettext_lazy("PDF、Word 文件和照片（JPEG、PNG、WebP）"),
        accept=".pdf,.doc,.docx,image/jpeg,image/png,image/webp",
        help_text=gettext_lazy("PDF、Word 或照片，不超过 10 MB；上传新文件即替换原文件。"),
    )  # fmt: skip


def sign_in_sheet_field() -> KeptFileField:
    return KeptFileField(
        label=gettext_lazy("签到表"), documents=PDF,
        kinds=gettext_lazy("照片（JPEG、PNG、WebP）和 PDF 扫描件"),
        accept=".pdf,image/jpeg,image/png,image/webp",
        help_text=gettext_lazy("签到表的照片或 PDF 扫描件，不超过 10 MB；上传新文件即替换原文件。"),
    )  # fmt: skip
