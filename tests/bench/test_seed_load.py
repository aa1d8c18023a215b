"""seed_load (the benchmark data set) on a tiny scale: the rows it makes hang together
as the services would have made them."""

import io
from collections import Counter

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, F
from django.urls import reverse

from book.models import Access, Chapter
from members.models import (
    ClaimCode,
    CodeStatus,
    How,
    Invitation,
    Membership,
    MembershipCounter,
    Profile,
)
from organisations.models import Affiliation, Kind, Organisation
from stories.models import PUBLIC_STATUSES, Reaction, Reply, Status, Story
from tests.factories import BookFactory, ChapterFactory, MembershipFactory

pytestmark = pytest.mark.django_db

MEMBERS, STORIES = 30, 120


def seed(*args):
    out = io.StringIO()
    call_command("seed_load", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def chapters():
    book = BookFactory()
    return [
        ChapterFactory(book=book, access=Access.OPEN),
        ChapterFactory(book=book, access=Access.OPEN),
        ChapterFactory(book=book, access=Access.MEMBERS),
        ChapterFactory(book=book, access=Access.MEMBERS, is_published=False),
    ]


@pytest.fixture
def seeded(chapters):
    return seed("--members", str(MEMBERS), "--stories", str(STORIES), "--seed", "7")


def test_members_are_numbered_one_to_n_and_the_counter_says_n(seeded):
    numbers = list(Membership.objects.order_by("number").values_list("number", flat=True))
    assert numbers == list(range(1, MEMBERS + 1))
    assert MembershipCounter.objects.get(pk=1).last_number == MEMBERS
    assert "nos. 1-30" in seeded


def test_every_member_has_an_account_with_a_verified_primary_address(seeded):
    memberships = Membership.objects.select_related("user")
    assert all(m.user is not None and m.user.has_usable_password() for m in memberships)
    addresses = EmailAddress.objects.filter(verified=True, primary=True)
    assert {a.email for a in addresses} == {m.user.email for m in memberships}


def test_codes_and_invitations_belong_to_the_members_they_made(seeded):
    printed = Membership.objects.filter(how=How.PRINTED)
    assert all(m.code.status == CodeStatus.REDEEMED and m.code.redeemed_at for m in printed)
    assert ClaimCode.objects.filter(status=CodeStatus.REDEEMED).count() == printed.count()
    invited = Membership.objects.filter(how=How.INVITATION).select_related("invitation")
    assert invited.exists()
    for membership in invited:
        assert membership.invitation.accepted_at == membership.claimed_at
        assert membership.invited_by_id == membership.invitation.created_by_id
        assert membership.invited_by.number < membership.number
    accepted = Invitation.objects.filter(accepted_at__isnull=False).count()
    assert accepted == invited.count()


def test_every_story_has_a_published_chapter_an_author_and_rendered_html(seeded, chapters):
    stories = Story.objects.all()
    assert stories.count() == STORIES
    member_ids = set(Membership.objects.values_list("pk", flat=True))
    published_chapters = {chapter.pk for chapter in chapters if chapter.is_published}
    for story in stories:
        assert story.chapter_id in published_chapters
        assert story.author_id in member_ids
        assert story.body_html.startswith("<") and story.body_html.strip()
        assert (story.published_at is None) == (story.status in (Status.DRAFT, Status.PENDING))
    assert Reply.objects.exclude(body_html__startswith="<").count() == 0
    # Most stories are out in the open; the first open chapter holds a quarter of them
    # (a thousand at full size: the chapter page benchmark), the others the rest.
    assert stories.filter(status__in=PUBLIC_STATUSES).count() > STORIES * 0.8
    per_chapter = Counter(stories.values_list("chapter_id", flat=True))
    assert per_chapter[chapters[0].pk] == STORIES // 4
    assert per_chapter[chapters[1].pk] and per_chapter[chapters[2].pk]


def test_reactions_are_given_once_per_member_story_and_kind_and_not_to_oneself(seeded):
    assert Reaction.objects.exists()
    repeated = (
        Reaction.objects.values("member", "story", "kind").annotate(n=Count("pk")).filter(n__gt=1)
    )
    assert not repeated.exists()
    assert not Reaction.objects.filter(member=F("story__author")).exists()
    assert not Reaction.objects.exclude(story__status__in=PUBLIC_STATUSES).exists()


def test_the_same_seed_gives_the_same_stories(chapters):
    def snapshot(seed_value):
        class Rollback(Exception):
            pass

        try:
            with transaction.atomic():
                seed("--members", "12", "--stories", "40", "--seed", seed_value)
                rows = list(
                    Story.objects.order_by("pk").values_list(
                        "title", "status", "chapter_id", "author__number", "body"
                    )
                )
                raise Rollback
        except Rollback:
            return rows

    first = snapshot("3")
    assert snapshot("3") == first
    assert snapshot("4") != first


def test_a_database_with_members_is_refused_without_force(chapters):
    MembershipFactory.create_batch(21)
    with pytest.raises(CommandError, match="already holds 21 memberships"):
        seed("--members", "5", "--stories", "5")
    assert Membership.objects.count() == 21 and not Story.objects.exists()

    # The factory numbers memberships from a sequence that runs across tests: the
    # seeded ones follow the highest number there is, whatever it is.
    top = max(Membership.objects.values_list("number", flat=True))
    seed("--members", "5", "--stories", "5", "--force")
    numbers = sorted(Membership.objects.values_list("number", flat=True))
    assert numbers[-5:] == [top + 1, top + 2, top + 3, top + 4, top + 5]
    assert MembershipCounter.objects.get(pk=1).last_number == top + 5


def test_an_empty_site_gets_the_demo_book_first():
    assert not Chapter.objects.exists()
    seed("--members", "3", "--stories", "6")
    assert Chapter.objects.published().exists()
    seeded = Story.objects.filter(author__user__email__endswith="@seed.example.org")
    assert seeded.count() == 6


def test_members_live_in_municipalities_their_stories_name(seeded, municipalities, client):
    """The benchmark's organisation rows: /organisaties/ and the busiest organisation's
    page exist after seed_load."""
    affiliations = Affiliation.objects.select_related("organisation")
    assert affiliations.count() == Profile.objects.count() > 0
    assert {a.organisation.kind for a in affiliations} == {Kind.MUNICIPALITY}
    place = {a.membership_id: a.organisation_id for a in affiliations}
    for author, organisation in Story.objects.values_list("author_id", "organisation_id"):
        assert organisation == place.get(author)
    busiest = Organisation.objects.with_members().order_by("-member_count", "pk").first()
    assert client.get(busiest.get_absolute_url()).status_code == 200
    assert client.get(reverse("organisations:list")).status_code == 200


def test_the_chapter_the_bench_reads_carries_500_suggestions(seeded, client):
    from suggestions.models import Suggestion

    chapter = Chapter.objects.get(pk=Suggestion.objects.values("chapter").first()["chapter"])
    suggestions = Suggestion.objects.filter(chapter=chapter)
    assert suggestions.count() == 500 == suggestions.published().count()
    assert set(suggestions.values_list("section", flat=True)) <= {s["id"] for s in chapter.sections}
    assert not suggestions.filter(explanation_html="").exists()
    # Its page shows them per section, as members' suggestions are shown.
    assert client.get(chapter.get_absolute_url()).status_code == 200
