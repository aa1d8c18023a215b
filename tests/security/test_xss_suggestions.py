"""Script through every field of a suggestion: the explanation (Markdown, through the one
sanitiser), the quoted passage and the proposed text (plain, escaped), a disagreement's
reason and the curators' answer (Markdown). Each goes in through the real form and is
read back on every page that shows it."""

import pytest
from django.urls import reverse

from stories.models import Status
from suggestions.models import Suggestion
from tests.book.test_markdown import XSS_PAYLOADS
from tests.factories import StoryFactory
from tests.inert import assert_inert

from .conftest import assert_page_safe, regions

pytestmark = pytest.mark.django_db

VARIED = [XSS_PAYLOADS[i] for i in (0, 1, 2, 3, 4, 12, 17, 24, 29, 48, 58, 63, 64, 65, 66)]


@pytest.mark.parametrize("payload", VARIED)
def test_every_suggestion_field_comes_back_inert(cast, chapters, payload):
    chapter = chapters[0]
    # A trusted author: published at once, so that others respond.
    StoryFactory(chapter=chapter, author=cast.author_user.membership)
    response = cast.author.post(
        reverse("suggestions:create", kwargs={"slug": chapter.slug}),
        {
            "section": "begin",
            "kind": "herschrijving",
            "quote": payload[:2000],
            "proposed_text": payload or "x",
            "explanation": payload or "x",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    suggestion = Suggestion.objects.get()
    assert suggestion.moderation == Status.PUBLISHED
    cast.other.post(
        reverse("suggestions:respond", kwargs={"pk": suggestion.pk}),
        {"kind": "anders", "reason": payload or "x"},
    )
    cast.curator.post(
        reverse("suggestions:decide", kwargs={"pk": suggestion.pk}),
        {"status": "deels", "answer": payload or "x", "revision": ""},
    )
    suggestion.refresh_from_db()
    assert suggestion.status == "deels"
    pages = {
        "detail": cast.anonymous.get(suggestion.get_absolute_url()),
        "list": cast.anonymous.get(reverse("suggestions:chapter", kwargs={"slug": chapter.slug})),
        "mine": cast.author.get(reverse("suggestions:mine")),
        "board": cast.curator.get(reverse("suggestions:board"), {"status": "deels"}),
        "chapter": cast.anonymous.get(chapter.get_absolute_url()),
    }
    for name, page in pages.items():
        assert page.status_code == 200, name
        html = page.content.decode()
        try:
            assert_page_safe(html, payload)
            for css_class in ("suggestion__explanation", "suggestion__answer-text"):
                for region in regions(html, css_class):
                    assert_inert(region)
        except AssertionError as failure:
            raise AssertionError(f"{name}: {failure}") from None
