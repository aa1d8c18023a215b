"""What "rendered inert" means, checked on the parsed HTML rather than on substrings:
escaped text such as `&lt;script&gt;` is harmless and may stay."""

from html.parser import HTMLParser
from urllib.parse import urlsplit

from core.markdown import ALLOWED_TAGS

SAFE_SCHEMES = {"", "http", "https", "mailto", "tel"}


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def assert_inert(html: str, *, allowed_tags=ALLOWED_TAGS):
    collector = _Collector()
    collector.feed(html)
    for tag, attrs in collector.elements:
        assert tag in allowed_tags, f"unexpected <{tag}> in {html!r}"
        for name, value in attrs.items():
            assert not name.startswith("on"), f"event handler {name} in {html!r}"
            assert name != "style", f"style attribute in {html!r}"
            if name in {"href", "src", "action", "formaction", "xlink:href"}:
                scheme = urlsplit((value or "").strip()).scheme.lower()
                assert scheme in SAFE_SCHEMES, f"unsafe URL {value!r} in {html!r}"
