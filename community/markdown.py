"""Markdown to safe HTML, the one path for every text that people write: chapters now,
stories and replies later. nh3 (ammonia) is the gate: whatever Markdown lets through,
only the tags, attributes and URL schemes listed here reach a page."""

import html as html_module
import re
from dataclasses import dataclass, field

import markdown
import nh3
from django.utils.html import strip_tags
from django.utils.text import slugify

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "dd",
    "del",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
HEADING_TAGS = ("h2", "h3", "h4", "h5", "h6")
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "ol": {"start"},
    "td": {"align"},
    "th": {"align"},
}
URL_SCHEMES = {"http", "https", "mailto"}
WORDS_PER_MINUTE = 200
DESCRIPTION_LENGTH = 200
# Where one block of text ends and the next begins: a space there keeps the words of
# two paragraphs apart once the tags are gone.
_BLOCK_END = re.compile(r"</(?:p|li|h[1-6]|blockquote|pre|dd|dt|td|th|figcaption)>|<br\s*/?>")


@dataclass(frozen=True)
class Rendered:
    html: str
    sections: list[dict] = field(default_factory=list)
    word_count: int = 0

    @property
    def reading_minutes(self) -> int:
        return reading_minutes(self.word_count)


def reading_minutes(word_count: int) -> int:
    return max(1, round(word_count / WORDS_PER_MINUTE))


def _slugify_heading(value: str, separator: str) -> str:
    return slugify(value) or "sectie"


def render_markdown(text: str, *, anchors: bool = False) -> Rendered:
    """Render `text` and sanitise the result. With `anchors`, headings keep an id (for
    section links within a chapter) and the level-2 headings are returned as sections."""
    extensions = ["sane_lists", "smarty", "tables"]
    configs = {
        "smarty": {
            "substitutions": {
                "left-double-quote": "&ldquo;",
                "right-double-quote": "&rdquo;",
            }
        }
    }
    if anchors:
        extensions.append("toc")
        configs["toc"] = {"slugify": _slugify_heading, "toc_depth": "2-3"}
    md = markdown.Markdown(extensions=extensions, extension_configs=configs)
    # Raw HTML in Markdown is not trusted: escape it before nh3 ever sees it, so a
    # pasted <script> shows as text instead of silently vanishing.
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    raw = md.convert(text or "")

    attributes = {tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()}
    if anchors:
        for tag in HEADING_TAGS:
            attributes[tag] = {"id"}
    html = nh3.clean(
        raw,
        tags=ALLOWED_TAGS,
        attributes=attributes,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    sections = []
    if anchors:
        sections = [
            {"id": token["id"], "title": token["name"]}
            for token in _flatten(getattr(md, "toc_tokens", []))
            if token["level"] == 2
        ]
    return Rendered(html=html, sections=sections, word_count=len((text or "").split()))


def _flatten(tokens):
    for token in tokens:
        yield token
        yield from _flatten(token.get("children", []))


def plain_text(html: str, *, limit: int = DESCRIPTION_LENGTH) -> str:
    """Rendered HTML as one line of plain text, for a page's <meta name="description">:
    no tags, no entities (the template escapes it again), blocks apart, cut after a
    whole word with an ellipsis when it is longer than `limit` characters."""
    text = " ".join(html_module.unescape(strip_tags(_BLOCK_END.sub(" ", html or ""))).split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if text[limit - 1] != " " and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.!?") + "…"
