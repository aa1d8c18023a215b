"""Every `next` the site follows, given an address elsewhere: login (password and code),
signup and its confirmation, logout, the claim flows that send people through signup
and back, the language switch, the reading position and the reaction and follow
buttons. None may send the browser off the site."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.urls import reverse

from book.models import ReadingPosition
from members.models import Membership
from tests.factories import (
    ClaimCodeFactory,
    EmailAddressFactory,
    InvitationFactory,
    StoryFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
EVIL = [
    "https://evil.example",
    "https://evil.example/pad",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "https:evil.example",
    "http:/evil.example",
    "javascript:alert(1)",
    " //evil.example",
    "\t//evil.example",
    "https://testserver@evil.example",
    "https://evil.example\\@testserver",
    "%2F%2Fevil.example",
]


def assert_stays_on_site(location: str) -> None:
    """A Location a browser resolves to this site. Browsers drop tabs and newlines,
    strip leading spaces and read a backslash as a slash, so `/\\evil` and ` //evil`
    are other hosts; a relative path such as `%2F%2Fevil` stays here."""
    normalised = re.sub(r"^[\x00-\x20]+", "", re.sub(r"[\t\n\r]", "", location))
    normalised = normalised.replace("\\", "/")
    parts = urlsplit(normalised)
    assert parts.scheme in ("", "http", "https"), location
    assert parts.netloc in ("", "testserver"), location
    # `http:/evil.example` and `https:evil.example` name a host to a browser.
    assert not parts.scheme or parts.netloc == "testserver", location
    assert not normalised.startswith("//") or parts.netloc == "testserver", location


@pytest.mark.parametrize("target", [t for t in EVIL if not t.startswith("%")])
def test_the_check_itself_catches_each_target(target):
    with pytest.raises(AssertionError):
        assert_stays_on_site(target)


def _all_redirects_stay(response):
    """Every hop of a followed redirect chain, and the final one if it is a redirect."""
    hops = [url for url, _status in getattr(response, "redirect_chain", [])]
    if response.status_code in (301, 302, 303, 307, 308):
        hops.append(response["Location"])
    for hop in hops:
        assert_stays_on_site(hop)
    return hops


@pytest.fixture
def verified(db):
    user = UserFactory()
    EmailAddressFactory(user=user)
    return user


@pytest.mark.parametrize("target", EVIL)
def test_login_next(client, verified, target):
    page = client.get(reverse("account_login"), {"next": target})
    assert page.status_code == 200
    response = client.post(
        reverse("account_login"), {"login": verified.email, "password": PASSWORD, "next": target}
    )
    assert response.status_code == 302
    assert_stays_on_site(response["Location"])
    assert client.session.get("_auth_user_id") == str(verified.pk)


@pytest.mark.parametrize("target", EVIL)
def test_login_by_code_next(client, verified, target):
    client.post(reverse("account_request_login_code"), {"email": verified.email, "next": target})
    (message,) = mail.outbox
    code = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", message.body, re.MULTILINE)[1]
    response = client.post(reverse("account_confirm_login_code"), {"code": code, "next": target})
    assert response.status_code == 302
    assert_stays_on_site(response["Location"])
    assert client.session.get("_auth_user_id") == str(verified.pk)


@pytest.mark.parametrize("target", EVIL)
def test_signup_and_confirmation_next(client, target):
    response = client.post(
        reverse("account_signup") + "?next=" + target,
        {
            "email": "nieuw@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "next": target,
        },
    )
    assert response.status_code == 302
    assert_stays_on_site(response["Location"])
    (message,) = mail.outbox
    confirm = re.search(r"https?://testserver(/accounts/confirm-email/\S+)", message.body)[1]
    response = client.post(confirm, {"next": target})
    assert response.status_code == 302
    assert_stays_on_site(response["Location"])
    assert client.session.get("_auth_user_id")


@pytest.mark.parametrize("target", EVIL)
def test_logout_next(client, verified, target):
    client.force_login(verified)
    response = client.post(reverse("account_logout"), {"next": target})
    assert response.status_code == 302
    assert_stays_on_site(response["Location"])


@pytest.mark.parametrize("target", EVIL)
def test_set_language_next_and_referer(client, chapters, target):
    for data, headers in (
        ({"language": "en", "next": target}, {}),
        ({"language": "en"}, {"referer": target}),
        ({"language": "nl", "next": target}, {"referer": target}),
    ):
        response = client.post(reverse("set_language"), data, headers=headers)
        assert response.status_code in (200, 204, 302), response.status_code
        if response.status_code == 302:
            assert_stays_on_site(response["Location"])


@pytest.mark.parametrize("target", EVIL)
def test_claim_flows_send_visitors_through_signup_and_back_to_this_site(client, db, target):
    """Visitors who press "claim" go to signup with `next` = the page they came from,
    which is always a path of ours: whatever they added to its query stays in the query."""
    code = ClaimCodeFactory()
    invitation = InvitationFactory()
    pages = [
        reverse("members:claim"),
        reverse("members:code_claim", args=[code.code]),
        reverse("members:invitation", args=[invitation.token]),
    ]
    for page in pages:
        response = client.post(f"{page}?next={target}")
        assert response.status_code == 302
        location = response["Location"]
        assert_stays_on_site(location)
        next_value = dict(
            pair.split("=", 1) for pair in urlsplit(location).query.split("&") if "=" in pair
        )["next"]
        from urllib.parse import unquote

        assert_stays_on_site(unquote(next_value))
        # The links on the page itself carry the same local `next`.
        html = client.get(f"{page}?next={target}").content.decode()
        for found in re.findall(r'href="[^"]*[?&](?:amp;)?next=([^"&]*)', html):
            assert_stays_on_site(unquote(found))
    # The code typed on the code page comes back as a path of ours as well.
    response = client.post(reverse("members:code_enter") + f"?next={target}", {"code": code.code})
    assert response.status_code == 302
    assert_stays_on_site(response["Location"])


@pytest.mark.parametrize("target", EVIL)
def test_the_claim_journey_ends_on_this_site(client, db, target):
    """The whole loop: claim page, signup with the page's `next`, the confirmation link,
    back to the claim page, and the claim, which ends at the welcome page."""
    page = reverse("members:claim") + f"?next={target}"
    to_signup = client.post(page)["Location"]
    response = client.post(
        to_signup, {"email": "nieuw@example.org", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert_stays_on_site(response["Location"])
    (message,) = mail.outbox
    confirm = re.search(r"https?://testserver(/accounts/confirm-email/\S+)", message.body)[1]
    response = client.post(confirm)
    assert response.status_code == 302
    assert_stays_on_site(response["Location"])
    response = client.post(response["Location"], follow=True)
    _all_redirects_stay(response)
    assert Membership.objects.filter(user__email="nieuw@example.org").exists()


@pytest.mark.parametrize("target", EVIL)
def test_reading_position_redirect(member_client, member, chapters, target):
    chapter = chapters[0]
    response = member_client.post(
        reverse("book:reading_position") + f"?next={target}",
        {"chapter": chapter.pk, "section": target, "next": target},
    )
    assert response.status_code == 302
    assert_stays_on_site(response["Location"])
    assert response["Location"].startswith(chapter.get_absolute_url())
    assert ReadingPosition.objects.get(user=member).section == ""


@pytest.mark.parametrize("target", EVIL)
def test_reaction_and_follow_redirects(member_client, chapters, target):
    story = StoryFactory(chapter=chapters[0])
    response = member_client.post(
        reverse("stories:react", args=[story.pk]), {"kind": "dank", "next": target}
    )
    assert response.status_code == 302
    assert_stays_on_site(response["Location"])
    response = member_client.post(
        reverse("stories:react", args=[story.pk]) + f"?next={target}", {"kind": "dank"}
    )
    assert_stays_on_site(response["Location"])
    for action in ("follow", "unfollow"):
        response = member_client.post(
            reverse("stories:follow", args=[chapters[0].slug]), {"action": action, "next": target}
        )
        assert response.status_code == 302
        assert_stays_on_site(response["Location"])


def test_a_next_within_the_site_is_still_followed(member_client, chapters):
    """The checks above refuse only what leaves the site: a local `next` is kept."""
    story = StoryFactory(chapter=chapters[0])
    latest = reverse("stories:latest")
    response = member_client.post(
        reverse("stories:react", args=[story.pk]), {"kind": "dank", "next": latest}
    )
    assert response["Location"] == f"{latest}#{story.anchor}"
