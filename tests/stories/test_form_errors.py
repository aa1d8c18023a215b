"""Every error on the story and reply forms is shown once: what concerns the whole form
in the notice at the top, the rest at its own field (templates/includes/form.html)."""

import pytest
from django.test import SimpleTestCase
from django.urls import reverse
from django.utils.html import escape

from stories import writing
from tests.factories import StoryFactory
from tests.stories.test_views import _form_data

pytestmark = pytest.mark.django_db

html_test = SimpleTestCase()


def _once(message: str, html: str, element: str = "li") -> None:
    html_test.assertInHTML(f"<{element}>{escape(message)}</{element}>", html, count=1)


def test_a_refusal_of_the_whole_story_form_is_shown_once(member_client, chapters):
    url = reverse("stories:create", args=[chapters[0].slug])
    for n in range(writing.NEW_MEMBER_STORIES_PER_HOUR):
        member_client.post(url, _form_data(title=f"Verhaal {n}"))
    response = member_client.post(url, _form_data(title="Mijn vierde"))
    assert response.status_code == 429
    [message] = response.context["form"].non_field_errors()
    html = response.content.decode()
    _once(message, html)
    html_test.assertInHTML(
        f'<div class="notice notice--error" role="alert"><ul class="errorlist nonfield">'
        f"<li>{escape(message)}</li></ul></div>",
        html,
        count=1,
    )


def test_a_field_error_is_shown_once_at_its_field(member_client, chapters):
    url = reverse("stories:create", args=[chapters[0].slug])
    response = member_client.post(url, _form_data(title="", action="preview"))
    [message] = response.context["form"].errors["title"]
    html = response.content.decode()
    _once(message, html)
    html_test.assertInHTML(
        f'<ul class="errorlist" id="id_title_error"><li>{escape(message)}</li></ul>', html
    )
    assert 'role="alert"' not in html  # nothing about the whole form to announce


def test_the_edit_form_shows_each_error_once(client, chapters):
    story = StoryFactory(chapter=chapters[0])
    client.force_login(story.author.user)
    response = client.post(
        reverse("stories:edit", args=[story.pk]), _form_data(body="", action="save")
    )
    [message] = response.context["form"].errors["body"]
    _once(message, response.content.decode())


def test_a_refusal_of_a_reply_is_shown_once(member_client, chapters):
    story = StoryFactory(chapter=chapters[0])
    url = reverse("stories:reply", args=[story.pk])
    for n in range(writing.NEW_MEMBER_REPLIES_PER_HOUR):
        member_client.post(url, {"body": f"Reactie {n}"})
    response = member_client.post(url, {"body": "Nog eentje dan"})
    assert response.status_code == 429
    [message] = response.context["reply_form"].non_field_errors()
    _once(message, response.content.decode())
