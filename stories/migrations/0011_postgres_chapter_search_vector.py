"""The chapters' words stored for the PostgreSQL search like the stories' (migration
0007): a generated tsvector column on book_chapter, the title weighted A, the summary B,
the text C, in the Dutch configuration, with a GIN index. Without it every search
computed to_tsvector over every chapter's whole text. In the stories app with the rest
of the search (the SQLite FTS5 index of the chapters lives here too, migration 0006);
SQLite gets nothing here."""

from importlib import import_module

from django.db import migrations

# One helper for both: the statements run on PostgreSQL only.
run_on_postgresql = import_module(
    "stories.migrations.0007_postgres_search_vector"
).run_on_postgresql

CREATE = [
    "ALTER TABLE book_chapter ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    " setweight(to_tsvector('dutch'::regconfig, coalesce(title, '')), 'A')"
    " || setweight(to_tsvector('dutch'::regconfig, coalesce(summary, '')), 'B')"
    " || setweight(to_tsvector('dutch'::regconfig, coalesce(body, '')), 'C')) STORED",
    "CREATE INDEX book_chapter_search_vector ON book_chapter USING gin (search_vector)",
]
DROP = [
    "DROP INDEX IF EXISTS book_chapter_search_vector",
    "ALTER TABLE book_chapter DROP COLUMN IF EXISTS search_vector",
]


class Migration(migrations.Migration):
    dependencies = [
        ("stories", "0010_moderationaction_meeting_target"),
        ("book", "0007_chapter_revisions"),
    ]

    operations = [
        migrations.RunPython(run_on_postgresql(CREATE), run_on_postgresql(DROP)),
    ]
