import json

import pytest

from community.privacy import STORIES_KEEP, account_delete, account_export
from organisations.models import Affiliation, Coordinator, Organisation
from stories.models import Story
from tests.factories import AffiliationFactory, ChapterFactory, MembershipFactory, StoryFactory

pytestmark = pytest.mark.django_db


def test_affiliations_are_in_the_data_download(member_client, member):
    zwolle = Organisation.objects.get(cbs_code="GM0193")
    AffiliationFactory(membership=member.membership, organisation=zwolle, public=False)
    Coordinator.objects.create(organisation=zwolle, membership=member.membership)
    data = account_export(user=member)
    assert [(a["organisation"], a["relation"], a["public"]) for a in data["affiliations"]] == [
        ("Zwolle", "lives", False)
    ]
    assert data["coordinating"] == ["Zwolle"]
    response = member_client.get("/mijn-gegevens/download/")
    assert response.status_code == 200
    json.dumps(data)


def test_leaving_removes_affiliations_and_roles_and_what_a_kept_story_gives_away(book):
    chapter = ChapterFactory(book=book)
    small = AffiliationFactory().organisation  # a company with one member
    zwolle = Organisation.objects.get(cbs_code="GM0193")
    leaving = MembershipFactory()
    AffiliationFactory(membership=leaving, organisation=small)
    AffiliationFactory(membership=leaving, organisation=zwolle)
    Coordinator.objects.create(organisation=small, membership=leaving)
    telling = StoryFactory(author=leaving, chapter=chapter, organisation=small)
    common = StoryFactory(author=leaving, chapter=chapter, organisation=zwolle)
    StoryFactory.create_batch(3, chapter=chapter, organisation=zwolle)

    account_delete(user=leaving.user, stories=STORIES_KEEP)

    assert not Affiliation.objects.filter(membership=leaving).exists()
    assert not Coordinator.objects.exists()
    assert Story.objects.get(pk=telling.pk).organisation is None
    assert Story.objects.get(pk=common.pk).organisation == zwolle
    assert Affiliation.objects.count() == 1
