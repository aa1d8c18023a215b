"""A new story names its author's organisation: their one verified organisation by
itself; with several, the member chooses (or names none)."""

import pytest
from django.urls import reverse

from organisations.models import Organisation
from stories import writing
from stories.exceptions import NotAllowed
from stories.models import Status, Story
from tests.factories import AffiliationFactory, OrganisationFactory, StoryFactory
from tests.markup import attributes, select
from tests.stories.test_views import _form_data as _data

pytestmark = pytest.mark.django_db


def _write(client, chapter, **data):
    return client.post(reverse("stories:create", args=[chapter.slug]), _data(**data))


def test_one_verified_affiliation_names_the_organisation_by_itself(
    member_client, member, open_chapter
):
    zwolle = Organisation.objects.get(cbs_code="GM0193")
    AffiliationFactory(membership=member.membership, organisation=zwolle, verified=True)
    # Unverified and merged ones do not count.
    AffiliationFactory(membership=member.membership, verified=False)
    merged = Organisation.objects.get(cbs_code="GM0166")
    merged.successor = zwolle
    merged.save()
    AffiliationFactory(membership=member.membership, organisation=merged, verified=True)

    form = member_client.get(reverse("stories:create", args=[open_chapter.slug]))
    assert not select(form, "input[name=organisation]")
    _write(member_client, open_chapter)
    assert Story.objects.get().organisation == zwolle


def test_without_a_verified_affiliation_a_story_names_none(member_client, member, open_chapter):
    AffiliationFactory(membership=member.membership, verified=False)
    _write(member_client, open_chapter)
    assert Story.objects.get().organisation is None


def test_with_several_the_member_chooses_one_or_none(member_client, member, open_chapter):
    first, second = OrganisationFactory(name="Buurtkracht"), OrganisationFactory(name="Wijkteam")
    for organisation in (first, second):
        AffiliationFactory(membership=member.membership, organisation=organisation, verified=True)
    url = reverse("stories:create", args=[open_chapter.slug])
    form = member_client.get(url)
    assert attributes(form, "input[name=organisation]", "value") == [
        "",
        str(first.pk),
        str(second.pk),
    ]
    _write(member_client, open_chapter, organisation=str(second.pk))
    assert Story.objects.get().organisation == second
    _write(member_client, open_chapter, organisation="")
    assert Story.objects.latest("pk").organisation is None


@pytest.mark.parametrize("value", ["999999", "9" * 5000, "abc", "-1"])
def test_an_organisation_not_offered_is_a_clear_error_and_saves_nothing(
    member_client, member, open_chapter, value
):
    for organisation in OrganisationFactory.create_batch(2):
        AffiliationFactory(membership=member.membership, organisation=organisation, verified=True)
    other = OrganisationFactory()
    for chosen in (value, str(other.pk)):
        response = _write(member_client, open_chapter, organisation=chosen)
        assert response.status_code == 200
        assert select(response, "#id_organisation_error, .errorlist")
    assert not Story.objects.exists()


def test_the_service_refuses_an_organisation_the_author_does_not_belong_to(member, open_chapter):
    with pytest.raises(NotAllowed):
        writing.story_submit(
            author=member.membership,
            chapter=open_chapter,
            title="t",
            body="b",
            organisation=OrganisationFactory(),
        )
    assert not Story.objects.exists()


def test_editing_changes_the_organisation_among_the_verified_ones(
    member_client, member, open_chapter
):
    first, second = OrganisationFactory(), OrganisationFactory()
    for organisation in (first, second):
        AffiliationFactory(membership=member.membership, organisation=organisation, verified=True)
    story = StoryFactory(author=member.membership, chapter=open_chapter, organisation=first)
    url = reverse("stories:edit", args=[story.pk])
    form = member_client.get(url)
    assert attributes(form, "input[name=organisation][checked]", "value") == [str(first.pk)]
    member_client.post(url, _data(title=story.title, body=story.body, organisation=second.pk))
    story.refresh_from_db()
    assert story.organisation == second
    member_client.post(url, _data(title=story.title, body=story.body, organisation=""))
    story.refresh_from_db()
    assert story.organisation is None


def test_editing_keeps_the_organisation_when_the_form_does_not_ask(
    member_client, member, open_chapter
):
    former = OrganisationFactory()
    story = StoryFactory(
        author=member.membership, chapter=open_chapter, organisation=former, status=Status.DRAFT
    )
    url = reverse("stories:edit", args=[story.pk])
    member_client.post(url, _data(title="Nieuw", body=story.body))
    story.refresh_from_db()
    assert (story.title, story.organisation) == ("Nieuw", former)
