"""The SQLite database: connection settings, migrations, and access to the stores."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from types import TracebackType

import aiosqlite

from storage.digests import DigestStore
from storage.events import EventStore
from storage.faults import (
    ForeignDatabaseError,
    MigrationError,
    SchemaTooNewError,
    StorageError,
    translated,
)
from storage.items import ItemStore
from storage.migrations import MIGRATIONS
from storage.outbox import OutboxStore
from storage.sources import SourceStore
from storage.subscribers import SubscriberStore
from storage.telegram import TelegramStore
from storage.transaction import Transactions, patiently
from storage.translations import TranslationStore

DATABASE_FILE = "vestnesis.sqlite3"
# PRAGMA application_id: marks the file as a Vēstnesis database ("VEST" in ASCII), so that
# another program's SQLite file is refused instead of being migrated into.
APPLICATION_ID = 0x56455354
# How long SQLite itself waits for a lock per statement (at most); Transactions waits out the
# rest of `busy_wait`.
_BUSY_TIMEOUT_MS = 5000


__all__ = [
    "APPLICATION_ID",
    "DATABASE_FILE",
    "Database",
    "ForeignDatabaseError",
    "MigrationError",
    "SchemaTooNewError",
    "StorageError",
]


class Database:
    """An open database; use `await Database.open(path)` or `async with Database.open(...)`.

    Every method here and of the stores raises a `storage.faults.DatabaseError` (one line
    naming the file, the fault and the remedy), never a raw sqlite3 error, when SQLite fails.
    """

    def __init__(
        self,
        connection: aiosqlite.Connection,
        busy_wait: float = 120.0,
        *,
        read_only: bool = False,
        path: Path = Path(DATABASE_FILE),
    ) -> None:
        self._db = connection
        self.read_only = read_only
        self.path = path
        self._transactions = transactions = Transactions(connection, busy_wait, path)
        self.sources = SourceStore(connection, transactions)
        self.items = ItemStore(connection, transactions)
        self.translations = TranslationStore(connection, transactions)
        self.digests = DigestStore(connection, transactions)
        self.subscribers = SubscriberStore(connection, transactions)
        self.outbox = OutboxStore(connection, transactions)
        self.telegram = TelegramStore(connection, transactions)
        self.events = EventStore(connection, transactions)

    @classmethod
    async def open(cls, path: Path, *, busy_wait: float = 120.0) -> Database:
        """Open (creating if needed) the database at `path` and bring its schema up to date.

        A write lock another process holds is waited out for up to `busy_wait` seconds.
        Raises OSError (the data folder cannot be made; storage.faults.describe gives a line
        about it), or a StorageError: a DatabaseError (SQLite failed), SchemaTooNewError,
        ForeignDatabaseError (another program's SQLite file, left as it is) or MigrationError
        (a migration broke a foreign key; rolled back).
        """
        path.parent.mkdir(parents=True, exist_ok=True)
        with translated(path):
            connection = await aiosqlite.connect(path, isolation_level=None)
        connection.row_factory = sqlite3.Row
        try:
            with translated(path):
                await _prepare(connection, busy_wait)
        except BaseException:
            await connection.close()
            raise
        return cls(connection, busy_wait, path=path)

    @classmethod
    async def open_read_only(cls, path: Path, *, busy_wait: float = 120.0) -> Database:
        """Open the database at `path` for reading only: nothing is written to it, not even
        on close (a read-only connection never checkpoints), so commands that only look can
        run beside the service without competing for its lock. A database that does not
        exist yet or needs migrating is opened as `open` does, since there is nothing
        current to read without that one-time write. Any write raises DatabaseReadOnly.
        """
        found = await cls.open_current(path, busy_wait=busy_wait)
        return found if found is not None else await cls.open(path, busy_wait=busy_wait)

    @classmethod
    async def open_current(cls, path: Path, *, busy_wait: float = 120.0) -> Database | None:
        """The database at `path` opened for reading only, as `open_read_only`; None (nothing
        written) when it does not exist yet or needs migrating."""
        uri = await asyncio.to_thread(_read_only_uri, path)
        if uri is None:
            return None
        with translated(path):
            connection = await aiosqlite.connect(uri, uri=True, isolation_level=None)
        connection.row_factory = sqlite3.Row
        try:
            with translated(path):
                await connection.execute(f"PRAGMA busy_timeout = {_busy_timeout(busy_wait)}")
                current, _ = await _check_ours(connection)
        except BaseException:
            await connection.close()
            raise
        if current != len(MIGRATIONS):
            await connection.close()
            return None  # `open` migrates it, or says it is too new
        return cls(connection, busy_wait, read_only=True, path=path)

    async def schema_version(self) -> int:
        """The applied migration number."""
        with translated(self.path):
            return await _user_version(self._db)

    async def backup(self, target: Path) -> None:
        """Write a consistent copy of the database to `target` while it stays in use."""
        target.parent.mkdir(parents=True, exist_ok=True)
        # VACUUM INTO may not run inside a transaction: wait until no coroutine has one open.
        with translated(self.path):
            async with self._transactions.alone() as connection:
                await connection.execute("VACUUM INTO ?", (str(target),))

    async def close(self) -> None:
        """Close the connection."""
        with translated(self.path):
            await self._db.close()

    async def __aenter__(self) -> Database:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()


async def _prepare(connection: aiosqlite.Connection, busy_wait: float) -> None:
    """Settings, the check that the file is ours, and the migrations."""
    await connection.execute(f"PRAGMA busy_timeout = {_busy_timeout(busy_wait)}")
    # Before anything writes (WAL mode changes the file header): is the file ours?
    version, mark = await _check_ours(connection)
    await patiently(lambda: connection.execute("PRAGMA journal_mode = WAL"), busy_wait)
    await connection.execute("PRAGMA foreign_keys = ON")
    await connection.execute("PRAGMA synchronous = NORMAL")
    if version == len(MIGRATIONS) and mark == APPLICATION_ID:
        return  # current and marked: nothing to write
    await _migrate(connection, busy_wait)


def _busy_timeout(busy_wait: float) -> int:
    """SQLite's own wait per statement, in milliseconds: never longer than the patience."""
    return min(_BUSY_TIMEOUT_MS, int(busy_wait * 1000))


def _read_only_uri(path: Path) -> str | None:
    """The SQLite URI that opens `path` read-only; None when there is no such file."""
    return f"{path.resolve().as_uri()}?mode=ro" if path.is_file() else None


async def _user_version(connection: aiosqlite.Connection) -> int:
    async with connection.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row else 0


# One statement, so one snapshot: read apart, another process's first migration could commit
# between the reads (version 0, then its tables) and make a new file look foreign.
_IDENTITY = (
    "SELECT (SELECT user_version FROM pragma_user_version), "
    "(SELECT application_id FROM pragma_application_id), "
    "(SELECT group_concat(name, char(31)) FROM (SELECT name FROM sqlite_master "
    "WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name))"
)


async def _check_ours(connection: aiosqlite.Connection) -> tuple[int, int]:
    """The file's schema version and application id; raise ForeignDatabaseError unless the
    file is ours: marked with our application id, or unmarked but either empty or holding our
    tables (written before the mark existed)."""
    async with connection.execute(_IDENTITY) as cursor:
        row = await cursor.fetchone()
    version, mark = (int(row[0]), int(row[1])) if row else (0, 0)
    tables = str(row[2]).split("\x1f") if row and row[2] else []
    _check_not_newer(version)
    if mark == APPLICATION_ID:
        return version, mark
    if mark != 0:
        raise ForeignDatabaseError(
            f"this SQLite file belongs to another program (application id {mark:#x}; "
            f"Vēstnesis marks its own with {APPLICATION_ID:#x}); it was left as it is: give "
            "Vēstnesis a data folder of its own (association.data_dir)"
        )
    if (version == 0 and tables) or (version > 0 and not {"sources", "items"} <= set(tables)):
        # Names from a foreign file are shown quoted: one may hold a line break or an escape.
        shown = ", ".join(repr(name) for name in tables[:5]) + (", …" if len(tables) > 5 else "")
        raise ForeignDatabaseError(
            f"this SQLite file belongs to another program (its tables: {shown or 'none'}); "
            "it was left as it is: give Vēstnesis a data folder of its own "
            "(association.data_dir)"
        )
    return version, mark


async def _check_foreign_keys(connection: aiosqlite.Connection, number: int) -> None:
    async with connection.execute("PRAGMA foreign_key_check") as cursor:
        broken = list(await cursor.fetchall())
    if broken:
        table, rowid, parent = broken[0][0], broken[0][1], broken[0][2]
        raise MigrationError(
            f"migration {number} left {len(broken)} row(s) whose foreign keys point nowhere "
            f"(first: {table} row {rowid} -> {parent}); it was rolled back and the database "
            "is as it was: please report this"
        )


async def _migrate(connection: aiosqlite.Connection, busy_wait: float) -> None:
    # Two processes may open a new data folder at once: each migrates only under the write
    # lock, and reads the version again once it holds it, so a step is never applied twice.
    await patiently(lambda: connection.execute("BEGIN IMMEDIATE"), busy_wait)
    try:
        current, _ = await _check_ours(connection)
        await connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        for number, script in enumerate(MIGRATIONS[current:], start=current + 1):
            for statement in _statements(script):
                await connection.execute(statement)
            await _check_foreign_keys(connection, number)
            await connection.execute(f"PRAGMA user_version = {number}")
    except BaseException:
        if connection.in_transaction:  # SQLite may have rolled back by itself (disk full)
            await connection.execute("ROLLBACK")
        raise
    await connection.execute("COMMIT")


def _check_not_newer(current: int) -> None:
    if current > len(MIGRATIONS):
        raise SchemaTooNewError(
            f"database schema version {current} is newer than this program knows "
            f"({len(MIGRATIONS)}); upgrade Vēstnesis"
        )


def _statements(script: str) -> list[str]:
    """A migration script cut into statements (executescript would commit the lock away)."""
    statements: list[str] = []
    pending = ""
    for line in script.splitlines(keepends=True):
        if line.strip().startswith("--") and not pending.strip():
            continue
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    if pending.strip():
        statements.append(pending.strip())
    return statements
