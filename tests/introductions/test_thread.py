"""The thread of two members who both said yes: only the two read and write it, in
Markdown through the one sanitiser, within the replies' hourly ceiling; the other hears
of a message by e-mail unless they switched that off; a block ends it."""

import pytest
from django.core import mail
from django.urls import reverse

from community.privacy import account_delete, account_export
from introductions.models import Block, Message, Participation
from introductions.notifications import stop_token
from stories.writing import NEW_MEMBER_REPLIES_PER_HOUR
from tests.clients import signed_in
from tests.factories import (
    MembershipFactory,
    MessageFactory,
    UserFactory,
)
from tests.markup import one, select, text, texts
from tests.safe_requests import no_database_writes

pytestmark = pytest.mark.django_db


def _thread(introduction):
    return reverse("introductions:thread", args=[introduction.pk])


def test_the_two_exchange_messages_and_the_other_hears_of_each(accepted, commit):
    anouk, bram = signed_in(accepted.first.user), signed_in(accepted.second.user)
    with commit():
        response = anouk.post(_thread(accepted), {"body": "Hoi Bram, **koffie** dinsdag?"})
    assert response.status_code == 302
    assert response["Location"] == _thread(accepted) + "#nieuw"
    (sent,) = mail.outbox
    assert sent.to == [accepted.second.user.email]
    assert sent.subject == "Een bericht van Anouk"
    assert "koffie** dinsdag?" in sent.body
    assert _thread(accepted) in sent.body
    stop = reverse("introductions:stop_messages", args=[stop_token(accepted.second, "messages")])
    assert stop in sent.extra_headers["List-Unsubscribe"]

    page = bram.get(_thread(accepted))
    assert page.status_code == 200
    (message,) = select(page, "ol.thread li.thread__message")
    assert text(one(message, ".thread__meta strong")) == "Anouk"
    assert text(one(message, ".thread__body strong")) == "koffie"
    with commit():
        bram.post(_thread(accepted), {"body": "Graag!"})
    assert texts(anouk.get(_thread(accepted)), ".thread__meta strong") == ["Jij", "Bram"]
    assert mail.outbox[-1].to == [accepted.first.user.email]


def test_messages_go_through_the_one_sanitiser(accepted):
    client = signed_in(accepted.first.user)
    client.post(_thread(accepted), {"body": "<script>alert(1)</script>[klik](javascript:alert(1))"})
    page = client.get(_thread(accepted))
    body = one(page, ".thread__body")
    assert not select(body, "script")
    assert all(not (a.get("href") or "").startswith("javascript") for a in select(body, "a"))


@pytest.mark.parametrize("who", ["stranger", "curator", "no_copy", "anonymous"])
def test_nobody_but_the_two_reads_or_writes_the_thread(accepted, who, curator):
    MessageFactory(introduction=accepted, body="Geheim bericht", body_html="<p>Geheim bericht</p>")
    user = {
        "stranger": lambda: MembershipFactory().user,
        "curator": lambda: curator,
        "no_copy": lambda: UserFactory(),
        "anonymous": lambda: None,
    }[who]()
    client = signed_in(user)
    page = client.get(_thread(accepted))
    expected = {"stranger": 404, "curator": 404, "no_copy": 403, "anonymous": 302}[who]
    assert page.status_code == expected
    assert "Geheim bericht" not in page.content.decode()
    response = client.post(_thread(accepted), {"body": "Ik lees mee"})
    assert response.status_code == expected
    assert Message.objects.count() == 1


def test_there_is_no_thread_before_both_said_yes(accepted):
    accepted.second_answer = "pending"
    accepted.save()
    client = signed_in(accepted.first.user)
    assert client.get(_thread(accepted)).status_code == 404
    assert client.post(_thread(accepted), {"body": "Hallo?"}).status_code == 404
    assert not Message.objects.exists()


def test_a_block_ends_the_thread(accepted, commit):
    MessageFactory(introduction=accepted)
    bram = signed_in(accepted.second.user)
    bram.post(reverse("introductions:block", args=[accepted.pk]))
    assert Block.objects.filter(blocker=accepted.second, blocked=accepted.first).exists()
    anouk = signed_in(accepted.first.user)
    with commit():
        response = anouk.post(_thread(accepted), {"body": "Waarom niet?"})
    assert response.status_code == 400
    assert not select(response, "form#nieuw")
    assert "Dit gesprek is gesloten" in text(one(response, "p#nieuw"))
    assert Message.objects.count() == 1 and mail.outbox == []
    page = bram.get(_thread(accepted))
    assert not select(page, "form#nieuw")
    assert "gesloten" in text(one(page, "p#nieuw"))


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ("", "Dit veld is verplicht."),
        ("   ", "Dit veld is verplicht."),
        ("x" * 5001, "niet meer dan 5000 tekens"),
    ],
)
def test_bad_messages_are_refused_with_a_reason_and_nothing_saved(accepted, body, error):
    response = signed_in(accepted.first.user).post(_thread(accepted), {"body": body})
    assert response.status_code == 400
    assert error in text(one(response, "#id_body_error"))
    assert not Message.objects.exists()


def test_messages_have_the_replies_hourly_ceiling(accepted):
    for _ in range(NEW_MEMBER_REPLIES_PER_HOUR):
        MessageFactory(introduction=accepted, author=accepted.first)
    response = signed_in(accepted.first.user).post(_thread(accepted), {"body": "Nog eentje"})
    assert response.status_code == 400
    assert "afgelopen uur al 10 berichten" in text(one(response, "#id_body_error"))
    assert one(response, "textarea[name=body]").text.strip() == "Nog eentje"
    assert Message.objects.count() == NEW_MEMBER_REPLIES_PER_HOUR


def test_message_e_mails_can_be_switched_off_in_one_click(client, accepted, commit):
    url = reverse("introductions:stop_messages", args=[stop_token(accepted.second, "messages")])
    with no_database_writes():
        assert client.get(url).status_code == 200
    client.post(url, {"List-Unsubscribe": "One-Click"})
    participation = Participation.objects.get(membership=accepted.second)
    assert not participation.message_emails and participation.takes_part
    with commit():
        signed_in(accepted.first.user).post(_thread(accepted), {"body": "Hallo"})
    assert mail.outbox == []


def test_a_stop_link_of_one_kind_does_not_work_for_the_other(client, accepted):
    wrong = reverse("introductions:stop_messages", args=[stop_token(accepted.second)])
    assert client.post(wrong, {"List-Unsubscribe": "One-Click"}).status_code == 400
    assert Participation.objects.get(membership=accepted.second).message_emails


def test_the_settings_page_switches_message_e_mails_off(accepted):
    client = signed_in(accepted.first.user)
    assert client.get(reverse("introductions:settings")).context["form"].initial["message_emails"]
    client.post(
        reverse("introductions:settings"),
        {"frequency": "monthly", "format": "either", "reach": "anywhere"},
    )
    assert not Participation.objects.get(membership=accepted.first).message_emails


def test_reading_the_thread_changes_nothing(accepted):
    MessageFactory(introduction=accepted)
    client = signed_in(accepted.first.user)
    client.get(_thread(accepted))
    with no_database_writes():
        assert client.get(_thread(accepted)).status_code == 200


@pytest.mark.parametrize("size", [1, 15])
def test_the_thread_takes_the_same_queries_whatever_its_length(
    accepted, size, django_assert_num_queries, session_queries
):
    for index in range(size):
        author = accepted.first if index % 2 else accepted.second
        MessageFactory(introduction=accepted, author=author)
    client = signed_in(accepted.first.user)
    client.get(_thread(accepted))
    with django_assert_num_queries(5 + session_queries):
        page = client.get(_thread(accepted))
    assert len(select(page, "li.thread__message")) == size


def test_the_download_holds_my_messages_and_deletion_removes_the_thread(accepted):
    MessageFactory(introduction=accepted, author=accepted.first, body="Van Anouk")
    MessageFactory(introduction=accepted, author=accepted.second, body="Van Bram")
    data = account_export(user=accepted.first.user)
    assert [row["text"] for row in data["messages"]] == ["Van Anouk"]
    account_delete(user=accepted.second.user)
    assert not Message.objects.exists()
