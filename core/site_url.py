"""The site's address, for absolute links that leave the page: in e-mails
(stories.notifications) and in the EPUB editions.

Production: settings.SITE_URL (DJANGO_SITE_URL, or https:// and the first allowed host).
Development without DJANGO_SITE_URL (settings.SITE_URL_FROM_REQUEST): a link made
during a request points at the scheme, host and port that request came to, so a mail
sent while `runserver` listens on another port (or is reached from a phone on the
network) links back to the same server. Outside a request, e.g. the digest command,
the address is settings.SITE_URL unless a caller says otherwise with `serving_at`
(send_digests --site-url)."""

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

_origin: ContextVar[str | None] = ContextVar("site_origin", default=None)


def site_url() -> str:
    """The site's address without a trailing slash, such as https://boek.example.nl."""
    return (_origin.get() or settings.SITE_URL).rstrip("/")


def absolute_url(path: str) -> str:
    """`path` (from reverse() or get_absolute_url()) as a full address."""
    return site_url() + path


@contextmanager
def serving_at(url: str):
    """Links made inside this block point at `url` (scheme and host, no path)."""
    token = _origin.set(url.rstrip("/"))
    try:
        yield
    finally:
        _origin.reset(token)


class RequestOriginMiddleware:
    """With settings.SITE_URL_FROM_REQUEST (development without DJANGO_SITE_URL), the
    links made while handling a request point at the address it was made to. The host
    is request.get_host(), already checked against ALLOWED_HOSTS."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.SITE_URL_FROM_REQUEST:
            return self.get_response(request)
        with serving_at(request.build_absolute_uri("/")):
            return self.get_response(request)
