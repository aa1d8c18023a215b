"""After an invitation is made: "nodig mij niet meer uit" (a keyed hash, never the
address), the daily run of send_invitations (send dates, at most two reminders, never
twice, expiry after 90 days) and the printable card."""

import io
import json
import re
import threading
import zipfile
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from members.invitations import address_hash, invitations_run
from members.models import DoNotInvite, Invitation
from members.services import invitation_accept, invitation_create
from tests.factories import InvitationFactory, MembershipFactory, UserFactory
from tests.markup import one, select, text, texts

pytestmark = pytest.mark.django_db

FRIEND = "vriendin@example.net"
UNWILLING = "Deze uitnodiging kon niet worden verstuurd: dit adres wil geen uitnodigingen."


@pytest.fixture
def inviter(db):
    return MembershipFactory()


def stop_path(message) -> str:
    return re.search(r"https?://[^/]+(/niet-meer-uitnodigen/[^/]+/)", message.body).group(1)


def sent_invitation(inviter, commit, email=FRIEND, **fields):
    with commit():
        return invitation_create(membership=inviter, email=email, **fields)


def test_stop_link_asks_first_then_keeps_only_a_keyed_hash(client, inviter, commit):
    sent_invitation(inviter, commit)
    path = stop_path(mail.outbox[0])
    assert client.get(path).status_code == 200
    assert not DoNotInvite.objects.exists()  # a GET changes nothing
    response = client.post(path)
    assert response.status_code == 200
    [entry] = DoNotInvite.objects.all()
    assert entry.address_hash == address_hash(FRIEND)
    assert FRIEND not in entry.address_hash and "vriendin" not in path


def test_one_click_post_from_a_mail_program_works_without_csrf(inviter, commit):
    from django.test import Client

    sent_invitation(inviter, commit)
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(stop_path(mail.outbox[0]), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert DoNotInvite.objects.filter(address_hash=address_hash(FRIEND)).exists()


def test_tampered_stop_link_changes_nothing(client):
    response = client.post("/niet-meer-uitnodigen/nep.token/")
    assert response.status_code == 400
    assert not DoNotInvite.objects.exists()


def test_later_invitations_to_an_unwilling_address_are_refused(client, inviter, commit):
    sent_invitation(inviter, commit)
    client.post(stop_path(mail.outbox[0]))
    other = MembershipFactory().user
    client.force_login(other)
    with commit():
        response = client.post("/mijn-exemplaar/uitnodigen/", {"email": " VRIENDIN@example.net "})
    assert response.status_code == 400
    assert [text(li) for li in select(response.content.decode(), "form .errorlist li")] == [
        UNWILLING
    ]
    assert Invitation.objects.count() == 1
    assert len(mail.outbox) == 1


def test_scheduled_invitation_to_an_address_that_opted_out_meanwhile_is_not_sent(
    client, inviter, commit
):
    sent_invitation(inviter, commit)
    later = timezone.localdate() + timedelta(days=2)
    scheduled = sent_invitation(inviter, commit, email="ander@example.net", send_on=later)
    DoNotInvite.objects.create(address_hash=address_hash("ander@example.net"))
    with commit():
        counts = invitations_run(now=timezone.now() + timedelta(days=2))
    assert counts["sent"] == 0
    assert len(mail.outbox) == 1
    scheduled.refresh_from_db()
    assert scheduled.sent_at is not None  # handled: not tried again every day


def test_send_date_reached_sends_once(inviter, commit):
    later = timezone.localdate() + timedelta(days=3)
    invitation = sent_invitation(inviter, commit, send_on=later)
    with commit():
        assert invitations_run(now=timezone.now() + timedelta(days=2))["sent"] == 0
    with commit():
        assert invitations_run(now=timezone.now() + timedelta(days=3))["sent"] == 1
    with commit():
        assert invitations_run(now=timezone.now() + timedelta(days=4))["sent"] == 0
    assert [m.to for m in mail.outbox] == [[FRIEND]]
    invitation.refresh_from_db()
    assert invitation.sent_at is not None


def test_two_reminders_after_7_and_30_days_and_no_more(inviter, commit):
    invitation = sent_invitation(inviter, commit)
    mail.outbox.clear()
    start = timezone.now()
    reminded = []
    for day in (6, 7, 7, 8, 29, 30, 31, 60, 89):
        with commit():
            reminded.append(invitations_run(now=start + timedelta(days=day))["reminded"])
    assert reminded == [0, 1, 0, 0, 0, 1, 0, 0, 0]
    assert len(mail.outbox) == 2
    assert all("ligt nog voor je klaar" in m.subject for m in mail.outbox)
    assert all("/niet-meer-uitnodigen/" in m.body for m in mail.outbox)
    invitation.refresh_from_db()
    assert invitation.reminders_sent == 2


def test_reminders_stop_once_accepted(inviter, commit):
    invitation = sent_invitation(inviter, commit)
    with commit():
        invitation_accept(token=invitation.token, user=UserFactory())
    mail.outbox.clear()
    with commit():
        assert invitations_run(now=timezone.now() + timedelta(days=8))["reminded"] == 0
    assert mail.outbox == []


def test_the_command_run_twice_sends_each_reminder_once(inviter, commit):
    invitation = sent_invitation(inviter, commit)
    Invitation.objects.filter(pk=invitation.pk).update(
        sent_at=timezone.now() - timedelta(days=8), created_at=timezone.now() - timedelta(days=8)
    )
    mail.outbox.clear()
    out = io.StringIO()
    with commit():
        call_command("send_invitations", stdout=out)
        call_command("send_invitations", stdout=out)
    assert out.getvalue().splitlines() == [
        "0 invitation(s) sent, 1 reminder(s) sent, 0 expired address(es) deleted.",
        "0 invitation(s) sent, 0 reminder(s) sent, 0 expired address(es) deleted.",
    ]
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_a_reminder_once(inviter):
    """The conditional UPDATE claims each reminder: of two runs started together, one
    sends it."""
    invitation = invitation_create(membership=inviter, email=FRIEND)
    Invitation.objects.filter(pk=invitation.pk).update(
        sent_at=timezone.now() - timedelta(days=8), created_at=timezone.now() - timedelta(days=8)
    )
    mail.outbox.clear()
    barrier = threading.Barrier(2)
    results = []

    def run():
        barrier.wait()
        try:
            results.append(invitations_run()["reminded"])
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [0, 1]
    assert len(mail.outbox) == 1


def test_addresses_of_unaccepted_invitations_are_deleted_after_90_days(inviter, commit):
    open_one = sent_invitation(inviter, commit, dedication="Voor jou")
    accepted = sent_invitation(inviter, commit, email="neemt@example.net")
    with commit():
        invitation_accept(token=accepted.token, user=UserFactory(email="neemt@example.net"))
    link_only = InvitationFactory(created_by=inviter)
    with commit():
        assert invitations_run(now=timezone.now() + timedelta(days=89))["expired"] == 0
    with commit():
        assert invitations_run(now=timezone.now() + timedelta(days=90))["expired"] == 1
    open_one.refresh_from_db()
    accepted.refresh_from_db()
    assert open_one.email == ""
    assert accepted.email == "neemt@example.net"
    assert Invitation.objects.filter(pk=link_only.pk).exists()


def test_printable_card_has_the_qr_code_and_dedication(client, inviter, commit):
    invitation = sent_invitation(inviter, commit, dedication="Voor de buurvrouw")
    client.force_login(inviter.user)
    response = client.get(f"/mijn-exemplaar/uitnodiging/{invitation.token}/kaart/")
    assert response.status_code == 200
    html = response.content.decode()
    assert one(html, "link[rel=stylesheet]").get("href").startswith("/static/css/invitation-card")
    svg = one(html, "svg.invitation-card__qr")
    assert text(one(svg, "title")) == f"http://testserver/uitnodiging/{invitation.token}/"
    assert text(one(html, ".invitation-card__dedication")) == "Voor de buurvrouw"


def test_printable_card_is_only_for_whoever_made_the_invitation(client, inviter, commit):
    invitation = sent_invitation(inviter, commit)
    client.force_login(MembershipFactory().user)
    assert client.get(f"/mijn-exemplaar/uitnodiging/{invitation.token}/kaart/").status_code == 404
    client.logout()
    response = client.get(f"/mijn-exemplaar/uitnodiging/{invitation.token}/kaart/")
    assert response.status_code == 302


# ---- Privacy: the data download, erasure and the privacy page ------------------------


def _download(client) -> zipfile.ZipFile:
    response = client.get("/mijn-gegevens/download/")
    assert response.status_code == 200
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_data_download_holds_invitations_with_address_and_dedication(
    client, inviter, commit, open_chapter
):
    later = timezone.localdate() + timedelta(days=5)
    sent_invitation(inviter, commit, dedication="Lees dit", chapter=open_chapter)
    sent_invitation(inviter, commit, email="later@example.net", send_on=later)
    newcomer = UserFactory()
    first = Invitation.objects.get(email=FRIEND)
    with commit():
        invitation_accept(token=first.token, user=newcomer)

    client.force_login(inviter.user)
    archive = _download(client)
    made = json.loads(archive.read("gegevens.json"))["membership"]["invitations"]
    assert [(i["email"], i["dedication"], i["chapter"]) for i in made] == [
        (FRIEND, "Lees dit", open_chapter.title),
        ("later@example.net", "", None),
    ]
    assert made[1]["send_on"] == later.isoformat() and made[1]["sent_at"] is None
    assert made[0]["reminders_sent"] == 0
    readme = archive.read("LEESMIJ.txt").decode()
    assert "received_dedication" in readme and "reminders_sent" in readme

    client.force_login(newcomer)
    received = json.loads(_download(client).read("gegevens.json"))["membership"]
    assert received["received_dedication"] == "Lees dit"


def test_erasing_the_inviter_erases_addresses_and_dedications(client, inviter, commit):
    accepted = sent_invitation(inviter, commit, dedication="Voor jou")
    with commit():
        invitation_accept(token=accepted.token, user=UserFactory())
    sent_invitation(inviter, commit, email="open@example.net")
    client.force_login(inviter.user)
    with commit():
        response = client.post(
            "/mijn-gegevens/verwijderen/", {"email": inviter.user.email, "stories": "keep"}
        )
    assert response.status_code == 302
    assert list(Invitation.objects.values_list("email", "dedication", "name")) == [("", "", "")]


def test_privacy_page_explains_invitations_by_email_in_both_languages(client):
    dutch = client.get("/privacy/")
    assert "versleutelde sleutel" in " ".join(texts(dutch.content.decode(), "li"))
    with translation.override("en"):
        english = client.get(reverse("privacy"))
    assert "keyed hash" in " ".join(texts(english.content.decode(), "li"))
