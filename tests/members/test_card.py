import io
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation
from PIL import Image
from pytest_django.asserts import assertContains, assertNotContains

from members import cards, services
from members.models import Profile
from tests.factories import MembershipFactory, ProfileFactory, UserFactory
from tests.markup import attributes, links, one, select, texts
from tests.safe_requests import no_database_writes

pytestmark = pytest.mark.django_db

CARD = "/mijn-exemplaar/kaart/"
RENEW = "/mijn-exemplaar/kaart/nieuwe-link/"
JOINED = datetime(2026, 3, 3, 10, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))


@pytest.fixture
def profile():
    membership = MembershipFactory(number=12, claimed_at=JOINED)
    return ProfileFactory(membership=membership, display_name="Anouk Verbeek")


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def shared_url(profile):
    return f"/kaart/{profile.card_token}/"


def image_url(profile):
    return f"/kaart/{profile.card_token}.png"


def open_graph(response) -> dict[str, str]:
    """The page's Open Graph tags: what a shared link shows."""
    return {
        meta.get("property"): meta.get("content")
        for meta in select(response, 'meta[property^="og:"]')
    }


def decode(response) -> Image.Image:
    image = Image.open(io.BytesIO(response.content))
    image.load()
    return image


def test_card_urls_in_dutch_and_english():
    assert reverse("members:card") == CARD
    assert reverse("members:card_image", kwargs={"token": "abc"}) == "/kaart/abc.png"
    with translation.override("en"):
        assert reverse("members:card") == "/en/my-copy/card/"
        assert reverse("members:card_shared", kwargs={"token": "abc"}) == "/en/card/abc/"


def test_own_card_needs_login(client):
    response = client.get(CARD)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_own_card_sends_non_members_to_claim(client, user):
    client.force_login(user)
    response = client.get(CARD)
    assert response.status_code == 302 and response["Location"] == "/exemplaar/"


def test_own_card_shows_name_number_date_and_open_graph_tags(client, profile):
    client.force_login(profile.membership.user)
    response = client.get(CARD)
    html = response.content.decode()
    assert "Mijn lidmaatschapskaart" in html
    assert texts(response, ".member-card dd") == ["Anouk Verbeek", "12", "3 maart 2026"]
    assert one(response, ".member-card time").get("datetime") == "2026-03-03"
    shared = open_graph(response)
    assert shared["og:image"] == f"http://testserver{image_url(profile)}"
    assert shared["og:title"] == "Anouk Verbeek, lid nr. 12"
    assert shared["og:description"]
    assert one(response, "#card-link").get("value") == f"http://testserver{shared_url(profile)}"
    assert "css/members." in html  # the stylesheet with the print rules


def test_a_claim_comes_with_a_card_to_share(client, user):
    client.force_login(user)
    client.post("/exemplaar/")
    profile = Profile.objects.get(membership__user=user)
    response = client.get(CARD)
    assert response.context["profile"] == profile
    assertContains(
        response,
        f'<input id="card-link" type="url" value="http://testserver{shared_url(profile)}" readonly>',
        html=True,
    )


def test_own_card_of_a_member_without_a_profile_makes_its_link_on_a_post(client, member):
    """A membership from before profiles came with every claim: looking at the card
    makes nothing; the button makes the link."""
    client.force_login(member)
    with no_database_writes():
        response = client.get(CARD)
    assert response.context["profile"] is None
    assert "card_image_url" not in response.context
    assertContains(
        response,
        '<button type="submit" class="button">Link naar mijn kaart maken</button>',
        html=True,
    )
    assertNotContains(response, 'property="og:image"')
    assert not Profile.objects.filter(membership__user=member).exists()

    response = client.post(RENEW, follow=True)

    assert response.redirect_chain == [(CARD, 302)]
    assert messages_of(response) == ["Je kaart is klaar. Deel de link met wie je wilt."]
    profile = Profile.objects.get(membership__user=member)
    assert response.context["profile"] == profile
    assert client.get(shared_url(profile)).status_code == 200


def test_shared_card_is_public_without_login_and_not_indexed(client, profile):
    response = client.get(shared_url(profile))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Anouk Verbeek is lid nr. 12" in html
    assert attributes(response, 'meta[name="robots"]', "content") == ["noindex"]
    assert open_graph(response)["og:image"] == f"http://testserver{image_url(profile)}"
    assert ("Claim je exemplaar", "/exemplaar/") in links(response, "main a")


def test_shared_card_shows_nothing_else_of_the_profile(client, profile):
    profile.bio = "Geheim verhaal over mezelf"
    profile.municipality = "Gemeente Wilgendaal"
    profile.save()
    html = client.get(shared_url(profile)).content.decode()
    assert "Geheim verhaal" not in html and "Wilgendaal" not in html
    assert profile.membership.user.email not in html


@pytest.mark.parametrize("token", ["bestaat-niet", "x" * 24])
def test_unknown_card_tokens_are_404(client, profile, token):
    assert client.get(f"/kaart/{token}/").status_code == 404
    assert client.get(f"/kaart/{token}.png").status_code == 404


def test_card_png_decodes_at_open_graph_size(client, profile):
    response = client.get(image_url(profile))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    image = decode(response)
    assert image.format == "PNG" and image.size == (1200, 630)
    # The site's paper colour fills the background, the deep blue band the left edge.
    assert image.convert("RGB").getpixel((600, 600)) == (0xF6, 0xEF, 0xE3)
    assert image.convert("RGB").getpixel((5, 300)) == (0x1F, 0x3A, 0x5F)


def test_card_png_has_an_etag_and_answers_304(client, profile):
    first = client.get(image_url(profile))
    etag = first["ETag"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag)
    assert "no-cache" in first["Cache-Control"]
    again = client.get(image_url(profile), headers={"if-none-match": etag})
    assert again.status_code == 304


def test_card_png_is_cached_and_redrawn_when_the_name_changes(client, profile, monkeypatch):
    drawn = []
    real = cards.card_png
    monkeypatch.setattr(cards, "card_png", lambda text: drawn.append(text) or real(text))

    first = client.get(image_url(profile))
    client.get(image_url(profile))
    assert len(drawn) == 1

    services.profile_update(
        membership=profile.membership,
        display_name="Anouk V.",
        role="",
        bio="",
        visibility=profile.visibility,
    )
    second = client.get(image_url(profile), headers={"if-none-match": first["ETag"]})
    assert second.status_code == 200 and second["ETag"] != first["ETag"]
    assert len(drawn) == 2 and drawn[1].name == "Anouk V."


def test_fingerprint_changes_with_name_and_number_only():
    base = cards.CardText("Boek", "nr. 1", "Anouk", "Lid sinds 1 maart 2026")
    same = cards.CardText("Boek", "nr. 1", "Anouk", "Lid sinds 1 maart 2026")
    assert base.fingerprint == same.fingerprint
    assert (
        base.fingerprint != cards.CardText("Boek", "nr. 2", "Anouk", base.joined_label).fingerprint
    )
    assert (
        base.fingerprint != cards.CardText("Boek", "nr. 1", "Sanne", base.joined_label).fingerprint
    )


def test_card_text_without_a_name_shows_the_number_only():
    membership = MembershipFactory(number=5, claimed_at=JOINED)
    text = cards.card_text_for(membership)
    assert (text.number_label, text.name, text.joined_label) == (
        "nr. 5",
        "",
        "Lid sinds 3 maart 2026",
    )
    with translation.override("en"):
        assert cards.card_text_for(membership).joined_label == "Member since 3 March 2026"


def test_a_very_long_name_still_fits_the_card():
    text = cards.CardText("Boek", "nr. 123456", "Wilhelmina " * 12, "Lid sinds 3 maart 2026")
    image = Image.open(io.BytesIO(cards.card_png(text)))
    assert image.size == (cards.WIDTH, cards.HEIGHT)


def test_card_is_drawn_with_the_builtin_font_when_dejavu_is_missing(monkeypatch, tmp_path):
    cards.font.cache_clear()
    monkeypatch.setattr(cards, "SERIF_BOLD", tmp_path / "missing.ttf")
    monkeypatch.setattr(cards, "SANS", tmp_path / "missing.ttf")
    monkeypatch.setattr(cards, "SANS_BOLD", tmp_path / "missing.ttf")
    try:
        png = cards.card_png(cards.CardText("Boek", "nr. 1", "Anouk", "Lid sinds vandaag"))
    finally:
        cards.font.cache_clear()
    assert Image.open(io.BytesIO(png)).size == (1200, 630)


def test_renewing_the_link_ends_the_old_one(client, profile):
    old = profile.card_token
    client.force_login(profile.membership.user)
    response = client.post(RENEW, follow=True)
    assert response.redirect_chain == [(CARD, 302)]
    assert "Je kaart heeft een nieuwe link. De oude link werkt niet meer." in (
        response.content.decode()
    )
    profile.refresh_from_db()
    assert profile.card_token != old
    assert client.get(f"/kaart/{old}/").status_code == 404
    assert client.get(shared_url(profile)).status_code == 200


def test_renewing_needs_post_login_and_membership(client, user):
    assert client.get(RENEW).status_code in (302, 405)
    assert client.post(RENEW)["Location"].startswith("/accounts/login/")
    client.force_login(user)
    assert client.get(RENEW).status_code == 405
    assert client.post(RENEW)["Location"] == "/exemplaar/"


def test_a_retired_membership_has_no_card(client, profile):
    token = profile.card_token
    profile.membership.user = None
    profile.membership.save()
    assert client.get(f"/kaart/{token}/").status_code == 404


def test_cards_cache_is_shared_by_fingerprint(client, profile):
    client.get(image_url(profile))
    text = cards.card_text_for(profile.membership)
    assert cache.get(f"members:card:{text.fingerprint}").startswith(b"\x89PNG")


def test_another_member_cannot_renew_my_link(client, profile):
    other = MembershipFactory(user=UserFactory()).user
    client.force_login(other)
    client.post(RENEW)
    profile.refresh_from_db()
    assert client.get(shared_url(profile)).status_code == 200
