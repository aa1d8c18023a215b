"""The membership card as a PNG: 1200 x 630, the size Open Graph previews use.

Drawn with Pillow in the site's colours. The site's own fonts are woff2, which Pillow
cannot read, so the card uses DejaVu (Debian's fonts-dejavu-core, installed by `make`),
and Pillow's built-in font when that file is missing: the card then looks plainer but
is still made."""

import hashlib
import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext
from PIL import Image, ImageDraw, ImageFont

from .models import Membership, membership_display_name

WIDTH, HEIGHT = 1200, 630
BLUE = "#1f3a5f"
PAPER = "#f6efe3"
TERRACOTTA = "#c0552f"
INK_SOFT = "#5f554c"
ON_BLUE = "#fbf7f0"
MARGIN = 80
BAND = 28  # the blue band along the left edge

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
SERIF_BOLD = FONT_DIR / "DejaVuSerif-Bold.ttf"
SANS = FONT_DIR / "DejaVuSans.ttf"
SANS_BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"

# Part of every fingerprint: change it when the drawing changes, so cached cards of the
# old design are not served again.
DESIGN_VERSION = "2"


@dataclass(frozen=True)
class CardText:
    """Everything printed on a card, already in the reader's language."""

    site_name: str
    number_label: str  # "nr. 12"
    name: str  # empty when the member chose no name
    joined_label: str  # "Lid sinds 3 maart 2026"

    @property
    def fingerprint(self) -> str:
        """A hash of what the card shows: the cache key and the HTTP ETag. A changed
        name or number gives another fingerprint, so a new card is drawn."""
        parts = [DESIGN_VERSION, self.site_name, self.number_label, self.name, self.joined_label]
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


@cache
def font(path: Path, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.truetype(str(path), size)
    except OSError:
        return ImageFont.load_default(size=size)


def _fit(draw, text: str, path: Path, size: int, width: int, smallest: int = 28):
    """The largest font (from `size` down to `smallest`) in which `text` fits `width`;
    text that is still too wide is cut short with an ellipsis."""
    while size > smallest and draw.textlength(text, font=font(path, size)) > width:
        size -= 4
    chosen = font(path, size)
    if draw.textlength(text, font=chosen) <= width:
        return text, chosen
    while text and draw.textlength(text + "…", font=chosen) > width:
        text = text[:-1]
    return text.rstrip() + "…", chosen


def card_png(text: CardText) -> bytes:
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    inner = WIDTH - 2 * MARGIN - BAND

    draw.rectangle((0, 0, BAND, HEIGHT), fill=BLUE)
    # A thin terracotta rule under the site name, as on the book's cover.
    site, site_font = _fit(draw, text.site_name, SANS_BOLD, 34, inner)
    draw.text((MARGIN + BAND, MARGIN), site, font=site_font, fill=BLUE)
    draw.rectangle((MARGIN + BAND, MARGIN + 58, MARGIN + BAND + 120, MARGIN + 64), fill=TERRACOTTA)

    number, number_font = _fit(draw, text.number_label, SERIF_BOLD, 150, inner)
    draw.text((MARGIN + BAND, 190), number, font=number_font, fill=TERRACOTTA)

    if text.name:
        name, name_font = _fit(draw, text.name, SERIF_BOLD, 64, inner)
        draw.text((MARGIN + BAND, 380), name, font=name_font, fill=BLUE)

    joined, joined_font = _fit(draw, text.joined_label, SANS, 34, inner)
    # Without a name the date moves up, under the number, so no gap is left.
    joined_top = HEIGHT - MARGIN - 40 if text.name else 400
    draw.text((MARGIN + BAND, joined_top), joined, font=joined_font, fill=INK_SOFT)

    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def card_text_for(membership: Membership) -> CardText:
    """The card of `membership`, in the active language. Needs `membership.profile`
    (select_related it) for the name."""
    joined = formats.date_format(timezone.localtime(membership.claimed_at).date(), "j F Y")
    name = membership_display_name(membership)
    return CardText(
        site_name=settings.SITE_NAME,
        number_label=gettext("nr. %(number)s") % {"number": membership.number},
        # No name chosen: the number says it all, no "Lid nr. 12" under "nr. 12".
        name="" if name == str(membership) else name,
        joined_label=gettext("Lid sinds %(date)s") % {"date": joined},
    )
