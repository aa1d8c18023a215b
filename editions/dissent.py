""" "Tegengeluid": the appendix of an edition that keeps the dissent the curators kept
as such, when its author agreed (suggestions: `Suggestion.objects.dissent_for_edition`,
the consent asked by e-mail and given with a POST). Copied into the edition when it is
published, like its chapters and stories, so the web, print and EPUB editions show the
same forever; the author's credit as they showed it then, and leaving reaches it:
kept as "een oud-lid" or taken out, as the member chooses for their stories."""

from book.models import Book
from members.models import Membership, membership_chosen_name
from suggestions.models import Suggestion

from .changes import shown_organisations
from .models import Edition, EditionDissent


def dissent_copy(*, edition: Edition, book: Book) -> None:
    """The consented dissent under the book's published chapters, into `edition` (in
    the publishing transaction). Three queries whatever their number."""
    voices = list(Suggestion.objects.dissent_for_edition().filter(chapter__book=book))
    organisations = shown_organisations({s.author_id for s in voices if s.author_id})
    copies = []
    for position, voice in enumerate(voices, start=1):
        author: Membership | None = voice.author
        present = author is not None and author.user_id is not None
        copies.append(
            EditionDissent(
                edition=edition,
                position=position,
                chapter_title=voice.chapter.title,
                access=voice.chapter.access,
                section_title=voice.section_title,
                quote=voice.quote,
                explanation_html=voice.explanation_html,
                author_name=membership_chosen_name(author) if present and author else "",
                member_number=author.number if present and author else None,
                organisation_name=organisations.get(voice.author_id or 0, ""),
                member=author if present else None,
            )
        )
    EditionDissent.objects.bulk_create(copies)


def dissent_on_account_delete(*, membership: Membership, keep: bool) -> list[int]:
    """The member's voices in editions' appendices: kept as "een oud-lid" (no name,
    number or organisation) or taken out. Returns the editions concerned."""
    voices = EditionDissent.objects.filter(member=membership)
    editions = list(voices.values_list("edition_id", flat=True).distinct())
    if keep:
        voices.update(author_name="", member_number=None, organisation_name="", member=None)
    else:
        voices.delete()
    return editions
