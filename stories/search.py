"""Searching the book: the chapters' text and the published learning stories.

Who finds what follows the reading rules. Visitors without a copy find open chapters
and the stories beneath them; members find every published chapter and its published
or featured stories. Drafts, stories waiting for a curator and hidden stories are never
found, not by their authors nor by curators: search is for reading.

On PostgreSQL: full-text search in the Dutch configuration (stemming: "gemeenten"
finds "gemeente"), the question read as a web search (`"..."` for a phrase, `-word` to
leave out, `or`), title weighted above summary and body, ranked by ts_rank, snippets by
ts_headline. Stories are matched through their stored tsvector and its GIN index
(migration stories 0007) and at most RANK_CANDIDATES of them, the newest, are ranked. On SQLite: the FTS5 indexes of migration stories 0006, kept in step by
triggers. Every word must occur in the title, summary or text (a story's municipality
counts as its text), as a whole word, case and accents aside ("cafe" finds "Café");
results with a word in the title first, then the newest. `search` reads the order of
the matches only (one query for the chapters, one or two for the stories: the stories'
ids and dates come out of the index); `details_add` reads the chapters and stories of
the page that is shown, the stories' titles among them.

Snippets are made from plain text (the rendered HTML with its tags stripped), escaped,
and only then are the matches wrapped in <mark>: nothing a member wrote reaches the page
unescaped. The expressions used (SearchVector, SearchQuery, SearchRank, and
SearchVectorField as an output type) need no "django.contrib.postgres" in
INSTALLED_APPS: its system check concerns model fields, and no model declares one."""

import functools
import html
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import groupby

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVectorField,
)
from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Expression, QuerySet
from django.db.models.sql.compiler import SQLCompiler
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from book.models import Book, Chapter, Reader, chapter_url
from organisations.models import Organisation

from .models import Story, story_slug, story_url

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
    pk: int
    title: str
    rank: float
    date: datetime | None
    # These (and on SQLite a story's title) are read by `details_add`, for the page shown.
    number: int = 0  # the chapter's, or the story's chapter's
    url: str = ""
    text: str = ""
    snippet: SafeString = SafeString("")

    @property
    def label(self) -> str:
        """What the result is, above its title. Made here rather than with
        {% blocktranslate %} in the template: eight times faster for a page of them."""
        if self.kind == "chapter":
            return _("Hoofdstuk %(number)s") % {"number": self.number}
        return _("Leerverhaal bij hoofdstuk %(number)s") % {"number": self.number}


def uses_full_text() -> bool:
    return connection.vendor == "postgresql"


def search(
    *,
    query: str,
    user: Reader,
    organisation: Organisation | None = None,
    province: str = "",
) -> list[Result]:
    """Everything `user` may read that matches `query`, best first (at most MAX_RESULTS
    chapters and MAX_RESULTS stories). Their text and snippets are added by
    `details_add`, for the page that is shown only. With an organisation or a province,
    only the stories that name that organisation (or one in that province): the filter
    is part of the query that chooses the matches, so the bounds count the stories it
    leaves, and no match of theirs is lost behind the matches of others."""
    query = " ".join(query.split())[:SEARCH_MAX_LENGTH]
    if not terms_of(query):
        return []
    named = None
    if organisation is not None or province:
        named = _naming(organisation=organisation, province=province)
    if uses_full_text():
        results = _full_text_results(query, user, named)
    else:
        results = _index_results(query, user, named)
    results.sort(key=lambda result: (result.rank, result.date or EPOCH), reverse=True)
    return results


def _naming(*, organisation: Organisation | None, province: str) -> QuerySet[Story]:
    """The stories that name `organisation` (and an organisation in `province`): those a
    filtered search looks among, on either database."""
    stories = Story.objects.all()
    if organisation is not None:
        stories = stories.filter(organisation=organisation)
    if province:
        stories = stories.filter(organisation__province=province)
    return stories


def terms_of(query: str) -> list[str]:
    """The words of a question, without web-search syntax (quotes, a leading minus,
    "or"), at most MAX_TERMS of them."""
    words = [word.strip("\"'()").lstrip("-") for word in query.split()]
    return [word for word in words if word and word.lower() != "or"][:MAX_TERMS]


def _plain(text: str) -> str:
    plain = html.unescape(TAG.sub("", text)).replace(START, "").replace(STOP, "")
    return " ".join(plain.split())


# ---- PostgreSQL ---------------------------------------------------------------------


def _full_text_results(query: str, user: Reader, named: QuerySet[Story] | None) -> list[Result]:
    """The order of the matches only: ids, titles, ranks and dates. The text, links and
    chapter numbers are read by `details_add`, for the page that is shown. With `named`,
    the stories among those only (before they are bounded and ranked), and no chapters."""
    book = Book.objects.current()
    chapters = Chapter.objects.readable_by(user).published().filter(book=book)
    stories = Story.objects.readable_by(user).filter(chapter__in=chapters)
    if named is not None:
        stories = stories.filter(pk__in=named.values("pk"))
    ranked_chapters, ranked_stories = _full_text(query, chapters, stories)
    found = []
    if named is None:
        found = [
            Result(kind="chapter", pk=pk, title=title, rank=rank, date=updated_at)
            for pk, title, rank, updated_at in ranked_chapters.values_list(
                "pk", "title", "rank", "updated_at"
            )[:MAX_RESULTS]
        ]
    # The newest RANK_CANDIDATES matches, best first: sorted here, as the database would
    # (rank, then the newest), at most a thousand short rows.
    candidates = _ranked(query, ranked_stories)
    best = sorted(candidates, key=lambda row: (row[0], row[1] or EPOCH, row[2]), reverse=True)[
        :MAX_RESULTS
    ]
    return found + [
        Result(kind="story", pk=pk, title=title, rank=rank, date=published_at)
        for rank, published_at, pk, title in best
    ]


#: At most this many stories matching a question are ranked: the newest of them, read
#: through the GIN index of migration stories 0007. A question that matches more is
#: answered from its newest matches, so that a common word costs no more than a rare one.
RANK_CANDIDATES = 1000


class StoredVector(Expression):
    """The stored tsvector of a story or a chapter (migrations stories 0007 and 0011), a
    column the models do not declare: named with the alias the query gives the table, so
    it holds inside a subquery too."""

    output_field = SearchVectorField()

    def as_sql(  # type: ignore[override]  # Django's own expressions return lists too
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, list]:
        return f"{compiler.quote_name(compiler.query.base_table)}.search_vector", []


def _full_text(query: str, chapters: QuerySet, stories: QuerySet) -> tuple[QuerySet, QuerySet]:
    question = SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)
    chapters = (
        chapters.annotate(search=StoredVector(), rank=SearchRank(StoredVector(), question))
        .filter(search=question)
        .order_by("-rank", "number")
    )
    # The candidates with their stored vector, each row read once: `_ranked` ranks them.
    stories = (
        stories.annotate(search=StoredVector())
        .filter(search=question)
        .order_by("-published_at", "-pk")
        .values_list("search", "published_at", "pk", "title")[:RANK_CANDIDATES]
    )
    return chapters, stories


def _ranked(query: str, candidates: QuerySet) -> list[tuple]:
    """(rank, published_at, pk, title) of each of `candidates` (`_full_text`): ranked in
    an outer query over the chosen ones, with the vector the inner one read. Ranked in
    the inner query, every match was ranked before the newest were chosen (a common word
    matches nearly half of all stories: 7,000 ranked for 1,000 kept, 58 -> 41 ms); ranking
    the chosen ids in an outer query by pk read each row a second time."""
    sql, params = candidates.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ts_rank(c.v, websearch_to_tsquery(%s::regconfig, %s)), c.p, c.i, c.t "
            f"FROM ({sql}) AS c(v, p, i, t)",
            [SEARCH_CONFIG, query, *params],
        )
        return cursor.fetchall()


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


# ---- SQLite: the FTS5 indexes of migration stories 0006 ---------------------------

# In stories_search_story: the mark before each word of a title ("heading") and before
# the chapter's id ("chapter"). Private-use characters: they are no word of a question.
HEADING_MARK, CHAPTER_MARK = "\ue002", "\ue003"
#: The story index's rowid is the second of publication above the story's id, both
#: counted back (the newest first): 2**32 - 1 less the second in the upper bits,
#: 2**31 - 1 less the id in the lowest 31.
STORY_ID_BITS, LAST_SECOND = 31, (1 << 32) - 1
STORY_ID_MASK = (1 << STORY_ID_BITS) - 1

# The chapters the reader may read (the published ones of the current book among
# Chapter.objects.readable_by, whose SQL is put in for {readable}), each with whether
# every word occurs in it and whether a word occurs in its title.
CHAPTERS_SQL = (
    "SELECT c.id, c.title, CAST(c.updated_at AS TEXT),"
    " c.id IN (SELECT rowid FROM stories_search_chapter WHERE stories_search_chapter MATCH %s),"
    " c.id IN (SELECT rowid FROM stories_search_chapter WHERE stories_search_chapter MATCH %s)"
    " FROM book_chapter c"
    " WHERE c.is_published AND c.book_id = (SELECT id FROM book_book ORDER BY id LIMIT 1)"
    " AND c.id IN ({readable})"
    " ORDER BY c.number, c.id"
)
CHAPTER_DETAILS_SQL = (
    "SELECT id, number, slug, summary, body_html FROM book_chapter WHERE id IN ({})"
)
STORY_DETAILS_SQL = (
    "SELECT s.id, c.number, s.title, s.body_html FROM stories_story s"
    " JOIN book_chapter c ON c.id = s.chapter_id WHERE s.id IN ({})"
)
# The newest matching stories, newest first: read in the index's order and stopped at the
# limit, whatever the number of matches. The rowids alone: the id and date are in them,
# and reading the stories' rows for their titles would cost more than the search.
STORIES_SQL = (
    "SELECT rowid FROM stories_search_story WHERE stories_search_story MATCH %s{named}"
    " ORDER BY rowid LIMIT %s"
)
# A filtered search: only the stories among {named} (ids, the SQL of a queryset), taken
# from the rowid, checked on each match before the limit counts it.
NAMED_SQL = f" AND {STORY_ID_MASK} - (rowid & {STORY_ID_MASK}) IN ({{named}})"


def words_of(query: str) -> list[str]:
    """The words of a question as the SQLite indexes split text into words: runs of
    letters and digits (with their accents), in lower case, each once, at most MAX_TERMS.
    Anything else (quotes, *, :, parentheses, private-use characters) only separates
    words, so no question can be read as FTS5 syntax."""
    words = []
    for term in terms_of(query):
        for is_word, chars in groupby(term, _is_word_character):
            word = "".join(chars).lower()
            if is_word and word not in words and any(char.isalnum() for char in word):
                words.append(word)
    return words[:MAX_TERMS]


def _is_word_character(char: str) -> bool:
    return char.isalnum() or unicodedata.category(char).startswith("M")


def _phrase(text: str) -> str:
    """`text` as an FTS5 string: between double quotes, its own double quotes doubled."""
    return '"' + text.replace('"', '""') + '"'


def _aware(value: str | None) -> datetime | None:
    """A datetime as SQLite holds it (text, in UTC, without the zone). Read as text and
    parsed here: a third of the cost of the database adapter's parsing."""
    return datetime.fromisoformat(value).replace(tzinfo=UTC) if value else None


def _story_result(rowid: int, rank: int) -> Result:
    """A story found, from its rowid in the index: its id, and its date to the second
    (enough to place it among the chapters; the stories are in order already). Its title
    is read with the rest, for the page that is shown."""
    second = LAST_SECOND - (rowid >> STORY_ID_BITS)
    return Result(
        kind="story",
        pk=STORY_ID_MASK - (rowid & STORY_ID_MASK),
        title="",
        rank=rank,
        date=datetime.fromtimestamp(second, UTC) if second else None,
    )


def _readable_chapters_sql(user: Reader) -> tuple[str, tuple]:
    """The access rule's SQL for `user`: the ids of the chapters they may read."""
    query = Chapter.objects.readable_by(user).values("pk").query
    return query.sql_with_params()


def _index_results(query: str, user: Reader, named: QuerySet[Story] | None) -> list[Result]:
    """As `_full_text_results`, from the FTS5 indexes: the chapters are read for the
    stories' sake also when a filter (`named`) leaves out the chapters' results."""
    words = words_of(query)
    if not words:
        return []
    stories_sql, named_params = STORIES_SQL.format(named=""), ()
    if named is not None:
        named_sql, named_params = named.order_by().values("pk").query.sql_with_params()
        stories_sql = STORIES_SQL.format(named=NAMED_SQL.format(named=named_sql))
    every = " AND ".join(_phrase(word) for word in words)
    any_in_title = " OR ".join(_phrase(word) for word in words)
    with connection.cursor() as cursor:
        readable, readable_params = _readable_chapters_sql(user)
        cursor.execute(
            CHAPTERS_SQL.format(readable=readable),
            [every, f"title : ({any_in_title})", *readable_params],
        )
        chapters = cursor.fetchall()
        if not chapters:
            return []
        in_chapters = " OR ".join(_phrase(f"{CHAPTER_MARK}{pk}") for pk, *_row in chapters)
        in_heading = " OR ".join(_phrase(f"{HEADING_MARK}{word}") for word in words)
        stories = f"{every} AND chapter : ({in_chapters})"
        cursor.execute(
            stories_sql,
            [f"{stories} AND heading : ({in_heading})", *named_params, MAX_RESULTS],
        )
        first = cursor.fetchall()
        rest = []
        if len(first) < MAX_RESULTS:
            # Every match, newest first; those with a word in the title are all in
            # `first` already, so this many are enough.
            cursor.execute(stories_sql, [stories, *named_params, MAX_RESULTS])
            in_first = set(first)
            rest = [row for row in cursor.fetchall() if row not in in_first]
    results = [
        Result(kind="chapter", pk=pk, title=title, rank=in_title, date=_aware(updated_at))
        for pk, title, updated_at, found, in_title in chapters
        if found and named is None
    ][:MAX_RESULTS]
    for rank, rows in ((1, first), (0, rest[: MAX_RESULTS - len(first)])):
        results += [_story_result(rowid, rank) for (rowid,) in rows]
    return results


def _details_read(results: list[Result]) -> None:
    """The chapter numbers, links and plain text of `results` (and the stories' titles),
    read in one query for the chapters and one for the stories. A result whose story or chapter went while the
    page was made is left out."""
    found, link = {}, _story_linker()
    with connection.cursor() as cursor:
        for kind, sql in (("chapter", CHAPTER_DETAILS_SQL), ("story", STORY_DETAILS_SQL)):
            pks = [result.pk for result in results if result.kind == kind]
            if pks:
                cursor.execute(sql.format(", ".join(["%s"] * len(pks))), pks)
                found[kind] = {row[0]: row[1:] for row in cursor.fetchall()}
    for result in results:
        details = found[result.kind].get(result.pk)
        if details is None:
            result.url = ""
        elif result.kind == "chapter":
            result.number, slug, summary, body_html = details
            result.url = chapter_url(slug)
            result.text = _plain(summary + "\n\n" + body_html)
        else:
            result.number, result.title, body_html = details
            result.url = link(result.pk, result.title)
            result.text = _plain(body_html)
    results[:] = [result for result in results if result.url]


def _story_linker() -> Callable[[int, str], str]:
    """`story_url`, with reverse() asked once rather than once a story (some 25 µs a
    call): the links differ only in the id and slug they end with."""
    sample = story_url(1, "s")
    head, found, tail = sample.rpartition("/1-s/")
    if not found or tail:
        return story_url  # links of another shape: reverse() each
    return lambda pk, title: f"{head}/{pk}-{story_slug(title)}/"


@functools.cache
def _accented_letters() -> dict[str, str]:
    """The Latin letters with a diacritic, by the letter without it ("e": "éèêë…"), as
    the index folds them (remove_diacritics)."""
    accented: defaultdict[str, str] = defaultdict(str)
    for code in (*range(0xC0, 0x250), *range(0x1E00, 0x1F00)):
        letter = chr(code)
        base = unicodedata.normalize("NFD", letter)[0]
        if base != letter and base.isascii() and base.isalpha():
            accented[base.lower()] += letter
    return dict(accented)


@functools.cache
def _letter_class(char: str) -> str:
    """A letter of a word in either case, with or without an accent, as a character
    class of a regular expression."""
    forms = {char, *_accented_letters().get(char, "")}
    forms |= {case for form in forms for case in (form.lower(), form.upper()) if len(case) == 1}
    return "[" + "".join(re.escape(form) for form in sorted(forms)) + "]"


def _word_patterns(words: list[str]) -> list[re.Pattern]:
    """What the index finds for each of `words` in a text: the word whole, case and
    accents aside. Searched for several times faster than with re.IGNORECASE and a
    look back first: the cases are in the character classes, and each pattern starts
    with the word's first letter before it looks back for a letter before that."""
    patterns = {}
    for word in words:
        bare = "".join(
            char for char in unicodedata.normalize("NFD", word) if not unicodedata.combining(char)
        )
        if bare:
            first, rest = _letter_class(bare[0]), "".join(map(_letter_class, bare[1:]))
            patterns[bare] = re.compile(rf"{first}(?<![^\W_]{first}){rest}(?![^\W_])")
    return list(patterns.values())


def _snippet_around(text: str, patterns: list[re.Pattern]) -> SafeString:
    """A piece of `text` around the first match, escaped, with the matches marked."""
    found = [match.start() for pattern in patterns if (match := pattern.search(text))]
    start = max(0, min(found, default=0) - SNIPPET_LENGTH // 4)
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < start + 20 else start
    end = min(len(text), start + SNIPPET_LENGTH)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    # Each match is a whole word: the matches of different words never overlap.
    matches = sorted(
        match.span() for pattern in patterns for match in pattern.finditer(text, start, end)
    )
    pieces, last = [], start
    for match_start, match_end in matches:
        pieces.append(html.escape(text[last:match_start]))
        pieces.append(f"<mark>{html.escape(text[match_start:match_end])}</mark>")
        last = match_end
    pieces.append(html.escape(text[last:end]))
    prefix = "… " if start else ""
    suffix = " …" if end < len(text) else ""
    # Every piece of the text was escaped (html.escape, as Django's escape does).
    return mark_safe(prefix + "".join(pieces) + suffix)


def details_add(query: str, results: list[Result]) -> None:
    """Give the results of the page shown what the page shows of them: the chapters and
    stories themselves, their links and text (a query for each kind, for this page
    only), and the snippets (on PostgreSQL one more query for all of them)."""
    if not results:
        return
    _details_read(results)
    if uses_full_text():
        for result, headline in zip(
            results, _headlines(query, [r.text for r in results]), strict=True
        ):
            result.snippet = _from_markers(headline)
        return
    patterns = _word_patterns(words_of(query))
    for result in results:
        result.snippet = _snippet_around(result.text, patterns)
