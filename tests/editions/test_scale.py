"""Editions do not grow with the number of stories: choosing, publishing, the curators'
page and the downloads cost the same queries with 10 stories as with 1,000."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from editions.models import EditionStory
from editions.services import edition_create
from stories.models import Status
from tests.factories import MembershipFactory, ProfileFactory, bulk_stories


@pytest.fixture
def authors(db):
    """Two authors, one with a chosen name: credits read the profile."""
    return [ProfileFactory(display_name="Anna").membership, MembershipFactory()]


@pytest.fixture
def draft(curator):
    return edition_create(label="Tussenstand 2027", curator=curator)


@pytest.mark.django_db
@pytest.mark.parametrize("count", [10, 1000])
def test_choosing_and_publishing_cost_the_same_queries_whatever_the_number_of_stories(
    count, chapters, authors, curator, draft, client
):
    featured = bulk_stories(count, chapter=chapters[0], status=Status.FEATURED, authors=authors)
    client.force_login(curator)
    with CaptureQueriesContext(connection) as choosing:
        response = client.post(
            reverse("editions:edition_curate", args=[draft.slug]),
            {"stories": list(featured.values_list("pk", flat=True))},
        )
    assert response.status_code == 302
    assert draft.selected_stories.count() == count
    with CaptureQueriesContext(connection) as publishing:
        response = client.post(reverse("editions:edition_publish", args=[draft.slug]))
    assert response["Location"] == draft.get_absolute_url()
    assert EditionStory.objects.filter(chapter__edition=draft).count() == count
    assert set(EditionStory.objects.values_list("author_name", flat=True)) == {
        "Anna",
        f"Lid nr. {authors[1].number}",
    }
    assert (len(choosing), len(publishing)) == (14, 17)
