"""E-mails to authors (approved, featured, hidden, a reply), the settings page that
switches them off, and the one-click unsubscribe links every e-mail carries."""

import re

import pytest
from django.core import mail, signing
from django.test import Client
from django.urls import reverse
from django.utils import translation

from stories import following, moderation, notifications, reactions
from stories.models import NotificationKind, NotificationSettings, Status
from tests.factories import MembershipFactory, NotificationSettingsFactory, StoryFactory
from tests.markup import attributes

pytestmark = pytest.mark.django_db

ONE_CLICK = {"List-Unsubscribe": "One-Click"}


@pytest.fixture
def pending(membership, chapters):
    return StoryFactory(
        author=membership, chapter=chapters[0], status=Status.PENDING, published_at=None
    )


def _unsubscribe_link(message) -> str:
    (link,) = re.findall(
        r"https?://\S+/(?:verhalen/afmelden|stories/unsubscribe)/\S+/", message.body
    )
    return link


def _path(url: str) -> str:
    return "/" + url.split("/", 3)[3]


# ---- Which e-mails go out ----------------------------------------------------------


def test_approval_mails_the_author(commit, pending, curator, member):
    with commit():
        moderation.story_moderate(story=pending, curator=curator, action="approve")

    (message,) = mail.outbox
    assert message.to == [member.email]
    assert pending.title in message.subject
    assert "in het boek gezet" in message.body
    assert f"http://127.0.0.1:8000{pending.get_absolute_url()}" in message.body


def test_featuring_mails_the_author(commit, pending, curator):
    with commit():
        moderation.story_moderate(story=pending, curator=curator, action="feature")

    (message,) = mail.outbox
    assert "uitgelicht" in message.subject


def test_hiding_mails_the_author_with_the_reason(commit, pending, curator):
    with commit():
        moderation.story_moderate(
            story=pending, curator=curator, action="hide", reason="Noemt iemands adres"
        )

    (message,) = mail.outbox
    assert "verborgen" in message.subject
    assert "De reden: Noemt iemands adres" in message.body


@pytest.mark.parametrize("action", ["unfeature", "restore"])
def test_other_decisions_send_nothing(commit, membership, chapters, curator, action):
    status = Status.FEATURED if action == "unfeature" else Status.HIDDEN
    story = StoryFactory(author=membership, chapter=chapters[0], status=status)
    with commit():
        moderation.story_moderate(story=story, curator=curator, action=action)
    assert mail.outbox == []


def test_mail_waits_for_the_commit(pending, curator):
    # Outside `commit()` nothing commits: the e-mail waits for a commit that never comes,
    # as it would for a decision that rolls back.
    moderation.story_moderate(story=pending, curator=curator, action="approve")
    assert mail.outbox == []


def test_a_reply_mails_the_author(commit, membership, chapters, member):
    story = StoryFactory(author=membership, chapter=chapters[0])
    replier = MembershipFactory()
    with commit():
        reactions.reply_create(story=story, author=replier, body="Dit **herken** ik <b>zo</b>.")

    (message,) = mail.outbox
    assert message.to == [member.email]
    assert story.title in message.subject
    assert "Dit **herken** ik <b>zo</b>." in message.body  # plain text, nothing escaped
    assert "#reactie-" in message.body


def test_replying_to_your_own_story_sends_nothing(commit, membership, chapters):
    story = StoryFactory(author=membership, chapter=chapters[0])
    with commit():
        reactions.reply_create(story=story, author=membership, body="Aanvulling van mij.")
    assert mail.outbox == []


def test_a_reply_to_a_story_of_a_former_member_sends_nothing(commit, chapters):
    story = StoryFactory(author=None, chapter=chapters[0])
    with commit():
        reactions.reply_create(story=story, author=MembershipFactory(), body="Mooi.")
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("switched_off", "action", "expected"),
    [
        ("story_updates", "approve", 0),
        ("replies", "approve", 1),
        ("digest", "approve", 1),
    ],
)
def test_switched_off_updates_are_not_sent(
    commit, pending, curator, membership, switched_off, action, expected
):
    following.notification_unsubscribe(membership=membership, kind=switched_off)
    with commit():
        moderation.story_moderate(story=pending, curator=curator, action=action)
    assert len(mail.outbox) == expected


def test_switched_off_replies_are_not_sent(commit, membership, chapters):
    following.notification_unsubscribe(membership=membership, kind="replies")
    story = StoryFactory(author=membership, chapter=chapters[0])
    with commit():
        reactions.reply_create(story=story, author=MembershipFactory(), body="Hallo")
    assert mail.outbox == []


def test_demo_data_mails_nobody(commit, pending, curator):
    with commit(), notifications.muted():
        moderation.story_moderate(story=pending, curator=curator, action="approve")
    assert mail.outbox == []


def test_mail_is_written_in_the_members_language(commit, pending, curator, membership):
    NotificationSettingsFactory(membership=membership, language="en")
    with commit():
        moderation.story_moderate(story=pending, curator=curator, action="approve")

    (message,) = mail.outbox
    # The links lead to the English site; the words follow once translated.
    assert "/en/" in _unsubscribe_link(message)
    assert translation.get_language() == "nl"  # the override ended with the e-mail


def test_mail_goes_through_the_task_with_unsubscribe_headers(commit, pending, curator):
    with commit():
        moderation.story_moderate(story=pending, curator=curator, action="approve")

    (message,) = mail.outbox
    link = _unsubscribe_link(message)
    assert message.extra_headers["List-Unsubscribe"] == f"<{link}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    sent = message.message()
    assert sent["List-Unsubscribe"] == f"<{link}>"


def test_task_arguments_stay_plain_json(commit, pending, curator, settings):
    import json

    from django.tasks import default_task_backend

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    with commit():
        moderation.story_moderate(story=pending, curator=curator, action="approve")

    (result,) = default_task_backend.results
    assert json.loads(json.dumps(result.kwargs)) == result.kwargs
    assert mail.outbox == []


# ---- Where the links point ---------------------------------------------------------

ORIGIN = re.compile(r"https?://[^\s/>]+")


def _origins(message) -> set[str]:
    """The scheme and host of every link in the mail, the unsubscribe header's too."""
    return set(ORIGIN.findall(message.body + message.extra_headers["List-Unsubscribe"]))


def _approve_on(client, curator, story, host: str):
    client.force_login(curator)
    return client.post(
        reverse("stories:moderation_decide"),
        {"target": f"story:{story.pk}", "action": "approve"},
        headers={"host": host},
    )


def test_in_development_a_mail_links_to_the_host_and_port_of_its_request(
    settings, commit, client, pending, curator
):
    settings.SITE_URL_FROM_REQUEST = True  # community/settings/dev.py without DJANGO_SITE_URL
    with commit():
        assert _approve_on(client, curator, pending, "127.0.0.1:8123").status_code == 302

    (message,) = mail.outbox
    assert f"http://127.0.0.1:8123{pending.get_absolute_url()}" in message.body
    assert _origins(message) == {"http://127.0.0.1:8123"}


def test_otherwise_a_mail_links_to_the_site_url_whatever_the_host(
    settings, commit, client, pending, curator
):
    settings.SITE_URL = "https://boek.example.nl"
    with commit():
        assert _approve_on(client, curator, pending, "127.0.0.1:8123").status_code == 302

    (message,) = mail.outbox
    assert f"https://boek.example.nl{pending.get_absolute_url()}" in message.body
    assert _origins(message) == {"https://boek.example.nl"}


# ---- Unsubscribing -----------------------------------------------------------------


def _token(membership, kind="replies"):
    return notifications.unsubscribe_token(membership=membership, kind=kind)


def _url(membership, kind="replies", token=None):
    return reverse(
        "stories:unsubscribe", kwargs={"kind": kind, "token": token or _token(membership, kind)}
    )


def test_unsubscribe_link_asks_before_changing_anything(client, membership):
    response = client.get(_url(membership))

    assert response.status_code == 200
    assert "Reacties op mijn verhalen" in response.content.decode()
    assert attributes(response, "main form", "method") == ["post"]
    assert notifications.preferences_for(membership).replies is True


def test_confirming_switches_that_kind_off(membership):
    client = Client(enforce_csrf_checks=True)
    url = _url(membership)
    page = client.get(url)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]

    response = client.post(url, {"csrfmiddlewaretoken": token})

    assert response.status_code == 200
    assert "Je bent afgemeld" in response.content.decode()
    preferences = NotificationSettings.objects.get(membership=membership)
    assert (preferences.replies, preferences.story_updates, preferences.digest) == (
        False,
        True,
        True,
    )


def test_one_click_post_unsubscribes_without_csrf_token_or_login(membership):
    client = Client(enforce_csrf_checks=True)

    response = client.post(_url(membership, "digest"), ONE_CLICK)

    assert response.status_code == 200
    assert NotificationSettings.objects.get(membership=membership).digest is False


def test_other_posts_to_the_link_need_the_csrf_token(membership):
    client = Client(enforce_csrf_checks=True)

    response = client.post(_url(membership), {"something": "else"})

    assert response.status_code == 403
    assert not NotificationSettings.objects.filter(membership=membership).exists()


@pytest.mark.parametrize("method", ["get", "one-click"])
def test_a_tampered_token_gets_a_clear_400(client, membership, method):
    token = _token(membership)
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    url = _url(membership, token=tampered)

    response = client.get(url) if method == "get" else client.post(url, ONE_CLICK)

    assert response.status_code == 400
    assert "Deze afmeldlink werkt niet" in response.content.decode()
    assert not NotificationSettings.objects.filter(membership=membership).exists()


def test_a_token_for_another_kind_gets_a_400(client, membership):
    url = _url(membership, "digest", token=_token(membership, "replies"))

    response = client.post(url, ONE_CLICK)

    assert response.status_code == 400
    assert not NotificationSettings.objects.filter(membership=membership).exists()


def test_a_token_signed_without_the_salt_is_refused(client, membership):
    token = signing.dumps(membership.pk)
    assert client.get(_url(membership, token=token)).status_code == 400


def test_an_unknown_kind_gets_a_400(client, membership):
    assert client.get(_url(membership, "nieuwsbrief", token="x")).status_code == 400


def test_the_link_in_a_real_mail_works(commit, pending, curator, client, membership):
    with commit():
        moderation.story_moderate(story=pending, curator=curator, action="approve")
    (message,) = mail.outbox

    response = client.post(_path(_unsubscribe_link(message)), ONE_CLICK)

    assert response.status_code == 200
    assert notifications.preferences_for(membership).story_updates is False


# ---- The settings page -------------------------------------------------------------


def test_settings_page_needs_a_login(client):
    response = client.get(reverse("stories:notifications"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_settings_page_is_for_members(client, user):
    client.force_login(user)
    assert client.get(reverse("stories:notifications")).status_code == 403


def test_settings_page_shows_the_defaults(member_client):
    html = member_client.get(reverse("stories:notifications")).content.decode()
    # Story news, replies, the digest, news about suggestions, the welcome mails and
    # the newsletter: all on.
    assert html.count("checked") == 6


def test_settings_page_saves_choices_and_language(member_client, membership):
    with translation.override("en"):
        url = reverse("stories:notifications")
    response = member_client.post(url, {"story_updates": "on", "digest": "on"})

    assert response.status_code == 302
    preferences = NotificationSettings.objects.get(membership=membership)
    assert (preferences.story_updates, preferences.replies, preferences.digest) == (
        True,
        False,
        True,
    )
    assert preferences.language == "en"


def test_every_kind_has_a_field():
    for kind in NotificationKind.values:
        assert NotificationSettings._meta.get_field(kind)
