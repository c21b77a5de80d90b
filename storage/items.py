"""SQL for news items and the per-source history of entries."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import datetime

from storage.chunked import fetch_in
from storage.links import safe_link
from storage.records import Item, NewItem, StoreResult
from storage.store import Store
from storage.timefmt import from_db, to_db


class ItemStore(Store):
    """News items, deduplicated within and across sources."""

    async def store(self, source_id: int, entries: Sequence[NewItem], now: datetime) -> StoreResult:
        """Store a source's entries in one transaction: new ones become items, seen ones are
        skipped, and an article already stored from another feed is linked, not repeated."""
        unique = list({entry.entry_key: entry for entry in entries}.values())
        new = duplicates = 0
        seen_at = to_db(now)
        async with self._tx.begin():
            known = await self._known_keys(source_id, [e.entry_key for e in unique])
            for entry in unique:
                if entry.entry_key in known:
                    continue
                item_id = await self._existing_item(entry)
                if item_id is None:
                    item_id = await self._insert(source_id, entry, seen_at)
                    new += 1
                else:
                    duplicates += 1
                await self._db.execute(
                    "INSERT INTO source_entries (source_id, entry_key, item_id, seen_at) "
                    "VALUES (?, ?, ?, ?)",
                    (source_id, entry.entry_key, item_id, seen_at),
                )
        return StoreResult(new=new, seen=len(entries) - new - duplicates, duplicates=duplicates)

    async def list(
        self,
        *,
        source: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int | None = None,
    ) -> list[Item]:
        """Items newest first, optionally from one source, published in [since, until)."""
        clauses: list[str] = []
        params: list[object] = []
        if source is not None:
            clauses.append("s.name = ?")
            params.append(source)
        if since is not None:
            clauses.append("i.published >= ?")
            params.append(to_db(since))
        if until is not None:
            clauses.append("i.published < ?")
            params.append(to_db(until))
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        tail = ""
        if limit is not None:
            tail = " LIMIT ?"
            params.append(limit)
        rows = await self._db.execute_fetchall(
            f"{_SELECT_ITEMS} {where} ORDER BY i.published DESC, i.id DESC{tail}",
            params,
        )
        return [_item(row) for row in rows]

    async def by_ids(self, ids: Sequence[int]) -> list[Item]:
        """The items with these ids, in the order given (missing ones left out)."""
        rows = await fetch_in(self._db, _SELECT_ITEMS + " WHERE i.id IN ({marks})", (), ids)
        found = {row["id"]: _item(row) for row in rows}
        return [found[item_id] for item_id in ids if item_id in found]

    async def fetched_since(self, moment: datetime, *, published_after: datetime) -> list[Item]:
        """Items first stored at or after `moment` and published after `published_after`."""
        rows = await self._db.execute_fetchall(
            f"{_SELECT_ITEMS} WHERE i.fetched_at >= ? AND i.published > ? "
            "ORDER BY i.published, i.id",
            (to_db(moment), to_db(published_after)),
        )
        return [_item(row) for row in rows]

    async def count(self) -> int:
        """How many items are stored."""
        rows = await self._db.execute_fetchall("SELECT COUNT(*) FROM items")
        return int(rows[0][0])

    async def _known_keys(self, source_id: int, keys: list[str]) -> set[str]:
        rows = await fetch_in(
            self._db,
            "SELECT entry_key FROM source_entries WHERE source_id = ? AND entry_key IN ({marks})",
            (source_id,),
            keys,
        )
        return {row[0] for row in rows}

    async def _existing_item(self, entry: NewItem) -> int | None:
        rows = await self._db.execute_fetchall(
            "SELECT id FROM items WHERE content_key = ? OR (url_key IS NOT NULL AND url_key = ?) "
            "LIMIT 1",
            (entry.content_key, entry.url_key),
        )
        return int(rows[0][0]) if rows else None

    async def _insert(self, source_id: int, entry: NewItem, fetched_at: str) -> int:
        cursor = await self._db.execute(
            "INSERT INTO items (source_id, url, url_key, content_key, title, summary, language, "
            "author, categories, published, fetched_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                source_id,
                safe_link(entry.url) or None,
                entry.url_key,
                entry.content_key,
                entry.title,
                entry.summary,
                entry.language,
                entry.author,
                json.dumps(list(entry.categories), ensure_ascii=False),
                to_db(entry.published),
                fetched_at,
            ),
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid


_SELECT_ITEMS = (
    "SELECT i.id, i.source_id, s.name AS source_name, i.url, i.title, i.summary, "
    "i.language, i.published, i.fetched_at, i.author, i.categories "
    "FROM items i JOIN sources s ON s.id = i.source_id"
)


def _item(row: sqlite3.Row) -> Item:
    published = from_db(row["published"])
    fetched = from_db(row["fetched_at"])
    assert published is not None and fetched is not None
    return Item(
        id=row["id"],
        source_id=row["source_id"],
        source_name=row["source_name"],
        url=row["url"],
        title=row["title"],
        summary=row["summary"],
        language=row["language"],
        published=published,
        fetched_at=fetched,
        author=row["author"],
        categories=tuple(json.loads(row["categories"])),
    )
