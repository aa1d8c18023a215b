""" "Wat is er veranderd": the members' suggestions a chapter's changes took up, each
credited by the name and number the member shows and the organisation they show they
belong to; leaving reaches these credits too."""

import pytest
from django.urls import reverse

from book.revisions import chapter_save_text
from community.privacy import STORIES_DELETE, STORIES_KEEP, account_delete
from editions.services import edition_create, edition_publish
from suggestions.models import SuggestionStatus
from tests.factories import (
    AffiliationFactory,
    MembershipFactory,
    OrganisationFactory,
    ProfileFactory,
    SuggestionFactory,
)
from tests.markup import texts

pytestmark = pytest.mark.django_db

BODY = "## Begin\n\nEerste alinea van het hoofdstuk.\n\n## Verder\n\nTweede alinea."


def _publish(label, curator):
    return edition_publish(edition=edition_create(label=label, curator=curator), curator=curator)


@pytest.fixture
def anouk():
    membership = MembershipFactory()
    ProfileFactory(membership=membership, display_name="Anouk")
    AffiliationFactory(
        membership=membership, organisation=OrganisationFactory(name="Gemeente Wilgendaal")
    )
    return membership


@pytest.fixture
def taken_up(chapters, curator, anouk):
    """A first edition; a suggestion taken up before it, then a chapter edit that takes
    up two more (one partly, one of them by a member who shows no organisation), and a
    second edition."""
    chapter = chapters[0]
    first = _publish("Tussenstand 2026", curator)
    # Taken up in the version the first edition already held: not news in the second.
    SuggestionFactory(
        chapter=chapter,
        author=anouk,
        status=SuggestionStatus.ADOPTED,
        answer="Al gedaan.",
        taken_up_in=chapter.revisions.get(number=1),
        section_title="Eerder",
    )
    revision = chapter_save_text(
        chapter=chapter,
        user=curator,
        title=chapter.title,
        body=BODY.replace("Tweede alinea.", "Tweede alinea, met een voorbeeld uit de wijk."),
        message="Voorbeeld erbij.",
        base_revision=1,
    )
    SuggestionFactory(
        chapter=chapter,
        author=anouk,
        status=SuggestionStatus.ADOPTED,
        answer="Staat er nu in.",
        taken_up_in=revision,
        section="verder",
        section_title="Verder",
    )
    other = MembershipFactory()
    SuggestionFactory(
        chapter=chapter,
        author=other,
        kind="voorbeeld",
        status=SuggestionStatus.PARTLY,
        answer="Voor een deel.",
        taken_up_in=revision,
        section_title="Verder",
    )
    SuggestionFactory(chapter=chapter, author=other, status=SuggestionStatus.DECLINED)
    second = _publish("Tussenstand 2027", curator)
    return first, second, other


def _credits(client, edition):
    return texts(client.get(edition.get_absolute_url()), ".edition-changes__taken-up li")


def test_the_changes_credit_the_suggestions_they_took_up(client, taken_up, anouk):
    _first, second, other = taken_up
    expected = [
        f"Aanvulling (Verder), overgenomen: Anouk, lid nr. {anouk.number}, Gemeente Wilgendaal",
        f"Nieuw voorbeeld (Verder), deels overgenomen: lid nr. {other.number}",
    ]
    # Not the one taken up before the first edition, not the one declined.
    assert _credits(client, second) == expected
    # The print edition says the same.
    print_page = client.get(reverse("editions:edition_print", kwargs={"slug": second.slug}))
    assert print_page.status_code == 200
    assert texts(print_page, ".edition-changes__taken-up li") == expected


def test_leaving_keeps_the_credit_as_a_former_member_or_removes_it(
    client, taken_up, anouk, chapters
):
    _first, second, other = taken_up
    account_delete(user=anouk.user, stories=STORIES_KEEP)
    credits = _credits(client, second)
    assert credits[0] == "Aanvulling (Verder), overgenomen: een oud-lid"
    assert "Anouk" not in " ".join(credits) and "Wilgendaal" not in " ".join(credits)

    account_delete(user=other.user, stories=STORIES_DELETE)
    assert _credits(client, second) == ["Aanvulling (Verder), overgenomen: een oud-lid"]
