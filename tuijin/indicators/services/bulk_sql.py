"""Multi-row INSERT and UPDATE for the bulk import, where the ORM's bulk_create and bulk_update
cost more than the budget allows (bulk_update builds one CASE per field and row).

PostgreSQL gets COPY (and COPY into a temporary table for updates); SQLite gets executemany,
which is fast there because nothing crosses a network. Only the imports call these, inside
their transaction, with table and column names taken from the model's _meta and every value
passed as data; audit and validation stay in the service.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Sequence

from django.db import connection, models

CHUNK = 2000


def _names(model: type[models.Model], fields: Sequence[str]) -> tuple[str, list[str]]:
    quote = connection.ops.quote_name
    return quote(model._meta.db_table), [quote(model._meta.get_field(f).column) for f in fields]


def insert_rows(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence]) -> None:
    """INSERT every row (values in `fields` order, as `db_*` below prepares them)."""
    table, columns = _names(model, fields)
    if connection.vendor == "postgresql":
        _copy(table, columns, rows)
        return
    placeholders = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})"  # noqa: S608 (names from _meta)
    with connection.cursor() as cursor:
        for chunk in itertools.batched(rows, CHUNK):
            cursor.executemany(sql, chunk)


def update_rows(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence], bump_version: bool) -> None:
    """UPDATE by primary key: each row is the values of `fields` followed by the pk."""
    table, columns = _names(model, fields)
    quote = connection.ops.quote_name
    pk = quote(model._meta.pk.column)
    bump = f", {quote('version')} = {table}.{quote('version')} + 1" if bump_version else ""
    if connection.vendor == "postgresql":
        _update_from_copy(table, pk, columns, rows, bump)
        return
    sets = ", ".join(f"{c} = %s" for c in columns) + bump.replace(f"{table}.", "")
    sql = f"UPDATE {table} SET {sets} WHERE {pk} = %s"  # noqa: S608 (names from _meta)
    with connection.cursor() as cursor:
        for chunk in itertools.batched(rows, CHUNK):
            cursor.executemany(sql, chunk)


def _copy(table: str, columns: list[str], rows: Iterable[Sequence]) -> None:
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _update_from_copy(table: str, pk: str, columns: list[str], rows: Iterable[Sequence], bump: str) -> None:
    # Load the new values into a temporary table shaped like the target, then one UPDATE … FROM.
    staging = connection.ops.quote_name(f"tj_bulk_{table.strip(chr(34))}")
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {staging}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {staging} AS SELECT {', '.join(columns)}, {pk} FROM {table} WITH NO DATA"  # noqa: S608
        )
    _copy(staging, [*columns, pk], rows)
    sets = ", ".join(f"{c} = s.{c}" for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {sets}{bump} FROM {staging} s WHERE {table}.{pk} = s.{pk}")  # noqa: S608
        cursor.execute(f"DROP TABLE {staging}")


def db_datetime(value):
    """An aware datetime as the database takes it (PostgreSQL as is; SQLite as UTC text)."""
    return value if connection.vendor == "postgresql" else connection.ops.adapt_datetimefield_value(value)


def db_decimal(value):
    return None if value is None else connection.ops.adapt_decimalfield_value(value)


def db_json(model: type[models.Model], field_name: str, value):
    if connection.vendor == "postgresql":
        return json.dumps(value)  # COPY takes the jsonb column's text form
    return model._meta.get_field(field_name).get_db_prep_save(value, connection)
