"""The welcome sequence: day 0, 3, 10 and 21 after claiming, each skipped once its step
is done, each with an opt-out; no step twice, also when the worker dies mid-batch."""

import io
from collections import Counter
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from newsletter.models import DeliveryStatus, WelcomeMail
from newsletter.welcome import welcome_run
from stories.models import NotificationSettings
from tests.factories import (
    ChapterFollowFactory,
    MeetingFactory,
    MembershipFactory,
    NotificationSettingsFactory,
    ProfileFactory,
    ReadingPositionFactory,
    RegistrationFactory,
    StoryFactory,
)

pytestmark = pytest.mark.django_db


def claimed(days_ago, **kwargs):
    return MembershipFactory(
        claimed_at=timezone.now() - timedelta(days=days_ago, hours=1), **kwargs
    )


def statuses(membership):
    return dict(WelcomeMail.objects.filter(membership=membership).values_list("step", "status"))


def test_day_zero_welcome_has_the_number_the_card_and_a_one_click_opt_out(settings):
    membership = claimed(0)
    call_command("send_welcome", stdout=io.StringIO())
    [message] = mail.outbox
    assert message.to == [membership.user.email]
    assert message.subject == f"Welkom, lid nr. {membership.number}"
    assert f"exemplaar nr. {membership.number}" in message.body
    assert f"{settings.SITE_URL}/mijn-exemplaar/kaart/" in message.body
    unsubscribe = message.extra_headers["List-Unsubscribe"]
    assert unsubscribe.startswith(f"<{settings.SITE_URL}/verhalen/afmelden/welcome/")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert statuses(membership) == {"day0": DeliveryStatus.SENT}


def test_running_again_sends_no_step_twice():
    claimed(0)
    welcome_run()
    welcome_run()
    call_command("send_welcome", stdout=io.StringIO())
    assert len(mail.outbox) == 1


def test_day_three_recommends_the_chapter_after_the_last_opened(chapters, settings):
    membership = claimed(3)
    ReadingPositionFactory(user=membership.user, chapter=chapters[0])
    WelcomeMail.objects.create(membership=membership, step="day0", status="sent")
    welcome_run()
    [message] = mail.outbox
    assert message.subject == "Lees verder in het boek"
    assert f"hoofdstuk {chapters[1].number}, “{chapters[1].title}”" in message.body
    assert f"{settings.SITE_URL}{chapters[1].get_absolute_url()}" in message.body
    assert "Volg een hoofdstuk" in message.body


def test_day_three_is_skipped_for_a_reader_who_follows_and_read_everything(chapters):
    membership = claimed(3)
    readable = [chapter for chapter in chapters if chapter.is_published]
    ReadingPositionFactory(user=membership.user, chapter=max(readable, key=lambda c: c.number))
    ChapterFollowFactory(membership=membership, chapter=chapters[0])
    WelcomeMail.objects.create(membership=membership, step="day0", status="sent")
    welcome_run()
    assert mail.outbox == []
    assert statuses(membership)["day3"] == DeliveryStatus.SKIPPED


def test_day_ten_links_profile_and_introductions_unless_the_profile_is_filled_in(settings):
    bare = claimed(10)
    told = claimed(10)
    ProfileFactory(membership=told, display_name="Femke", bio="Ambtenaar in Zwolle.")
    welcome_run()
    [message] = mail.outbox
    assert message.to == [bare.user.email]
    assert message.subject == "Vertel wie je bent"
    assert f"{settings.SITE_URL}/mijn-exemplaar/profiel/" in message.body
    assert f"{settings.SITE_URL}/kennismakingen/instellingen/" in message.body
    assert statuses(told)["day10"] == DeliveryStatus.SKIPPED


def test_day_twenty_one_invites_to_the_next_meeting(settings):
    membership = claimed(21)
    meeting = MeetingFactory(title="Samen maken in Zwolle")
    welcome_run()
    [message] = mail.outbox
    assert message.subject == "Kom naar een bijeenkomst"
    assert "“Samen maken in Zwolle”" in message.body
    assert f"{settings.SITE_URL}{meeting.get_absolute_url()}" in message.body
    assert statuses(membership)["day21"] == DeliveryStatus.SENT


def test_day_twenty_one_without_a_meeting_asks_for_a_first_story():
    claimed(21)
    welcome_run()
    [message] = mail.outbox
    assert message.subject == "Schrijf je eerste leerverhaal"


def test_day_twenty_one_is_skipped_for_who_registered_or_wrote():
    registered = claimed(21)
    RegistrationFactory(user=registered.user)
    wrote = claimed(21)
    StoryFactory(author=wrote)
    welcome_run()
    assert mail.outbox == []
    assert statuses(registered)["day21"] == DeliveryStatus.SKIPPED
    assert statuses(wrote)["day21"] == DeliveryStatus.SKIPPED


def test_members_who_joined_long_ago_get_no_welcome():
    claimed(40)
    welcome_run()
    assert mail.outbox == []
    assert not WelcomeMail.objects.exists()


def test_one_click_opt_out_stops_the_following_steps(client):
    membership = claimed(0)
    welcome_run()
    [message] = mail.outbox
    url = message.extra_headers["List-Unsubscribe"].strip("<>")
    response = client.post(urlsplit(url).path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert NotificationSettings.objects.get(membership=membership).welcome is False
    membership.claimed_at -= timedelta(days=3)
    membership.save()
    welcome_run()
    assert len(mail.outbox) == 1
    assert statuses(membership)["day3"] == DeliveryStatus.SKIPPED


def test_opt_out_in_the_settings_skips_every_step():
    membership = claimed(0)
    NotificationSettingsFactory(membership=membership, welcome=False)
    welcome_run()
    assert mail.outbox == []
    assert statuses(membership) == {"day0": DeliveryStatus.SKIPPED}


def test_a_worker_killed_mid_batch_sends_each_step_exactly_once(dying_worker):
    members = [claimed(0) for _ in range(5)]
    dying_worker(2)
    welcome_run()
    assert len(mail.outbox) == 2
    pending = WelcomeMail.objects.filter(status=DeliveryStatus.PENDING).count()
    assert pending == 3
    dying_worker(None)
    welcome_run()
    sent_to = Counter(message.to[0] for message in mail.outbox)
    assert sent_to == Counter({membership.user.email: 1 for membership in members})
    assert set(WelcomeMail.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}
