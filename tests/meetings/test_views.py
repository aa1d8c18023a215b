from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertInHTML, assertNotContains

from book.models import Access
from meetings.models import (
    AgendaItem,
    AgendaSupport,
    Meeting,
    MeetingStatus,
    Registration,
    RegistrationStatus,
)
from stories.models import ModerationAction, TargetType
from tests.factories import MeetingFactory, MembershipFactory, RegistrationFactory, UserFactory
from tests.safe_requests import assert_safe_requests_change_nothing

pytestmark = pytest.mark.django_db


def _form(**changes) -> dict:
    starts = timezone.localtime() + timedelta(days=10)
    data = {
        "title": "Koffie en een open agenda",
        "opening_question": "Wat bracht je hier?",
        "description": "Gewoon *praten*.",
        "starts_at": starts.strftime("%Y-%m-%dT19:00"),
        "ends_at": starts.strftime("%Y-%m-%dT21:00"),
        "place": "Bibliotheek Deventer",
        "online_url": "",
        "capacity": "12",
        "audience": "open",
    }
    return data | changes


def test_a_curator_creates_a_meeting_through_the_form(client, curator):
    client.force_login(curator)

    response = client.post(reverse("meetings:create"), _form())

    meeting = Meeting.objects.get()
    assert response["Location"] == meeting.get_absolute_url()
    assert meeting.status == MeetingStatus.PUBLISHED
    assert timezone.localtime(meeting.starts_at).hour == 19
    assert str(timezone.localtime(meeting.starts_at).tzinfo) == "Europe/Amsterdam"


def test_a_member_proposes_and_sees_the_proposal_others_do_not(client, member):
    client.force_login(member)
    client.post(reverse("meetings:create"), _form())
    meeting = Meeting.objects.get()
    assert meeting.status == MeetingStatus.PROPOSED

    assertContains(client.get(meeting.get_absolute_url()), "Dit is een voorstel")
    client.force_login(MembershipFactory().user)
    assert client.get(meeting.get_absolute_url()).status_code == 404
    client.logout()
    assert client.get(meeting.get_absolute_url()).status_code == 404


def test_someone_without_a_copy_cannot_propose(client, user):
    client.force_login(user)
    assert client.get(reverse("meetings:create")).status_code == 403
    assert client.post(reverse("meetings:create"), _form()).status_code == 403
    assert not Meeting.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"ends_at": "2020-01-01T10:00"}, "ends_at", "Het einde moet na het begin liggen."),
        ({"capacity": "0"}, "capacity", "Het aantal plaatsen moet 1 of meer zijn."),
        ({"capacity": "-5"}, "capacity", "Het aantal plaatsen moet 1 of meer zijn."),
        (
            {"online_url": "javascript:alert(document.cookie)"},
            "online_url",
            "Een online link moet met https:// beginnen.",
        ),
        ({"place": ""}, "place", "Geef een plaats (adres), een online link of allebei."),
    ],
)
def test_bad_input_shows_a_dutch_error_at_its_field_and_saves_nothing(
    client, curator, changes, field, message
):
    client.force_login(curator)

    response = client.post(reverse("meetings:create"), _form(**changes))

    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert response.context["form"].data["title"] == "Koffie en een open agenda"
    assert not Meeting.objects.exists()
    assert not ModerationAction.objects.exists()


def test_the_queue_publishes_a_proposal_and_logs_it(client, curator, member):
    proposal = MeetingFactory(status=MeetingStatus.PROPOSED, hosts=[member.membership])
    client.force_login(curator)

    page = client.get(reverse("meetings:queue"))
    assertContains(page, proposal.title)
    response = client.post(reverse("meetings:publish", kwargs={"slug": proposal.slug}))

    assert response["Location"] == reverse("meetings:queue")
    proposal.refresh_from_db()
    assert proposal.status == MeetingStatus.PUBLISHED
    assert ModerationAction.objects.get().target_type == TargetType.MEETING
    log = client.get(reverse("stories:moderation_log"))
    assertContains(log, proposal.title)


def test_the_queue_is_for_curators(client, member):
    proposal = MeetingFactory(status=MeetingStatus.PROPOSED)
    client.force_login(member)
    assert client.get(reverse("meetings:queue")).status_code == 403
    assert (
        client.post(reverse("meetings:publish", kwargs={"slug": proposal.slug})).status_code == 403
    )
    proposal.refresh_from_db()
    assert proposal.status == MeetingStatus.PROPOSED


def test_a_host_edits_and_others_may_not(client, member):
    meeting = MeetingFactory(hosts=[member.membership])
    url = reverse("meetings:edit", kwargs={"slug": meeting.slug})
    client.force_login(MembershipFactory().user)
    assert client.post(url, _form(title="Gekaapt")).status_code == 403

    client.force_login(member)
    response = client.post(url, _form(title="Nieuwe titel"))

    assert response["Location"] == meeting.get_absolute_url()
    meeting.refresh_from_db()
    assert meeting.title == "Nieuwe titel"


def test_copy_this_meeting_fills_the_form_without_the_dates(client, curator):
    meeting = MeetingFactory(capacity=8, place="Het Buurthuis")
    client.force_login(curator)

    response = client.get(reverse("meetings:create") + f"?kopie={meeting.slug}")

    form = response.context["form"]
    assert form.initial["title"] == meeting.title
    assert form.initial["capacity"] == 8
    assert "starts_at" not in form.initial
    assertInHTML(
        '<input type="text" name="place" value="Het Buurthuis" maxlength="300" id="id_place">',
        response.content.decode(),
    )


def test_registering_through_the_page_and_the_waiting_list(client):
    meeting = MeetingFactory(capacity=1)
    first, second = UserFactory(), UserFactory()
    url = reverse("meetings:register", kwargs={"slug": meeting.slug})

    client.force_login(first)
    client.post(url, {"bringing": "Een vraag over inspraak"})
    client.force_login(second)
    response = client.post(url, {"bringing": ""}, follow=True)

    assertContains(response, "De bijeenkomst is vol: je staat op de wachtlijst.")
    assert dict(Registration.objects.values_list("user", "status")) == {
        first.pk: RegistrationStatus.GOING,
        second.pk: RegistrationStatus.WAITING,
    }

    client.force_login(first)
    client.post(reverse("meetings:unregister", kwargs={"slug": meeting.slug}))
    assert Registration.objects.get(user=second).status == RegistrationStatus.GOING


def test_registering_for_a_cancelled_meeting_is_refused_with_a_message(client, user):
    meeting = MeetingFactory(status=MeetingStatus.CANCELLED)
    client.force_login(user)

    response = client.post(
        reverse("meetings:register", kwargs={"slug": meeting.slug}), {"bringing": ""}, follow=True
    )

    assertContains(response, "Deze bijeenkomst is afgelast; aanmelden kan niet meer.")
    assert not Registration.objects.exists()


def test_members_only_asks_for_a_copy(client, user):
    meeting = MeetingFactory(audience=Access.MEMBERS)
    client.force_login(user)

    page = client.get(meeting.get_absolute_url())

    assertContains(page, reverse("members:claim"))
    assertNotContains(page, reverse("meetings:register", kwargs={"slug": meeting.slug}))


def test_the_online_link_and_attendees_are_for_those_registered(client, member):
    meeting = MeetingFactory(online_url="https://meet.example.org/abc")
    client.force_login(member)
    assertNotContains(client.get(meeting.get_absolute_url()), "https://meet.example.org/abc")

    RegistrationFactory(meeting=meeting, user=member)
    page = client.get(meeting.get_absolute_url())

    assertContains(page, 'href="https://meet.example.org/abc"')
    assert page.context["other_attendees"] == 1


def test_the_list_shows_upcoming_and_past_and_filters(client, chapters):
    now = timezone.now()
    soon = MeetingFactory(title="Binnenkort")
    soon.chapters.set([chapters[0]])
    online = MeetingFactory(title="Online praten", online_url="https://meet.example.org/x")
    MeetingFactory(
        title="Was al", starts_at=now - timedelta(days=3), ends_at=now - timedelta(days=3, hours=-2)
    )
    MeetingFactory(title="Voorstel", status=MeetingStatus.PROPOSED)

    def titles(query=""):
        response = client.get(reverse("meetings:list") + query)
        return [m.title for m in response.context["meetings"]]

    assert titles() == ["Binnenkort", "Online praten"]
    assert titles("?wanneer=voorbij") == ["Was al"]
    assert titles(f"?hoofdstuk={chapters[0].slug}") == ["Binnenkort"]
    assert titles("?online=on") == [online.title]


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_list_and_a_meeting_page_keep_their_query_count(client, member, chapters):
    def make(n):
        for _ in range(n):
            meeting = MeetingFactory(capacity=50)
            meeting.chapters.set(chapters[:2])
            RegistrationFactory.create_batch(3, meeting=meeting)

    client.force_login(member)
    big = MeetingFactory(hosts=[member.membership])
    RegistrationFactory.create_batch(2, meeting=big)
    RegistrationFactory(meeting=big, user=member)
    AgendaItem.objects.create(meeting=big, author=member, title="Eerste punt")
    make(2)
    list_url, page_url = reverse("meetings:list"), big.get_absolute_url()
    few = (_queries(client, list_url), _queries(client, page_url))

    make(20)
    for registration in RegistrationFactory.create_batch(40, meeting=big):
        MembershipFactory(user=registration.user)
        item = AgendaItem.objects.create(meeting=big, author=registration.user, title="Punt")
        AgendaSupport.objects.create(item=item, user=member)

    assert (_queries(client, list_url), _queries(client, page_url)) == few


def test_get_requests_change_nothing(client, member):
    meeting = MeetingFactory(hosts=[member.membership])
    client.force_login(member)
    assert_safe_requests_change_nothing(
        client,
        [
            reverse("meetings:list"),
            meeting.get_absolute_url(),
            reverse("meetings:edit", kwargs={"slug": meeting.slug}),
            reverse("meetings:create"),
            reverse("meetings:ics", kwargs={"slug": meeting.slug}),
            reverse("meetings:calendar"),
            reverse("meetings:register", kwargs={"slug": meeting.slug}),
        ],
    )


def test_english_addresses(client):
    meeting = MeetingFactory()
    assert client.get(f"/en/meetings/{meeting.slug}/").status_code == 200
