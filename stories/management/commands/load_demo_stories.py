"""About ten demo learning stories, with themes, reactions and replies. Safe to run
again: a story is recognised by its submission key, so nothing is added twice. Never
run this in production."""

import uuid

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from book.models import Book, Chapter
from book.services import imported_chapter_slugs
from members.models import Membership
from members.services import membership_claim_digital
from stories import notifications
from stories.demo import REACTIONS, STORIES, THEMES
from stories.models import Status, Story, Theme
from stories.moderation import story_moderate
from stories.reactions import reaction_toggle, reply_create
from stories.writing import story_submit

KEY_NAMESPACE = uuid.UUID("5b0f3b8e-0d4a-4a8e-9f51-6c1d2e7a9b30")
# Accounts made when load_demo_members has not run: invented people, no password.
FALLBACK_MEMBERS = [f"demo.lid{n}@example.org" for n in range(1, 11)]


def demo_key(key: str) -> uuid.UUID:
    return uuid.uuid5(KEY_NAMESPACE, f"demo-story:{key}")


def _demo_member_emails() -> list[str]:
    try:
        from members.management.commands.load_demo_members import DEMO_MEMBERS
    except ImportError:
        return []
    return [email for email, _first, _last in DEMO_MEMBERS]


class Command(BaseCommand):
    help = "Add demo learning stories with reactions and replies (for local use only)."

    def handle(self, *args, **options):
        book = Book.objects.current()
        chapters = list(Chapter.objects.published().filter(book=book).in_order()) if book else []
        if book is None or not chapters:
            raise CommandError("Er is nog geen gepubliceerd hoofdstuk: draai eerst load_demo.")
        members = self._members()
        themes = {
            slug: Theme.objects.get_or_create(slug=slug, defaults={"name": name})[0]
            for name, slug in THEMES
        }
        by_slug = {chapter.slug: chapter for chapter in chapters}
        # Demo chapters a curator deleted (or unpublished): their stories stay out too.
        demo_chapters_gone = imported_chapter_slugs(book=book) - set(by_slug)

        made = []
        for index, data in enumerate(STORIES):
            key = demo_key(data["key"])
            if Story.objects.filter(submission_key=key).exists():
                continue
            if data["chapter"] in demo_chapters_gone:
                continue
            # Demo members are invented people: nobody to tell about approvals or replies.
            with transaction.atomic(), notifications.muted():
                story = self._story(
                    data,
                    key=key,
                    author=members[data["author"] % len(members)],
                    chapter=by_slug.get(data["chapter"], chapters[index % len(chapters)]),
                    themes=[themes[slug] for slug in data["themes"]],
                    members=members,
                )
            made.append(story)
            for story_index, member_index, kind in REACTIONS:
                if story_index == index:
                    reaction_toggle(
                        story=story, membership=members[member_index % len(members)], kind=kind
                    )
        self.stdout.write(
            f"Demo stories added: {len(made)} (now {Story.objects.published().count()} "
            f"published stories)."
        )

    def _story(self, data, *, key, author, chapter, themes, members) -> Story:
        story = story_submit(
            author=author,
            chapter=chapter,
            title=data["title"],
            body=data["body"],
            submission_key=key,
            themes=themes,
            municipality=data["municipality"],
        )
        # Demo stories are curated at once; curator=None records it as the system's.
        if story.status == Status.PENDING:
            story = story_moderate(story=story, curator=None, action="approve")
        if data["featured"]:
            story = story_moderate(story=story, curator=None, action="feature")
        for member_index, body in data["replies"]:
            reply_create(story=story, author=members[member_index % len(members)], body=body)
        return story

    def _members(self) -> list[Membership]:
        """The members load_demo_members makes, in its order; if none exist, a few demo
        accounts made members here (through members.services, like any claim)."""
        emails = _demo_member_emails()
        found = {
            m.user.email.lower(): m
            for m in Membership.objects.select_related("user").filter(user__email__in=emails)
            if m.user is not None
        }
        members = [found[email.lower()] for email in emails if email.lower() in found]
        if members:
            return members
        User = get_user_model()
        made = []
        for email in FALLBACK_MEMBERS:
            user = User.objects.filter(email__iexact=email).first()
            if user is None:
                user = User(username=email.split("@")[0], email=email)
                user.set_unusable_password()
                user.save()
            membership = Membership.objects.filter(user=user).first()
            made.append(membership or membership_claim_digital(user=user))
        return made
