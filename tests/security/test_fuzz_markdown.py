"""Property: whatever text goes into the Markdown path, what comes out is inert HTML."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.markdown import render_markdown
from tests.inert import assert_inert

# Pieces that attacks are made of, mixed with plain text and Markdown syntax.
FRAGMENTS = [
    "<",
    ">",
    "</",
    "/>",
    '"',
    "'",
    "`",
    "=",
    "&",
    "&#",
    "&#x",
    ";",
    ":",
    "(",
    ")",
    "[",
    "]",
    "!",
    "#",
    "##",
    "*",
    "_",
    "-",
    "1.",
    ">",
    "\n",
    "\n\n",
    "    ",
    "|",
    "\\",
    "script",
    "img",
    "svg",
    "iframe",
    "a",
    "href",
    "src",
    "style",
    "onerror",
    "onload",
    "javascript",
    "JaVaScRiPt",
    "vbscript",
    "data",
    "text/html",
    "base64",
    "alert(1)",
    "http://",
    "https://",
    "mailto:",
    "//",
    "\t",
    "\x00",
    "\u200b",
    "ｊａｖａｓｃｒｉｐｔ",
    "<script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    "![x](",
    "<a href=",
    "](",
    "<!--",
    "-->",
    "<![CDATA[",
    "]]>",
    "&lt;",
    "%3C",
    "\\u003c",
]

markdown_text = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=8)), max_size=60
).map("".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(markdown_text, st.booleans())
def test_any_markdown_renders_inert(text, anchors):
    rendered = render_markdown(text, anchors=anchors)
    assert_inert(rendered.html)
    for section in rendered.sections:
        assert set(section["id"]) <= set("abcdefghijklmnopqrstuvwxyz0123456789-_")
