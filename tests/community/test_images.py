import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, PngImagePlugin

from core.images import (
    DECODE_BUDGET,
    MAX_SIDE,
    THUMBNAIL_SIDE,
    PhotoError,
    _first_scan_components,
    process_photo,
)


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


def _refusal(upload) -> PhotoError:
    with pytest.raises(PhotoError) as caught:
        process_photo(upload)
    return caught.value


def _message(error: PhotoError) -> str:
    return str(error.message) % error.params


def test_more_than_forty_megapixels_is_refused_naming_the_limit():
    # 8000 x 5001: just over 40 million pixels, refused from the header alone.
    error = _refusal(_upload(Image.new("1", (8000, 5001)), "PNG", name="groot.png"))
    assert error.code == "pixels"
    assert _message(error) == (
        "Deze foto heeft te veel pixels: hoogstens 40 megapixel kan. Kies een kleinere foto."
    )


def test_a_photo_whose_decoding_costs_too_much_is_refused_naming_its_limit():
    # 6.5 megapixels of WebP: libwebp and Pillow together hold 16 bytes a pixel, over the
    # decoding budget of 100 MiB; the limit named is what fits the budget.
    assert 3200 * 2100 * 16 > DECODE_BUDGET
    error = _refusal(_upload(Image.new("RGB", (3200, 2100), "white"), "WEBP", name="f.webp"))
    assert error.code == "pixels"
    assert _message(error) == (
        "Deze foto heeft te veel pixels om te verwerken: een WebP-bestand als dit mag "
        "hoogstens 6 megapixel hebben. Kies een kleinere foto of sla hem op als gewone JPEG."
    )


def test_a_progressive_jpeg_pays_for_its_coefficients_and_a_baseline_one_does_not():
    # libjpeg keeps every DCT coefficient of a progressive JPEG (3 bytes a pixel at 4:2:0,
    # 120 MB at 40 megapixels); a baseline JPEG is decoded a few rows at a time, at a
    # quarter of its size.
    image = Image.new("RGB", (7745, 5164), (90, 140, 60))
    progressive = _refusal(_upload(image, progressive=True))
    assert progressive.code == "pixels"
    assert progressive.params == {"limit": 32, "format": "JPEG"}
    result = process_photo(_upload(image))
    assert (result.width, result.height) == (MAX_SIDE, 533)


def test_the_first_scan_is_found_past_a_thumbnail_in_the_exif_data():
    jpeg = _upload(Image.new("RGB", (64, 48)), subsampling=0).read()
    # An APP1 segment holding a one-component scan header of its own, as an EXIF
    # thumbnail does: skipped by its length, not taken for the photo's first scan.
    thumbnail = b"Exif\x00\x00\xff\xd8\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00"
    app1 = b"\xff\xe1" + (len(thumbnail) + 2).to_bytes(2, "big") + thumbnail
    upload = SimpleUploadedFile("foto.jpg", jpeg[:2] + app1 + jpeg[2:])
    upload.seek(5)
    assert _first_scan_components(upload) == 3
    assert upload.tell() == 5, "Pillow reads on from where it was"


def test_tiff_is_not_accepted():
    error = _refusal(_upload(Image.new("RGB", (60, 40)), "TIFF", name="scan.tif"))
    assert error.code == "format"


def test_png_text_beyond_eight_megabytes_is_refused():
    text = PngImagePlugin.PngInfo()
    for number in range(9):
        text.add_text(f"k{number}", "x" * 1_000_000, zip=True)
    upload = _upload(Image.new("RGB", (60, 40)), "PNG", name="tekst.png", pnginfo=text)
    assert upload.size < 100_000
    assert _refusal(upload).code == "invalid"


def _palette_image(size) -> Image.Image:
    image = Image.new("P", size, 0)
    image.putpalette([200, 0, 0, 0, 0, 200])
    return image


@pytest.mark.parametrize(
    "image",
    [
        Image.new("RGBA", (1000, 700), (200, 0, 0, 0)),
        Image.new("LA", (1000, 700), (0, 0)),
        _palette_image((1000, 700)),
    ],
    ids=["RGBA", "LA", "P with a transparent colour"],
)
def test_transparency_is_laid_over_white(image):
    save = {"transparency": 0} if image.mode == "P" else {}
    result = process_photo(_upload(image, "PNG", name="t.png", **save))
    stored = Image.open(io.BytesIO(result.image.read()))
    assert stored.convert("RGB").getpixel((400, 300)) == (255, 255, 255)


def test_sixteen_bit_grey_keeps_its_tones():
    # Pillow converts 16-bit grey to RGB by clipping: anything above 255 of 65535 white.
    grey = Image.new("I;16", (1000, 700), 0x8080)
    result = process_photo(_upload(grey, "PNG", name="grijs.png"))
    red, green, blue = Image.open(io.BytesIO(result.image.read())).getpixel((400, 300))
    assert abs(red - 128) <= 2 and red == green == blue


def test_a_large_photo_is_shrunk_without_losing_its_edges():
    # Shrunk a band of rows at a time: the last band, shorter than the others, is there.
    image = Image.new("RGB", (4001, 3001), (20, 20, 200))
    image.paste((250, 250, 0), (0, 2990, 4001, 3001))
    result = process_photo(_upload(image, "PNG", name="rand.png"))
    stored = Image.open(io.BytesIO(result.image.read()))
    assert stored.size == (MAX_SIDE, 600)
    red, green, blue = stored.getpixel((400, 599))
    assert red > 150 and green > 150 and blue < 120
