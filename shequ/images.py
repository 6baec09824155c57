"""Photos from phones (a resident's submission, an inspector's or a community's evidence): only
real JPEG, PNG or WebP pictures, re-encoded from their pixels so that nothing else in the file
survives (EXIF with the phone's GPS position, comments, embedded thumbnails)."""

from __future__ import annotations

import io
import warnings

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

MAX_BYTES = 10 * 1024 * 1024
MAX_PHOTOS = 3
# A phone's photo is 12–50 megapixels; far more is a decompression bomb, not a picture.
MAX_PIXELS = 80_000_000
# Stored no larger than this on the long side: enough to read a meter or a crack.
MAX_SIDE = 2560
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


def cleaned_photo(upload: UploadedFile) -> ContentFile:
    """The upload re-encoded without metadata, or a ValidationError in Chinese."""
    name = upload.name or ""
    if upload.size > MAX_BYTES:
        raise ValidationError(_("照片“%(name)s”超过 10 MB，请压缩后再上传。") % {"name": name})
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as probe:
                kind = probe.format
                if kind not in FORMATS:
                    raise ValidationError(
                        _("照片“%(name)s”不是 JPEG、PNG 或 WebP 图片。") % {"name": name}
                    )
                if probe.width * probe.height > MAX_PIXELS:
                    raise ValidationError(_("照片“%(name)s”尺寸过大。") % {"name": name})
                picture = ImageOps.exif_transpose(probe)
                picture.thumbnail((MAX_SIDE, MAX_SIDE))
                has_alpha = picture.mode in ("RGBA", "LA", "PA") or "transparency" in picture.info
                mode = "RGBA" if has_alpha and kind != "JPEG" else "RGB"
                picture = picture.convert(mode)
    except ValidationError:
        raise
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombWarning,
            Image.DecompressionBombError) as error:  # fmt: skip
        raise ValidationError(
            _("照片“%(name)s”无法识别，请上传 JPEG、PNG 或 WebP 图片。") % {"name": name}
        ) from error
    # Only the pixels cross over: a new image has no info, EXIF, ICC profile or comment.
    bare = Image.frombytes(picture.mode, picture.size, picture.tobytes())
    out = io.BytesIO()
    bare.save(out, format=kind, **({"quality": 85} if kind in ("JPEG", "WEBP") else {}))
    return ContentFile(out.getvalue(), name=f"photo.{FORMATS[kind]}")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to three pictures in one input, each re-encoded without its metadata."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})
        )
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        uploads = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(uploads) > MAX_PHOTOS:
            raise ValidationError(_("最多上传 3 张照片。"))
        cleaned = []
        for upload in uploads:
            if not hasattr(upload, "size"):
                raise ValidationError(_("照片上传失败，请重新选择。"))
            cleaned.append(cleaned_photo(upload))
        return cleaned


def photo_response(image) -> FileResponse:
    """A stored photo, for a view that has checked the viewer may see it; never a public media
    URL, which anyone holding the link could open."""
    try:
        handle = image.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    extension = image.name.rsplit(".", 1)[-1].lower()
    content_type = {"png": "image/png", "webp": "image/webp"}.get(extension, "image/jpeg")
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
