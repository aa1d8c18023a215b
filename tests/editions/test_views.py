"""The editions' pages: which edition says it is an earlier one, and the curators'
pages (authors' names, the address of a new edition, publishing after a confirmation)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from editions.models import Edition
from editions.services import edition_create, edition_publish, edition_stories_choose
from stories.models import Status, Story
from stories.writing import story_coauthor_add
from tests.factories import EditionFactory, MembershipFactory, ProfileFactory, StoryFactory
from tests.safe_requests import assert_safe_requests_change_nothing, no_database_writes

EARLIER = "Dit is een eerdere editie van het boek, zoals die verscheen. Zij verandert niet meer."
NEWEST = (
    "Dit is de nieuwste editie van het boek, zoals die verscheen. Zij verandert niet meer; "
    "het boek online groeit verder."
)
READ_NOW = '<a href="/">Lees het boek zoals het nu is</a>'


# ---- Earlier editions ----------------------------------------------------------------


@pytest.mark.django_db
def test_only_an_edition_with_a_successor_calls_itself_earlier(client, published, curator):
    alone = client.get(published.get_absolute_url())
    assertContains(alone, f'<p class="notice">{NEWEST} {READ_NOW}</p>', html=True)
    assertNotContains(alone, "eerdere editie")

    newer = edition_publish(
        edition=edition_create(label="Najaar", curator=curator), curator=curator
    )

    older = client.get(published.get_absolute_url())
    assertContains(
        older,
        f'<p class="notice">{EARLIER} De nieuwste editie is '
        f'<a href="{newer.get_absolute_url()}">Najaar</a>. {READ_NOW}</p>',
        html=True,
    )
    newest = client.get(newer.get_absolute_url())
    assertContains(newest, f'<p class="notice">{NEWEST} {READ_NOW}</p>', html=True)
    assertNotContains(newest, "eerdere editie")


# ---- The curators' page of a draft edition -------------------------------------------


def _featured(chapters, count: int, start: int = 0) -> None:
    for n in range(start, start + count):
        author = ProfileFactory(display_name=f"Schrijver {n}").membership
        StoryFactory(chapter=chapters[n % 2], author=author, status=Status.FEATURED)


@pytest.mark.django_db
def test_curate_page_names_the_authors_in_queries_that_do_not_grow(client, curator, book, chapters):
    edition = EditionFactory(book=book)
    url = reverse("editions:edition_curate", args=[edition.slug])
    client.force_login(curator)
    client.get(url)  # the first request fills the process' caches

    def page():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return response, len(queries)

    _featured(chapters, 3)
    without_name = StoryFactory(
        chapter=chapters[0], author=MembershipFactory(number=77), status=Status.FEATURED
    )
    # A story written together names all its authors, in the order the story does.
    together = Story.objects.get(author__profile__display_name="Schrijver 1")
    story_coauthor_add(story=together, membership=without_name.author)
    few, few_queries = page()
    author = '<span class="curation-stories__author">{}</span>'
    assertContains(few, author.format("Schrijver 2"), html=True)
    assertContains(few, author.format("Lid nr. 77"), html=True)
    assertContains(few, author.format("Schrijver 1 en Lid nr. 77"), html=True)

    _featured(chapters, 27, start=3)
    without_name.delete()
    for story in Story.objects.filter(
        author__profile__display_name__in=["Schrijver 5", "Schrijver 9"]
    ):
        for n in (2, 3):
            story_coauthor_add(
                story=story,
                membership=Story.objects.get(author__profile__display_name=f"Schrijver {n}").author,
            )
    many, many_queries = page()
    assert sum(len(stories) for _chapter, stories in many.context["by_chapter"]) == 30
    assertContains(many, author.format("Schrijver 29"), html=True)
    assertContains(many, author.format("Schrijver 5, Schrijver 2 en Schrijver 3"), html=True)
    assert many_queries == few_queries


# ---- Publishing asks first -----------------------------------------------------------


@pytest.mark.django_db
def test_publishing_asks_first_and_says_what_the_edition_will_carry(client, curator, illustrated):
    edition = edition_create(label="Tussenstand 2028", curator=curator)
    edition_stories_choose(
        edition=edition,
        stories=[illustrated.stories["open"], illustrated.stories["members"]],
        curator=curator,
    )
    url = reverse("editions:edition_publish", args=[edition.slug])
    client.force_login(curator)

    curate = client.get(reverse("editions:edition_curate", args=[edition.slug]))
    assertContains(
        curate, f'<a class="button" href="{url}">Tussenstand 2028 publiceren</a>', html=True
    )

    with no_database_writes():
        page = client.get(url)
    assert (page.context["chapter_count"], page.context["story_count"]) == (4, 2)
    assertContains(
        page,
        '<p class="notice" id="publish-warning">Weet je het zeker? Dit kan niet ongedaan '
        "worden. Na het publiceren kan iedereen de editie lezen en downloaden, en verandert "
        "zij niet meer.</p>",
        html=True,
    )
    assertContains(
        page,
        '<ul class="publish-contents"><li>4 hoofdstukken</li><li>2 verhalen</li></ul>',
        html=True,
    )
    edition.refresh_from_db()
    assert not edition.is_published

    response = client.post(url)
    edition.refresh_from_db()
    assert edition.is_published
    assert response.status_code == 302 and response["Location"] == edition.get_absolute_url()
    # Published: the confirmation page has nothing more to ask.
    again = client.get(url)
    assert again.status_code == 302 and again["Location"] == edition.get_absolute_url()


@pytest.mark.django_db
def test_the_confirmation_offers_no_button_when_there_is_nothing_to_publish(client, curator, book):
    edition = edition_create(label="Leeg", curator=curator)
    client.force_login(curator)
    page = client.get(reverse("editions:edition_publish", args=[edition.slug]))
    assertContains(page, "<p>Het boek heeft nog geen gepubliceerde hoofdstukken.</p>", html=True)
    assertNotContains(page, "Ja, publiceren")


@pytest.mark.django_db
def test_readers_cannot_reach_the_confirmation(client, member, book):
    edition = EditionFactory(book=book)
    client.force_login(member)
    assert client.get(reverse("editions:edition_publish", args=[edition.slug])).status_code == 403
    assert client.post(reverse("editions:edition_publish", args=[edition.slug])).status_code == 403
    edition.refresh_from_db()
    assert not edition.is_published


@pytest.mark.django_db
def test_the_curators_edition_pages_change_nothing_on_get(client, curator, illustrated):
    edition = edition_create(label="Tussenstand 2028", curator=curator)
    client.force_login(curator)
    assert_safe_requests_change_nothing(
        client,
        [
            reverse("editions:edition_list"),
            reverse("editions:edition_curate", args=[edition.slug]),
            reverse("editions:edition_publish", args=[edition.slug]),
        ],
    )


# ---- The address of a new edition ----------------------------------------------------


@pytest.mark.django_db
def test_curator_chooses_the_address_of_a_new_edition(client, curator, book):
    client.force_login(curator)
    response = client.post(
        reverse("editions:edition_list"), {"label": "Tussenstand 2028", "slug": "najaar-2028"}
    )
    edition = Edition.objects.get(label="Tussenstand 2028")
    assert edition.slug == "najaar-2028"
    assert response["Location"] == reverse("editions:edition_curate", args=["najaar-2028"])


@pytest.mark.django_db
def test_without_an_address_the_edition_takes_one_from_its_name(client, curator, book):
    client.force_login(curator)
    client.post(reverse("editions:edition_list"), {"label": "Tussenstand 2028", "slug": ""})
    assert Edition.objects.get().slug == "tussenstand-2028"


FORMAT = (
    "Gebruik voor het webadres alleen kleine letters zonder accenten, cijfers en "
    "streepjes, zoals tussenstand-2027."
)
TAKEN = "Er is al een editie met het webadres tussenstand-2027. Kies een ander webadres."


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("label", "slug", "message"),
    [
        ("Najaar", "Najaar-2028", FORMAT),
        ("Najaar", "najaar 2028", FORMAT),
        ("Najaar", "najaar/2028", FORMAT),
        ("Najaar", "zomer-één", FORMAT),
        ("Najaar", "tussenstand-2027", TAKEN),
        # No address given, and the one made from the name is taken.
        ("Tussenstand 2027!", "", TAKEN),
        ("???", "", "Uit deze naam valt geen webadres te maken: kies er zelf een."),
    ],
)
def test_a_bad_address_is_refused_on_its_field_and_nothing_is_saved(
    client, curator, book, label, slug, message
):
    EditionFactory(book=book, label="Tussenstand 2027", slug="tussenstand-2027")
    client.force_login(curator)
    response = client.post(
        reverse("editions:edition_list"), {"label": label, "slug": slug, "notes": "Bewaard"}
    )
    assert response.status_code == 200
    assertContains(
        response, f'<ul class="errorlist" id="id_slug_error"><li>{message}</li></ul>', html=True
    )
    assert Edition.objects.count() == 1
    # What the curator typed is still in the form.
    form = response.context["form"]
    assert (form["label"].value(), form["notes"].value()) == (label, "Bewaard")
