"""The error pages: in the site's style and language, and never a word about DEBUG."""

import pytest
from django.test import Client, RequestFactory
from django.test.utils import override_settings
from django.urls import reverse
from django.views.defaults import server_error
from pytest_django.asserts import assertContains

from tests.markup import hrefs, select


def _assert_site_styled_without_inline_code(response):
    assert not select(response, "script:not([src]), style, [style]")
    assert any("/css/base." in href for href in hrefs(response, 'link[rel="stylesheet"]'))
    assert "DEBUG" not in response.content.decode()


@pytest.mark.django_db
def test_a_post_without_csrf_token_gets_the_site_styled_dutch_page(member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    response = client.post(reverse("stories:latest"), {"title": "Mijn verhaal"})
    assert response.status_code == 403
    assert response.templates[0].name == "403_csrf.html"
    assert response["Content-Language"] == "nl"
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    _assert_site_styled_without_inline_code(response)
    assertContains(
        response, "<h1>Dit formulier kon niet worden verstuurd</h1>", html=True, status_code=403
    )
    # A whole page of the site, for whoever was signed in: the header, a way back.
    assert response.context["user"] == member
    assertContains(
        response, '<a class="button" href="/">Naar de inhoudsopgave</a>', html=True, status_code=403
    )


@pytest.mark.django_db
def test_the_csrf_page_follows_the_language_of_the_address():
    response = Client(enforce_csrf_checks=True).post("/en/accounts/login/", {"login": "x"})
    assert response.status_code == 403
    assert response["Content-Language"] == "en"
    assertContains(response, "<h1>This form could not be sent</h1>", html=True, status_code=403)
    assertContains(
        response,
        "<p>For your security, every form on this site sends a check code along. It was "
        "missing or had expired: perhaps the page was open for a long time, you logged in "
        "or out in the meantime, or your browser blocks cookies. Nothing has been saved.</p>",
        html=True,
        status_code=403,
    )


@pytest.mark.django_db
def test_not_found_is_site_styled_and_says_nothing_of_debug(client):
    response = client.get("/bestaat-niet/")
    assert response.status_code == 404
    assert [t.name for t in response.templates][0] == "404.html"
    _assert_site_styled_without_inline_code(response)


@pytest.mark.django_db
def test_forbidden_is_site_styled_and_says_nothing_of_debug(member_client):
    response = member_client.get(reverse("statistics"))
    assert response.status_code == 403
    assert [t.name for t in response.templates][0] == "403.html"
    _assert_site_styled_without_inline_code(response)


@override_settings(DEBUG=False)
def test_server_error_is_site_styled_and_says_nothing_of_debug():
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    _assert_site_styled_without_inline_code(response)
