"""Explicit transactions on the one shared autocommit connection."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiosqlite


class Transactions:
    """Serialises write transactions: coroutines share one connection, and SQLite has one
    transaction per connection, so two must never interleave."""

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._connection = connection
        self._lock = asyncio.Lock()

    async def execute(self, sql: str, params: tuple[object, ...] = ()) -> int:
        """One statement on its own (atomic by itself), never inside another's transaction;
        returns the number of rows changed."""
        async with self._lock:
            cursor = await self._connection.execute(sql, params)
            return cursor.rowcount

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[aiosqlite.Connection]:
        """Run the block in BEGIN IMMEDIATE … COMMIT, rolling back on any error."""
        async with self._lock:
            await self._connection.execute("BEGIN IMMEDIATE")
            try:
                yield self._connection
            except BaseException:
                await self._connection.execute("ROLLBACK")
                raise
            await self._connection.execute("COMMIT")
