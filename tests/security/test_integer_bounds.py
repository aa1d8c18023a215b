"""Property: no number in an address, a query string or a form gives a 500.

A number arrives as text and may have any count of digits. One past a signed 64-bit
integer overflows the database's (SQLite's driver raises OverflowError), and the
prepared queries of core.prepared send a value as it is; so every whole number is
bounded before it reaches the database: `<id:pk>` in the URL patterns
(core.converters), the page number by core.paging, ids posted in a form by the form's
fields. The sweep takes every URL pattern with a whole number in it from the resolver
(not from a list here), every known numeric query parameter and the forms that post
ids, with huge, negative, zero, non-numeric and non-ASCII-digit values, as a visitor, a
member, a curator and the admin. A GET or HEAD must also leave the database as it was."""

import re
import string
from datetime import timedelta
from urllib.parse import quote, urlencode

import pytest
from django.urls import NoReverseMatch, URLResolver, get_resolver, resolve, reverse
from django.urls.converters import IntConverter
from django.urls.exceptions import Resolver404
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from core.converters import MAX_ID, IdConverter
from meetings.models import AgendaState
from members.models import Membership
from stories.models import Story
from tests.factories import (
    AgendaItemFactory,
    EditionFactory,
    MeetingFactory,
    ReplyFactory,
    StoryFactory,
    SuggestionFactory,
    ThemeFactory,
)
from tests.safe_requests import no_database_writes

INTEGER_CONVERTERS = (IntConverter, IdConverter)
PART = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
SWEEP = hypothesis_settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
WHO = ("anonymous", "author", "curator", "admin")


def integer_routes() -> list[tuple[str, frozenset[str]]]:
    """Every URL pattern with a whole number in it, walked from the root URLconf: the
    route as text (in the active language) and the names of its numeric parts."""
    found = []

    def walk(patterns, prefix, numeric):
        for entry in patterns:
            route = prefix + str(entry.pattern)
            names = numeric | {
                name
                for name, converter in entry.pattern.converters.items()
                if isinstance(converter, INTEGER_CONVERTERS)
            }
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, route, names)
            elif names:
                found.append((route, frozenset(names)))

    walk(get_resolver().url_patterns, "", frozenset())
    return found


def fill(route: str, numeric: frozenset[str], value: str) -> str:
    """The address of `route` with `value` in each numeric part, "x" in the others."""

    def part(match):
        return quote(value, safe="") if match["name"] in numeric else "x"

    return "/" + PART.sub(part, route)


#: Numbers as they may arrive: past 64 bits, at the edge, negative, zero, thousands of
#: digits (int() refuses more than 4,300), words, and digits that are not ASCII ("²"
#: passes str.isdigit, "١٢" passes int()).
numbers = st.one_of(
    st.sampled_from(
        [
            str(MAX_ID),
            str(MAX_ID + 1),
            str(2**64),
            "9223372036854775808",
            "99999999999999999999",
            "0",
            "000",
            "-1",
            "-9223372036854775809",
            "1e9",
            "1.5",
            "0x10",
            "²",
            "١٢",
            "１２",
            "9" * 5000,
        ]
    ),
    st.integers(min_value=MAX_ID - 3, max_value=10**40).map(str),
    st.integers(max_value=0, min_value=-(10**40)).map(str),
    st.integers(min_value=20, max_value=6000).map(lambda length: "7" * length),
    st.text(string.ascii_letters + string.digits + "-+. ", min_size=1, max_size=12),
    st.text(st.characters(categories=["Nd", "No"]), min_size=1, max_size=24),
)


@pytest.fixture
def site(cast, chapters):
    """A story with a reply under the first chapter, a theme and a draft edition, and
    everyone who may ask for them."""
    story = StoryFactory(chapter=chapters[0], author=cast.author_user.membership)
    ReplyFactory(story=story, author=cast.other_user.membership)
    ThemeFactory()
    cast.story = story
    cast.chapter = chapters[0]
    cast.edition = EditionFactory(book=chapters[0].book)
    cast.suggestion = SuggestionFactory(chapter=chapters[0])
    cast.group = cast.curator_user.groups.get()
    starts = timezone.now() - timedelta(hours=3)
    cast.meeting = MeetingFactory(starts_at=starts, ends_at=starts + timedelta(hours=2))
    AgendaItemFactory(meeting=cast.meeting, state=AgendaState.PARKED)
    return cast


# ---- Addresses ----------------------------------------------------------------------


def test_the_sweep_finds_every_numbered_address_and_each_is_bounded():
    routes = dict(integer_routes())
    assert "verhalen/<id:pk>-<slug:slug>/" in routes
    assert "reacties/<id:pk>/melden/" in routes
    assert "admin/members/codebatch/<id:pk>/csv/" in routes
    for route, numeric in routes.items():
        converters = [m["converter"] for m in PART.finditer(route) if m["name"] in numeric]
        assert converters and set(converters) == {"id"}, route


@pytest.mark.parametrize(
    "value",
    ["9223372036854775808", "99999999999999999999", "0", "-1", "9" * 5000, "١٢", "²", "1e3"],
)
def test_a_number_out_of_bounds_matches_no_numbered_address(value):
    for route, numeric in integer_routes():
        largest = resolve(fill(route, numeric, str(MAX_ID)))
        assert largest.route == route
        assert {largest.kwargs[name] for name in numeric} == {MAX_ID}
        try:
            match = resolve(fill(route, numeric, value))
        except Resolver404:
            continue
        # The admin's catch-all <path:object_id>/ takes what its <id:pk>/csv/ refuses.
        assert match.route != route and not numeric & set(match.kwargs), (route, match.route)


def test_no_address_is_made_with_an_id_out_of_bounds():
    assert reverse("stories:edit", kwargs={"pk": MAX_ID}).endswith(f"/{MAX_ID}/bewerken/")
    for pk in (MAX_ID + 1, 0, -1):
        with pytest.raises(NoReverseMatch):
            reverse("stories:edit", kwargs={"pk": pk})


def test_the_story_that_gave_a_500_is_not_found(client, db):
    assert client.get("/verhalen/9223372036854775808-x/").status_code == 404
    assert client.get("/verhalen/9223372036854775807-x/").status_code == 404


@SWEEP
@given(route=st.data(), value=numbers, who=st.sampled_from(WHO))
def test_no_number_in_an_address_gives_a_server_error(site, route, value, who):
    client = getattr(site, who)
    address = fill(*route.draw(st.sampled_from(integer_routes())), value)
    for method in (client.get, client.head):
        with no_database_writes():
            response = method(address)
        assert response.status_code < 500, (method.__name__, address, who)
    response = client.post(address, {"kind": "thanks", "body": "Ja.", "reason": "Spam."})
    assert response.status_code < 500, ("post", address, who)


# ---- Query strings ------------------------------------------------------------------


def _query_pages(site) -> list[tuple[str, str, dict]]:
    """(page, numeric parameter, the rest of its query) for every page that reads a
    number from its query string: the pages (pagina, verhalen) and the filters that
    name a chapter, a theme or an organisation by id (hoofdstuk, thema, organisatie)."""
    return [
        (reverse("stories:latest"), "pagina", {}),
        (reverse("stories:latest"), "organisatie", {"provincie": "OV"}),
        (reverse("stories:search"), "organisatie", {"q": "verhaal"}),
        (reverse("directory"), "organisatie", {"role": "resident"}),
        (reverse("stories:latest"), "hoofdstuk", {}),
        (reverse("stories:latest"), "thema", {"pagina": "2"}),
        (reverse("stories:search"), "pagina", {"q": "verhaal"}),
        (reverse("directory"), "pagina", {}),
        (reverse("stories:moderation_queue"), "pagina", {}),
        (reverse("stories:moderation_log"), "pagina", {"handeling": "approve"}),
        (reverse("chapter", kwargs={"slug": site.chapter.slug}), "verhalen", {}),
        (reverse("suggestions:chapter", kwargs={"slug": site.chapter.slug}), "pagina", {}),
        (reverse("suggestions:board"), "pagina", {"status": "open"}),
        (reverse("suggestions:mine"), "pagina", {}),
        (reverse("chapter_history", kwargs={"slug": site.chapter.slug}), "van", {"tot": "1"}),
        (reverse("chapter_history", kwargs={"slug": site.chapter.slug}), "tot", {"van": "1"}),
    ]


@SWEEP
@given(page=st.data(), value=numbers, who=st.sampled_from(WHO))
def test_no_number_in_a_query_string_gives_a_server_error(site, page, value, who):
    client = getattr(site, who)
    path, param, rest = page.draw(st.sampled_from(_query_pages(site)))
    address = f"{path}?{urlencode({**rest, param: value})}"
    for method in (client.get, client.head):
        with no_database_writes():
            response = method(address)
        assert response.status_code < 500, (method.__name__, address, who)


# ---- Forms --------------------------------------------------------------------------


def _posts(site, value: str) -> list[tuple[str, dict]]:
    """Every form that posts a number, with `value` where the number goes."""
    story = f"story:{value}"
    return [
        (reverse("book:reading_position"), {"chapter": value, "section": "begin"}),
        (reverse("stories:react", kwargs={"pk": site.story.pk}), {"kind": value}),
        (
            reverse("stories:create", kwargs={"chapter_slug": site.chapter.slug}),
            {"title": "Titel", "body": "Tekst.", "themes": [value], "action": "preview"},
        ),
        (
            reverse("stories:create", kwargs={"chapter_slug": site.chapter.slug}),
            {"title": "Titel", "body": "Tekst.", "organisation": value, "action": "draft"},
        ),
        (
            reverse("stories:edit", kwargs={"pk": site.story.pk}),
            {"title": "Titel", "body": "Tekst.", "themes": [value, "1"], "action": "preview"},
        ),
        (
            reverse("stories:edit", kwargs={"pk": site.story.pk}),
            {"title": "Titel", "body": "Tekst.", "organisation": value, "action": "save"},
        ),
        (
            reverse("stories:moderation_decide"),
            {"target": story, "action": "approve", "pagina": value},
        ),
        (
            reverse("stories:moderation_bulk"),
            {"items": [story, f"reply:{value}"], "action": "hide", "reason": "Spam."},
        ),
        (
            reverse("editions:edition_curate", kwargs={"slug": site.edition.slug}),
            {"stories": [value]},
        ),
        (
            reverse("suggestions:create", kwargs={"slug": site.chapter.slug}),
            {"section": "begin", "kind": "aanvulling", "explanation": "Ja.", "evidence": [value]},
        ),
        (
            reverse("suggestions:decide", kwargs={"pk": site.suggestion.pk}),
            {"status": "overgenomen", "answer": "Ja.", "revision": value},
        ),
        (
            reverse("chapter_text_edit", kwargs={"slug": site.chapter.slug}),
            {"title": "Titel", "body": "Tekst.", "message": "Waarom.", "base_revision": value},
        ),
        (
            reverse("meeting_see_again", kwargs={"slug": site.meeting.slug}),
            {"other": value, "wanted": "ja"},
        ),
        (
            f"{reverse('meetings:create')}?kopie={site.meeting.slug}",
            {"title": "Titel", "starts_at": "2030-01-01T19:00", "carry": [value]},
        ),
        (
            reverse("admin:members_membership_add"),
            {"email": site.outsider_user.email, "number": value, "how": "digital"},
        ),
        (
            reverse("admin:auth_user_change", args=[site.other_user.pk]),
            {"username": site.other_user.username, "groups": [value], "user_permissions": [value]},
        ),
        (
            reverse("admin:auth_group_change", args=[site.group.pk]),
            {"name": site.group.name, "permissions": [value]},
        ),
        *(
            (
                reverse("newsletter:create"),
                {"title": "Nieuws", "body": "Tekst.", "audience": audience, audience: value},
            )
            for audience in ("organisation", "chapter", "meeting")
        ),
    ]


@SWEEP
@given(form=st.data(), value=numbers, who=st.sampled_from(WHO))
def test_no_number_in_a_form_gives_a_server_error(site, form, value, who):
    client = getattr(site, who)
    path, data = form.draw(st.sampled_from(_posts(site, value)))
    response = client.post(path, data)
    assert response.status_code < 500, (path, data, who)


@pytest.mark.parametrize("value", [str(MAX_ID + 1), "99999999999999999999", "-" + "9" * 20])
def test_a_huge_theme_is_a_form_error_and_nothing_is_saved(site, value):
    url = reverse("stories:create", kwargs={"chapter_slug": site.chapter.slug})
    before = Story.objects.count()
    response = site.author.post(url, {"title": "Titel", "body": "Tekst.", "themes": [value]})
    assert response.status_code == 200
    assert response.context["form"].errors["themes"]
    assert Story.objects.count() == before


def test_a_huge_story_for_an_edition_is_a_form_error(site):
    url = reverse("editions:edition_curate", kwargs={"slug": site.edition.slug})
    response = site.curator.post(url, {"stories": [str(MAX_ID + 1)]})
    assert response.status_code == 200
    assert response.context["form"].errors["stories"]
    assert not site.edition.selected_stories.exists()


@pytest.mark.parametrize("field", ["groups", "user_permissions"])
def test_a_huge_group_or_permission_in_the_admin_is_a_form_error(site, field):
    response = site.admin.post(
        reverse("admin:auth_user_change", args=[site.other_user.pk]),
        {"username": site.other_user.username, field: [str(MAX_ID + 1)]},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field]
    assert not site.other_user.groups.exists()


def test_a_member_number_past_the_column_is_a_form_error(site):
    response = site.admin.post(
        reverse("admin:members_membership_add"),
        {"email": site.outsider_user.email, "number": "2147483648", "how": "digital"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["number"]
    assert not Membership.objects.filter(user=site.outsider_user).exists()
