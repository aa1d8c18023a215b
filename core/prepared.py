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
SQL as a parameter as it is (a comparison, or `__in` a list: the SQL is then compiled
once per length of the list; not part of an expression that changes it, as `contains`
does). Rows come as `values_list` gives them (the fields' conversions
applied: booleans, dates), never model instances.
"""

import itertools
import threading
from collections.abc import Callable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet

_markers = itertools.count(-(2**31) + 7919, 7919)
_marker_lock = threading.Lock()


class Prepared:
    def __init__(self, build: Callable[..., QuerySet], *, using: str = DEFAULT_DB_ALIAS):
        self._build = build
        code = build.__code__
        self._names = code.co_varnames[: code.co_argcount]
        self._using = using
        #: Compiled SQL per shape: the length of each list among the values.
        self._compiled: dict[tuple, tuple] = {}

    def _compile(self, shape: tuple) -> tuple:
        markers: dict[str, Any] = {}
        by_marker: dict[Any, tuple[str, int | None]] = {}
        with _marker_lock:
            for name, length in zip(self._names, shape, strict=True):
                if length is None:
                    markers[name] = next(_markers)
                    by_marker[markers[name]] = (name, None)
                else:
                    markers[name] = [next(_markers) for _ in range(length)]
                    for index, marker in enumerate(markers[name]):
                        by_marker[marker] = (name, index)
        for marker, slot in list(by_marker.items()):
            by_marker[str(marker)] = slot  # as text fields prepare them
        compiler = self._build(**markers).query.get_compiler(self._using)
        sql, params = compiler.as_sql()
        # As the ORM would return them: booleans, dates and the like from their columns.
        converters = compiler.get_converters(
            [col for col, *_ in compiler.select[: compiler.col_count]]
        )
        slots = []
        for param in params:
            try:
                slots.append((True, by_marker[param]))
            except (KeyError, TypeError):  # a constant of the query itself
                slots.append((False, param))
        found = {slot[0] for is_value, slot in slots if is_value}
        missing = set(self._names) - found
        if missing:
            raise ValueError(f"Not a parameter of the SQL as it is: {', '.join(sorted(missing))}")
        return sql, slots, compiler, converters

    def rows(self, **values) -> list[tuple]:
        shape = tuple(
            len(values[name]) if isinstance(values[name], (list, tuple)) else None
            for name in self._names
        )
        if 0 in shape:
            return []  # `__in` an empty list matches nothing (the ORM runs no query either)
        compiled = self._compiled.get(shape)
        if compiled is None:
            compiled = self._compiled[shape] = self._compile(shape)
        sql, slots, compiler, converters = compiled
        params = []
        for is_value, slot in slots:
            if not is_value:
                params.append(slot)
            else:
                name, index = slot
                params.append(values[name] if index is None else values[name][index])
        with connections[self._using].cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if converters:
            return [tuple(row) for row in compiler.apply_converters(rows, converters)]
        return rows

    def first(self, **values) -> tuple | None:
        rows = self.rows(**values)
        return rows[0] if rows else None
