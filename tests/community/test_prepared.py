"""core.prepared: an ORM query compiled once, run with new values; and the stores
built on it (sessions, the authentication backends' user with membership)."""

from datetime import timedelta
from importlib import import_module

import pytest
from django.contrib.auth import get_user
from django.contrib.sessions.models import Session
from django.http import HttpRequest
from django.utils import timezone

from book.models import Chapter
from core.prepared import Prepared
from core.sessions import SessionStore
from members.backends import user_with_membership
from stories.models import Status, Story
from tests.factories import MembershipFactory, StoryFactory, UserFactory


@pytest.mark.django_db
def test_rows_are_those_of_the_orm_query_for_each_set_of_values(chapters):
    calls = []

    def build(chapter, title):
        calls.append((chapter, title))
        return (
            Story.objects.filter(chapter_id=chapter, status=Status.PUBLISHED)
            .exclude(title=title)
            .order_by("pk")
            .values_list("pk", "title")
        )

    stories = Prepared(build)
    for chapter in chapters[:2]:
        StoryFactory.create_batch(2, chapter=chapter)
        StoryFactory(chapter=chapter, status=Status.PENDING)
    skip = Story.objects.filter(chapter=chapters[1], status=Status.PUBLISHED).first().title
    for chapter, title in ((chapters[0], "geen"), (chapters[1], skip), (chapters[2], "geen")):
        expected = list(
            Story.objects.filter(chapter=chapter, status=Status.PUBLISHED)
            .exclude(title=title)
            .order_by("pk")
            .values_list("pk", "title")
        )
        assert stories.rows(chapter=chapter.pk, title=title) == expected
    assert len(stories.rows(chapter=chapters[0].pk, title="geen")) == 2
    assert len(stories.rows(chapter=chapters[1].pk, title=skip)) == 1
    assert len(calls) == 1  # compiled once; the constant (the status) kept as it was
    assert stories.first(chapter=chapters[3].pk, title="geen") is None


@pytest.mark.django_db
def test_a_value_that_does_not_reach_the_sql_as_it_is_is_refused():
    # `icontains` wraps the value in wildcards: the SQL holds "%...%", not the value.
    containing = Prepared(
        lambda word: Story.objects.filter(title__icontains=word).values_list("pk")
    )
    with pytest.raises(ValueError, match="word"):
        containing.rows(word="bankje")


@pytest.mark.django_db
def test_session_store_reads_live_sessions_only():
    store = SessionStore()
    store["kleur"] = "blauw"
    store.create()
    assert SessionStore(store.session_key).load() == {"kleur": "blauw"}
    Session.objects.filter(pk=store.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    expired = SessionStore(store.session_key)
    assert expired.load() == {}
    assert expired.session_key is None  # a new key when it is saved, never the old one
    assert SessionStore("bestaat-niet-maar-lang-genoeg").load() == {}


@pytest.mark.django_db
def test_signed_in_user_comes_with_membership_in_one_query(
    client, settings, session_queries, django_assert_num_queries
):
    member = MembershipFactory().user
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for user, holds_copy in ((member, True), (UserFactory(), False)):
        client.force_login(user)
        request = HttpRequest()
        request.session = store(client.cookies[settings.SESSION_COOKIE_NAME].value)
        with django_assert_num_queries(1 + session_queries):  # the user with the membership
            loaded = get_user(request)
            assert loaded == user
            assert (getattr(loaded, "membership", None) is not None) is holds_copy


@pytest.mark.django_db
def test_a_list_is_compiled_once_per_length(chapters):
    stories = StoryFactory.create_batch(4, chapter=chapters[0])
    calls = []

    def build(member, pks):
        calls.append(len(pks))
        return Story.objects.filter(pk__in=pks).exclude(author_id=member).order_by("pk")

    among = Prepared(lambda member, pks: build(member, pks).values_list("pk"))
    pks = [story.pk for story in stories]
    assert among.rows(member=0, pks=pks[:2]) == [(pks[0],), (pks[1],)]
    assert among.rows(member=0, pks=pks[2:]) == [(pks[2],), (pks[3],)]
    assert among.rows(member=stories[0].author_id, pks=pks[:1]) == []
    assert among.rows(member=0, pks=[]) == []
    assert calls == [2, 1]


@pytest.mark.django_db
def test_values_come_converted_as_the_orm_gives_them(chapters):
    chapter = chapters[0]
    fields = ("updated_at", "is_published", "sections", "access")
    state = Prepared(lambda pk: Chapter.objects.filter(pk=pk).values_list(*fields))
    assert state.first(pk=chapter.pk) == Chapter.objects.values_list(*fields).get(pk=chapter.pk)
    updated_at, is_published, _sections, _access = state.first(pk=chapter.pk)
    assert updated_at == chapter.updated_at and is_published is True


@pytest.mark.django_db
def test_user_with_membership_is_the_user_the_orm_loads():
    membership = MembershipFactory()
    for user in (membership.user, UserFactory(is_staff=True)):
        loaded = user_with_membership(user.pk)
        expected = type(user).objects.select_related("membership").get(pk=user.pk)
        for field in type(user)._meta.concrete_fields:
            assert getattr(loaded, field.attname) == getattr(expected, field.attname)
        assert not loaded._state.adding and loaded._state.db == "default"
        assert getattr(loaded, "membership", None) == getattr(expected, "membership", None)
    assert user_with_membership(membership.user.pk).membership.number == membership.number
    assert user_with_membership(10**9) is None
