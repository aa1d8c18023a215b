"""Uploads, sent only to who may see the page they belong to.

Each folder under MEDIA_ROOT holds the files of one kind of page (the `upload_to` of
their fields), and that page's own access rule decides; none is restated here:

- `stories/`: a story's photo and thumbnail, for whom Story.objects.visible_to holds
  the story (pending, hidden and members-only stories included, as their pages are);
  a new photo in an edit that waits for a curator, for its author and curators
  (StoryRevision.objects.seen_by);
- `profiles/`: a member's photo and thumbnail, Profile.objects.photo_visible_to;
- `chapters/`: a chapter's illustration, Chapter.objects.readable_by;
- `editions/`: a published edition's cover (as public as the edition) and its chapters'
  illustrations, EditionChapter.is_readable_by;
- `book/`: the book's cover, on the home page for everyone;
- `organisations/`: an organisation's logo and its thumbnail, public as its page is;
- `meetings/`: a meeting's photo and thumbnail, Meeting.objects.visible_to.
- `pending/`: a photo chosen in a form not yet saved (core.models.PendingPhoto), for
  the member who chose it only.

A name no row holds (a file left behind, a guess, another folder) is a 404, and so is a
file the visitor may not see: a 404 rather than a 403 says nothing about whether it
exists. core.media turns a granted name into the response."""

from collections.abc import Callable

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.http import Http404
from django.views.decorators.http import require_safe

from book.models import Book, Chapter
from core.media import upload_name, upload_response
from core.models import PendingPhoto
from editions.models import Edition, EditionChapter
from meetings.models import Meeting
from members.models import Profile
from organisations.models import Organisation
from stories.models import Story, StoryRevision

ANONYMOUS = AnonymousUser()


def _story_file(user, name: str) -> bool:
    photo = Q(photo=name) | Q(thumbnail=name)
    if Story.objects.visible_to(user).filter(photo).exists():
        return True
    return StoryRevision.objects.pending().seen_by(user).filter(photo).exists()


def _profile_file(user, name: str) -> bool:
    return Profile.objects.photo_visible_to(user).filter(Q(photo=name) | Q(thumbnail=name)).exists()


def _chapter_file(user, name: str) -> bool:
    return Chapter.objects.readable_by(user).filter(illustration=name).exists()


def _edition_file(user, name: str) -> bool:
    published = Edition.objects.published()
    if published.filter(cover=name).exists():
        return True
    chapters = EditionChapter.objects.filter(edition__in=published, illustration=name)
    return any(chapter.is_readable_by(user) for chapter in chapters.only("access"))


def _meeting_file(user, name: str) -> bool:
    return Meeting.objects.visible_to(user).filter(Q(photo=name) | Q(thumbnail=name)).exists()


def _pending_file(user, name: str) -> bool:
    return (
        PendingPhoto.objects.of_user(user)
        .unused()
        .filter(Q(image=name) | Q(thumbnail=name))
        .exists()
    )


def _book_file(user, name: str) -> bool:
    return Book.objects.filter(cover=name).exists()


def _organisation_file(user, name: str) -> bool:
    return Organisation.objects.filter(Q(logo=name) | Q(logo_thumbnail=name)).exists()


#: The first folder of an upload's name -> whether a user may see that upload.
RULES: dict[str, Callable[..., bool]] = {
    "stories": _story_file,
    "profiles": _profile_file,
    "chapters": _chapter_file,
    "editions": _edition_file,
    "book": _book_file,
    "organisations": _organisation_file,
    "meetings": _meeting_file,
    "pending": _pending_file,
}


@require_safe
def upload(request, path):
    """MEDIA_URL + `path`: the upload, when its page's rule lets this visitor see it.
    One that anyone may see goes out cacheable; the others private and not stored."""
    name = upload_name(path)
    allowed = RULES.get(name.split("/", 1)[0]) if name else None
    if name is None or allowed is None or not allowed(request.user, name):
        raise Http404("No such upload")
    public = not request.user.is_authenticated or allowed(ANONYMOUS, name)
    return upload_response(name, public=public)
