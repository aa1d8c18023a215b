"""The one pipeline for photos people upload (profile photos, story photos).

Whatever arrives is decoded by Pillow, turned upright, stripped of every byte of metadata
(EXIF with its GPS position, ICC profiles, comments), scaled down and written anew as a
JPEG. Only pixels survive, so a polyglot file or a script hidden in metadata does not.

Memory: decoding is the expensive part, and a few kilobytes of PNG can claim a billion
pixels. So what decoding a file will take is worked out from its header before a pixel is
decoded (DECODE_BUDGET), a JPEG is decoded at a fraction of its size (`draft`), and the
photo is converted and shrunk a band of rows at a time, so no full-size copy in another
mode ever exists beside the decoded one. One upload stays under 150 MiB at its peak
(tests/community/test_image_memory.py measures it).

So how many pixels fit depends on the kind of file: 40 megapixels (MAX_PIXELS) for a
baseline JPEG, a GIF or a palette PNG, about 26 for an RGB(A) PNG, 32 for a progressive
JPEG, 6 for WebP. The refusal names the limit that applies.
"""

import io
import uuid
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from PIL import ExifTags, Image, ImageFile, ImageOps, PngImagePlugin, UnidentifiedImageError
from PIL.JpegImagePlugin import JpegImageFile

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# More than a camera's JPEG has when it fits in 10 MB (24 to 36 megapixels); a few
# kilobytes of PNG can claim far more.
MAX_PIXELS = 40_000_000
# What the decoded pixels and the decoder's own buffers of one upload may take together.
# The rest of the 150 MiB goes to metadata (at most the file itself, and PNG text, below),
# the band being shrunk, the shrunk photo and the JPEGs written from it.
DECODE_BUDGET = 100 * 1024 * 1024
MAX_SIDE = 800
THUMBNAIL_SIDE = 240
# No TIFF: libtiff may read a whole image's strip into one buffer before Pillow sees a
# pixel, which no header check here bounds; photos from phones and cameras are JPEG.
ACCEPTED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP", "BMP", "MPO"}
FORMAT_NAMES: dict[str | None, str | None] = {"WEBP": "WebP", "MPO": "JPEG"}
JPEG_QUALITY = 82
# Pillow keeps a PNG's text chunks in memory, up to 64 MB of them once inflated; the text
# is thrown away here anyway, and a PNG with more than this is refused as unreadable.
# (Pillow has one setting for the process: book covers are held to it too, harmlessly.)
PngImagePlugin.MAX_TEXT_MEMORY = 8 * 1024 * 1024
# Pillow keeps most modes at 4 bytes a pixel (RGB too); these are the smaller ones.
BYTES_PER_PIXEL = {"1": 1, "L": 1, "P": 1, "I;16": 2, "I;16L": 2, "I;16B": 2, "I;16N": 2}
# Pixels of the source converted and shrunk at a time (4 MiB a band at 4 bytes a pixel).
BAND_PIXELS = 1024 * 1024
# EXIF orientation: the turn that makes the photo upright (as ImageOps.exif_transpose).
UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


class NamedContentFile(ContentFile):
    """A file made in memory with its name, as FieldFile.save needs one."""

    name: str


@dataclass(frozen=True)
class ProcessedPhoto:
    image: NamedContentFile
    thumbnail: NamedContentFile
    width: int
    height: int


class PhotoError(forms.ValidationError):
    pass


def _jpeg(image: Image.Image, name: str) -> NamedContentFile:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return NamedContentFile(buffer.getvalue(), name=name)


def _too_many_pixels(limit: int, file_format: str | None = None) -> PhotoError:
    if file_format is None:
        message = _(
            "Deze foto heeft te veel pixels: hoogstens %(limit)d megapixel kan. Kies een "
            "kleinere foto."
        )
    else:
        message = _(
            "Deze foto heeft te veel pixels om te verwerken: een %(format)s-bestand als dit "
            "mag hoogstens %(limit)d megapixel hebben. Kies een kleinere foto of sla hem "
            "op als gewone JPEG."
        )
    return PhotoError(
        message,
        code="pixels",
        params={"limit": limit // 1_000_000, "format": FORMAT_NAMES.get(file_format, file_format)},
    )


def _first_scan_components(upload) -> int:
    """How many colour components the first scan of a JPEG holds (0 when its headers
    cannot be followed): the marker segments are skipped by their lengths up to the
    first SOS, so a thumbnail inside the EXIF data is not mistaken for the photo."""
    position = upload.tell()
    try:
        upload.seek(0)
        if upload.read(2) != b"\xff\xd8":
            return 0
        while True:
            byte = upload.read(1)
            if not byte:
                return 0
            if byte != b"\xff":
                continue
            marker = upload.read(1)
            while marker == b"\xff":
                marker = upload.read(1)
            if not marker:
                return 0
            if marker[0] in (0x00, 0x01) or 0xD0 <= marker[0] <= 0xD8:
                continue  # a stuffed zero, or a marker without a length
            length = upload.read(2)
            if len(length) < 2:
                return 0
            if marker[0] == 0xDA:
                count = upload.read(1)
                return count[0] if count else 0
            upload.seek(int.from_bytes(length, "big") - 2, io.SEEK_CUR)
    finally:
        upload.seek(position)


def _jpeg_coefficient_bytes(image: JpegImageFile, upload) -> int:
    """What libjpeg keeps beside the pixels it hands over. A JPEG in one scan with every
    component in it is decoded a few rows at a time: nothing to speak of. A progressive
    JPEG, or one whose first scan leaves a component out, arrives in several passes over
    the whole picture, so libjpeg keeps every DCT coefficient of it, 2 bytes each, at
    full size however small `draft` makes the output. libjpeg decides this from the
    first scan, as here."""
    if not image.info.get("progressive") and _first_scan_components(upload) == len(image.layer):
        return 0
    h_max = max(h for _, h, _, _ in image.layer)
    v_max = max(v for _, _, v, _ in image.layer)
    blocks = sum(
        -(-image.width * h // (8 * h_max)) * -(-image.height * v // (8 * v_max))
        for _, h, v, _ in image.layer
    )
    return blocks * 64 * 2


def _decoding_bytes(image: ImageFile.ImageFile, upload) -> int:
    """Sets up the cheapest decoding of `image` (a JPEG is drafted: libjpeg scales it by
    1/2, 1/4 or 1/8 while decoding) and says what it will take, from the header alone:
    the decoded pixels and what the decoder holds besides."""
    pixels = image.width * image.height
    if image.format == "WEBP":
        # libwebp decodes into a canvas, keeps the previous one (for animations) and
        # hands Pillow a copy, which Pillow copies into the image: 16 bytes a pixel.
        return pixels * 16
    extra = 0
    if image.format in ("JPEG", "MPO"):
        extra = _jpeg_coefficient_bytes(cast(JpegImageFile, image), upload)
        # From here on image.size is the size libjpeg hands over.
        image.draft(None, _draft_size(image.size))
    elif image.format == "BMP" and image.tile and image.tile[0].codec_name == "bmp_rle":
        # Pillow's run-length decoder builds the pixels in Python, then copies them.
        extra = pixels * 2
    return image.width * image.height * BYTES_PER_PIXEL.get(image.mode, 4) + extra


def _draft_size(size: tuple[int, int]) -> tuple[int, int]:
    """Twice the size the photo is shown at, as Image.thumbnail asks a JPEG for: what
    libjpeg scales down to (by 1/2, 1/4 or 1/8) loses no detail the photo keeps."""
    scale = min(1.0, MAX_SIDE / max(size))
    return max(1, round(size[0] * scale * 2)), max(1, round(size[1] * scale * 2))


def _rgb_band(band: Image.Image) -> Image.Image:
    """A band of the photo as RGB: transparency laid over white, 16-bit grey scaled to
    8 bits (Pillow's own conversion would clip it to white)."""
    if band.mode.startswith("I;16"):
        band = band.point(lambda value: value / 256)
    if not band.has_transparency_data:
        return band.convert("RGB")
    if band.mode != "RGBA":
        band = band.convert("RGBA")
    background = Image.new("RGB", band.size, "white")
    background.paste(band, mask=band.getchannel("A"))
    return background


def _shrunk(image: Image.Image) -> Image.Image:
    """`image` as a fresh RGB image (pixels only, no metadata), reduced by a whole factor
    to between one and two times the size it is shown at. Converted a band of rows at a
    time: converting first would copy the whole photo at 4 bytes a pixel whatever its
    mode, and reducing an RGBA image copies it in Pillow too."""
    width, height = image.size
    factor = max(1, max(width, height) // (2 * MAX_SIDE))
    result = Image.new("RGB", (-(-width // factor), -(-height // factor)))
    rows = max(1, BAND_PIXELS // (width * factor)) * factor
    for top in range(0, height, rows):
        band = _rgb_band(image.crop((0, top, width, min(top + rows, height))))
        result.paste(band.reduce(factor), (0, top // factor))
    return result


def _decoded(upload) -> tuple[Image.Image, int | None]:
    """The photo decoded within the budget and shrunk, with its EXIF orientation. The
    full-size image and its decoder are let go when this returns."""
    with Image.open(upload) as opened:
        if opened.format not in ACCEPTED_FORMATS:
            raise PhotoError(
                _("Dit bestandstype wordt niet ondersteund. Gebruik JPEG, PNG, GIF of WebP."),
                code="format",
            )
        pixels = opened.width * opened.height
        if pixels > MAX_PIXELS:
            raise _too_many_pixels(MAX_PIXELS)
        cost = _decoding_bytes(opened, upload)
        if cost > DECODE_BUDGET:
            raise _too_many_pixels(DECODE_BUDGET * pixels // cost, opened.format)
        orientation = opened.getexif().get(ExifTags.Base.Orientation)
        opened.load()
        try:
            return _shrunk(opened), orientation
        finally:
            opened.close()


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
            clean, orientation = _decoded(upload)
    except PhotoError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_many_pixels(MAX_PIXELS) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise PhotoError(
            _(
                "Dit bestand is geen foto die we kunnen lezen. Kies een JPEG-, PNG- of WebP-bestand."
            ),
            code="invalid",
        ) from exc

    if orientation in UPRIGHT:
        clean = clean.transpose(UPRIGHT[orientation])
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
    """A form field whose cleaned value is a ProcessedPhoto (or None when left empty).

    `before_decoding`, set by the form for the member who sends the photo, runs before a
    new upload is decoded and refuses it by raising PhotoError: how the upload limit in
    members/ratelimit.py comes in without this module knowing about members."""

    widget = forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/gif,image/webp"})
    before_decoding: Callable[[], None] | None = None

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if not upload or upload is initial:
            return upload
        # A file over the size limit is refused before any work: it does not count.
        if upload.size <= MAX_UPLOAD_BYTES and self.before_decoding is not None:
            self.before_decoding()
        return process_photo(upload)


def photo_put(
    instance: Any,
    *,
    photo: ProcessedPhoto | None,
    remove: bool = False,
    image_field: str = "photo",
    thumbnail_field: str = "thumbnail",
) -> list[str | None]:
    """Put a new photo (or, with `remove`, none) in `instance`'s image and thumbnail
    fields, unsaved. Returns the names of the files no longer used, for
    files_delete_on_commit once the row is saved."""
    image, thumbnail = getattr(instance, image_field), getattr(instance, thumbnail_field)
    old = [f.name for f in (image, thumbnail) if f]
    if photo is not None:
        image.save(photo.image.name, photo.image, save=False)
        thumbnail.save(photo.thumbnail.name, photo.thumbnail, save=False)
        return old
    if remove:
        setattr(instance, image_field, "")
        setattr(instance, thumbnail_field, "")
        return old
    return []


def files_delete_on_commit(
    names: Iterable[str | None], *, storage: Storage = default_storage
) -> None:
    """Delete stored files (a replaced or removed photo and its thumbnail) once the
    transaction that stopped using them has committed: a rollback must not leave a row
    pointing at a deleted file. Empty names (no photo) are skipped."""
    stored = [name for name in names if name]
    if not stored:
        return

    def delete() -> None:
        for name in stored:
            storage.delete(name)

    transaction.on_commit(delete)


def photo_set(instance: Any, photo: ProcessedPhoto | None, *, remove: bool) -> list[str | None]:
    """photo_put for a row that also keeps the photo's size and description (the
    fields photo_width, photo_height and photo_alt: a story, an edit, a meeting)."""
    stale = photo_put(instance, photo=photo, remove=remove)
    if photo is not None:
        instance.photo_width, instance.photo_height = photo.width, photo.height
    elif remove:
        instance.photo_width = instance.photo_height = None
        instance.photo_alt = ""
    return stale
