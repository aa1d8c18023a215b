"""core.cache: stand-ins written by the `{% pressed %}` tag and `{% csrf_token %}` in a
shared render, filled in per visitor; pages kept only when nothing in them is one
visitor's; and no template spells a stand-in itself."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CSRF_TOKEN_LENGTH
from django.template import Context, Template

from core import cache

BUTTONS = Template(
    "{% load stand_ins %}<form>{% csrf_token %}"
    '<button {% pressed 7 "dank" given=given %}></button>'
    '<button {% pressed 8 "dank" given=given %}></button></form>'
)


def _render(context: dict) -> str:
    return BUTTONS.render(Context(context))


def test_outside_a_shared_render_the_tag_writes_the_visitors_own_state():
    assert _render({"given": True}).count('aria-pressed="true"') == 2
    html = _render({"given": False})
    assert html.count('aria-pressed="false"') == 2
    assert "data-given" not in html


def test_a_shared_render_carries_stand_ins_that_personalise_fills_in():
    # Whatever the render's own reader gave, the shared page shows nothing pressed.
    shared = _render({"given": True, **cache.shared_context()})
    assert 'aria-pressed="true"' not in shared
    assert f'value="{cache.CSRF_STAND_IN}"' in shared
    request = HttpRequest()
    html = cache.personalise(request, shared, [(7, "dank")])
    assert 'data-given="7 dank" aria-pressed="true"' in html
    assert 'data-given="8 dank" aria-pressed="false"' in html
    assert cache.CSRF_STAND_IN not in html
    # This visitor's token, as {% csrf_token %} would write it (masked anew each time).
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]
    assert len(token) == CSRF_TOKEN_LENGTH and request.META["CSRF_COOKIE_NEEDS_UPDATE"]


def test_no_template_spells_a_stand_in():
    for template in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        text = template.read_text()
        assert "data-given" not in text, template
        assert cache.CSRF_STAND_IN not in text, template


def _get() -> HttpRequest:
    request = HttpRequest()
    request.method = "GET"
    return request


@pytest.mark.parametrize(
    "answer",
    [
        lambda: HttpResponse("<p>kapot</p>", status=500),
        lambda: HttpResponse('<input name="csrfmiddlewaretoken" value="abc">'),
    ],
    ids=["an error", "a page holding a token"],
)
def test_a_page_for_anonymous_readers_is_not_kept_when_it_is_not_the_same_for_all(answer):
    calls = []

    def view():
        calls.append(1)
        return answer()

    for _ in range(2):
        cache.cached_page(_get(), "test:page", view)
    assert len(calls) == 2


def test_a_member_page_that_sets_a_cookie_is_not_kept():
    calls = []

    def view():
        calls.append(1)
        response = HttpResponse(f'<input value="{cache.CSRF_STAND_IN}">')
        response.set_cookie("eigen", "1")
        return response

    for _ in range(2):
        response = cache.personal_page(_get(), "test:member", view, given=list)
    assert len(calls) == 2
    # Answered made this visitor's all the same.
    assert cache.CSRF_STAND_IN not in response.content.decode()


def test_a_member_page_is_kept_once_and_made_each_visitors_own():
    calls = []

    def view():
        calls.append(1)
        return HttpResponse(_render({"given": False, **cache.shared_context()}))

    first = cache.personal_page(_get(), "test:member", view, given=lambda: [(7, "dank")])
    second_request = _get()
    second = cache.personal_page(second_request, "test:member", view, given=list)
    assert len(calls) == 1
    assert 'data-given="7 dank" aria-pressed="true"' in first.content.decode()
    html = second.content.decode()
    assert 'aria-pressed="true"' not in html
    assert cache.CSRF_STAND_IN not in html
    assert second_request.META["CSRF_COOKIE_NEEDS_UPDATE"]
