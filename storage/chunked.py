"""Queries with `IN (…)` over many values, kept within SQLite's limit on bound parameters."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

import aiosqlite

# SQLite's default limit on bound parameters is 32766 on recent builds, 999 on old ones.
CHUNK = 400


async def fetch_in(
    connection: aiosqlite.Connection,
    sql: str,
    params: Sequence[object],
    values: Sequence[object],
) -> list[sqlite3.Row]:
    """Rows of `sql`, whose `{marks}` is filled with one "?" per value, over all values."""
    rows: list[sqlite3.Row] = []
    for start in range(0, len(values), CHUNK):
        chunk = list(values[start : start + CHUNK])
        query = sql.format(marks=",".join("?" * len(chunk)))
        rows += await connection.execute_fetchall(query, (*params, *chunk))
    return rows
