"""Invitations a person would actually send: an address the site mails, a dedication, a
recommended chapter and a send date; bad input refused with a clear message and nothing
saved; an existing member's address not betrayed."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from members.models import Invitation
from tests.factories import (
    ChapterFactory,
    EmailAddressFactory,
    MembershipFactory,
    ProfileFactory,
    UserFactory,
)
from tests.markup import one, text, texts
from tests.security.conftest import assert_page_safe
from tests.security.test_xss_fields import VARIED

pytestmark = pytest.mark.django_db

CREATE = "/mijn-exemplaar/uitnodigen/"
FRIEND = "vriendin@example.net"


@pytest.fixture
def anouk(member):
    ProfileFactory(membership=member.membership, display_name="Anouk")
    return member


def invite(client, commit, **fields):
    data = {"name": "", "email": "", "dedication": "", "chapter": "", "send_on": "", **fields}
    with commit():
        return client.post(CREATE, data)


def form_errors(response) -> list[str]:
    return texts(response.content.decode(), "form .errorlist li")


def test_invitation_by_email_is_sent_with_dedication_and_chapter(
    client, anouk, commit, open_chapter, settings
):
    client.force_login(anouk)
    response = invite(
        client,
        commit,
        email=FRIEND,
        dedication="Lees hoofdstuk 2,\ndaar moest ik aan jou denken.",
        chapter=open_chapter.pk,
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.chapter, invitation.language) == (
        FRIEND,
        open_chapter,
        "nl",
    )
    assert invitation.sent_at is not None
    assert invitation.send_on == timezone.localdate()
    [message] = mail.outbox
    assert message.to == [FRIEND]
    assert message.subject == f"Anouk, lid nr. {anouk.membership.number} geeft je het boek"
    assert "daar moest ik aan jou denken." in message.body
    assert f"{settings.SITE_URL}/uitnodiging/{invitation.token}/" in message.body
    assert f"{settings.SITE_URL}{open_chapter.get_absolute_url()}" in message.body
    assert message.extra_headers["List-Unsubscribe"].startswith(
        f"<{settings.SITE_URL}/niet-meer-uitnodigen/"
    )


def test_invitation_is_sent_in_the_inviters_language(member_client, commit):
    with translation.override("en"):
        url = reverse("members:invitation_create")
    with commit():
        member_client.post(url, {"email": FRIEND})
    assert Invitation.objects.get().language == "en"
    [message] = mail.outbox
    assert "gives you the book" in message.subject


def test_invitation_with_a_later_send_date_waits(member_client, commit):
    later = timezone.localdate() + timedelta(days=3)
    response = invite(member_client, commit, email=FRIEND, send_on=later.isoformat())
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.send_on, invitation.sent_at) == (later, None)
    assert mail.outbox == []


def test_send_date_in_the_past_is_refused_and_nothing_is_lost(member_client, commit):
    yesterday = timezone.localdate() - timedelta(days=1)
    response = invite(
        member_client, commit, email=FRIEND, dedication="Voor jou", send_on=yesterday.isoformat()
    )
    assert response.status_code == 400
    assert form_errors(response) == [
        "Die verzenddatum ligt in het verleden. Kies vandaag of later."
    ]
    html = response.content.decode()
    assert one(html, "input[name=email]").get("value") == FRIEND
    assert text(one(html, "textarea[name=dedication]")) == "Voor jou"
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_dedication_shows_on_acceptance_page_and_new_members_card(client, anouk, commit, user):
    client.force_login(anouk)
    invite(client, commit, email=FRIEND, dedication="Welkom, buur!")
    invitation = Invitation.objects.get()
    client.force_login(user)
    page = client.get(f"/uitnodiging/{invitation.token}/").content.decode()
    assert text(one(page, "blockquote.dedication")) == "Welkom, buur!"
    with commit():
        assert client.post(f"/uitnodiging/{invitation.token}/").status_code == 302
    card = client.get("/mijn-exemplaar/kaart/").content.decode()
    assert text(one(card, ".member-card__passed-on")) == (
        f"Doorgegeven door Anouk, lid nr. {anouk.membership.number}: Welkom, buur!"
    )


def test_dedication_over_500_characters_is_refused(member_client, commit):
    response = invite(member_client, commit, email=FRIEND, dedication="x" * 501)
    assert response.status_code == 400
    assert form_errors(response) == ["Je opdracht is te lang. Gebruik hoogstens 500 tekens."]
    assert not Invitation.objects.exists()


@pytest.mark.parametrize(
    "address", ["geen-adres", "iemand@", "a@b@c.nl", "x" * 250 + "@example.org"]
)
def test_invalid_address_is_refused(member_client, commit, address):
    response = invite(member_client, commit, email=address)
    assert response.status_code == 400
    assert form_errors(response)
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_inviters_own_address_is_refused(member_client, member, commit):
    response = invite(member_client, commit, email=member.email.upper())
    assert response.status_code == 400
    assert form_errors(response) == [
        "Dat is je eigen e-mailadres. Vul het adres in van wie je het boek geeft."
    ]
    assert not Invitation.objects.exists()


def test_member_address_is_told_the_same_as_any_other_and_not_mailed(member_client, commit):
    existing = MembershipFactory(user=UserFactory(email="lid@example.net")).user
    EmailAddressFactory(user=existing, email="tweede@example.net", primary=False)
    told = {}
    for address in ("lid@example.net", "Tweede@example.net", "nieuw@example.net"):
        response = invite(member_client, commit, email=address)
        assert response.status_code == 302
        page = member_client.get(response["Location"])
        [told[address]] = [str(m) for m in page.context["messages"]]
    assert {message.replace(address, "…") for address, message in told.items()} == {
        "Je uitnodiging gaat naar …. Is dit adres al van een lid, dan sturen we niets: "
        "die heeft het boek al."
    }
    assert [message.to for message in mail.outbox] == [["nieuw@example.net"]]


def test_daily_cap_per_member(member_client, commit, settings):
    settings.MEMBERS_INVITATIONS_PER_DAY = 2
    for n in range(2):
        assert invite(member_client, commit, email=f"vriend{n}@example.net").status_code == 302
    response = invite(member_client, commit, email="vriend3@example.net")
    assert response.status_code == 400
    assert form_errors(response) == [
        "Je hebt vandaag al 2 uitnodigingen per e-mail gemaakt. "
        "Morgen kan het weer; een link maken kan altijd."
    ]
    assert invite(member_client, commit, name="Buurman").status_code == 302
    assert Invitation.objects.count() == 3
    assert len(mail.outbox) == 2


def test_a_chapter_that_is_not_published_cannot_be_recommended(member_client, commit, book):
    draft = ChapterFactory(book=book, is_published=False)
    response = invite(member_client, commit, email=FRIEND, chapter=draft.pk)
    assert response.status_code == 400
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("payload", VARIED)
def test_dedication_with_script_is_shown_escaped_everywhere(client, member, user, commit, payload):
    """The dedication is plain text: on the acceptance page, the printable card and the
    new member's card it comes back as the same text, never as markup."""
    client.force_login(member)
    assert invite(client, commit, email=FRIEND, dedication=payload).status_code == 302
    invitation = Invitation.objects.get()
    dedication = payload.strip()
    assert invitation.dedication == dedication
    printed = client.get(f"/mijn-exemplaar/uitnodiging/{invitation.token}/kaart/").content.decode()
    client.force_login(user)
    accept = client.get(f"/uitnodiging/{invitation.token}/").content.decode()
    with commit():
        client.post(f"/uitnodiging/{invitation.token}/")
    card = client.get("/mijn-exemplaar/kaart/").content.decode()
    for html, selector in (
        (accept, "blockquote.dedication p"),
        (printed, ".invitation-card__dedication p"),
        (card, ".member-card__passed-on"),
    ):
        assert_page_safe(html, payload)
        assert text(one(html, selector)).endswith(" ".join(dedication.split()))
