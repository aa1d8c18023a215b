import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core.images import MAX_SIDE, THUMBNAIL_SIDE, PhotoError, process_photo


def _upload(image: Image.Image, fmt="JPEG", name="foto.jpg", **save):
    buffer = io.BytesIO()
    image.save(buffer, fmt, **save)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def _gps_exif():
    exif = Image.Exif()
    exif[0x010F] = "CameraMerk"  # Make
    exif[0x0112] = 6  # Orientation: rotated 90 degrees
    exif[0x8825] = {1: "N", 2: (52.0, 5.0, 0.0)}  # GPS
    return exif


def test_photo_is_resized_reencoded_and_stripped_of_exif():
    source = Image.new("RGB", (3000, 2000), (200, 80, 40))
    result = process_photo(_upload(source, exif=_gps_exif()))
    stored = Image.open(io.BytesIO(result.image.read()))
    assert stored.format == "JPEG"
    assert max(stored.size) == MAX_SIDE
    # The orientation tag was applied to the pixels (portrait now), then dropped.
    assert stored.size == (MAX_SIDE * 2 // 3, MAX_SIDE)
    assert not stored.getexif()
    assert "icc_profile" not in stored.info and "exif" not in stored.info
    thumb = Image.open(io.BytesIO(result.thumbnail.read()))
    assert thumb.size == (THUMBNAIL_SIDE, THUMBNAIL_SIDE)


@pytest.mark.parametrize("fmt", ["PNG", "GIF", "WEBP", "BMP"])
def test_common_formats_are_accepted(fmt):
    image = Image.new("RGBA" if fmt == "PNG" else "RGB", (100, 60), (10, 20, 30))
    result = process_photo(_upload(image, fmt, name=f"x.{fmt.lower()}"))
    assert Image.open(io.BytesIO(result.image.read())).format == "JPEG"


def test_large_photo_is_stored_small():
    # A 20-megapixel photo with noise, the hard case for JPEG.
    noisy = Image.effect_noise((5472, 3648), 30).convert("RGB")
    upload = _upload(noisy, quality=80)
    assert upload.size > 5 * 1024 * 1024
    result = process_photo(upload)
    assert len(result.image.read()) < 400 * 1024


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"dit is geen foto", "invalid"),
        (b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "invalid"),
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj", "invalid"),
        (b"GIF89a" + b"\x00" * 10 + b"<script>alert(1)</script>", "invalid"),
    ],
)
def test_non_images_are_refused_with_a_clear_message(content, code):
    with pytest.raises(PhotoError) as caught:
        process_photo(SimpleUploadedFile("foto.jpg", content))
    assert caught.value.code == code
    assert "foto" in str(caught.value.message).lower()


def test_decompression_bomb_is_refused():
    # A tiny PNG that claims 20,000 x 20,000 pixels (400 megapixels).
    bomb = _upload(Image.new("1", (20_000, 20_000)), "PNG", name="bom.png", optimize=True)
    assert bomb.size < 200_000
    with pytest.raises(PhotoError) as caught:
        process_photo(bomb)
    assert caught.value.code == "pixels"


def test_file_over_ten_megabytes_is_refused():
    big = SimpleUploadedFile("groot.jpg", b"\xff\xd8" + b"0" * (10 * 1024 * 1024))
    with pytest.raises(PhotoError) as caught:
        process_photo(big)
    assert caught.value.code == "too_big"


def test_polyglot_keeps_only_pixels():
    # A valid JPEG with HTML appended after the image data.
    upload = _upload(Image.new("RGB", (50, 50), "white"))
    polyglot = SimpleUploadedFile("p.jpg", upload.read() + b"<html><script>alert(1)</script>")
    result = process_photo(polyglot)
    assert b"<script>" not in result.image.read()
