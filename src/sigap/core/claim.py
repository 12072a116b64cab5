"""Claiming rows with one conditional UPDATE, so two workers never act on one row.

`claim()` sets the columns that mark a row as dealt with and returns the rows it
changed. Every condition is on the updated row itself: on PostgreSQL a second
UPDATE running at the same time waits for the first one's row locks, re-checks the
condition against the committed row and leaves it alone. On a SQLite without
UPDATE ... RETURNING the rows are read first and then updated, which is safe there
because Sigap's SQLite transactions take the write lock at BEGIN.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import connection

CHUNK = 500  # ids per statement in the fallback, well under SQLite's parameter limit


def update_returning() -> bool:
    """Whether the database has UPDATE ... RETURNING (PostgreSQL; SQLite from 3.35)."""
    return connection.features.can_return_columns_from_insert


def moment(value: datetime) -> Any:
    """A datetime as a raw SQL parameter, in the form the database stores."""
    return connection.ops.adapt_datetimefield_value(value)


def unindexed(column: str) -> str:
    """`column` in a condition no index should serve. Without table statistics SQLite
    picks an index on an IN-list (`status IN (<the open statuses>)`) over one on a
    range (`due_at <= now`) and so reads every open ticket to find the few due; as an
    expression the column cannot use its index, so the range's index is taken.
    PostgreSQL plans by its statistics either way."""
    return f"({column} || '')"


def claim(
    table: str,
    *,
    set_sql: str,
    set_params: Sequence[Any],
    where_sql: str,
    where_params: Sequence[Any],
    returning: Sequence[str] = ("id",),
) -> list[tuple]:
    """UPDATE `table` SET `set_sql` WHERE `where_sql`, returning `returning` (columns
    the update does not change; the first must be the primary key)."""
    columns = ", ".join(returning)
    with connection.cursor() as cursor:
        if update_returning():
            cursor.execute(
                f"UPDATE {table} SET {set_sql} WHERE {where_sql} RETURNING {columns}",
                [*set_params, *where_params],
            )
            return cursor.fetchall()
        cursor.execute(f"SELECT {columns} FROM {table} WHERE {where_sql}", list(where_params))
        rows = cursor.fetchall()
        for start in range(0, len(rows), CHUNK):
            ids = [row[0] for row in rows[start : start + CHUNK]]
            marks = ", ".join(["%s"] * len(ids))
            cursor.execute(
                f"UPDATE {table} SET {set_sql} WHERE id IN ({marks})", [*set_params, *ids]
            )
        return rows
