"""The bureau speaks English to English visitors: its addresses, pages and refusals come
from the English catalogue, not the Dutch source strings."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from introductions.models import Introduction, Participation
from introductions.notifications import answer_token
from introductions.services import round_run
from tests.factories import MembershipFactory
from tests.markup import hrefs, one, text, texts

pytestmark = pytest.mark.django_db


def test_the_introduction_addresses_are_english():
    with translation.override("en"):
        assert reverse("introductions:mine") == "/en/introductions/"
        assert reverse("introductions:participants") == "/en/introductions/who-takes-part/"
        assert reverse("introductions:settings") == "/en/introductions/settings/"
        assert reverse("introductions:met", kwargs={"pk": 7}) == "/en/introductions/7/met/"
        assert reverse("introductions:curation") == "/en/curation/introductions/"


def test_an_english_member_reads_their_introductions_in_english(client, pair):
    resident, _ = pair
    round_run(seed=1)
    introduction = Introduction.objects.get()
    client.force_login(resident.user)
    response = client.get("/en/introductions/")
    assert response.status_code == 200
    assert text(one(response, "main h1")) == "My introductions"
    assert texts(response, "ul.introductions li")[0].endswith("waiting for your answer")
    assert f"/en/introductions/{introduction.pk}/" in hrefs(response, "ul.introductions a")


def test_an_english_refusal_on_the_settings_page_saves_nothing(client):
    membership = MembershipFactory()
    client.force_login(membership.user)
    response = client.post(
        "/en/introductions/settings/",
        {"takes_part": "on", "frequency": "monthly", "format": "online", "reach": "anywhere"},
    )
    assert response.status_code == 200
    assert texts(response, "main form ul.errorlist li") == [
        "Choose at least one topic you know something about or are looking for someone "
        "for: that is what we introduce you on."
    ]
    assert not Participation.objects.filter(membership=membership, takes_part=True).exists()


def test_a_refusal_speaks_the_language_of_each_request(client, pair):
    """The refusals are looked up when shown, not fixed in whichever language was active
    when the views were first imported."""
    resident, _ = pair
    round_run(seed=1)
    introduction = Introduction.objects.get()
    Introduction.objects.filter(pk=introduction.pk).update(
        created_at=timezone.now() - timedelta(days=15)
    )
    token = answer_token(introduction=introduction, membership=resident)
    refusals = {}
    for language in ("en", "nl", "en"):
        with translation.override(language):
            url = reverse("introductions:answer", kwargs={"token": token})
        response = client.post(url, {"answer": "yes"})
        assert response.status_code == 400
        refusals.setdefault(language, set()).update(texts(response, "main .notice[role=alert]"))
    assert refusals == {
        "en": {"This introduction has expired: there was no answer within two weeks."},
        "nl": {"Deze kennismaking is verlopen: er kwam binnen twee weken geen antwoord."},
    }


def test_the_curators_table_says_introduced_not_proposed(client, curator, pair):
    """ "Voorgesteld" is a meeting's state too ("Proposed"); the introductions' column has
    a context of its own."""
    round_run(seed=1)
    client.force_login(curator)
    response = client.get("/en/curation/introductions/")
    assert response.status_code == 200
    assert texts(response, "main table thead th") == [
        "Round",
        "Participants",
        "Introduced",
        "Both yes",
        "Talked",
    ]
