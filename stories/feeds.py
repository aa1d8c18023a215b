"""Atom feeds of published stories: the whole book, and one chapter. A feed shows what
its visitor may read, so an anonymous feed reader gets only the stories under open
chapters (a logged-in browser sees what the member sees).

The newest stories are read on the (status, published_at) index and stopped after the
feed's size (StoryQuerySet.newest_page_for_display), and anonymous feed readers, nearly
all of them, share one copy per feed, kept until any story or chapter changes (the
chapters' version, as "Nieuwste verhalen" is kept)."""

from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from book.models import Book, Chapter
from core.cache import cached_page, html_key, sessionless_anonymous

from .models import Story
from .shared import chapters_state

FEED_SIZE = 30


@dataclass(frozen=True)
class _Scope:
    user: object
    chapter: Chapter | None = None


class StoryFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, *args, **kwargs):
        return _Scope(user=request.user)

    def title(self, obj):
        book = Book.objects.current()
        return _("Leerverhalen · %(book)s") % {"book": book.title if book else ""}

    def subtitle(self, obj):
        return _("De nieuwste leerverhalen van de leden, onder de hoofdstukken van het boek.")

    def link(self, obj):
        return reverse("stories:latest")

    def stories(self, obj):
        return Story.objects.visible_to(obj.user).published()

    def items(self, obj):
        return self.stories(obj).newest_page_for_display(0, FEED_SIZE, obj.user)

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        # Already sanitised by core.markdown; the feed writer escapes it as text.
        return item.body_html

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return item.author_name

    def item_categories(self, item):
        return [item.chapter.title]


class ChapterStoryFeed(StoryFeed):
    def get_object(self, request, slug):
        chapter = get_object_or_404(Chapter.objects.visible_to(request.user), slug=slug)
        return _Scope(user=request.user, chapter=chapter)

    def title(self, obj):
        return _("Leerverhalen bij “%(chapter)s”") % {"chapter": obj.chapter.title}

    def link(self, obj):
        return obj.chapter.get_absolute_url() + "#verhalen"

    def stories(self, obj):
        return super().stories(obj).filter(chapter=obj.chapter)


_book_feed = StoryFeed()
_chapter_feed = ChapterStoryFeed()


def _cached_feed(request, name: str, feed):
    key = None
    if sessionless_anonymous(request):
        key = html_key("stories", "feed", name, chapters_state().version)
    response = cached_page(request, key, feed)
    response["Content-Type"] = Atom1Feed.content_type  # a copy from the cache has none
    return response


def story_feed(request):
    return _cached_feed(request, "book", lambda: _book_feed(request))


def chapter_story_feed(request, slug):
    return _cached_feed(request, f"chapter:{slug}", lambda: _chapter_feed(request, slug=slug))
