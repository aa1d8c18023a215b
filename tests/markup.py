"""Pages read as a browser reads them: parsed HTML picked apart with CSS selectors, so an
assertion names the element it is about instead of finding a string anywhere on the page.

    links = hrefs(response, "header nav a")
    assert one(response, "h1").text_content() == "Inloggen"
    assert not select(response, "main form")
"""

from django.http import HttpResponse
from lxml import html as lxml_html
from lxml.html import HtmlElement

Markup = HttpResponse | HtmlElement | str | bytes


def parse(source: Markup) -> HtmlElement:
    """The element tree of a response, a fragment or a whole page (an element is
    returned as it is, to select inside it)."""
    if isinstance(source, HtmlElement):
        return source
    if isinstance(source, HttpResponse):
        source = source.content.decode(source.charset)
    if isinstance(source, bytes):
        source = source.decode()
    return lxml_html.document_fromstring(source) if source.strip() else lxml_html.Element("html")


def select(source: Markup, selector: str) -> list[HtmlElement]:
    return parse(source).cssselect(selector)


def one(source: Markup, selector: str) -> HtmlElement:
    """The single element `selector` matches; anything else fails the test."""
    found = select(source, selector)
    assert len(found) == 1, f"{selector!r} matched {len(found)} elements"
    return found[0]


def text(element: HtmlElement) -> str:
    """What a reader sees of an element: its text with white space folded."""
    return " ".join(element.text_content().split())


def texts(source: Markup, selector: str) -> list[str]:
    return [text(element) for element in select(source, selector)]


def attributes(source: Markup, selector: str, name: str) -> list[str]:
    """The `name` attribute of every element `selector` matches that has one."""
    return [element.get(name) for element in select(source, selector) if name in element.attrib]


def hrefs(source: Markup, selector: str = "a") -> list[str]:
    return attributes(source, selector, "href")


def inner_html(element: HtmlElement) -> str:
    """An element's content as markup, without the element's own tags."""
    return (element.text or "") + "".join(
        lxml_html.tostring(child, encoding="unicode") for child in element
    )


def links(source: Markup, selector: str = "a") -> list[tuple[str, str]]:
    """Each link `selector` matches as (what it says, where it leads)."""
    return [(text(element), element.get("href")) for element in select(source, selector)]
