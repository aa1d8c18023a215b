"""The bureau's pages through the real views: settings, answering (on the site and by
the e-mail's link), consent before any address, requests, reports, the curators' page,
and the member's data."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from community.privacy import account_delete, account_export
from introductions.models import Answer, Block, Introduction, Participation
from introductions.notifications import answer_token
from introductions.services import follow_ups_send, round_people, round_run
from tests.factories import (
    MembershipFactory,
    ParticipationFactory,
    ProfileFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def introduction(pair):
    round_run(seed=1)
    return Introduction.objects.get()


def _as(client, membership):
    client.force_login(membership.user)
    return client


def _link(introduction, membership):
    return reverse(
        "introductions:answer",
        kwargs={"token": answer_token(introduction=introduction, membership=membership)},
    )


# ---- Settings ------------------------------------------------------------------------


def test_everything_is_off_until_the_member_switches_it_on(client, member, themes):
    client.force_login(member)
    page = client.get(reverse("introductions:settings"))
    assert page.status_code == 200
    assert not page.context["form"].initial["takes_part"]
    response = client.post(
        reverse("introductions:settings"),
        {
            "takes_part": "on",
            "knows": [themes[0].pk],
            "seeks": [themes[1].pk],
            "question": "Hoe krijg je de buurt aan tafel?",
            "frequency": "monthly",
            "format": "online",
            "reach": "anywhere",
        },
    )
    assert response.status_code == 302
    saved = Participation.objects.get(membership__user=member)
    assert saved.takes_part and list(saved.knows.all()) == [themes[0]]
    assert saved.question == "Hoe krijg je de buurt aan tafel?"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"takes_part": "on"}, "Kies minstens één onderwerp"),
        ({"paused_until": "2000-01-01"}, "Kies een datum vanaf vandaag"),
        ({"question": "x" * 281}, "hoogstens 280"),
        ({"frequency": "daily"}, "Selecteer een geldige keuze"),
    ],
)
def test_bad_settings_are_refused_with_a_reason_and_nothing_saved(
    client, member, themes, data, message
):
    client.force_login(member)
    valid = {"frequency": "monthly", "format": "either", "reach": "anywhere"}
    response = client.post(reverse("introductions:settings"), valid | data)
    assert response.status_code == 200
    assert message.lower() in response.content.decode().lower()
    assert not Participation.objects.exists()


def test_the_bureau_is_for_members(client):
    client.force_login(UserFactory())
    assert client.get(reverse("introductions:settings")).status_code == 403
    client.logout()
    assert client.get(reverse("introductions:mine")).status_code == 302


# ---- Answering and consent ---------------------------------------------------------


def test_opening_the_e_mail_link_answers_nothing(client, introduction, pair):
    resident, _official = pair
    page = client.get(_link(introduction, resident))
    assert page.status_code == 200
    assert "Bram" in page.content.decode()
    introduction.refresh_from_db()
    assert introduction.first_answer == Answer.PENDING


def test_addresses_are_shared_only_when_both_say_yes(client, introduction, pair, commit):
    resident, official = pair
    client.post(_link(introduction, resident), {"answer": "yes"})
    page = _as(client, official).get(reverse("introductions:detail", args=[introduction.pk]))
    assert resident.user.email not in page.content.decode()
    _as(client, resident)
    page = client.get(reverse("introductions:detail", args=[introduction.pk]))
    assert official.user.email not in page.content.decode()

    with commit():
        client.logout()
        client.post(_link(introduction, official), {"answer": "yes"})
    introduction.refresh_from_db()
    assert introduction.accepted and introduction.accepted_at
    page = _as(client, resident).get(reverse("introductions:detail", args=[introduction.pk]))
    assert f'href="mailto:{official.user.email}"' in page.content.decode()
    to_resident = next(m for m in mail.outbox if m.to == [resident.user.email])
    assert official.user.email in to_resident.body


def test_a_no_is_never_explained_to_the_other(client, introduction, pair):
    resident, official = pair
    client.post(_link(introduction, official), {"answer": "no"})
    page = _as(client, resident).get(reverse("introductions:detail", args=[introduction.pk]))
    text = page.content.decode()
    assert "Deze kennismaking gaat niet door." in text
    assert "Je zei: nu liever niet" not in text and 'value="no"' not in text


def test_a_second_answer_changes_nothing(client, introduction, pair):
    resident, _official = pair
    client.post(_link(introduction, resident), {"answer": "no"})
    client.post(_link(introduction, resident), {"answer": "yes"})
    introduction.refresh_from_db()
    assert introduction.first_answer == Answer.NO


@pytest.mark.parametrize("token", ["nonsense", "a" * 300, "WzEsMl0:1:abc"])
def test_tampered_links_change_nothing(client, introduction, token):
    response = client.post(reverse("introductions:answer", args=[token]), {"answer": "yes"})
    assert response.status_code == 400
    assert "Deze link werkt niet" in response.content.decode()
    introduction.refresh_from_db()
    assert introduction.first_answer == introduction.second_answer == Answer.PENDING


def test_a_link_for_someone_else_s_introduction_is_refused(client, introduction, pair):
    stranger = MembershipFactory()
    token = answer_token(introduction=introduction, membership=stranger)
    response = client.post(reverse("introductions:answer", args=[token]), {"answer": "yes"})
    assert response.status_code == 400


def test_an_expired_introduction_says_so(client, introduction, pair):
    resident, _official = pair
    Introduction.objects.filter(pk=introduction.pk).update(
        created_at=timezone.now() - timedelta(days=15)
    )
    response = client.post(_link(introduction, resident), {"answer": "yes"})
    assert response.status_code == 400
    assert "verlopen" in response.content.decode()
    introduction.refresh_from_db()
    assert introduction.first_answer == Answer.PENDING


def test_other_members_cannot_see_or_answer_an_introduction(client, introduction):
    _as(client, MembershipFactory())
    assert client.get(reverse("introductions:detail", args=[introduction.pk])).status_code == 404
    url = reverse("introductions:answer_here", args=[introduction.pk])
    assert client.post(url, {"answer": "yes"}).status_code == 404
    introduction.refresh_from_db()
    assert introduction.first_answer == Answer.PENDING


def test_how_it_went_is_asked_after_three_weeks_once(client, introduction, pair, commit):
    Introduction.objects.filter(pk=introduction.pk).update(
        first_answer="yes", second_answer="yes", accepted_at=timezone.now() - timedelta(days=22)
    )
    with commit():
        assert follow_ups_send() == 1
    assert follow_ups_send() == 0
    assert {m.subject for m in mail.outbox} == {
        "Hebben jij en Bram elkaar gesproken?",
        "Hebben jij en Anouk elkaar gesproken?",
    }
    resident, _official = pair
    _as(client, resident).post(reverse("introductions:met", args=[introduction.pk]), {"met": "yes"})
    introduction.refresh_from_db()
    assert introduction.first_met == "yes"


# ---- Stopping, requests, reports -----------------------------------------------------


def test_the_one_click_stop_switches_taking_part_off(client, pair):
    from introductions.notifications import stop_token

    resident, _official = pair
    url = reverse("introductions:stop", args=[stop_token(resident)])
    assert client.get(url).status_code == 200
    assert Participation.objects.get(membership=resident).takes_part
    client.post(url, {"List-Unsubscribe": "One-Click"})
    assert not Participation.objects.get(membership=resident).takes_part


def test_a_member_may_ask_to_be_introduced_three_times_a_week(client, themes, commit):
    asker = MembershipFactory()
    others = [ParticipationFactory(knows=[themes[0]]).membership for _ in range(4)]
    _as(client, asker)
    for other in others[:3]:
        with commit():
            response = client.post(
                reverse("introductions:request", args=[other.number]), {"note": "Je weet veel."}
            )
        assert response.status_code == 302
    response = client.post(
        reverse("introductions:request", args=[others[3].number]), {"note": "Nog een."}
    )
    assert response.status_code == 400
    assert "drie kennismakingen" in response.content.decode()
    assert Introduction.objects.count() == 3
    introduction = Introduction.objects.filter(asked_by=asker).first()
    assert introduction.answer_of(asker) == Answer.YES
    assert [m.to for m in mail.outbox] == [[o.user.email] for o in others[:3]]


def test_nobody_can_ask_for_someone_who_does_not_take_part(client, pair):
    _as(client, MembershipFactory())
    Participation.objects.update(takes_part=False)
    resident, _official = pair
    url = reverse("introductions:request", args=[resident.number])
    assert client.get(url).status_code == 404
    assert client.post(url, {"note": "Hallo"}).status_code == 404


def test_a_report_stops_the_other_and_reaches_the_curators(client, introduction, pair, curator):
    resident, official = pair
    _as(client, resident).post(reverse("introductions:report", args=[introduction.pk]))
    assert Participation.objects.get(membership=official).stopped_by_report
    assert Block.objects.filter(blocker=resident, blocked=official).exists()
    assert official.pk not in {p.pk for p in round_people()}
    client.force_login(curator)
    page = client.get(reverse("introductions:curation"))
    assert page.context["reported"] == 1
    client.post(
        reverse("stories:moderation_decide"),
        {"target": f"introduction:{introduction.pk}", "action": "dismiss"},
    )
    assert not Participation.objects.get(membership=official).stopped_by_report


def test_the_curators_page_is_for_curators(client, member):
    client.force_login(member)
    assert client.get(reverse("introductions:curation")).status_code == 403


def test_a_curator_introduces_two_members_by_hand(client, curator, themes, commit):
    first, second = MembershipFactory(), MembershipFactory()
    client.force_login(curator)
    with commit():
        response = client.post(
            reverse("introductions:curation"),
            {"first": first.number, "second": second.number, "note": "Jullie moeten praten."},
        )
    assert response.status_code == 302
    introduction = Introduction.objects.get()
    assert introduction.origin == "curator" and introduction.note == "Jullie moeten praten."
    assert len(mail.outbox) == 2
    again = client.post(
        reverse("introductions:curation"),
        {"first": second.number, "second": first.number, "note": "Nog eens."},
    )
    assert again.status_code == 400
    assert Introduction.objects.count() == 1


# ---- The member's data ---------------------------------------------------------------


def test_the_download_holds_the_settings_and_introductions(introduction, pair):
    resident, official = pair
    data = account_export(user=resident.user)
    assert data["introductions_settings"]["knows"] == ["Groen"]
    (row,) = data["introductions"]
    assert row["other_member_number"] == official.number
    assert official.user.email not in str(data)


def test_deleting_an_account_removes_every_trace_and_tells_nobody(introduction, pair):
    resident, official = pair
    Block.objects.create(blocker=official, blocked=resident)
    account_delete(user=resident.user)
    assert not Participation.objects.filter(membership=resident).exists()
    assert not Introduction.objects.exists()
    assert not Block.objects.exists()
    assert Participation.objects.filter(membership=official).exists()


def test_who_takes_part_is_listed_for_members_with_a_way_to_ask(client, pair, themes):
    resident, official = pair
    hidden = ParticipationFactory(knows=[themes[1]]).membership
    ProfileFactory(membership=hidden, display_name="Verborgen", visibility="hidden")
    viewer = MembershipFactory()
    page = _as(client, viewer).get(reverse("introductions:participants"))
    names = [row["name"] for row in page.context["rows"]]
    assert names == ["Anouk", "Bram"]
    assert reverse("introductions:request", args=[resident.number]) in page.content.decode()
    client.force_login(UserFactory())
    assert client.get(reverse("introductions:participants")).status_code == 403


@pytest.mark.parametrize("size", [2, 20])
def test_the_participants_page_takes_the_same_queries_whatever_its_size(
    client, themes, size, django_assert_num_queries, session_queries
):
    for _ in range(size):
        ParticipationFactory(knows=[themes[0]], seeks=[themes[1]])
    _as(client, MembershipFactory())
    client.get(reverse("introductions:participants"))  # session and caches warm
    with django_assert_num_queries(7 + session_queries):
        page = client.get(reverse("introductions:participants"))
    assert len(page.context["rows"]) == size
