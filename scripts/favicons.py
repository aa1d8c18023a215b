"""Draws the bitmap favicons from the shapes of static/img/favicon.svg, for the browsers
and tools that take no SVG icon: static/img/favicon.ico (16, 32 and 48 px) and
static/img/apple-touch-icon.png (180 px, square: iOS rounds the corners itself).

Pillow cannot read SVG, so the shapes are drawn again here: the open book of the
header's mark (static/img/mark.svg) on the blue tile, on the SVG's 32-unit grid, eight
times larger and then scaled down for smooth edges. Run it after changing the SVG:
`.venv/bin/python scripts/favicons.py`."""

from pathlib import Path

from PIL import Image, ImageDraw

IMG = Path(__file__).resolve().parent.parent / "static" / "img"
BLUE = "#1f3a5f"
PAPER = "#f6efe3"
PEACH = "#f2b79a"
OVERSAMPLE = 8
# The SVG's <g transform="matrix(.85 0 0 .85 2.4 2.475)">: the book, centred on the tile.
BOOK_SCALE, BOOK_X, BOOK_Y = 0.85, 2.4, 2.475


def _curve(start, c1, c2, end, steps=16):
    """A cubic Bézier curve as points (without its start)."""
    points = []
    for i in range(1, steps + 1):
        t = i / steps
        points.append(
            tuple(
                (1 - t) ** 3 * s + 3 * (1 - t) ** 2 * t * a + 3 * (1 - t) * t**2 * b + t**3 * e
                for s, a, b, e in zip(start, c1, c2, end, strict=True)
            )
        )
    return points


# mark.svg's pages: "M4 8.5c4-1.6 8-1.4 11 1v15.5c-3-2-7-2.2-11-.8z" and its mirror image.
LEFT_PAGE = [
    (4, 8.5),
    *_curve((4, 8.5), (8, 6.9), (12, 7.1), (15, 9.5)),
    (15, 25),
    *_curve((15, 25), (12, 23), (8, 22.8), (4, 24.2)),
]
RIGHT_PAGE = [(32 - x, y) for x, y in LEFT_PAGE]


def icon(size: int, *, rounded: bool = True) -> Image.Image:
    unit = OVERSAMPLE * size / 32
    image = Image.new("RGBA", (OVERSAMPLE * size,) * 2, (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle(
        (0, 0, image.width - 1, image.height - 1), radius=7 * unit if rounded else 0, fill=BLUE
    )
    for page, colour in ((LEFT_PAGE, PAPER), (RIGHT_PAGE, PEACH)):
        draw.polygon(
            [((BOOK_SCALE * x + BOOK_X) * unit, (BOOK_SCALE * y + BOOK_Y) * unit) for x, y in page],
            fill=colour,
        )
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    # Each size drawn for itself: a 16 px icon scaled down from 48 px comes out blurred.
    icon(48).save(
        IMG / "favicon.ico",
        sizes=[(16, 16), (32, 32), (48, 48)],
        append_images=[icon(16), icon(32)],
    )
    icon(180, rounded=False).save(IMG / "apple-touch-icon.png", optimize=True)


if __name__ == "__main__":
    main()
