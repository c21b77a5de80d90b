"""SQL for digests: drafts, the board's decision, and which items went out."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime

from storage.faults import ConflictError
from storage.records import DigestRecord
from storage.store import Store
from storage.timefmt import from_db, to_db


class DigestExistsError(ConflictError):
    """A digest for that period is already stored."""


class DigestStore(Store):
    """Digest records, one per period end."""

    async def create(
        self,
        period_start: datetime,
        period_end: datetime,
        item_ids: Sequence[int],
        status: str,
        now: datetime,
    ) -> DigestRecord:
        """Store a digest for the period with its items; a period can have only one."""
        async with self._tx.begin():
            try:
                cursor = await self._db.execute(
                    "INSERT INTO digests (period_start, period_end, status, prepared_at) "
                    "VALUES (?, ?, ?, ?)",
                    (to_db(period_start), to_db(period_end), status, to_db(now)),
                )
            except sqlite3.IntegrityError:
                raise DigestExistsError(f"a digest ending {to_db(period_end)} exists") from None
            digest_id = cursor.lastrowid
            await self._db.executemany(
                "INSERT INTO digest_items (digest_id, item_id, position) VALUES (?, ?, ?)",
                [(digest_id, item_id, position) for position, item_id in enumerate(item_ids)],
            )
        record = await self.for_period(period_end)
        assert record is not None
        return record

    async def for_period(self, period_end: datetime) -> DigestRecord | None:
        """The digest of the period ending then, if any."""
        rows = list(
            await self._db.execute_fetchall(f"{_SELECT} WHERE period_end = ?", (to_db(period_end),))
        )
        return await self._record(rows[0]) if rows else None

    async def latest(self, status: str | None = None) -> DigestRecord | None:
        """The most recent digest, optionally of one status."""
        where, params = ("WHERE status = ?", (status,)) if status else ("", ())
        rows = list(
            await self._db.execute_fetchall(
                f"{_SELECT} {where} ORDER BY period_end DESC LIMIT 1", params
            )
        )
        return await self._record(rows[0]) if rows else None

    async def sent(self, limit: int = 100) -> list[DigestRecord]:
        """Sent digests, newest first (the public archive)."""
        rows = await self._db.execute_fetchall(
            f"{_SELECT} WHERE status = 'sent' ORDER BY period_end DESC LIMIT ?", (limit,)
        )
        return [await self._record(row) for row in rows]

    async def archive_stamp(self) -> tuple[str, datetime | None]:
        """What identifies the archive's content (changes whenever a digest is sent, or a
        sent one is removed) and when a digest was last sent; one indexed aggregate."""
        async with self._db.execute(
            "SELECT COUNT(*), MAX(id), MAX(sent_at) FROM digests WHERE status = 'sent'"
        ) as cursor:
            row = await cursor.fetchone()
        count, newest, last = row if row is not None else (0, None, None)
        return f"{count}.{newest or 0}.{last or ''}", from_db(last)

    async def get(self, digest_id: int) -> DigestRecord | None:
        """The digest with that id."""
        rows = list(await self._db.execute_fetchall(f"{_SELECT} WHERE id = ?", (digest_id,)))
        return await self._record(rows[0]) if rows else None

    async def decide(self, digest_id: int, status: str, by: str, now: datetime) -> bool:
        """Approve or hold a draft (or change a decision before sending); False if already sent."""
        async with self._tx.begin():
            cursor = await self._db.execute(
                "UPDATE digests SET status = ?, decided_by = ?, decided_at = ? "
                "WHERE id = ? AND status != 'sent'",
                (status, by, to_db(now), digest_id),
            )
        return cursor.rowcount > 0

    async def mark_sent(self, digest_id: int, now: datetime) -> None:
        """Record that the digest went out."""
        async with self._tx.begin():
            await self._db.execute(
                "UPDATE digests SET status = 'sent', sent_at = ? WHERE id = ?",
                (to_db(now), digest_id),
            )

    async def mark_empty(self, period_end: datetime, now: datetime) -> None:
        """Record that the period ending then had nothing new when it was decided (once)."""
        async with self._tx.begin():
            await self._db.execute(
                "INSERT OR IGNORE INTO empty_periods (period_end, decided_at) VALUES (?, ?)",
                (to_db(period_end), to_db(now)),
            )

    async def empty_since(self, period_end: datetime) -> datetime | None:
        """When the period ending then was decided to have nothing new; None if it was not."""
        rows = list(
            await self._db.execute_fetchall(
                "SELECT decided_at FROM empty_periods WHERE period_end = ?", (to_db(period_end),)
            )
        )
        return from_db(rows[0][0]) if rows else None

    async def decided_before(self, period_end: datetime) -> bool:
        """Whether any weekly period ending before then was decided (sent, drafted or found
        empty): False on an installation whose service never reached a send time."""
        rows = await self._db.execute_fetchall(
            "SELECT 1 FROM digests WHERE period_end < ? "
            "UNION ALL SELECT 1 FROM empty_periods WHERE period_end < ? LIMIT 1",
            (to_db(period_end), to_db(period_end)),
        )
        return bool(rows)

    async def sent_item_ids(self) -> set[int]:
        """Items that went out in any sent digest."""
        rows = await self._db.execute_fetchall(
            "SELECT DISTINCT di.item_id FROM digest_items di "
            "JOIN digests d ON d.id = di.digest_id WHERE d.status = 'sent'"
        )
        return {row[0] for row in rows}

    async def _record(self, row: sqlite3.Row) -> DigestRecord:
        items = await self._db.execute_fetchall(
            "SELECT item_id FROM digest_items WHERE digest_id = ? ORDER BY position", (row["id"],)
        )
        start, end, prepared = (
            from_db(row[key]) for key in ("period_start", "period_end", "prepared_at")
        )
        assert start is not None and end is not None and prepared is not None
        return DigestRecord(
            id=row["id"],
            period_start=start,
            period_end=end,
            status=row["status"],
            prepared_at=prepared,
            decided_by=row["decided_by"],
            decided_at=from_db(row["decided_at"]),
            sent_at=from_db(row["sent_at"]),
            item_ids=tuple(item[0] for item in items),
        )


_SELECT = (
    "SELECT id, period_start, period_end, status, prepared_at, decided_by, decided_at, sent_at "
    "FROM digests"
)
