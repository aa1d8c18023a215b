"""A member writes: their stories submitted, edited and deleted (replies are written in
stories.reactions), within the limits on new members.

Moderation (settings.STORIES_MODERATION):
  "pre"   every submitted story waits for a curator (status pending), and so does an
          edit of a published story;
  "post"  stories are published at once; curators hide what should not be there;
  "auto"  (default) a member's stories wait for a curator until one of them has been
          approved ("trusted author"); after that they are published at once.
Curators (staff) publish at once in every mode.

Spam limits: a member without an approved story yet ("new member", the same test as
"auto" moderation uses: approval by a curator, not the passing of time, is what earns
trust) may post at most NEW_MEMBER_STORIES_PER_HOUR stories and
NEW_MEMBER_REPLIES_PER_HOUR replies per hour. Trusted members and curators have a ceiling
too, higher (settings.STORIES_TRUSTED_STORIES_PER_HOUR, STORIES_TRUSTED_REPLIES_PER_HOUR):
an account taken over, or a script, cannot flood the book. The counts come from the
database rows, so they hold across processes without a shared cache.

Double submission: the write form carries a `submission_key` (a UUID made when the
form is shown); submitting the same key again returns the story the first submit made,
and a unique constraint (author, submission_key) settles two requests racing."""

import uuid
from collections.abc import Iterable
from datetime import timedelta
from typing import Literal

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, models, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from django_stubs_ext import StrOrPromise

from book.models import Chapter
from book.services import chapter_stories_changed
from core.images import ProcessedPhoto, files_delete_on_commit, photo_set
from core.markdown import render_markdown
from members.models import Membership, membership_display_name
from organisations.matching import normalised
from organisations.models import Affiliation, Organisation

from . import notifications
from .exceptions import NotAllowed, RateLimited
from .models import NotificationKind, Status, Story, StoryRevision, Theme

NEW_MEMBER_STORIES_PER_HOUR = 3
NEW_MEMBER_REPLIES_PER_HOUR = 10
MODERATION_MODES = {"pre", "post", "auto"}


def moderation_mode() -> str:
    mode = getattr(settings, "STORIES_MODERATION", "auto")
    if mode not in MODERATION_MODES:
        raise ValueError(f"STORIES_MODERATION must be one of {sorted(MODERATION_MODES)}")
    return mode


def author_is_trusted(membership: Membership, *, other_than: Story | None = None) -> bool:
    """Whether a curator has approved one of this member's stories (and it is still
    out in the open: a story hidden later no longer vouches for its author). For an
    edit, `other_than` is the story edited: its approval was of the text it had, and
    does not vouch for what it is rewritten into."""
    stories = Story.objects.published().filter(author=membership)
    if other_than is not None:
        stories = stories.exclude(pk=other_than.pk)
    return stories.exists()


def trusted_author_q(path: str) -> Exists:
    """author_is_trusted as a condition on the membership at `path` of another query."""
    return Exists(Story.objects.published().filter(author=OuterRef(path)))


def _is_curator(membership: Membership) -> bool:
    return bool(membership.user and membership.user.is_staff)


def profile_municipality(membership: Membership) -> str:
    """The member's municipality (the first they chose on "Mijn organisaties"); empty
    without one."""
    return Affiliation.objects.municipality_names([membership.pk]).get(membership.pk, "")


def story_organisation(
    *, author: Membership, chosen: Organisation | None | Literal["auto"]
) -> Organisation | None:
    """The organisation a story of `author` names: "auto" gives the one organisation
    the author belongs to by a verified affiliation (none when there are several or none:
    then the author chooses); a chosen one must be one of those (or None)."""
    options = list(Organisation.objects.verified_for(author))
    if chosen == "auto":
        return options[0] if len(options) == 1 else None
    if chosen is not None and chosen not in options:
        raise NotAllowed(
            _("Een verhaal kan alleen een organisatie noemen waar je bevestigd bij hoort.")
        )
    return chosen


def rate_check(
    membership: Membership,
    *,
    model: type[models.Model],
    limit: int,
    message: StrOrPromise,
    trusted_limit: int,
    trusted_message: StrOrPromise,
) -> None:
    """Refuses a new row of `model` by `membership` past the hourly ceiling: `limit` for
    a new member, `trusted_limit` for a trusted member or a curator. The messages take
    the ceiling as `limit`. `model` has an `author` (a Membership) and a `created_at`:
    a story, a reply, or another app's writing (an introduction's message, a suggestion)."""
    if _is_curator(membership) or author_is_trusted(membership):
        limit, message = trusted_limit, trusted_message
    since = timezone.now() - timedelta(hours=1)
    written = model._default_manager.filter(author=membership, created_at__gte=since)
    if written.count() >= limit:
        raise RateLimited(message % {"limit": limit})


def status_on_submit(membership: Membership) -> str:
    mode = moderation_mode()
    if mode == "post" or _is_curator(membership):
        return Status.PUBLISHED
    if mode == "auto" and author_is_trusted(membership):
        return Status.PUBLISHED
    return Status.PENDING


def _publish(story: Story, status: str = Status.PUBLISHED) -> None:
    story.status = status
    story.hidden_reason = ""
    if story.published_at is None:
        story.published_at = timezone.now()


def story_submit(
    *,
    author: Membership,
    chapter: Chapter,
    title: str,
    body: str,
    draft: bool = False,
    submission_key: uuid.UUID | None = None,
    themes: Iterable[Theme] = (),
    municipality: str = "",
    organisation: Organisation | None | Literal["auto"] = "auto",
    photo: ProcessedPhoto | None = None,
    photo_alt: str = "",
) -> Story:
    """A new story by `author` beneath `chapter`: a draft, or submitted (then pending or
    published as the moderation mode says). The same `submission_key` twice gives the
    story made the first time. It names the author's organisation (story_organisation):
    their only verified one unless `organisation` says which, or None for none."""
    submission_key = submission_key or uuid.uuid4()
    with transaction.atomic():
        existing = Story.objects.filter(author=author, submission_key=submission_key).first()
        if existing is not None:
            return existing
        rate_check(
            author,
            model=Story,
            limit=NEW_MEMBER_STORIES_PER_HOUR,
            message=ngettext_lazy(
                "Je hebt het afgelopen uur al %(limit)d verhaal geplaatst. Nieuwe leden "
                "kunnen %(limit)d verhaal per uur plaatsen; probeer het later nog eens. "
                "Je tekst staat hieronder nog klaar.",
                "Je hebt het afgelopen uur al %(limit)d verhalen geplaatst. Nieuwe leden "
                "kunnen %(limit)d verhalen per uur plaatsen; probeer het later nog eens. "
                "Je tekst staat hieronder nog klaar.",
                "limit",
            ),
            trusted_limit=settings.STORIES_TRUSTED_STORIES_PER_HOUR,
            trusted_message=_(
                "Je hebt het afgelopen uur al %(limit)d verhalen geplaatst; meer kan er in "
                "een uur niet bij. Probeer het later nog eens. Je tekst staat hieronder nog "
                "klaar."
            ),
        )
        story = Story(
            chapter=chapter,
            author=author,
            organisation=story_organisation(author=author, chosen=organisation),
            title=title.strip(),
            body=body,
            body_html=render_markdown(body).html,
            municipality=municipality.strip() or profile_municipality(author),
            photo_alt=photo_alt.strip(),
            submission_key=submission_key,
            status=Status.DRAFT,
        )
        if not draft:
            status = status_on_submit(author)
            if status == Status.PUBLISHED:
                _publish(story)
            else:
                story.status = status
        photo_set(story, photo, remove=False)
        try:
            with transaction.atomic():
                story.save()
        except IntegrityError:
            # Another request with the same key got there first: that story is the one.
            files_delete_on_commit([story.photo.name, story.thumbnail.name])
            return Story.objects.get(author=author, submission_key=submission_key)
        story.themes.set(themes)
        if story.is_public:
            chapter_stories_changed(chapters=[story.chapter_id])
        return story


def story_update(
    *,
    story: Story,
    editor: User,
    title: str,
    body: str,
    submit: bool = False,
    themes: Iterable[Theme] | None = None,
    municipality: str | None = None,
    organisation: Organisation | None | Literal["keep"] = "keep",
    photo: ProcessedPhoto | None = None,
    remove_photo: bool = False,
    photo_alt: str | None = None,
) -> Story:
    """The author (or a co-author) changes the story. A draft stays a draft unless `submit`; a
    published story stays published and is marked as edited. An edit of a published
    story that must wait for a curator (edit_waits_for_curator) is kept as a
    StoryRevision instead, and readers keep the published version until a curator
    approves it. A hidden story cannot be edited: it is with the curators.
    `organisation` (one of the author's verified ones, or None) changes the organisation
    the story names at once, also when the text waits: it says who the author works
    with, which a verified affiliation already vouches for."""
    with transaction.atomic():
        story = (
            Story.objects.select_for_update(of=("self",)).select_related("author").get(pk=story.pk)
        )
        if story.author is None or not story.may_edit(editor):
            raise NotAllowed
        if story.status == Status.HIDDEN:
            raise NotAllowed(
                _("Dit verhaal is verborgen door een curator en kan niet worden bewerkt.")
            )
        if organisation != "keep" and organisation != story.organisation:
            story.organisation = story_organisation(author=story.author, chosen=organisation)
            story.save(update_fields=["organisation", "updated_at"])
        if story.is_public and edit_waits_for_curator(story):
            _revision_save(
                story,
                title=title,
                body=body,
                municipality=story.municipality if municipality is None else municipality,
                photo_alt=story.photo_alt if photo_alt is None else photo_alt,
                photo=photo,
                remove_photo=remove_photo,
            )
            if themes is not None:
                story.themes.set(themes)
                chapter_stories_changed(chapters=[story.chapter_id])
            return story
        story.title = title.strip()
        story.body = body
        story.body_html = render_markdown(body).html
        if municipality is not None:
            story.municipality = municipality.strip()
        if photo_alt is not None:
            story.photo_alt = photo_alt.strip()
        stale = photo_set(story, photo, remove=remove_photo)
        if story.status == Status.DRAFT and submit:
            status = status_on_submit(story.author)
            if status == Status.PUBLISHED:
                _publish(story)
            else:
                story.status = status
        elif story.is_public:
            story.edited = True
        story.save()
        if themes is not None:
            story.themes.set(themes)
        chapter_stories_changed(chapters=[story.chapter_id])
        files_delete_on_commit(stale)
        return story


def story_coauthor_add(*, story: Story, membership: Membership) -> Story:
    """`membership` wrote `story` together with its author: credited beside them, and
    may edit it. Who may become a co-author is decided by the app that asks (an
    introduction both said yes to); here only that the story has an author and that
    it is not the author themselves."""
    with transaction.atomic():
        story = Story.objects.select_for_update(of=("self",)).get(pk=story.pk)
        if story.author_id is None or story.author_id == membership.pk:
            raise NotAllowed
        story.coauthors.add(membership)
        # The cached pages show the authors' names; the story's page reads the version.
        story.save(update_fields=["updated_at"])
        chapter_stories_changed(chapters=[story.chapter_id])
        return story


def story_coauthor_remove(*, story: Story, membership: Membership, user: User) -> bool:
    """`membership` no longer writes `story`: they withdraw their name (`user` is
    theirs), or the author takes them off (`user` is the author's). Their name leaves
    the story and its cached copies at once and they no longer edit it; the other side
    hears of it by e-mail, unless they switched off "Nieuws over mijn verhalen".
    Returns False, changing and sending nothing, when `membership` no longer writes it
    (a second click). Refused (NotAllowed) for anyone else. The published editions
    are the editions app's part (community.coauthorship composes the two)."""
    with transaction.atomic():
        story = (
            Story.objects.select_for_update(of=("self",))
            .select_related("author__user", "author__profile")
            .get(pk=story.pk)
        )
        withdrawing = membership.user_id is not None and membership.user_id == user.pk
        if not (withdrawing or story.is_by(user)):
            raise NotAllowed
        if not story.coauthors.filter(pk=membership.pk).exists():
            return False
        story.coauthors.remove(membership)
        # The cached pages show the authors' names; the story's page reads the version.
        story.save(update_fields=["updated_at"])
        chapter_stories_changed(chapters=[story.chapter_id])
        told, by = (story.author, membership) if withdrawing else (membership, story.author)
        if told is not None and by is not None:
            notifications.notify(
                membership=told,
                kind=NotificationKind.STORY_UPDATES,
                template="coauthor_withdrew" if withdrawing else "coauthor_removed",
                context={
                    "story": story,
                    "other_name": membership_display_name(by),
                    "story_url": lambda: notifications.absolute_url(story.get_absolute_url()),
                },
            )
        return True


def edit_waits_for_curator(story: Story) -> bool:
    """Whether an edit of this published story waits for a curator: any edit of a
    featured story, and in "auto" mode an edit by an author no other approved story
    vouches for (in "pre" mode every edit, in "post" mode none). A curator's own edits
    never wait. A story without an author (who left) is edited by nobody: its edits wait."""
    author = story.author
    if author is None:
        return True
    if _is_curator(author):
        return False
    if story.status == Status.FEATURED:
        return True
    mode = moderation_mode()
    if mode == "post":
        return False
    return mode == "pre" or not author_is_trusted(author, other_than=story)


def _revision_save(
    story: Story,
    *,
    title: str,
    body: str,
    municipality: str,
    photo_alt: str,
    photo: ProcessedPhoto | None,
    remove_photo: bool,
) -> StoryRevision:
    """The edit as a revision waiting for a curator; editing again while one waits
    replaces its text (and its photo, when a new one is chosen or it is removed)."""
    revision = StoryRevision.objects.select_for_update().pending().filter(story=story).first()
    revision = revision or StoryRevision(story=story)
    revision.title = title.strip()
    revision.body = body
    revision.body_html = render_markdown(body).html
    revision.municipality = municipality.strip()
    revision.photo_alt = photo_alt.strip()
    revision.created_at = timezone.now()
    stale = []
    if photo is not None or remove_photo:
        stale = photo_set(revision, photo, remove=remove_photo)
        revision.remove_photo = photo is None
    revision.save()
    files_delete_on_commit(stale)
    return revision


def revision_apply(story: Story, revision: StoryRevision) -> list[str | None]:
    """Put an approved revision's text and photo on the story (not saved); returns the
    story's files it no longer uses."""
    story.title = revision.title
    story.body = revision.body
    story.body_html = render_markdown(revision.body).html
    story.municipality = revision.municipality
    story.photo_alt = revision.photo_alt
    story.edited = True
    if not (revision.photo or revision.remove_photo):
        return []
    stale = [f.name for f in (story.photo, story.thumbnail) if f]
    story.photo, story.thumbnail = revision.photo.name, revision.thumbnail.name
    story.photo_width, story.photo_height = revision.photo_width, revision.photo_height
    return stale


def story_delete(*, story: Story, user: User) -> None:
    """The author removes their story, with its reactions, replies and reports. Allowed
    in every state, hidden too: what someone wrote remains theirs to take back."""
    with transaction.atomic():
        story = (
            Story.objects.select_for_update(of=("self",)).select_related("author").get(pk=story.pk)
        )
        if not story.is_by(user):
            raise NotAllowed
        files = [story.photo.name, story.thumbnail.name]
        for revision in story.revisions.exclude(photo=""):
            files += [revision.photo.name, revision.thumbnail.name]
        chapter_stories_changed(chapters=[story.chapter_id])
        story.delete()
        files_delete_on_commit(files)


def stories_organisation_move(*, source: Organisation, target: Organisation) -> int:
    """Stories naming `source` (a merged municipality) name `target` from now on."""
    with transaction.atomic():
        moved = Story.objects.filter(organisation=source).update(organisation=target)
    if moved:
        chapter_stories_changed()
    return moved


def stories_organisation_from_text(*, text: str, organisation: Organisation) -> int:
    """Stories without an organisation whose municipality reads `text` (in any spelling
    that normalises to it) name `organisation` from now on."""
    key = normalised(text)
    with transaction.atomic():
        stories = Story.objects.filter(organisation=None).exclude(municipality="")
        texts = {t for t in stories.values_list("municipality", flat=True) if normalised(t) == key}
        moved = stories.filter(municipality__in=texts).update(organisation=organisation)
    if moved:
        chapter_stories_changed()
    return moved
