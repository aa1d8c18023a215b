"""Property: whatever Markdown a member types, the links and images in the HTML work
under the site's Content-Security-Policy and in an EPUB: no <a> without a URL, no image
from outside the site's uploads, no URL the policy would refuse."""

from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.utils.csp import CSP
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from core.markdown import URL_SCHEMES, render_markdown

# Where a reader is when the text is shown: relative URLs resolve against it.
PAGE = "https://boek.example/hoofdstuk/samen-beginnen/"

SCHEMES = [
    "http:",
    "https:",
    "mailto:",
    "tel:",
    "javascript:",
    "JaVaScRiPt:",
    "vbscript:",
    "data:",
    "data:image/png;base64,",
    "file:",
    "ftp:",
    "blob:",
    "about:",
    "sms:",
    "ws:",
    "",
]
REST = [
    "//example.org/foto.jpg",
    "//evil.example/",
    "+31612345678",
    "redactie@example.org",
    "alert(1)",
    "/media/stories/buurt.jpg",
    "/media/../exemplaar/code/ABC/",
    "/media/%2e%2e/exemplaar/code/ABC/",
    "/media/.%2E/uitloggen/",
    "/media/..\\exemplaar/",
    "/exemplaar/code/ABC/",
    "/hoofdstuk/samen-beginnen/",
    "/static/img/mark.svg",
    "foto.jpg",
    "#begin",
    "?pagina=2",
    "",
    " /media/x.jpg",
    "&#106;avascript:alert(1)",
]
url = st.builds(lambda scheme, rest: scheme + rest, st.sampled_from(SCHEMES), st.sampled_from(REST))
word = st.sampled_from(["buurt", "Zwolle", "**samen**", "_leren_", "`code`", "a&b", "<", '"'])
text = st.lists(word, min_size=1, max_size=3).map(" ".join)
title = st.one_of(st.just(""), text.map(lambda t: f' "{t}"'))


def _inline():
    return st.one_of(
        text,
        st.builds(lambda t, u, ti: f"[{t}]({u}{ti})", text, url, title),
        st.builds(lambda t, u, ti: f"![{t}]({u}{ti})", text, url, title),
        st.builds(lambda u: f"![]({u})", url),
        st.builds(lambda t, u, v: f"[![{t}]({u})]({v})", text, url, url),
        st.builds(lambda u: f"<{u}>", url),
        st.builds(lambda t, u: f"[{t}][ref]\n\n[ref]: {u}", text, url),
        st.builds(lambda u: f'<a href="{u}">x</a> <img src="{u}" alt="y">', url),
    )


line = st.lists(_inline(), min_size=1, max_size=4).map(" ".join)
list_item = st.tuples(st.integers(0, 2), st.sampled_from(["-", "*", "1."]), line)
nested_list = st.lists(list_item, min_size=1, max_size=5).map(
    lambda items: "\n".join(f"{'    ' * depth}{marker} {body}" for depth, marker, body in items)
)
cell = st.lists(_inline(), min_size=1, max_size=2).map(" ".join)
table = st.lists(st.tuples(cell, cell), min_size=1, max_size=3).map(
    lambda rows: (
        "| a | b |\n|---|---|\n" + "\n".join(f"| {left} | {right} |" for left, right in rows)
    )
)
block = st.one_of(
    line,
    st.builds(lambda level, body: f"{'#' * level} {body}", st.integers(1, 6), line),
    nested_list,
    table,
    line.map(lambda body: f"> {body}"),
    url.map(lambda u: f"    {u}"),
)
document = st.lists(block, min_size=1, max_size=5).map("\n\n".join)


class _Urls(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str | None] = []
        self.images: list[str | None] = []
        self.other: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "a":
            self.links.append(values.get("href"))
        elif tag == "img":
            self.images.append(values.get("src"))
        for name in values.keys() & {"src", "href", "srcset", "action", "poster", "data"}:
            if (tag, name) not in {("a", "href"), ("img", "src")}:
                self.other.append((tag, name))

    handle_startendtag = handle_starttag


def _urls(html: str) -> _Urls:
    found = _Urls()
    found.feed(html)
    return found


def csp_allows(directive: str, value: str) -> bool:
    """Whether the site's policy lets a page at PAGE load `value` under `directive` (or
    default-src): 'self', scheme sources such as data:, and host sources."""
    sources = settings.SECURE_CSP.get(directive, settings.SECURE_CSP["default-src"])
    target = urlsplit(urljoin(PAGE, value))
    page = urlsplit(PAGE)
    for source in sources:
        if source == CSP.SELF and (target.scheme, target.netloc) == (page.scheme, page.netloc):
            return True
        if source.endswith(":") and target.scheme == source[:-1]:
            return True
        if "://" in source and f"{target.scheme}://{target.netloc}" == source.rstrip("/"):
            return True
    return False


@hypothesis_settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document, st.booleans())
def test_links_and_images_work_under_the_policy(markdown, anchors):
    found = _urls(render_markdown(markdown, anchors=anchors).html)
    assert not found.other
    for href in found.links:
        assert href and href.strip(), f"<a> without href from {markdown!r}"
        scheme = urlsplit(href.strip()).scheme.lower()
        assert scheme in URL_SCHEMES or not scheme, f"{href!r} from {markdown!r}"
    for src in found.images:
        # What the browser asks for: the URL resolved, dot segments and all.
        assert src and src.startswith(settings.MEDIA_URL), f"{src!r} from {markdown!r}"
        resolved = urlsplit(urljoin(PAGE, src.replace("%2e", ".").replace("%2E", ".")))
        assert resolved.path.startswith(settings.MEDIA_URL), f"{src!r} from {markdown!r}"
        assert csp_allows("img-src", src), f"{src!r} from {markdown!r}"


def test_the_policy_check_refuses_what_the_csp_refuses():
    assert csp_allows("img-src", "/media/stories/buurt.jpg")
    assert csp_allows("img-src", "data:image/png;base64,iVBORw0KGgo=")
    assert not csp_allows("img-src", "https://example.org/foto.jpg")
    assert not csp_allows("img-src", "//example.org/foto.jpg")
    assert not csp_allows("script-src", "data:text/javascript,alert(1)")
