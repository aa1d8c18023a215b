"""The contact page, its address from the settings, and the places that lead to it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation
from pytest_django.asserts import assertContains, assertInHTML

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def test_contact_page_shows_the_address_from_the_settings(client, settings):
    settings.CONTACT_EMAIL = "vragen@boek.example.nl"

    response = client.get(reverse("contact"))

    assert response.status_code == 200
    assertContains(response, "<h1>Contact</h1>", html=True)
    assertContains(
        response,
        '<a href="mailto:vragen@boek.example.nl">vragen@boek.example.nl</a>',
        count=1,
        html=True,
    )


def test_contact_page_has_a_translated_address_and_english_text(client):
    dutch_url = reverse("contact")
    with translation.override("en"):
        english_url = reverse("contact")

    response = client.get(english_url)

    assert (dutch_url, english_url) == ("/contact/", "/en/contact/")
    assertContains(response, "<h1>Contact</h1>", html=True)
    assert response.context["LANGUAGE_CODE"] == "en"
    assertContains(
        response,
        "<p>A question about the book, your account or your data? Something going wrong, "
        "or something to report? Write to the editors:</p>",
        html=True,
    )


def test_every_page_links_to_the_contact_page_in_its_footer(client):
    response = client.get(reverse("privacy"))

    start = response.text.index('<footer class="site-footer">')
    footer = response.text[start : response.text.index("</footer>", start) + len("</footer>")]
    assertInHTML(f'<a href="{reverse("contact")}">Contact</a>', footer, 1)


@pytest.mark.parametrize(
    ("url_name", "link_text"),
    [
        ("privacy", "Neem contact op met de redactie"),
        ("account_reset_password", "Neem contact met ons op"),
        ("account_reset_password_done", "neem dan contact met ons op"),
    ],
)
def test_neem_contact_op_links_to_the_contact_page(client, url_name, link_text):
    response = client.get(reverse(url_name))

    assert response.status_code == 200
    assertContains(response, f'<a href="{reverse("contact")}">{link_text}</a>', html=True)


def test_contact_page_changes_nothing(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert client.get(reverse("contact")).status_code == 200
    assert client.post(reverse("contact")).status_code == 405


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({"DJANGO_CONTACT_EMAIL": "redactie@boek.example.nl"}, "redactie@boek.example.nl"),
        ({"DJANGO_DEFAULT_FROM_EMAIL": "Het boek <boek@boek.example.nl>"}, "boek@boek.example.nl"),
    ],
)
def test_production_reads_the_contact_address_from_the_environment(environment, expected):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "EMAIL_"))}
    production = {
        "DJANGO_SETTINGS_MODULE": "community.settings.production",
        "DJANGO_SECRET_KEY": "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "boek.example.nl",
        "EMAIL_URL": "console://",
    }
    code = "from django.conf import settings; print(settings.CONTACT_EMAIL)"
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=clean | production | environment,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected
