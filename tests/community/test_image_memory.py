"""What one upload costs in memory at its peak, measured in a fresh process for each of
the worst images the photo pipeline accepts: the largest of each costly kind that fits
the limits (MAX_PIXELS, DECODE_BUDGET), and the image of the issue, which is refused
before it is decoded. Each must stay under PEAK_BUDGET_MIB. How it is measured, and why
not with tracemalloc or getrusage: tests/community/photo_peak.py."""

import io
import json
import math
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from PIL import Image, PngImagePlugin

from core.images import DECODE_BUDGET, MAX_PIXELS

PEAK_BUDGET_MIB = 150

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/clear_refs").exists(), reason="reads the resident set from Linux's /proc"
)


def _largest(bytes_per_pixel: float) -> tuple[int, int]:
    """The largest 3:2 photo that the pixel limit and the decoding budget both let in,
    at this many bytes a decoded pixel."""
    pixels = min(MAX_PIXELS, int(DECODE_BUDGET / bytes_per_pixel))
    width = math.isqrt(pixels * 3 // 2)
    return width, pixels // width


def _encoded(image: Image.Image, fmt: str, **save) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **save)
    return buffer.getvalue()


def _issue_png() -> bytes:
    return _encoded(Image.new("1", (7000, 7000)), "PNG", optimize=True)


def _rgba_png_with_text() -> bytes:
    # 4 bytes a pixel fill the budget; 7 MB of text chunks, inflated, come on top.
    text = PngImagePlugin.PngInfo()
    for number in range(7):
        text.add_text(f"k{number}", "x" * 1_000_000, zip=True)
    image = Image.new("RGBA", _largest(4), (200, 80, 40, 128))
    return _encoded(image, "PNG", pnginfo=text)


def _grey_16_bit_png() -> bytes:
    return _encoded(Image.new("I;16", _largest(2), 0x8080), "PNG")


def _webp() -> bytes:
    return _encoded(Image.new("RGBA", _largest(16), (90, 140, 60, 200)), "WEBP", lossless=True)


def _progressive_cmyk_jpeg() -> bytes:
    # Every DCT coefficient kept: 4 components at full resolution, 8 bytes a pixel, plus
    # padding to whole blocks and the output drafted to half size.
    image = Image.new("CMYK", _largest(9.1), (10, 80, 200, 30))
    return _encoded(image, "JPEG", progressive=True, subsampling=0)


# What each comes out as: the photo, 800 pixels wide, or the refusal.
CASES = {
    "the issue's 7000 x 7000 PNG": (_issue_png, "refused:pixels"),
    "RGBA PNG with text": (_rgba_png_with_text, "800x"),
    "16-bit grey PNG": (_grey_16_bit_png, "800x"),
    "lossless WebP with alpha": (_webp, "800x"),
    "progressive CMYK JPEG": (_progressive_cmyk_jpeg, "800x"),
}


def _peak(path: Path) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "tests.community.photo_peak", str(path)],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(result.stdout)


@pytest.mark.parametrize("case", list(CASES))
def test_one_upload_stays_under_the_memory_budget(tmp_path, case):
    make, outcome = CASES[case]
    path = tmp_path / "upload"
    path.write_bytes(make())
    measured = _peak(path)
    assert measured["outcome"].startswith(outcome), measured
    assert measured["peak_mib"] < PEAK_BUDGET_MIB, measured
    if outcome.startswith("refused"):
        assert measured["peak_mib"] < 5, "refused from its header, before decoding"
