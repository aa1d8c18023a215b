import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from pytest_django.asserts import assertInHTML

from members.models import Membership
from organisations.models import Organisation
from stories import exceptions, moderation, reactions, reports, writing
from stories.models import ModerationAction, Reaction, Reply, Report, Status, Story
from tests.factories import (
    AffiliationFactory,
    MembershipFactory,
    ProfileFactory,
    ReactionFactory,
    ReplyFactory,
    StoryFactory,
    ThemeFactory,
    UserFactory,
)
from tests.markup import select

pytestmark = pytest.mark.django_db


def _submit(membership, chapter, **kwargs):
    defaults = {"title": "Een bankje", "body": "We zetten een *bankje* neer."}
    return writing.story_submit(author=membership, chapter=chapter, **{**defaults, **kwargs})


# ---- Submitting and moderation modes -------------------------------------------------


def test_submit_renders_markdown_through_the_sanitiser(membership, open_chapter):
    story = _submit(membership, open_chapter, body="Hallo <script>alert(1)</script> *wereld*")
    assertInHTML("<em>wereld</em>", story.body_html)
    assert not select(story.body_html, "script")


def test_first_story_waits_for_a_curator_in_auto_mode(membership, open_chapter):
    story = _submit(membership, open_chapter)
    assert story.status == Status.PENDING
    assert story.published_at is None


def test_after_an_approved_story_new_ones_publish_at_once(membership, open_chapter, curator):
    first = _submit(membership, open_chapter)
    moderation.story_moderate(story=first, curator=curator, action="approve")
    second = _submit(membership, open_chapter, title="Tweede")
    assert second.status == Status.PUBLISHED
    assert second.published_at is not None


def test_a_hidden_story_does_not_vouch_for_its_author(membership, open_chapter, curator):
    first = _submit(membership, open_chapter)
    moderation.story_moderate(story=first, curator=curator, action="approve")
    moderation.story_moderate(story=first, curator=curator, action="hide", reason="Reclame")
    assert _submit(membership, open_chapter, title="Weer").status == Status.PENDING


def test_pre_moderation_holds_every_story(settings, membership, open_chapter, curator):
    settings.STORIES_MODERATION = "pre"
    StoryFactory(author=membership, chapter=open_chapter)  # already trusted
    assert _submit(membership, open_chapter).status == Status.PENDING


def test_post_moderation_publishes_at_once(settings, membership, open_chapter):
    settings.STORIES_MODERATION = "post"
    assert _submit(membership, open_chapter).status == Status.PUBLISHED


def test_curators_publish_at_once(curator, open_chapter):
    story = _submit(Membership.objects.get(user=curator), open_chapter)
    assert story.status == Status.PUBLISHED


def test_unknown_moderation_mode_is_refused(settings, membership, open_chapter):
    settings.STORIES_MODERATION = "sometimes"
    with pytest.raises(ValueError):
        _submit(membership, open_chapter)


def test_draft_stays_a_draft_until_submitted(membership, open_chapter):
    story = _submit(membership, open_chapter, draft=True)
    assert story.status == Status.DRAFT
    story = writing.story_update(
        story=story, editor=membership.user, title="Nog steeds", body="concept"
    )
    assert story.status == Status.DRAFT
    story = writing.story_update(
        story=story, editor=membership.user, title="Klaar", body="af", submit=True
    )
    assert story.status == Status.PENDING


def test_themes_and_municipality_are_kept(membership, open_chapter):
    theme = ThemeFactory(name="Openbare ruimte", slug="openbare-ruimte")
    story = _submit(membership, open_chapter, themes=[theme], municipality="  Zwolle ")
    assert list(story.themes.all()) == [theme]
    assert story.municipality == "Zwolle"


def test_municipality_defaults_to_the_one_the_member_chose(
    membership, open_chapter, municipalities
):
    # The profile's old free text is read no more; the first municipality chosen is.
    ProfileFactory(membership=membership, municipality="Kampen")
    AffiliationFactory(membership=membership)  # no municipality
    for code in ("GM0150", "GM0193"):
        AffiliationFactory(
            membership=membership, organisation=Organisation.objects.get(cbs_code=code)
        )
    assert _submit(membership, open_chapter).municipality == "Deventer"
    assert _submit(membership, open_chapter, municipality="Kampen").municipality == "Kampen"


def test_municipality_stays_empty_without_a_profile(membership, open_chapter):
    assert _submit(membership, open_chapter).municipality == ""


# ---- Double submission and spam limits -----------------------------------------------


def test_same_submission_key_gives_the_same_story(membership, open_chapter):
    key = uuid.uuid4()
    first = _submit(membership, open_chapter, submission_key=key)
    second = _submit(membership, open_chapter, submission_key=key, title="Dubbelklik")
    assert first.pk == second.pk
    assert Story.objects.count() == 1


def test_same_key_from_two_members_makes_two_stories(membership, open_chapter):
    key = uuid.uuid4()
    _submit(membership, open_chapter, submission_key=key)
    _submit(MembershipFactory(), open_chapter, submission_key=key)
    assert Story.objects.count() == 2


def test_new_member_may_post_three_stories_an_hour(membership, open_chapter):
    for n in range(writing.NEW_MEMBER_STORIES_PER_HOUR):
        _submit(membership, open_chapter, title=f"Verhaal {n}")
    with pytest.raises(exceptions.RateLimited) as refusal:
        _submit(membership, open_chapter, title="Eén te veel")
    assert "3 verhalen" in str(refusal.value)
    assert Story.objects.count() == writing.NEW_MEMBER_STORIES_PER_HOUR


def test_story_limit_counts_only_the_last_hour(membership, open_chapter):
    for _n in range(writing.NEW_MEMBER_STORIES_PER_HOUR):
        StoryFactory(
            author=membership,
            chapter=open_chapter,
            status=Status.PENDING,
            created_at=timezone.now() - timedelta(hours=2),
        )
    assert _submit(membership, open_chapter).pk


def test_trusted_member_is_not_held_to_the_new_member_limit(membership, open_chapter):
    StoryFactory(author=membership, chapter=open_chapter)
    for n in range(writing.NEW_MEMBER_STORIES_PER_HOUR + 2):
        _submit(membership, open_chapter, title=f"Verhaal {n}")


def test_double_submit_is_not_refused_by_the_limit(membership, open_chapter):
    key = uuid.uuid4()
    first = _submit(membership, open_chapter, submission_key=key)
    for n in range(writing.NEW_MEMBER_STORIES_PER_HOUR - 1):
        _submit(membership, open_chapter, title=f"Verhaal {n}")
    assert _submit(membership, open_chapter, submission_key=key).pk == first.pk


def test_new_member_may_post_ten_replies_an_hour(membership, open_chapter):
    story = StoryFactory(chapter=open_chapter)
    for n in range(writing.NEW_MEMBER_REPLIES_PER_HOUR):
        reactions.reply_create(story=story, author=membership, body=f"Reactie {n}")
    with pytest.raises(exceptions.RateLimited) as refusal:
        reactions.reply_create(story=story, author=membership, body="Te veel")
    assert "10 reacties" in str(refusal.value)


# ---- Editing and deleting --------------------------------------------------------------


def test_editing_a_published_story_marks_it_edited(membership, open_chapter):
    story = StoryFactory(author=membership, chapter=open_chapter)
    StoryFactory(author=membership, chapter=open_chapter)  # trusted: another approved story
    story = writing.story_update(
        story=story, editor=membership.user, title="Nieuwe titel", body="**Nieuw**"
    )
    assert story.edited and story.status == Status.PUBLISHED
    assertInHTML("<strong>Nieuw</strong>", story.body_html)


def test_in_pre_mode_an_edit_goes_back_to_the_curators(settings, membership, open_chapter):
    settings.STORIES_MODERATION = "pre"
    story = StoryFactory(author=membership, chapter=open_chapter)
    StoryFactory(author=membership, chapter=open_chapter)
    story = writing.story_update(story=story, editor=membership.user, title="t", body="b")
    # The published version stays until a curator approves the edit (tests/stories/test_revisions.py).
    assert story.status == Status.PUBLISHED and story.revisions.pending().get().body == "b"


def test_only_the_author_edits_or_deletes(membership, open_chapter):
    story = StoryFactory(author=membership, chapter=open_chapter)
    other = UserFactory()
    MembershipFactory(user=other)
    with pytest.raises(exceptions.NotAllowed):
        writing.story_update(story=story, editor=other, title="x", body="y")
    with pytest.raises(exceptions.NotAllowed):
        writing.story_delete(story=story, user=other)
    assert Story.objects.filter(pk=story.pk, title=story.title).exists()


def test_hidden_story_cannot_be_edited_but_can_be_deleted(membership, open_chapter):
    story = StoryFactory(author=membership, chapter=open_chapter, status=Status.HIDDEN)
    with pytest.raises(exceptions.NotAllowed):
        writing.story_update(story=story, editor=membership.user, title="x", body="y")
    writing.story_delete(story=story, user=membership.user)
    assert not Story.objects.filter(pk=story.pk).exists()


def test_deleting_a_story_removes_reactions_and_replies(membership, open_chapter):
    story = StoryFactory(author=membership, chapter=open_chapter)
    ReplyFactory(story=story)
    ReactionFactory(story=story, member=MembershipFactory(), kind="dank")
    writing.story_delete(story=story, user=membership.user)
    assert not Reply.objects.exists() and not Reaction.objects.exists()


def test_account_deletion_keeps_the_story_anonymised(membership, open_chapter):
    story = StoryFactory(author=membership, chapter=open_chapter)
    membership.delete()
    story.refresh_from_db()
    assert story.author is None


# ---- Moderation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "action", "result"),
    [
        (Status.PENDING, "approve", Status.PUBLISHED),
        (Status.PENDING, "feature", Status.FEATURED),
        (Status.PUBLISHED, "feature", Status.FEATURED),
        (Status.FEATURED, "unfeature", Status.PUBLISHED),
        (Status.HIDDEN, "restore", Status.PUBLISHED),
    ],
)
def test_moderation_actions(curator, open_chapter, start, action, result):
    story = StoryFactory(chapter=open_chapter, status=start, published_at=None)
    story = moderation.story_moderate(story=story, curator=curator, action=action)
    assert story.status == result
    assert story.published_at is not None
    assert ModerationAction.objects.filter(story=story, action=action, curator=curator).exists()


def test_hiding_needs_a_reason(curator, open_chapter):
    story = StoryFactory(chapter=open_chapter)
    with pytest.raises(exceptions.ModerationError):
        moderation.story_moderate(story=story, curator=curator, action="hide", reason="  ")
    story = moderation.story_moderate(
        story=story, curator=curator, action="hide", reason="Persoonsgegevens"
    )
    assert story.status == Status.HIDDEN and story.hidden_reason == "Persoonsgegevens"


@pytest.mark.parametrize(
    ("start", "action"),
    [(Status.DRAFT, "approve"), (Status.PUBLISHED, "approve"), (Status.PUBLISHED, "restore")],
)
def test_moderation_refuses_actions_that_do_not_fit(curator, open_chapter, start, action):
    story = StoryFactory(chapter=open_chapter, status=start)
    with pytest.raises(exceptions.ModerationError):
        moderation.story_moderate(story=story, curator=curator, action=action)


def test_only_staff_moderate(member, open_chapter):
    story = StoryFactory(chapter=open_chapter, status=Status.PENDING)
    with pytest.raises(exceptions.NotAllowed):
        moderation.story_moderate(story=story, curator=member, action="approve")


# ---- Reactions -------------------------------------------------------------------------


def test_reaction_toggles(membership, open_chapter):
    story = StoryFactory(chapter=open_chapter)
    assert reactions.reaction_toggle(story=story, membership=membership, kind="herkenbaar") is True
    assert reactions.reaction_counts(story=story) == {"herkenbaar": 1, "dank": 0}
    assert reactions.reaction_toggle(story=story, membership=membership, kind="herkenbaar") is False
    assert reactions.reaction_counts(story=story) == {"herkenbaar": 0, "dank": 0}


def test_both_reactions_count_separately(membership, open_chapter):
    story = StoryFactory(chapter=open_chapter)
    reactions.reaction_toggle(story=story, membership=membership, kind="herkenbaar")
    reactions.reaction_toggle(story=story, membership=membership, kind="dank")
    reactions.reaction_toggle(story=story, membership=MembershipFactory(), kind="dank")
    assert reactions.reaction_counts(story=story) == {"herkenbaar": 1, "dank": 2}


def test_no_reactions_on_stories_that_are_not_public(membership, open_chapter):
    story = StoryFactory(chapter=open_chapter, status=Status.PENDING)
    with pytest.raises(exceptions.NotAllowed):
        reactions.reaction_toggle(story=story, membership=membership, kind="dank")


# ---- Replies ---------------------------------------------------------------------------


def test_reply_is_rendered_and_editable_by_its_author(membership, open_chapter):
    story = StoryFactory(chapter=open_chapter)
    reply = reactions.reply_create(story=story, author=membership, body="<b>x</b> _ja_")
    assertInHTML("<em>ja</em>", reply.body_html)
    assert not select(reply.body_html, "b")
    reply = reactions.reply_update(reply=reply, editor=membership.user, body="Anders")
    assert reply.edited and "Anders" in reply.body_html
    with pytest.raises(exceptions.NotAllowed):
        reactions.reply_update(reply=reply, editor=UserFactory(), body="Niet van mij")


def test_deleted_reply_disappears(membership, open_chapter):
    reply = ReplyFactory(author=membership, story=StoryFactory(chapter=open_chapter))
    with pytest.raises(exceptions.NotAllowed):
        reactions.reply_delete(reply=reply, user=UserFactory())
    reactions.reply_delete(reply=reply, user=membership.user)
    assert not Reply.objects.exists()


def test_no_replies_to_stories_that_are_not_public(membership, open_chapter):
    story = StoryFactory(chapter=open_chapter, status=Status.HIDDEN)
    with pytest.raises(exceptions.NotAllowed):
        reactions.reply_create(story=story, author=membership, body="Hallo")


# ---- Reports ---------------------------------------------------------------------------


def test_three_reports_from_different_members_hide_a_story(open_chapter):
    story = StoryFactory(chapter=open_chapter)
    for _n in range(reports.REPORTS_TO_HIDE - 1):
        reports.report_create(
            reporter=MembershipFactory(established=True), story=story, reason="Reclame"
        )
    story.refresh_from_db()
    assert story.status == Status.PUBLISHED
    reports.report_create(
        reporter=MembershipFactory(established=True), story=story, reason="Reclame"
    )
    story.refresh_from_db()
    assert story.status == Status.HIDDEN
    assert story.hidden_reason == "automatisch verborgen na meldingen"
    assert ModerationAction.objects.filter(story=story, curator=None, action="auto_hide").exists()


def test_three_reports_hide_a_reply(open_chapter):
    reply = ReplyFactory(story=StoryFactory(chapter=open_chapter))
    for _n in range(reports.REPORTS_TO_HIDE):
        reports.report_create(
            reporter=MembershipFactory(established=True), reply=reply, reason="Scheldwoord"
        )
    reply.refresh_from_db()
    assert reply.is_hidden and reply.hidden_reason == reports.AUTO_HIDDEN_REASON


def test_a_member_reports_an_item_once(membership, open_chapter):
    story = StoryFactory(chapter=open_chapter)
    reports.report_create(reporter=membership, story=story, reason="Klopt niet")
    with pytest.raises(exceptions.AlreadyReported):
        reports.report_create(reporter=membership, story=story, reason="Nog eens")
    assert Report.objects.count() == 1


def test_members_cannot_report_their_own_story(membership, open_chapter):
    story = StoryFactory(chapter=open_chapter, author=membership)
    with pytest.raises(exceptions.NotAllowed):
        reports.report_create(reporter=membership, story=story, reason="Oeps")


def test_restoring_resolves_the_reports(curator, open_chapter):
    story = StoryFactory(chapter=open_chapter)
    for _n in range(reports.REPORTS_TO_HIDE):
        reports.report_create(
            reporter=MembershipFactory(established=True), story=story, reason="Reclame"
        )
    moderation.story_moderate(story=story, curator=curator, action="restore")
    assert not Report.objects.open().exists()
    assert Report.objects.filter(resolved_by=curator).count() == reports.REPORTS_TO_HIDE


# ---- Demo ------------------------------------------------------------------------------


def test_demo_stories_load_once(book):
    from django.core.management import call_command

    from tests.factories import ChapterFactory

    for number, slug in enumerate(["leefwereld-en-systeemwereld", "samen-maken"], start=1):
        ChapterFactory(book=book, number=number, slug=slug)
    call_command("load_demo_stories", verbosity=0)
    assert Story.objects.published().count() == 10
    assert Story.objects.filter(status=Status.FEATURED).count() == 3
    assert Story.objects.filter(chapter__slug="samen-maken").count() >= 2
    assert Reply.objects.exists() and Reaction.objects.exists()
    replies, reactions = Reply.objects.count(), Reaction.objects.count()
    call_command("load_demo_stories", verbosity=0)
    assert Story.objects.count() == 10
    assert (Reply.objects.count(), Reaction.objects.count()) == (replies, reactions)


def test_demo_stories_need_a_book(db):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError):
        call_command("load_demo_stories", verbosity=0)
