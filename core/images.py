"""The one pipeline for photos people upload (profile photos, story photos).

Whatever arrives is decoded by Pillow, turned upright, stripped of every byte of metadata
(EXIF with its GPS position, ICC profiles, comments), scaled down and written anew as a
JPEG. Only pixels survive, so a polyglot file or a script hidden in metadata does not.
"""

import io
import uuid
import warnings
from collections.abc import Iterable
from dataclasses import dataclass

from django import forms
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# A 10 MB file may still decode to a billion pixels; Pillow refuses beyond this.
MAX_PIXELS = 50_000_000
MAX_SIDE = 800
THUMBNAIL_SIDE = 240
ACCEPTED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP", "BMP", "TIFF", "MPO"}
JPEG_QUALITY = 82


@dataclass(frozen=True)
class ProcessedPhoto:
    image: ContentFile
    thumbnail: ContentFile
    width: int
    height: int


class PhotoError(forms.ValidationError):
    pass


def _jpeg(image: Image.Image, name: str) -> ContentFile:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return ContentFile(buffer.getvalue(), name=name)


def process_photo(upload) -> ProcessedPhoto:
    """Validate and re-encode an uploaded photo; raises PhotoError with a message for
    the person who uploaded it."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise PhotoError(
            _("Deze foto is te groot (meer dan 10 MB). Kies een kleinere foto."), code="too_big"
        )
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as opened:
                if opened.format not in ACCEPTED_FORMATS:
                    raise PhotoError(
                        _(
                            "Dit bestandstype wordt niet ondersteund. Gebruik JPEG, PNG, GIF of WebP."
                        ),
                        code="format",
                    )
                if opened.width * opened.height > MAX_PIXELS:
                    raise PhotoError(
                        _("Deze foto heeft te veel pixels. Kies een kleinere foto."), code="pixels"
                    )
                opened.seek(0)
                image = ImageOps.exif_transpose(opened)
                image.load()
    except PhotoError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise PhotoError(
            _("Deze foto heeft te veel pixels. Kies een kleinere foto."), code="pixels"
        ) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise PhotoError(
            _(
                "Dit bestand is geen foto die we kunnen lezen. Kies een JPEG-, PNG- of WebP-bestand."
            ),
            code="invalid",
        ) from exc

    if image.mode in ("RGBA", "LA", "P", "PA"):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.getchannel("A"))
        image = background
    else:
        image = image.convert("RGB")
    # A fresh image holds only pixels: no EXIF, no ICC, no comments, no extra frames.
    clean = Image.new("RGB", image.size)
    clean.paste(image)
    clean.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    thumbnail = ImageOps.fit(clean, (THUMBNAIL_SIDE, THUMBNAIL_SIDE), Image.Resampling.LANCZOS)
    stem = uuid.uuid4().hex
    return ProcessedPhoto(
        image=_jpeg(clean, f"{stem}.jpg"),
        thumbnail=_jpeg(thumbnail, f"{stem}-thumb.jpg"),
        width=clean.width,
        height=clean.height,
    )


class PhotoField(forms.FileField):
    """A form field whose cleaned value is a ProcessedPhoto (or None when left empty)."""

    widget = forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/gif,image/webp"})

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if not upload or upload is initial:
            return upload
        return process_photo(upload)


def files_delete_on_commit(names: Iterable[str], *, storage=default_storage) -> None:
    """Delete stored files (a replaced or removed photo and its thumbnail) once the
    transaction that stopped using them has committed: a rollback must not leave a row
    pointing at a deleted file. Empty names (no photo) are skipped."""
    names = [name for name in names if name]
    if not names:
        return

    def delete():
        for name in names:
            storage.delete(name)

    transaction.on_commit(delete)
