"""What the security tests share: page-wide checks on rendered HTML and the cast of
people a request can come from."""

import io
from html.parser import HTMLParser
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.test.client import ClientHandler
from PIL import Image

from tests.clients import signed_in
from tests.factories import MembershipFactory, UserFactory
from tests.markup import inner_html, select

# Tags no page of ours ever carries: one in the output means user input became markup.
FORBIDDEN_TAGS = {"iframe", "object", "embed", "base", "frame", "frameset", "applet", "isindex"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "background", "data"}
DANGEROUS_SCHEMES = {"javascript", "vbscript", "data"}


class _PageCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []
        self._script = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        where = f"<{tag} {attrs}>"
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"forbidden tag {where}")
        if tag == "meta" and (attrs.get("http-equiv") or "").lower() == "refresh":
            self.problems.append(f"meta refresh {where}")
        if tag == "script":
            self._script = attrs
            if not attrs.get("src") and attrs.get("type") != "application/json":
                self.problems.append(f"inline script {where}")
        for name, value in attrs.items():
            if name.startswith("on"):
                self.problems.append(f"event handler {where}")
            if name == "style":
                self.problems.append(f"style attribute {where}")
            if name in URL_ATTRIBUTES:
                scheme = urlsplit((value or "").strip()).scheme.lower()
                # <img src="data:image/png..."> is how a few pages inline small images
                # (the CSP's img-src allows data:); anything else with data: is not ours.
                inline_image = tag == "img" and (value or "").startswith("data:image/png")
                if scheme in DANGEROUS_SCHEMES and not inline_image:
                    self.problems.append(f"unsafe URL {where}")

    handle_startendtag = handle_starttag


def assert_page_safe(html: str, *values: str) -> None:
    """No value the user typed appears verbatim as markup, and the page as a whole has
    no script, handler, inline style or dangerous URL that the site itself did not put
    there."""
    for value in values:
        if "<" in value:
            assert value not in html, f"unescaped {value!r} in the page"
    collector = _PageCollector()
    collector.feed(html)
    assert not collector.problems, "\n".join(collector.problems)


def regions(html: str, css_class: str) -> list[str]:
    """The inner HTML of every <div> whose class list holds `css_class`."""
    return [inner_html(div) for div in select(html, f"div.{css_class}")]


def jpeg_bytes(size=(120, 90), exif=None) -> bytes:
    buffer = io.BytesIO()
    extra = {"exif": exif} if exif is not None else {}
    Image.new("RGB", size, (200, 120, 40)).save(buffer, "JPEG", **extra)
    return buffer.getvalue()


def jpeg_upload(name="foto.jpg", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg_bytes(**kwargs), content_type="image/jpeg")


@pytest.fixture(scope="session")
def shared_handler():
    """One request handler for every client these tests make. Each new handler loads the
    middleware, and WhiteNoise's then walks the whole static root: 0.15 s a client, most
    of the time of a test that acts as five people."""
    return ClientHandler(enforce_csrf_checks=False)


@pytest.fixture
def make_client(shared_handler):
    def make(user=None) -> Client:
        client = signed_in(user)
        client.handler = shared_handler
        return client

    return make


@pytest.fixture
def client(make_client):
    """pytest-django's `client`, on the shared handler."""
    return make_client()


@pytest.fixture
def cast(db, curator, make_client):
    """Everyone a request can come from: a visitor, the author of what is tested, another
    member, a logged-in account without a copy, a curator and a superuser (the admin)."""
    author = MembershipFactory().user
    other = MembershipFactory().user
    outsider = UserFactory()
    superuser = UserFactory(is_staff=True, is_superuser=True)
    return SimpleNamespace(
        anonymous=make_client(),
        author=make_client(author),
        author_user=author,
        other=make_client(other),
        other_user=other,
        outsider=make_client(outsider),
        outsider_user=outsider,
        curator=make_client(curator),
        curator_user=curator,
        admin=make_client(superuser),
        admin_user=superuser,
    )
