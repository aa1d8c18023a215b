from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info


def site(request):
    return {"site_name": settings.SITE_NAME, "language_links": lambda: language_links(request)}


def language_links(request) -> list[dict]:
    """The language switcher's links: this page in each language (i18n_patterns gives the
    language by the URL prefix). Plain links need no form and no CSRF token, so a page
    with them is the same for every anonymous reader and can be cached whole."""
    current = get_language()
    # The path only: a query string (a `next`, a search) belongs to one visitor and
    # would otherwise end up in a cached page.
    path = request.path
    return [
        {
            "code": code,
            "name": get_language_info(code)["name_local"],
            "url": translate_url(path, code),
            "current": code == current,
        }
        for code, _name in settings.LANGUAGES
    ]
