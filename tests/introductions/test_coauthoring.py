""" "Schrijf er samen een leerverhaal over": after an introduction both said yes to, one
starts a draft and invites the other as co-author; the story shows both names (each as
they chose to be shown), both edit it, it is moderated as any story; leaving keeps it
with the one who stays."""

import pytest
from django.core import mail
from django.urls import reverse

from community.privacy import account_delete, account_export
from introductions.models import Block, CoauthorInvitation
from stories.models import Status, Story
from tests.clients import signed_in
from tests.factories import (
    CoauthorInvitationFactory,
    MembershipFactory,
    StoryFactory,
)
from tests.markup import one, select, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(accepted, open_chapter):
    return StoryFactory(
        chapter=open_chapter,
        author=accepted.first,
        title="Wat de buurt ons leerde",
        status=Status.DRAFT,
        published_at=None,
    )


def _detail(introduction):
    return reverse("introductions:detail", args=[introduction.pk])


def _invite(introduction, by, story):
    return signed_in(by.user).post(
        reverse("introductions:coauthor", args=[introduction.pk]), {"story": story.pk}
    )


def test_one_invites_the_other_who_accepts_and_edits_the_draft(accepted, draft, commit):
    with commit():
        response = _invite(accepted, accepted.first, draft)
    assert response["Location"] == _detail(accepted) + "#samen-schrijven"
    (sent,) = mail.outbox
    assert sent.to == [accepted.second.user.email]
    assert "Wat de buurt ons leerde" in sent.body

    bram = signed_in(accepted.second.user)
    page = bram.get(_detail(accepted))
    form = one(page, "form.coauthor-invitation")
    assert "Anouk vraagt of je samen" in text(form)
    invitation = CoauthorInvitation.objects.get()
    response = bram.post(
        reverse("introductions:coauthor_answer", args=[invitation.pk]), {"answer": "yes"}
    )
    assert response["Location"] == draft.get_absolute_url()
    assert list(draft.coauthors.all()) == [accepted.second]

    # The co-author reads the draft and edits it; the author alone may delete it.
    page = bram.get(draft.get_absolute_url())
    assert page.status_code == 200
    assert text(one(page, ".story__coauthors")) == "Samen geschreven met Bram"
    assert select(page, f"a[href='{reverse('stories:edit', args=[draft.pk])}']")
    assert not select(page, f"a[href='{reverse('stories:delete', args=[draft.pk])}']")
    response = bram.post(
        reverse("stories:edit", args=[draft.pk]),
        {
            "title": "Wat de buurt ons leerde",
            "body": "Samen herschreven.",
            "municipality": "",
            "photo_alt": "",
            "action": "save",
            "submission_key": str(draft.submission_key),
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.body == "Samen herschreven." and draft.author == accepted.first
    assert bram.post(reverse("stories:delete", args=[draft.pk])).status_code == 403


def test_the_story_shows_both_names_each_as_they_chose(accepted, open_chapter):
    story = StoryFactory(chapter=open_chapter, author=accepted.first, title="Samen")
    story.coauthors.add(accepted.second)
    # Bram chose no name: he is credited by his number, as on his own stories.
    accepted.second.profile.display_name = ""
    accepted.second.profile.save()
    page = signed_in().get(story.get_absolute_url())
    assert text(one(page, ".story__author")) == "Anouk"
    assert text(one(page, ".story__coauthors")) == (f"Samen geschreven met {accepted.second}")


def test_a_declined_invitation_adds_nobody(accepted, draft):
    invitation = CoauthorInvitationFactory(introduction=accepted, story=draft)
    signed_in(accepted.second.user).post(
        reverse("introductions:coauthor_answer", args=[invitation.pk]), {"answer": "no"}
    )
    invitation.refresh_from_db()
    assert invitation.answer == "no" and not draft.coauthors.exists()
    # A second answer changes nothing.
    signed_in(accepted.second.user).post(
        reverse("introductions:coauthor_answer", args=[invitation.pk]), {"answer": "yes"}
    )
    assert not draft.coauthors.exists()


def test_only_within_an_accepted_pair_and_for_ones_own_story(accepted, draft, open_chapter):
    # Before both said yes.
    accepted.second_answer = "pending"
    accepted.save()
    page = _invite(accepted, accepted.first, draft)
    assert not CoauthorInvitation.objects.exists()
    accepted.second_answer = "yes"
    accepted.save()
    # Someone else's story.
    elses = StoryFactory(chapter=open_chapter)
    page = signed_in(accepted.first.user).post(
        reverse("introductions:coauthor", args=[accepted.pk]), {"story": elses.pk}, follow=True
    )
    assert "Kies een verhaal van jezelf." in page.content.decode()
    # A stranger to the pair.
    assert _invite(accepted, MembershipFactory(), draft).status_code == 404
    # A number past any id.
    signed_in(accepted.first.user).post(
        reverse("introductions:coauthor", args=[accepted.pk]), {"story": "9" * 5000}
    )
    assert not CoauthorInvitation.objects.exists()


def test_a_block_stops_writing_together(accepted, draft):
    invitation = CoauthorInvitationFactory(introduction=accepted, story=draft)
    Block.objects.create(blocker=accepted.first, blocked=accepted.second)
    page = signed_in(accepted.second.user).post(
        reverse("introductions:coauthor_answer", args=[invitation.pk]),
        {"answer": "yes"},
        follow=True,
    )
    assert "allebei ja zeiden" in page.content.decode()
    assert not draft.coauthors.exists()


def test_nobody_else_answers_an_invitation(accepted, draft):
    invitation = CoauthorInvitationFactory(introduction=accepted, story=draft)
    for user in (accepted.first.user, MembershipFactory().user):
        response = signed_in(user).post(
            reverse("introductions:coauthor_answer", args=[invitation.pk]), {"answer": "yes"}
        )
        assert response.status_code == 404
    assert not draft.coauthors.exists()


def test_a_co_written_story_is_moderated_as_any_story(accepted, open_chapter, settings):
    settings.STORIES_MODERATION = "pre"
    story = StoryFactory(
        chapter=open_chapter, author=accepted.first, status=Status.DRAFT, published_at=None
    )
    story.coauthors.add(accepted.second)
    signed_in(accepted.second.user).post(
        reverse("stories:edit", args=[story.pk]),
        {
            "title": story.title,
            "body": story.body,
            "municipality": "",
            "photo_alt": "",
            "action": "submit",
            "submission_key": str(story.submission_key),
        },
    )
    story.refresh_from_db()
    assert story.status == Status.PENDING
    assert story in Story.objects.pending_moderation()


def test_the_download_holds_co_written_stories_and_leaving_keeps_them(accepted, open_chapter):
    story = StoryFactory(chapter=open_chapter, author=accepted.first, title="Samen")
    story.coauthors.add(accepted.second)
    data = account_export(user=accepted.second.user)
    assert [row["title"] for row in data["coauthored_stories"]] == ["Samen"]
    account_delete(user=accepted.first.user)
    story.refresh_from_db()
    assert story.author == accepted.second and not story.coauthors.exists()


def test_a_co_author_who_leaves_is_no_longer_credited(accepted, open_chapter):
    story = StoryFactory(chapter=open_chapter, author=accepted.first, title="Samen")
    story.coauthors.add(accepted.second)
    account_delete(user=accepted.second.user)
    story.refresh_from_db()
    assert story.author == accepted.first and not story.coauthors.exists()


def test_after_a_withdrawal_the_introduction_no_longer_says_they_write_together(
    accepted, draft, commit
):
    """Withdrawing (community.coauthorship) takes the accepted invitation along: the
    introduction's page no longer names the story, and the author may ask again,
    which the other may decline."""
    invitation = CoauthorInvitationFactory(introduction=accepted, story=draft)
    bram = signed_in(accepted.second.user)
    bram.post(reverse("introductions:coauthor_answer", args=[invitation.pk]), {"answer": "yes"})
    writing = "section[aria-labelledby='samen-schrijven'] p a"
    assert draft.title in [text(a) for a in select(bram.get(_detail(accepted)), writing)]
    with commit():
        bram.post(reverse("story_coauthor_withdraw", args=[draft.pk]))
    assert not draft.coauthors.exists() and not CoauthorInvitation.objects.exists()
    for person in (accepted.first, accepted.second):
        page = signed_in(person.user).get(_detail(accepted))
        assert draft.title not in [text(a) for a in select(page, writing)]
    assert _invite(accepted, accepted.first, draft).status_code == 302
    assert CoauthorInvitation.objects.get().answer == "pending"
