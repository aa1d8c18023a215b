"""Every main page the five journeys visit, on a phone (390 x 844) and on a desktop
(1280 x 900), as the kind of person who sees it: a visitor, a member, a curator. Each
page passes axe with no violations and has no horizontal scrollbar.

The journeys themselves (test_reading, test_membership, test_stories, test_moderation,
test_curation) click through the flows; this pass only opens the pages they reach, so
it stays quick. People are logged in by handing the browser the session cookie of a
Django test client."""

import pytest
from django.conf import settings
from django.db.models import Max
from django.test import Client
from django.urls import reverse

from book.models import Access
from core.roles import curators_group_sync
from editions.services import edition_create, edition_publish, edition_stories_choose
from members.models import ClaimCode, Membership
from stories.models import Status, Story
from tests.factories import (
    AffiliationFactory,
    MembershipFactory,
    OrganisationFactory,
    ProfileFactory,
    StoryFactory,
    UserFactory,
)

OVERFLOW = "document.documentElement.scrollWidth <= window.innerWidth + 1"


def _next_number() -> int:
    return (Membership.objects.aggregate(highest=Max("number"))["highest"] or 0) + 1


def _log_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


@pytest.fixture
def site(demo_book):
    """The demo book plus what the pages need to show something: a member with a
    profile and a story, a story waiting for a curator, a published edition."""
    chapters = demo_book
    open_chapter = next(c for c in chapters if c.access == Access.OPEN)
    members_chapter = next(c for c in chapters if c.access == Access.MEMBERS)
    member = ProfileFactory(
        membership=MembershipFactory(user=UserFactory(), number=_next_number()),
        display_name="Fatima uit Deventer",
        bio="Ik werk in de wijk.",
        visibility="full",
    ).membership.user
    AffiliationFactory(
        membership=member.membership,
        organisation=OrganisationFactory(name="Deventer", kind="municipality"),
    )
    story = StoryFactory(
        chapter=open_chapter,
        author=member.membership,
        title="Het bankje op de hoek",
        status=Status.FEATURED,
    )
    StoryFactory(
        chapter=open_chapter,
        author=MembershipFactory(number=_next_number()),
        title="Wacht op een curator",
        status=Status.PENDING,
        published_at=None,
    )
    curator = UserFactory(is_staff=True)
    curator.groups.add(curators_group_sync())
    MembershipFactory(user=curator, number=_next_number())
    edition = edition_create(label="Tussenstand 2031", curator=curator)
    edition_stories_choose(edition=edition, stories=[story], curator=curator)
    edition = edition_publish(edition=edition, curator=curator)
    return {
        "open": open_chapter,
        "members": members_chapter,
        "member": member,
        "curator": curator,
        "story": Story.objects.get(pk=story.pk),
        "edition": edition,
        "code": ClaimCode.objects.available().order_by("pk").first(),
    }


def _pages(site):
    open_chapter, story, edition = site["open"], site["story"], site["edition"]
    visitor = [
        reverse("home"),
        open_chapter.get_absolute_url(),
        site["members"].get_absolute_url(),
        reverse("account_signup") + "?next=/exemplaar/",
        reverse("account_login"),
        reverse("members:claim"),
        reverse("members:code_enter"),
        reverse("members:code_claim", args=[site["code"].display]),
        reverse("directory"),
        reverse("privacy"),
        reverse("stories:latest"),
        story.get_absolute_url(),
        reverse("stories:search") + "?q=bankje",
        reverse("editions:edition_index"),
        edition.get_absolute_url(),
        edition.chapters.get(slug=open_chapter.slug).get_absolute_url(),
        reverse("organisations:municipality_list"),
        reverse("organisations:list"),
        reverse("municipality", args=["zwolle"]),
    ]
    member = [
        reverse("members:welcome"),
        reverse("members:mine"),
        reverse("members:card"),
        reverse("directory"),
        reverse("members:profile"),
        reverse("data"),
        site["members"].get_absolute_url(),
        story.get_absolute_url(),
        reverse("stories:create", args=[open_chapter.slug]),
        reverse("stories:mine"),
        reverse("stories:notifications"),
        reverse("stories:latest"),
        reverse("municipality", args=["zwolle"]),
        reverse("organisations:mine") + "?q=berg",
    ]
    curator = [
        reverse("curation"),
        reverse("stories:moderation_queue"),
        reverse("stories:moderation_log"),
        reverse("statistics"),
        reverse("editions:edition_list"),
        reverse("unmatched_names"),
        reverse("organisations:coordinate", args=["zwolle"]),
        reverse("organisation_statistics", args=["zwolle"]),
    ]
    return [(None, visitor), (site["member"], member), (site["curator"], curator)]


def test_every_main_page_passes_axe_and_fits_the_screen(
    page, live_server, site, viewport, axe_check, screenshot
):
    problems = []
    for user, urls in _pages(site):
        if user is None:
            page.context.clear_cookies()
        else:
            _log_in(page, live_server, user)
        for url in urls:
            response = page.goto(url)
            assert response.status == 200, (url, response.status)
            if user is not None:
                # Logged in for real: the header offers to log out.
                assert page.locator("form[action$='/accounts/logout/']").count() >= 1, url
            try:
                axe_check(page)
            except AssertionError as failure:
                problems.append(str(failure))
            if not page.evaluate(OVERFLOW):
                widths = page.evaluate(
                    "[document.documentElement.scrollWidth, window.innerWidth, "
                    "[...document.querySelectorAll('body *')]"
                    ".filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)"
                    ".slice(0, 5).map(e => e.tagName + '.' + e.className)]"
                )
                problems.append(f"horizontal scroll on {url} ({viewport}): {widths}")
                screenshot(page, f"overflow-{viewport}-{url.strip('/').replace('/', '-')}")
    assert not problems, "\n\n".join(problems)
