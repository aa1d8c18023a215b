"""What the benchmark asks for, as JSON on stdout: the URLs of the pages and a session
cookie for a member. Run by bench/run.py with the bench settings, after seed_load."""

import json
import sys

import django

#: Members writing at once in the writes row (bench/writes.py).
WRITERS = 16


def main() -> dict:
    django.setup()
    from django.conf import settings
    from django.db.models import Count, Exists, OuterRef, Q
    from django.templatetags.static import static
    from django.urls import Resolver404, resolve, reverse
    from django.utils.crypto import get_random_string

    from book.models import Access, Chapter
    from core.sessions import signed_in_session
    from meetings.models import Meeting
    from members.models import Membership
    from organisations.models import Organisation
    from stories.models import Reaction, Reply, Story, published_story_count

    # The open chapter with about a thousand stories (seed_load makes one).
    chapters = (
        Chapter.objects.published()
        .filter(access=Access.OPEN)
        .annotate(n=published_story_count())
        .order_by("number")
    )
    chapter = min(chapters, key=lambda c: abs(c.n - 1000))
    story = (
        Story.objects.published()
        .filter(chapter=chapter)
        .annotate(shown_replies=Count("replies", filter=Q(replies__is_hidden=False)))
        .order_by("-shown_replies", "pk")
        .first()
    )
    membership = (
        Membership.objects.current().select_related("user").filter(user__is_staff=False).last()
    )
    user = membership.user
    session_key = signed_in_session(user)

    # The organisation with the most members (seed_load affiliates them with
    # municipalities).
    organisation = Organisation.objects.with_members().order_by("-member_count", "pk").first()
    # The next meeting with the most registrations (seed_meetings makes them).
    meeting = (
        Meeting.objects.published()
        .upcoming()
        .annotate(registered=Count("registrations"))
        .order_by("-registered", "starts_at", "pk")
        .first()
    )

    # The writers of the writes row: members with a published story (trusted, as the
    # established members who write most are), each signed in, and stories to react to.
    writers = [
        signed_in_session(m.user)
        for m in Membership.objects.current()
        .select_related("user")
        .filter(user__is_staff=False)
        .filter(Exists(Story.objects.published().filter(author=OuterRef("pk"))))
        .order_by("number")[:WRITERS]
    ]
    open_stories = (
        Story.objects.published()
        .filter(chapter__access=Access.OPEN)
        .select_related("chapter")
        .order_by("-pk")[:200]
    )

    try:
        resolve("/zoeken/")
        search = "/zoeken/?q=bankje"
    except Resolver404:
        search = None
    return {
        "baseline": "/bench/baseline/",
        "home": reverse("home"),
        "chapter": chapter.get_absolute_url(),
        "chapter_stories": chapter.n,
        # Its suggestions for the next edition (seed_load puts 500 beneath it).
        "suggestions": reverse("suggestions:chapter", args=[chapter.slug]),
        "suggestions_count": chapter.suggestions.count(),
        "story": story.get_absolute_url(),
        "story_replies": story.shown_replies,
        "latest": reverse("stories:latest"),
        "feed": reverse("stories:feed"),
        "static": static("css/base.css"),
        "meetings": reverse("meetings:list"),
        "meeting": meeting.get_absolute_url(),
        "meeting_registrations": meeting.registered,
        "search": search,
        "organisations": reverse("organisations:list"),
        "organisation": organisation.get_absolute_url() if organisation else None,
        "organisation_members": organisation.member_count if organisation else 0,
        # As a member's browser sends them: the session, and the CSRF cookie it got
        # with the first page (without it every page would mint a new one).
        "cookie": (
            f"{settings.SESSION_COOKIE_NAME}={session_key}; "
            f"{settings.CSRF_COOKIE_NAME}={get_random_string(32)}"
        ),
        "member_number": membership.number,
        "writers": writers,
        "site": {
            "chapters": [{"slug": c.slug, "access": c.access} for c in Chapter.objects.published()],
            "stories": [
                {"pk": s.pk, "path": s.get_absolute_url(), "chapter": s.chapter.slug}
                for s in open_stories
            ],
        },
        "member_user": user.pk,
        "counts": {
            "members": Membership.objects.count(),
            "stories": Story.objects.count(),
            "published": Story.objects.published().count(),
            "reactions": Reaction.objects.count(),
            "replies": Reply.objects.count(),
            "meetings": Meeting.objects.count(),
        },
    }


if __name__ == "__main__":
    json.dump(main(), sys.stdout)
