"""Markdown to safe HTML, the one path for every text that people write: chapters,
stories and replies. nh3 (ammonia) is the gate: whatever Markdown lets through, only
the tags, attributes and URL schemes listed here reach a page.

Links and images agree with the Content-Security-Policy (community.settings: images
only from the site itself) and with what an EPUB can hold (no remote resources):
- a link keeps its URL when nh3 allows it (http, https, mailto, tel or relative); a
  link whose URL nh3 drops, or an empty one, is its text, never an <a> without href;
- an image stays an image only when it is one of the site's uploads (a path under
  MEDIA_URL). Any other image becomes a link to its URL, or its alt text when there is
  no URL left or it sits inside a link. So no text makes every reader's browser request
  a page of the site, and no image is left for the CSP to block.

The rule is the same for members' text (stories, replies) and the book's (chapters,
introduction, colophon): the book's own images are uploads too, and an image from
anywhere else would be blocked by the CSP and cannot go into the EPUB. One rule, no
parameter to choose the wrong one with."""

import html as html_module
import re
from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser
from typing import Any
from urllib.parse import unquote, urlsplit

import markdown
import nh3
from django.conf import settings
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
URL_SCHEMES = {"http", "https", "mailto", "tel"}
LINK_REL = "noopener noreferrer"
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


def heading_anchor(title: str) -> str:
    """The id a heading with `title` gets on a chapter page (the first of that title)."""
    return _slugify_heading(title, "-")


def render_markdown(text: str, *, anchors: bool = False) -> Rendered:
    """Render `text` and sanitise the result. With `anchors`, headings keep an id (for
    section links within a chapter) and the level-2 headings are returned as sections."""
    extensions = ["sane_lists", "smarty", "tables"]
    configs: dict[str, dict[str, Any]] = {
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
    html = _clean(raw, attributes)
    # nh3 has decided which URLs stay; now settle the links it left without a URL and
    # the images that may not load, and let nh3 check the result once more.
    html = _clean(_settle_links_and_images(html), attributes)
    sections = []
    if anchors:
        sections = [
            {"id": token["id"], "title": token["name"]}
            for token in _flatten(getattr(md, "toc_tokens", []))
            if token["level"] == 2
        ]
    return Rendered(html=html, sections=sections, word_count=len((text or "").split()))


def _clean(html: str, attributes: dict[str, set[str]]) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=attributes,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )


#: What a diff (core.diff) may hold besides text: its marks and their hidden labels.
DIFF_TAGS = {"ins", "del", "span"}


def clean_diff(html: str) -> str:
    """A diff's HTML through the same gate as every text: only <ins>, <del> and the
    visually hidden <span> that labels them survive, nothing a text brought along."""
    return nh3.clean(
        html,
        tags=DIFF_TAGS,
        attributes={},
        allowed_classes={"span": {"visually-hidden"}},
        strip_comments=True,
    )


_RAW_TAG = re.compile(r"<\s*/?\s*([a-zA-Z][a-zA-Z0-9-]*)(?:\s[^<>]*)?/?\s*>")


class _TextOutsideCode(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("code", "pre"):
            self.depth += 1

    def handle_endtag(self, tag):
        if tag in ("code", "pre") and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if not self.depth:
            self.text.append(data)


def raw_html_tags(text: str) -> list[str]:
    """The HTML tags written in `text` outside code, in the order written, each once.
    render_markdown shows them as text, never as markup: a form that wants Markdown
    only says so before the text is saved."""
    reader = _TextOutsideCode()
    reader.feed(render_markdown(text).html)
    reader.close()
    found: list[str] = []
    for match in _RAW_TAG.finditer("".join(reader.text)):
        tag = f"<{match.group(1).lower()}>"
        if tag not in found:
            found.append(tag)
    return found


def is_upload_url(url: str) -> bool:
    """Whether `url` (as a browser reads the attribute) is a file under MEDIA_URL and
    stays there once the browser resolves it: no dot segments, also not percent-encoded,
    and no backslash, white space or control character that a browser would turn into a
    slash or drop."""
    if not url.startswith(settings.MEDIA_URL):
        return False
    if any(char == "\\" or char.isspace() or not char.isprintable() for char in url):
        return False
    return not any(segment in {".", ".."} for segment in unquote(urlsplit(url).path).split("/"))


class _LinkImagePass(HTMLParser):
    """Rewrites HTML that nh3 produced (well-formed, quoted, escaped): an <a> without
    href gives way to its content; an <img> that is not an upload becomes a link to its
    URL, or its alt text (inside a link, or when nh3 dropped the URL)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self._links: list[bool] = []  # per open <a>: whether it was kept

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "a":
            kept = bool((values.get("href") or "").strip())
            self._links.append(kept)
            if kept:
                self.out.append(self.get_starttag_text() or "")
        elif tag == "img":
            self._image(values)
        else:
            self.out.append(self.get_starttag_text() or "")

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag == "a" and self._links and not self._links.pop():
            return
        self.out.append(f"</{tag}>")

    def handle_data(self, data):
        self.out.append(escape(data, quote=False))

    def _image(self, values):
        src = values.get("src") or ""
        alt = values.get("alt") or ""
        if is_upload_url(src):
            self.out.append(self.get_starttag_text() or "")
        elif src.strip() and not any(self._links):
            self.out.append(f'<a href="{escape(src)}">{escape(alt or src, quote=False)}</a>')
        else:
            self.out.append(escape(alt, quote=False))


def _settle_links_and_images(html: str) -> str:
    rewriter = _LinkImagePass()
    rewriter.feed(html)
    rewriter.close()
    return "".join(rewriter.out)


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
