"""Meeting each other, in the browser on a phone and on a desktop, every page checked by
axe: a member proposes a meeting, a curator publishes it, a second member registers and
puts a point on the open agenda, and after the meeting writes a note in the nazit and
turns it into a learning story."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from meetings.models import AgendaItem, Meeting, MeetingStatus, Registration
from stories.models import Status, Story

from .accounts import verified_account
from .test_organisations import page_for


def test_propose_publish_register_agenda_nazit_and_story(
    browser, live_server, demo_book, curator_account, viewport, axe_check
):
    proposer = verified_account(f"voorsteller.{viewport}@example.org")
    guest = verified_account(f"gast.{viewport}@example.org")
    day = timezone.localtime() + timedelta(days=14)

    # A member proposes a meeting.
    page = page_for(browser, live_server, viewport, proposer)
    page.goto("/bijeenkomsten/")
    axe_check(page)
    page.get_by_role("link", name="Stel een bijeenkomst voor").click()
    axe_check(page)
    page.get_by_label("Titel").fill("Koffie met een open agenda")
    page.get_by_label("Begint om").fill(day.strftime("%Y-%m-%dT19:00"))
    page.get_by_label("Eindigt om").fill(day.strftime("%Y-%m-%dT21:00"))
    page.get_by_label("Plaats (adres)").fill("Bibliotheek Deventer")
    page.get_by_role("button", name="Voorstel insturen").click()
    expect(page.get_by_text("Een curator kijkt naar je voorstel")).to_be_visible()
    meeting = Meeting.objects.get(title="Koffie met een open agenda")
    assert meeting.status == MeetingStatus.PROPOSED
    axe_check(page)

    # A curator publishes it from the queue.
    curation = page_for(browser, live_server, viewport, curator_account)
    curation.goto("/redactie/bijeenkomsten/")
    axe_check(curation)
    curation.get_by_role("button", name="Publiceren").click()
    expect(curation.get_by_text("De bijeenkomst staat op de site.")).to_be_visible()
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PUBLISHED

    # A second member registers and puts a point on the open agenda.
    visitor = page_for(browser, live_server, viewport, guest)
    visitor.goto(meeting.get_absolute_url())
    axe_check(visitor)
    visitor.get_by_label("Wat ik meebreng").fill("Een vraag over het bankje.")
    visitor.get_by_role("button", name="Ik kom").click()
    expect(visitor.get_by_text("Je bent aangemeld. Tot dan!")).to_be_visible()
    visitor.get_by_label("Onderwerp").fill("Wie zorgt voor het bankje?")
    visitor.get_by_role("button", name="Op de agenda").click()
    expect(visitor.get_by_text("Je punt staat op de agenda.")).to_be_visible()
    axe_check(visitor)
    assert Registration.objects.get(meeting=meeting, user=guest).status == "going"
    assert AgendaItem.objects.get(meeting=meeting).title == "Wie zorgt voor het bankje?"

    # The meeting has been: the nazit is open.
    ended = timezone.now() - timedelta(hours=1)
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=ended - timedelta(hours=2), ends_at=ended
    )
    visitor.goto(meeting.get_absolute_url())
    visitor.get_by_label("Wat neem je mee?").fill("Ik neem mee: eerst luisteren, dan bouwen.")
    visitor.get_by_role("button", name="Ik was er: bewaar mijn notitie").click()
    expect(visitor.get_by_text("Ik neem mee: eerst luisteren, dan bouwen.")).to_be_visible()
    axe_check(visitor)
    visitor.get_by_label("Titel van je verhaal").fill("Luisteren voor het bouwen")
    visitor.get_by_role("button", name="Maak er een leerverhaal van").click()
    expect(visitor.get_by_text("Je notitie is een concept-leerverhaal.")).to_be_visible()
    story = Story.objects.get(title="Luisteren voor het bouwen")
    assert story.status == Status.DRAFT
    assert story.author == guest.membership
    assert story.meeting_notes.get().meeting == meeting
    axe_check(visitor)
