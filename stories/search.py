"""Searching the book: the chapters' text and the published learning stories.

Who finds what follows the reading rules. Visitors without a copy find open chapters
and the stories beneath them; members find every published chapter and its published
or featured stories. Drafts, stories waiting for a curator and hidden stories are never
found, not by their authors nor by curators: search is for reading.

On PostgreSQL: full-text search in the Dutch configuration (stemming: "gemeenten"
finds "gemeente"), the question read as a web search (`"..."` for a phrase, `-word` to
leave out, `or`), title weighted above summary and body, ranked by ts_rank, snippets by
ts_headline. Elsewhere (SQLite): every word must occur in the title, summary or text,
results with a word in the title first, then the newest.

Snippets are made from plain text (the rendered HTML with its tags stripped), escaped,
and only then are the matches wrapped in <mark>: nothing a member wrote reaches the page
unescaped. The expressions used (SearchVector, SearchQuery, SearchRank) need no
"django.contrib.postgres" in INSTALLED_APPS: its system check concerns model fields,
and this module defines none."""

import html
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import connection
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from book.models import Access, Book, Chapter
from members.models import user_is_member

from .models import Story

SEARCH_MAX_LENGTH = 200
MAX_TERMS = 10
#: Per kind (chapters, stories): a question that matches more is asked too broadly to
#: read page after page of it.
MAX_RESULTS = 200
SNIPPET_LENGTH = 240
EPOCH = datetime.min.replace(tzinfo=UTC)
SEARCH_CONFIG = "dutch"
# Private-use characters mark the matches in ts_headline's output until the text has
# been escaped; they are removed from the text beforehand, so no text can fake them.
START, STOP = "\ue000", "\ue001"
HEADLINE_OPTIONS = (
    f'StartSel="{START}", StopSel="{STOP}", MaxWords=35, MinWords=15, ShortWord=2, '
    'MaxFragments=2, FragmentDelimiter=" … "'
)

# A tag in the HTML that render_markdown makes: nh3 escapes every < and > in the text
# and the attribute values, so a regular expression finds the tags exactly, twenty
# times faster than an HTML parser. A < that starts no tag ("a < b" in a chapter's
# summary) stays.
TAG = re.compile(r"</?[A-Za-z][^>]*>")


@dataclass
class Result:
    kind: str  # "chapter" or "story"
    title: str
    url: str
    text: str
    rank: float
    date: datetime | None
    item: Chapter | Story
    snippet: SafeString = SafeString("")


def uses_full_text() -> bool:
    return connection.vendor == "postgresql"


def search(*, query: str, user) -> list[Result]:
    """Everything `user` may read that matches `query`, best first (at most MAX_RESULTS
    chapters and MAX_RESULTS stories). Snippets are made by `snippets_add`, for the
    page that is shown only."""
    query = " ".join(query.split())[:SEARCH_MAX_LENGTH]
    if not terms_of(query):
        return []
    is_member = user_is_member(user)
    book = Book.objects.current()
    chapters = Chapter.objects.published().filter(book=book)
    if not is_member:
        chapters = chapters.filter(access=Access.OPEN)
    stories = (
        Story.objects.visible_to(user, is_member=is_member)
        .published()
        .filter(chapter__in=chapters)
        .select_related("chapter")
    )
    if uses_full_text():
        chapters, stories = _full_text(query, chapters, stories)
    else:
        chapters, stories = _words(query, chapters, stories)
    results = [
        Result(
            kind="chapter",
            title=chapter.title,
            url=chapter.get_absolute_url(),
            text=_plain(chapter.summary + "\n\n" + chapter.body_html),
            rank=chapter.rank,
            date=chapter.updated_at,
            item=chapter,
        )
        for chapter in chapters[:MAX_RESULTS]
    ] + [
        Result(
            kind="story",
            title=story.title,
            url=story.get_absolute_url(),
            text=_plain(story.body_html),
            rank=story.rank,
            date=story.published_at,
            item=story,
        )
        for story in stories[:MAX_RESULTS]
    ]
    results.sort(key=lambda result: (result.rank, result.date or EPOCH), reverse=True)
    return results


def terms_of(query: str) -> list[str]:
    """The words of a question, without web-search syntax (quotes, a leading minus,
    "or"), at most MAX_TERMS of them."""
    words = [word.strip("\"'()").lstrip("-") for word in query.split()]
    return [word for word in words if word and word.lower() != "or"][:MAX_TERMS]


def _plain(text: str) -> str:
    plain = html.unescape(TAG.sub("", text)).replace(START, "").replace(STOP, "")
    return " ".join(plain.split())


# ---- PostgreSQL ---------------------------------------------------------------------


def _full_text(query: str, chapters: QuerySet, stories: QuerySet) -> tuple[QuerySet, QuerySet]:
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    question = SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)
    chapter_vector = (
        SearchVector("title", weight="A", config=SEARCH_CONFIG)
        + SearchVector("summary", weight="B", config=SEARCH_CONFIG)
        + SearchVector("body", weight="C", config=SEARCH_CONFIG)
    )
    story_vector = SearchVector("title", weight="A", config=SEARCH_CONFIG) + SearchVector(
        "body", "municipality", weight="B", config=SEARCH_CONFIG
    )
    chapters = (
        chapters.annotate(search=chapter_vector, rank=SearchRank(chapter_vector, question))
        .filter(search=question)
        .order_by("-rank", "number")
    )
    stories = (
        stories.annotate(search=story_vector, rank=SearchRank(story_vector, question))
        .filter(search=question)
        .order_by("-rank", "-published_at", "-pk")
    )
    return chapters, stories


def _headlines(query: str, texts: list[str]) -> list[str]:
    """ts_headline for every text, in one query, with START/STOP around the matches."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ts_headline(%s::regconfig, t, websearch_to_tsquery(%s::regconfig, %s), %s) "
            "FROM unnest(%s::text[]) WITH ORDINALITY AS u(t, n) ORDER BY n",
            [SEARCH_CONFIG, SEARCH_CONFIG, query, HEADLINE_OPTIONS, texts],
        )
        return [row[0] for row in cursor.fetchall()]


def _from_markers(headline: str) -> SafeString:
    pieces, inside = [], False
    for part in re.split(f"([{START}{STOP}])", headline):
        if part in (START, STOP):
            inside = part == START
        elif part:
            pieces.append(format_html("<mark>{}</mark>", part) if inside else escape(part))
    # Every piece was escaped (format_html escapes its arguments) before joining.
    return mark_safe("".join(pieces))


# ---- Elsewhere: words in the text ---------------------------------------------------


def _words(query: str, chapters: QuerySet, stories: QuerySet) -> tuple[QuerySet, QuerySet]:
    terms = terms_of(query)

    def matching(queryset, fields, date_order):
        in_title = Q()
        for term in terms:
            queryset = queryset.filter(_any_contains(fields, term))  # every word, somewhere
            in_title |= Q(title__icontains=term)
        return queryset.annotate(
            rank=Case(When(in_title, then=Value(1)), default=Value(0), output_field=IntegerField())
        ).order_by("-rank", *date_order)

    return (
        matching(chapters, ["title", "summary", "body"], ["-updated_at", "number"]),
        matching(stories, ["title", "body", "municipality"], ["-published_at", "-pk"]),
    )


def _any_contains(fields: list[str], term: str) -> Q:
    condition = Q()
    for field in fields:
        condition |= Q(**{f"{field}__icontains": term})
    return condition


def _snippet_around(text: str, terms: list[str]) -> SafeString:
    """A piece of `text` around the first match, escaped, with the matches marked."""
    lower = text.lower()
    found = [position for term in terms if (position := lower.find(term.lower())) >= 0]
    start = max(0, min(found, default=0) - SNIPPET_LENGTH // 4)
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < start + 20 else start
    end = min(len(text), start + SNIPPET_LENGTH)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    fragment = text[start:end]
    pattern = re.compile(
        "|".join(re.escape(term) for term in sorted(terms, key=len, reverse=True)),
        re.IGNORECASE,
    )
    pieces, last = [], 0
    for match in pattern.finditer(fragment) if terms else ():
        pieces.append(escape(fragment[last : match.start()]))
        pieces.append(format_html("<mark>{}</mark>", match.group()))
        last = match.end()
    pieces.append(escape(fragment[last:]))
    prefix = "… " if start else ""
    suffix = " …" if end < len(text) else ""
    # Every piece was escaped (format_html escapes its arguments) before joining.
    return mark_safe(prefix + "".join(pieces) + suffix)


def snippets_add(query: str, results: list[Result]) -> None:
    """Give each result its snippet (for the results on the page shown: one query on
    PostgreSQL for all of them)."""
    if not results:
        return
    if uses_full_text():
        for result, headline in zip(
            results, _headlines(query, [r.text for r in results]), strict=True
        ):
            result.snippet = _from_markers(headline)
        return
    terms = terms_of(query)
    for result in results:
        result.snippet = _snippet_around(result.text, terms)
