"""Reuse the compiled SQL of a query whose text depends on a few keys only.

Two ways in: `values(key, build, ids)` for a query whose SQL text depends on `key` and whose
ids are swapped in as parameters (below), and `fixed(key, build)` for a query that `key`
determines entirely, SQL and parameters (the project statistics key on the scope's own SQL).

Django compiles the analytics expression tree anew on every call: about 30 ms, ten times what
the database needs to run the ranking query itself. The SQL text of `indicator_ranking` depends
only on the database, the year and the month; the indicator and the group are parameters. So
the first call for a key compiles the query built with sentinel ids, keeps the SQL, the
parameter list and the result converters; later calls put the real ids in place of the
sentinels and run the same SQL. Results go through Django's own converters, so rows are the
same as `.values()` gives (the tests hold `indicator_ranking` to the pure functions).

Refused (ValueError, on the first call for a key, before anything is kept): a `build` whose ids
do not reach the SQL as parameters (a sentinel is missing: the id was inlined or dropped), and a
`build` whose SQL text changes with the ids (compiled a second time with other sentinels, it
differs): the kept SQL would be wrong for other ids.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import QuerySet

# Negative ids never name a row, and no other parameter of these queries is this large.
SENTINEL_BASE = -7_000_000_001
# The second set, to see that the SQL text does not depend on the ids' values.
OTHER_SENTINEL_BASE = -8_000_000_001


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple
    slots: tuple[tuple[int, str], ...]  # (position in params, name of the real value)
    names: tuple[str, ...]
    converters: dict
    compiler: Any


_cache: dict[tuple, _Compiled] = {}
# Keys hold periods and scopes: bound the cache (oldest out first) so a long-running process
# serving many units and dates keeps a few MB at most.
MAX_ENTRIES = 4096


def sentinels(names: tuple[str, ...], base: int = SENTINEL_BASE) -> dict[str, int]:
    return {name: base - i for i, name in enumerate(names)}


def values(key: tuple, build: Callable[[Mapping[str, int]], QuerySet], actual: Mapping[str, int]) -> list[dict]:
    """Rows of `build(ids).values(...)` for the real `actual` ids, compiling once per `key`.

    `build` must give the same SQL text for every ids mapping (the ids are parameters only).
    """
    qs = None
    compiled = _cache.get(key)
    if compiled is None:
        qs = build(sentinels(tuple(actual)))
        compiled = _compile(qs, tuple(actual))
        if actual:
            _refuse_sql_that_changes_with_ids(compiled, build, tuple(actual))
        if len(_cache) >= MAX_ENTRIES:
            _cache.pop(next(iter(_cache)))
        _cache[key] = compiled
    params = list(compiled.params)
    for position, name in compiled.slots:
        params[position] = actual[name]
    connection = connections[compiled.compiler.using]
    with connection.cursor() as cursor:
        cursor.execute(compiled.sql, params)
        rows = cursor.fetchall()
    if compiled.converters:
        rows = compiled.compiler.apply_converters(rows, compiled.converters)
    return [dict(zip(compiled.names, row, strict=True)) for row in rows]


def fixed(key: tuple, build: Callable[[], QuerySet]) -> list[dict]:
    """Rows of `build()` (a `.values(...)` QuerySet), compiled once per `key`: `key` must name
    everything the SQL and its parameters depend on."""
    return values(key, lambda _ids: build(), {})


def _compile(qs: QuerySet, names: tuple[str, ...]) -> _Compiled:
    compiler = qs.query.get_compiler(using=qs.db)
    sql, params = compiler.as_sql()
    marks = sentinels(names)
    slots = tuple((i, name) for i, p in enumerate(params) for name, mark in marks.items() if p == mark)
    missing = set(names) - {name for _, name in slots}
    if missing:
        raise ValueError(f"sentinel ids not found in the SQL parameters: {sorted(missing)}")
    query = qs.query
    # As Django's ValuesIterable names them.
    if query.selected is not None:
        columns = tuple(query.selected)
    else:
        columns = (*query.extra_select, *query.values_select, *query.annotation_select)
    fields = [s[0] for s in compiler.select[: compiler.col_count]]
    converters = compiler.get_converters(fields)
    return _Compiled(sql, tuple(params), slots, tuple(columns), converters, compiler)


def _refuse_sql_that_changes_with_ids(compiled: _Compiled, build, names: tuple[str, ...]) -> None:
    other = sentinels(names, OTHER_SENTINEL_BASE)
    sql, params = build(other).query.get_compiler(using=compiled.compiler.using).as_sql()
    expected = list(compiled.params)
    for position, name in compiled.slots:
        expected[position] = other[name]
    if sql != compiled.sql or list(params) != expected:
        raise ValueError("the SQL changes with the ids: build must pass them as parameters only")


def clear() -> None:
    _cache.clear()
