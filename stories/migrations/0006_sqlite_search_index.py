"""Full-text indexes for search on SQLite (stories.search): FTS5 tables over the
published stories and the chapters, filled from the rows there are and kept in step by
triggers, whatever writes the rows (the services, the admin, seed_load's bulk inserts).
PostgreSQL searches with its own full-text search and gets nothing here.

Words are found whole, case and accents aside (unicode61, remove_diacritics 2).

Stories: a contentless table of the published and featured stories only (search never
finds the others). Columns: the text searched (title, body, municipality); the title
again with a private-use mark before each word ("heading"), so that "this word in the
title" is a word of its own in the index, read without going through every story that
has the word elsewhere; and the chapter as a marked word ("chapter"), so that the
chapters a reader may read are part of the MATCH. Its rowid is the search order, the
newest first: the second of publication above the story's id (ids below 2**31), both
counted backwards, so that the newest matches are read first and the reading stops
after a page.

Chapters: an external-content table over book_chapter (title, summary, body).

A later migration that remakes stories_story or book_chapter (SQLite's way of altering
a column) drops their triggers with the old table: it must create them again.
tests/stories/test_search_sqlite.py checks that they are there."""

from django.db import migrations

TOKENIZE = "unicode61 remove_diacritics 2"
PUBLIC = "('published', 'featured')"
HEADING_MARK = 0xE002
CHAPTER_MARK = 0xE003
# What separates words in titles (SQLite's parser takes about twenty nested replace()s);
# a word after another separator is found as a word of the title all the same, only
# not ranked as one.
SEPARATORS = " -/.,:;!?()\"'\u2018\u2019\u201c\u201d\u201e\u00ab\u00bb"


def heading(row):
    """The title with the heading mark before each word."""
    expression = f"{row}.title"
    for separator in SEPARATORS:
        expression = f"replace({expression}, char({ord(separator)}), char(32, {HEADING_MARK}))"
    return f"char({HEADING_MARK}) || {expression}"


def story_values(row):
    # Newest first in rowid order (the order FTS5 reads fastest): the seconds of
    # publication counted back from 2**32 - 1, then the id counted back from 2**31 - 1.
    # strftime("%s") rather than unixepoch(): the same seconds, and SQLite before 3.38 has it.
    seconds = (
        f"min(max(coalesce(CAST(strftime('%s', {row}.published_at) AS INTEGER), 0), 0),"
        " 4294967295)"
    )
    key = f"(((4294967295 - {seconds}) << 31) | (2147483647 - {row}.id))"
    return (
        f"{key}, {row}.title, {row}.body, {row}.municipality, {heading(row)},"
        f" char({CHAPTER_MARK}) || {row}.chapter_id"
    )


STORY_COLUMNS = "rowid, title, body, municipality, heading, chapter"
STORY_CHANGED = " OR ".join(
    f"old.{column} IS NOT new.{column}"
    for column in ("id", "title", "body", "municipality", "chapter_id", "published_at")
)
CHAPTER_COLUMNS = "rowid, title, summary, body"
CHAPTER_CHANGED = " OR ".join(
    f"old.{column} IS NOT new.{column}" for column in ("id", "title", "summary", "body")
)

CREATE = [
    f"CREATE VIRTUAL TABLE stories_search_story USING fts5("
    f"title, body, municipality, heading, chapter, content='', tokenize='{TOKENIZE}')",
    f"""CREATE TRIGGER stories_search_story_insert AFTER INSERT ON stories_story
    WHEN new.status IN {PUBLIC} BEGIN
        INSERT INTO stories_search_story ({STORY_COLUMNS}) VALUES ({story_values("new")});
    END""",
    f"""CREATE TRIGGER stories_search_story_delete AFTER DELETE ON stories_story
    WHEN old.status IN {PUBLIC} BEGIN
        INSERT INTO stories_search_story (stories_search_story, {STORY_COLUMNS})
        VALUES ('delete', {story_values("old")});
    END""",
    f"""CREATE TRIGGER stories_search_story_update AFTER UPDATE ON stories_story
    WHEN (old.status IN {PUBLIC} OR new.status IN {PUBLIC})
    AND ({STORY_CHANGED} OR (old.status IN {PUBLIC}) IS NOT (new.status IN {PUBLIC})) BEGIN
        INSERT INTO stories_search_story (stories_search_story, {STORY_COLUMNS})
        SELECT 'delete', {story_values("old")} WHERE old.status IN {PUBLIC};
        INSERT INTO stories_search_story ({STORY_COLUMNS})
        SELECT {story_values("new")} WHERE new.status IN {PUBLIC};
    END""",
    f"INSERT INTO stories_search_story ({STORY_COLUMNS})"
    f" SELECT {story_values('stories_story')} FROM stories_story"
    f" WHERE stories_story.status IN {PUBLIC}",
    "INSERT INTO stories_search_story (stories_search_story) VALUES ('optimize')",
    f"CREATE VIRTUAL TABLE stories_search_chapter USING fts5("
    f"title, summary, body, content='book_chapter', content_rowid='id', tokenize='{TOKENIZE}')",
    f"""CREATE TRIGGER stories_search_chapter_insert AFTER INSERT ON book_chapter BEGIN
        INSERT INTO stories_search_chapter ({CHAPTER_COLUMNS})
        VALUES (new.id, new.title, new.summary, new.body);
    END""",
    f"""CREATE TRIGGER stories_search_chapter_delete AFTER DELETE ON book_chapter BEGIN
        INSERT INTO stories_search_chapter (stories_search_chapter, {CHAPTER_COLUMNS})
        VALUES ('delete', old.id, old.title, old.summary, old.body);
    END""",
    f"""CREATE TRIGGER stories_search_chapter_update AFTER UPDATE ON book_chapter
    WHEN {CHAPTER_CHANGED} BEGIN
        INSERT INTO stories_search_chapter (stories_search_chapter, {CHAPTER_COLUMNS})
        VALUES ('delete', old.id, old.title, old.summary, old.body);
        INSERT INTO stories_search_chapter ({CHAPTER_COLUMNS})
        VALUES (new.id, new.title, new.summary, new.body);
    END""",
    "INSERT INTO stories_search_chapter (stories_search_chapter) VALUES ('rebuild')",
]

DROP = [
    *(
        f"DROP TRIGGER IF EXISTS stories_search_{table}_{event}"
        for table in ("story", "chapter")
        for event in ("insert", "delete", "update")
    ),
    "DROP TABLE IF EXISTS stories_search_story",
    "DROP TABLE IF EXISTS stories_search_chapter",
]


def run_on_sqlite(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "sqlite":
            return  # PostgreSQL: full-text search needs no table of its own
        for statement in statements:
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ('book', '0004_chapter_illustration_size_stories_version'),
        ('stories', '0005_story_status_published_at_index'),
    ]

    operations = [
        migrations.RunPython(run_on_sqlite(CREATE), run_on_sqlite(DROP)),
    ]
