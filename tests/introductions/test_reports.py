""" "Dit was ongepast": reports of an introduction or of a message land in the curators'
one moderation queue (the stories'), stop the reported member until a curator decides,
and every decision is in the one audit log."""

import pytest
from django.urls import reverse

from introductions.models import Introduction, Message, Participation
from stories.models import ModerationAction
from tests.clients import signed_in
from tests.factories import (
    MembershipFactory,
    MessageFactory,
)
from tests.markup import one, select, text, texts

pytestmark = pytest.mark.django_db

QUEUE = "stories:moderation_queue"
DECIDE = "stories:moderation_decide"


def _stopped(membership) -> bool:
    return Participation.objects.get(membership=membership).stopped_by_report


def _report_introduction(introduction, by):
    return signed_in(by.user).post(reverse("introductions:report", args=[introduction.pk]))


def _report_message(message, by):
    return signed_in(by.user).post(reverse("introductions:message_report", args=[message.pk]))


def test_a_reported_introduction_waits_in_the_moderation_queue(accepted, curator):
    _report_introduction(accepted, accepted.first)
    assert _stopped(accepted.second) and not _stopped(accepted.first)
    page = signed_in(curator).get(reverse(QUEUE))
    (item,) = select(page, "article.moderation-item")
    assert text(one(item, "h3")) == "Kennismaking van Anouk en Bram"
    assert "gemeld: Bram" in text(one(item, ".moderation-item__meta"))
    assert [b.get("value") for b in select(item, "button[name=action]")] == [
        "dismiss",
        "keep_stopped",
    ]


def test_dismissing_a_report_lets_the_member_take_part_again_and_is_logged(accepted, curator):
    _report_introduction(accepted, accepted.first)
    response = signed_in(curator).post(
        reverse(DECIDE), {"target": f"introduction:{accepted.pk}", "action": "dismiss"}
    )
    assert response.status_code == 302
    assert not _stopped(accepted.second)
    accepted.refresh_from_db()
    assert not accepted.reported
    entry = ModerationAction.objects.get()
    assert (entry.target_type, entry.target_id, entry.action, entry.curator) == (
        "introduction",
        accepted.pk,
        "dismiss",
        curator,
    )
    assert not select(signed_in(curator).get(reverse(QUEUE)), "article.moderation-item")
    log = signed_in(curator).get(reverse("stories:moderation_log"))
    assert texts(log, "table.moderation-log tbody td:nth-child(3)") == ["Meldingen afgewezen"]


def test_keeping_the_member_stopped_is_logged(accepted, curator):
    _report_introduction(accepted, accepted.first)
    signed_in(curator).post(
        reverse(DECIDE), {"target": f"introduction:{accepted.pk}", "action": "keep_stopped"}
    )
    assert _stopped(accepted.second)
    assert ModerationAction.objects.get().action == "keep_stopped"
    assert not Introduction.objects.filter(reported=True).exists()


def test_a_reported_message_shows_the_curators_that_message_only(accepted, curator):
    reported = MessageFactory(
        introduction=accepted,
        author=accepted.second,
        body="Iets vervelends",
        body_html="<p>Iets vervelends</p>",
    )
    MessageFactory(
        introduction=accepted,
        author=accepted.second,
        body="Iets persoonlijks",
        body_html="<p>Iets persoonlijks</p>",
    )
    thread = signed_in(accepted.first.user).get(reverse("introductions:thread", args=[accepted.pk]))
    assert len(select(thread, "form[action$='/ongepast/']")) == 2
    _report_message(reported, accepted.first)
    assert _stopped(accepted.second)
    page = signed_in(curator).get(reverse(QUEUE))
    (item,) = select(page, "article.moderation-item")
    assert text(one(item, ".moderation-item__text")) == "Iets vervelends"
    assert "Iets persoonlijks" not in page.content.decode()
    # The thread itself stays closed to the curator.
    assert (
        signed_in(curator).get(reverse("introductions:thread", args=[accepted.pk])).status_code
        == 404
    )


def test_hiding_a_message_needs_a_reason_and_both_see_it_was_hidden(accepted, curator):
    message = MessageFactory(introduction=accepted, author=accepted.second)
    _report_message(message, accepted.first)
    curator_client = signed_in(curator)
    target = {"target": f"message:{message.pk}", "action": "hide"}
    page = curator_client.post(reverse(DECIDE), target | {"reason": "  "}, follow=True)
    assert "Geef een reden op" in " ".join(texts(page, ".messages li, [role=alert]"))
    message.refresh_from_db()
    assert not message.is_hidden and not ModerationAction.objects.exists()

    curator_client.post(reverse(DECIDE), target | {"reason": "Onaardig"})
    message.refresh_from_db()
    assert message.is_hidden and message.settled_at
    assert _stopped(accepted.second)
    entry = ModerationAction.objects.get()
    assert (entry.target_type, entry.action, entry.reason) == ("message", "hide", "Onaardig")
    thread = signed_in(accepted.second.user).get(
        reverse("introductions:thread", args=[accepted.pk])
    )
    assert "Onaardig" in text(one(thread, ".thread__hidden"))
    assert not select(thread, ".thread__body")


def test_a_member_cannot_report_their_own_message_or_someone_else_s(accepted):
    message = MessageFactory(introduction=accepted, author=accepted.first)
    _report_message(message, accepted.first)
    assert _report_message(message, MembershipFactory()).status_code == 404
    message.refresh_from_db()
    assert message.reported_at is None
    assert not _stopped(accepted.first)


def test_dismissing_one_report_keeps_a_member_stopped_while_another_waits(accepted, curator):
    message = MessageFactory(introduction=accepted, author=accepted.second)
    _report_message(message, accepted.first)
    _report_introduction(accepted, accepted.first)
    curator_client = signed_in(curator)
    curator_client.post(reverse(DECIDE), {"target": f"message:{message.pk}", "action": "dismiss"})
    assert _stopped(accepted.second)
    curator_client.post(
        reverse(DECIDE), {"target": f"introduction:{accepted.pk}", "action": "dismiss"}
    )
    assert not _stopped(accepted.second)
    assert ModerationAction.objects.count() == 2


@pytest.mark.parametrize(
    ("target", "action", "message"),
    [
        ("introduction:{pk}", "approve", "Dat kan niet bij dit item."),
        ("introduction:999999", "dismiss", "Dit item bestaat niet meer."),
        ("introduction:{pk}" + "9" * 30, "dismiss", "Dat lukte niet"),
        ("kennismaking:{pk}", "dismiss", "Dat lukte niet"),
    ],
)
def test_bad_decisions_change_nothing(accepted, curator, target, action, message):
    _report_introduction(accepted, accepted.first)
    page = signed_in(curator).post(
        reverse(DECIDE), {"target": target.format(pk=accepted.pk), "action": action}, follow=True
    )
    assert page.status_code == 200
    assert message in page.content.decode()
    assert _stopped(accepted.second)
    assert not ModerationAction.objects.exists()


def test_reported_items_are_decided_one_at_a_time(accepted, curator):
    _report_introduction(accepted, accepted.first)
    signed_in(curator).post(
        reverse("stories:moderation_bulk"),
        {"items": [f"introduction:{accepted.pk}"], "action": "dismiss"},
    )
    assert _stopped(accepted.second)
    assert not ModerationAction.objects.exists()


def test_only_curators_decide(accepted):
    _report_introduction(accepted, accepted.first)
    response = signed_in(accepted.first.user).post(
        reverse(DECIDE), {"target": f"introduction:{accepted.pk}", "action": "dismiss"}
    )
    assert response.status_code == 403
    assert _stopped(accepted.second)


def test_a_message_report_is_a_post(accepted):
    message = MessageFactory(introduction=accepted, author=accepted.second)
    client = signed_in(accepted.first.user)
    response = client.get(reverse("introductions:message_report", args=[message.pk]))
    assert response.status_code == 405
    assert reverse("introductions:thread", args=[accepted.pk]) in [
        a.get("href") for a in select(response, "main a")
    ]
    assert Message.objects.reported().count() == 0
