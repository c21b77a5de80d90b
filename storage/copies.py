"""Backup copies of the database: what one holds, and putting one back in place."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from storage.database import APPLICATION_ID
from storage.faults import translated
from storage.migrations import MIGRATIONS

# Tables every Vēstnesis database has; a file without them is something else.
_CORE_TABLES = ("sources", "items", "digests", "subscribers", "messages")


class CopyError(ValueError):
    """The file is not a usable Vēstnesis database; the message says why."""


@dataclass(frozen=True)
class CopySummary:
    """What a database file holds."""

    schema: int
    sources: int
    items: int
    subscribers: int
    digests_sent: int
    size: int  # bytes


def inspect_copy(path: Path) -> CopySummary:
    """Open `path` read-only and check it: SQLite, intact, a Vēstnesis schema this version
    can run. Raises CopyError with the reason otherwise."""
    if not path.is_file():
        raise CopyError(f"{path}: no such file")
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise CopyError(f"{path}: cannot open: {error}") from None
    try:
        try:
            verdict = connection.execute("PRAGMA integrity_check").fetchone()[0]
        except sqlite3.DatabaseError as error:
            raise CopyError(f"{path}: not an SQLite database ({error})") from None
        if verdict != "ok":
            raise CopyError(f"{path}: damaged: {verdict}")
        tables = {
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        missing = [name for name in _CORE_TABLES if name not in tables]
        if missing:
            raise CopyError(f"{path}: not a Vēstnesis database (no {', '.join(missing)} table)")
        mark = connection.execute("PRAGMA application_id").fetchone()[0]
        if mark not in (0, APPLICATION_ID):
            raise CopyError(
                f"{path}: another program's SQLite file (application id {mark:#x}), "
                "not a Vēstnesis database"
            )
        schema = connection.execute("PRAGMA user_version").fetchone()[0]
        if schema > len(MIGRATIONS):
            raise CopyError(
                f"{path}: written by a newer Vēstnesis (schema {schema}, this one knows "
                f"{len(MIGRATIONS)}); upgrade first"
            )

        def count(sql: str) -> int:
            return int(connection.execute(sql).fetchone()[0])

        return CopySummary(
            schema=schema,
            sources=count("SELECT COUNT(*) FROM sources"),
            items=count("SELECT COUNT(*) FROM items"),
            subscribers=count("SELECT COUNT(*) FROM subscribers WHERE status = 'confirmed'"),
            digests_sent=count("SELECT COUNT(*) FROM digests WHERE status = 'sent'"),
            size=path.stat().st_size,
        )
    finally:
        connection.close()


def restore_copy(source: Path, target: Path) -> None:
    """Replace the database at `target` with the copy at `source`, page by page (SQLite's
    backup API, so the result is consistent and its WAL is reset). Nothing else may use
    `target` meanwhile. Raises a storage.faults.DatabaseError about `target` when SQLite fails
    (check the copy first with `inspect_copy`)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with translated(target):
        origin = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
        try:
            destination = sqlite3.connect(target)
            try:
                origin.backup(destination)
            finally:
                destination.close()
        finally:
            origin.close()
