"""SQL for news sources and their fetch state."""

from __future__ import annotations

import builtins
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from storage.faults import ConflictError
from storage.records import FetchOutcome, Source, SourceSpec
from storage.store import Store
from storage.timefmt import from_db, to_db


class DuplicateSourceError(ConflictError):
    """A source with that name or location already exists."""


@dataclass(frozen=True)
class SyncReport:
    """What reconciling the configured feeds with the stored ones changed."""

    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    disabled: tuple[str, ...] = ()


class SourceStore(Store):
    """Sources: the configured feeds, those added from the command line, and their state."""

    async def sync_configured(self, specs: Iterable[SourceSpec], now: datetime) -> SyncReport:
        """Make the stored config sources match `specs`; ones no longer configured are disabled.

        Disabled sources keep their items, so removing a feed from the config loses nothing.
        """
        wanted = {spec.name: spec for spec in specs}
        added: list[str] = []
        updated: list[str] = []
        disabled: list[str] = []
        async with self._tx.begin():
            rows = await self._db.execute_fetchall(
                "SELECT name, location, language, enabled FROM sources WHERE origin = 'config'"
            )
            stored = {row["name"]: row for row in rows}
            for name, spec in wanted.items():
                row = stored.get(name)
                if row is None:
                    await self._insert(spec, now)
                    added.append(name)
                elif (row["location"], row["language"], row["enabled"]) != (
                    spec.location,
                    spec.language,
                    1,
                ):
                    await self._db.execute(
                        "UPDATE sources SET location = ?, language = ?, enabled = 1 "
                        "WHERE name = ? AND origin = 'config'",
                        (spec.location, spec.language, name),
                    )
                    updated.append(name)
            for name, row in stored.items():
                if name not in wanted and row["enabled"]:
                    await self._db.execute(
                        "UPDATE sources SET enabled = 0 WHERE name = ? AND origin = 'config'",
                        (name,),
                    )
                    disabled.append(name)
        return SyncReport(tuple(added), tuple(updated), tuple(disabled))

    async def add(self, spec: SourceSpec, now: datetime) -> Source:
        """Store a new source; raises DuplicateSourceError when its name or location is taken."""
        clash = list(
            await self._db.execute_fetchall(
                "SELECT name, location FROM sources WHERE name = ? OR location = ?",
                (spec.name, spec.location),
            )
        )
        if clash:
            # Say which of the two is taken: the name, or the address under another name.
            if clash[0]["name"] == spec.name:
                raise DuplicateSourceError(f"a source named {spec.name!r} already exists")
            raise DuplicateSourceError(
                f"the source {clash[0]['name']!r} already reads {spec.location}"
            )
        async with self._tx.begin():
            await self._insert(spec, now)
        source = await self.get(spec.name)
        assert source is not None
        return source

    async def remove(self, name: str) -> bool:
        """Delete a source with its items; False when there is none of that name."""
        async with self._tx.begin():
            cursor = await self._db.execute("DELETE FROM sources WHERE name = ?", (name,))
        return cursor.rowcount > 0

    async def rename(self, old: str, new: str) -> bool:
        """Give a source a new name (its items follow: they point at its id); False when
        there is none named `old`; DuplicateSourceError when `new` is taken."""
        clash = await self._db.execute_fetchall("SELECT 1 FROM sources WHERE name = ?", (new,))
        if clash:
            raise DuplicateSourceError(f"a source named {new!r} already exists")
        async with self._tx.begin():
            cursor = await self._db.execute(
                "UPDATE sources SET name = ? WHERE name = ?", (new, old)
            )
        return cursor.rowcount > 0

    async def get(self, name: str) -> Source | None:
        """The source of that name, if any."""
        rows = list(await self._db.execute_fetchall(f"{_SELECT} WHERE name = ?", (name,)))
        return _source(rows[0]) if rows else None

    async def list(self) -> builtins.list[Source]:
        """Every stored source, in name order."""
        rows = await self._db.execute_fetchall(f"{_SELECT} ORDER BY name COLLATE NOCASE")
        return [_source(row) for row in rows]

    async def active(self) -> builtins.list[Source]:
        """Enabled, unpaused sources: what a manual poll fetches."""
        rows = await self._db.execute_fetchall(
            f"{_SELECT} WHERE enabled = 1 AND paused = 0 ORDER BY name COLLATE NOCASE"
        )
        return [_source(row) for row in rows]

    async def due(self, now: datetime) -> builtins.list[Source]:
        """Active sources whose next attempt has come: what the scheduled poll fetches."""
        rows = await self._db.execute_fetchall(
            f"{_SELECT} WHERE enabled = 1 AND paused = 0 "
            "AND (next_attempt IS NULL OR next_attempt <= ?) ORDER BY name COLLATE NOCASE",
            (to_db(now),),
        )
        return [_source(row) for row in rows]

    async def record(self, source_id: int, outcome: FetchOutcome) -> Source:
        """Store the result of one fetch attempt and return the updated source."""
        when = to_db(outcome.attempted_at)
        nxt = to_db(outcome.next_attempt) if outcome.next_attempt else None
        async with self._tx.begin():
            if outcome.ok:
                await self._db.execute(
                    "UPDATE sources SET etag = ?, last_modified = ?, content_hash = ?, "
                    "error_count = 0, last_error = NULL, last_attempt = ?, last_success = ?, "
                    "next_attempt = ? WHERE id = ?",
                    (
                        outcome.etag,
                        outcome.last_modified,
                        outcome.content_hash,
                        when,
                        when,
                        nxt,
                        source_id,
                    ),
                )
            else:
                await self._db.execute(
                    "UPDATE sources SET error_count = error_count + 1, last_error = ?, "
                    "last_attempt = ?, next_attempt = ?, paused = MAX(paused, ?) WHERE id = ?",
                    (outcome.error, when, nxt, int(outcome.pause), source_id),
                )
        rows = list(await self._db.execute_fetchall(f"{_SELECT} WHERE id = ?", (source_id,)))
        return _source(rows[0])

    async def resume(self, name: str) -> bool:
        """Unpause a source and let it be fetched at once; False when there is none."""
        async with self._tx.begin():
            cursor = await self._db.execute(
                "UPDATE sources SET paused = 0, error_count = 0, next_attempt = NULL "
                "WHERE name = ?",
                (name,),
            )
        return cursor.rowcount > 0

    async def _insert(self, spec: SourceSpec, now: datetime) -> None:
        try:
            await self._db.execute(
                "INSERT INTO sources (name, location, language, origin, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (spec.name, spec.location, spec.language, spec.origin, to_db(now)),
            )
        except sqlite3.IntegrityError as error:
            raise DuplicateSourceError(f"a source named {spec.name!r} already exists") from error


_SELECT = (
    "SELECT id, name, location, language, origin, enabled, paused, etag, last_modified, "
    "content_hash, error_count, last_error, last_attempt, last_success, next_attempt, "
    "created_at FROM sources"
)


def _source(row: sqlite3.Row) -> Source:
    created = from_db(row["created_at"])
    assert created is not None
    return Source(
        id=row["id"],
        name=row["name"],
        location=row["location"],
        language=row["language"],
        origin=row["origin"],
        enabled=bool(row["enabled"]),
        paused=bool(row["paused"]),
        etag=row["etag"],
        last_modified=row["last_modified"],
        content_hash=row["content_hash"],
        error_count=row["error_count"],
        last_error=row["last_error"],
        last_attempt=from_db(row["last_attempt"]),
        last_success=from_db(row["last_success"]),
        next_attempt=from_db(row["next_attempt"]),
        created_at=created,
    )
