"""Nobody acts on someone else's suggestion: deleting another's, responding twice, a
member posting a curator's decision; and the author's own deletion while it is open."""

import pytest
from django.urls import reverse

from stories.models import ModerationAction
from suggestions.models import Suggestion
from tests.clients import signed_in
from tests.factories import MembershipFactory, ResponseFactory, SuggestionFactory

pytestmark = pytest.mark.django_db


def test_deleting_someone_elses_suggestion_is_refused(open_chapter):
    suggestion = SuggestionFactory(chapter=open_chapter)
    intruder = signed_in(MembershipFactory().user)
    response = intruder.post(reverse("suggestions:delete", kwargs={"pk": suggestion.pk}))
    assert response.status_code == 403
    assert Suggestion.objects.filter(pk=suggestion.pk).exists()


def test_the_author_deletes_an_open_suggestion_but_not_an_answered_one(open_chapter):
    membership = MembershipFactory()
    open_one = SuggestionFactory(chapter=open_chapter, author=membership)
    answered = SuggestionFactory(
        chapter=open_chapter, author=membership, status="niet", answer="Nee."
    )
    client = signed_in(membership.user)
    response = client.post(reverse("suggestions:delete", kwargs={"pk": open_one.pk}))
    assert response["Location"] == reverse("suggestions:mine")
    refused = client.post(reverse("suggestions:delete", kwargs={"pk": answered.pk}), follow=True)
    assert refused.status_code == 200
    assert list(Suggestion.objects.all()) == [answered]


def test_responding_twice_is_refused_even_with_another_kind(open_chapter):
    suggestion = SuggestionFactory(chapter=open_chapter)
    response = ResponseFactory(suggestion=suggestion)
    client = signed_in(response.member.user)
    client.post(
        reverse("suggestions:respond", kwargs={"pk": suggestion.pk}),
        {"kind": "anders", "reason": "Toch niet."},
    )
    assert list(suggestion.responses.values_list("kind", flat=True)) == ["eens"]


@pytest.mark.parametrize("name", ["decide", "moderate"])
def test_members_cannot_post_a_curators_decision(open_chapter, name):
    suggestion = SuggestionFactory(chapter=open_chapter)
    client = signed_in(suggestion.author.user)
    response = client.post(
        reverse(f"suggestions:{name}", kwargs={"pk": suggestion.pk}),
        {"status": "overgenomen", "answer": "Zelf gedaan.", "action": "hide", "reason": "x"},
    )
    assert response.status_code == 403
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.moderation) == ("open", "published")
    assert not ModerationAction.objects.exists()


def test_nobody_responds_to_a_suggestion_on_a_chapter_they_may_not_read(members_chapter):
    from tests.factories import UserFactory

    suggestion = SuggestionFactory(chapter=members_chapter)
    client = signed_in(UserFactory())
    response = client.post(
        reverse("suggestions:respond", kwargs={"pk": suggestion.pk}), {"kind": "eens"}
    )
    assert response.status_code == 404
    assert not suggestion.responses.exists()
