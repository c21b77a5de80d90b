"""Explicit transactions on the one shared autocommit connection, patient with other writers."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TypeVar

import aiosqlite

from storage.faults import is_busy

log = logging.getLogger("vestnesis.storage")
T = TypeVar("T")
# Between attempts after "database is locked" (SQLite has already waited busy_timeout).
_FIRST_PAUSE = 0.05
_LONGEST_PAUSE = 2.0


async def patiently(operation: Callable[[], Awaitable[T]], patience: float) -> T:
    """Run `operation`, again while it fails with "database is locked", for up to `patience`
    seconds in all; then the last error is raised. `operation` must be safe to repeat (one
    statement, or the BEGIN of a transaction)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + patience
    pause = _FIRST_PAUSE
    warned = False
    while True:
        try:
            return await operation()
        except aiosqlite.OperationalError as error:
            if not is_busy(error) or loop.time() >= deadline:
                raise
            if not warned:
                log.warning("database locked by another process; waiting")
                warned = True
            await asyncio.sleep(min(pause, max(deadline - loop.time(), 0)))
            pause = min(pause * 2, _LONGEST_PAUSE)


class Transactions:
    """Serialises write transactions: coroutines share one connection, and SQLite has one
    transaction per connection, so two must never interleave. A write lock held by another
    process is waited out for up to `patience` seconds. `path` is the database file, named in
    the storage errors (see storage.faults)."""

    def __init__(
        self,
        connection: aiosqlite.Connection,
        patience: float = 120.0,
        path: Path = Path("vestnesis.sqlite3"),
    ) -> None:
        self._connection = connection
        self._lock = asyncio.Lock()
        self._patience = patience
        self.path = path

    async def execute(self, sql: str, params: tuple[object, ...] = ()) -> int:
        """One statement on its own (atomic by itself), never inside another's transaction;
        returns the number of rows changed."""
        async with self._lock:
            cursor = await patiently(lambda: self._connection.execute(sql, params), self._patience)
            return cursor.rowcount

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[aiosqlite.Connection]:
        """Run the block in BEGIN IMMEDIATE … COMMIT, rolling back on any error."""
        async with self._lock:
            # IMMEDIATE takes the write lock at once, so only BEGIN can meet a busy database
            # and the block never fails halfway for want of the lock.
            await patiently(lambda: self._connection.execute("BEGIN IMMEDIATE"), self._patience)
            try:
                yield self._connection
            except BaseException:
                # SQLite rolls back by itself after some faults (a full disk, an I/O error);
                # a second ROLLBACK would then fail and hide the first error.
                if self._connection.in_transaction:
                    await self._connection.execute("ROLLBACK")
                raise
            try:
                await self._connection.execute("COMMIT")
            except BaseException:
                # A COMMIT that fails (a full disk) leaves the transaction open: end it, or
                # every later BEGIN on the shared connection would fail.
                if self._connection.in_transaction:
                    await self._connection.execute("ROLLBACK")
                raise

    @asynccontextmanager
    async def alone(self) -> AsyncIterator[aiosqlite.Connection]:
        """Run the block outside any transaction, with no other coroutine's in progress: for
        statements that may not run inside one (VACUUM INTO)."""
        async with self._lock:
            yield self._connection
