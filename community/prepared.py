"""Queries compiled once and run many times, for the few asked on every request of a
page served from the cache. Building a query through the ORM costs about a quarter of a
millisecond of Python (filters, joins, compiling); the database answers these in a
twentieth. A `Prepared` query is written with the ORM as usual, compiled to SQL on first
use and afterwards only executed with new values.

    following = Prepared(
        lambda membership, chapter: ChapterFollow.objects.filter(
            membership_id=membership, chapter_id=chapter
        ).values_list("pk")[:1]
    )
    following.rows(membership=3, chapter=7)  # [(12,)] or []

Each argument of the function stands for a value given at run time; it must reach the
SQL as a parameter as it is (a comparison, not `__in` with a list, nor part of an
expression that changes it). Rows come as the database gives them: no model instances
and none of the fields' conversions (dates are text on SQLite), so select plain values.
"""

import itertools
import threading
from collections.abc import Callable

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet

_markers = itertools.count(-(2**31) + 7919, 7919)
_marker_lock = threading.Lock()


class Prepared:
    def __init__(self, build: Callable[..., QuerySet], *, using: str = DEFAULT_DB_ALIAS):
        self._build = build
        self._using = using
        self._compiled: tuple[str, list] | None = None

    def _compile(self) -> tuple[str, list]:
        names = self._build.__code__.co_varnames[: self._build.__code__.co_argcount]
        with _marker_lock:
            markers = {name: next(_markers) for name in names}
        queryset = self._build(**markers)
        sql, params = queryset.query.get_compiler(self._using).as_sql()
        by_marker = {}
        for name, marker in markers.items():
            by_marker[marker] = by_marker[str(marker)] = name
        slots = []
        for param in params:
            try:
                slots.append((True, by_marker[param]))
            except (KeyError, TypeError):  # a constant of the query itself
                slots.append((False, param))
        missing = set(names) - {value for is_name, value in slots if is_name}
        if missing:
            raise ValueError(f"Not a parameter of the SQL as it is: {', '.join(sorted(missing))}")
        return sql, slots

    def rows(self, **values) -> list[tuple]:
        if self._compiled is None:
            self._compiled = self._compile()
        sql, slots = self._compiled
        params = [values[value] if is_name else value for is_name, value in slots]
        with connections[self._using].cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def first(self, **values) -> tuple | None:
        rows = self.rows(**values)
        return rows[0] if rows else None
