"""SQL for news items and the per-source history of entries."""

from __future__ import annotations

import builtins
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
        skipped, and an article already stored from another feed is linked, not repeated.

        The statements are batched (a handful per call, not several per entry): each one is a
        hop to the connection's thread, and a poll pass stores thousands of entries."""
        unique = list({entry.entry_key: entry for entry in entries}.values())
        seen_at = to_db(now)
        async with self._tx.begin():
            known = await self._known_keys(source_id, [e.entry_key for e in unique])
            fresh = [entry for entry in unique if entry.entry_key not in known]
            by_content, by_url = await self._existing_items(fresh)
            # Each fresh entry is linked to an item: one stored before (by its content, else
            # its link), one inserted earlier in this batch, or a new one (None until inserted).
            links: list[tuple[NewItem, int | NewItem]] = []
            inserts: list[NewItem] = []
            pending_content: dict[str, NewItem] = {}
            pending_url: dict[str, NewItem] = {}
            for entry in fresh:
                target: int | NewItem | None = by_content.get(entry.content_key)
                if target is None and entry.url_key is not None:
                    target = by_url.get(entry.url_key)
                if target is None:
                    target = pending_content.get(entry.content_key)
                if target is None and entry.url_key is not None:
                    target = pending_url.get(entry.url_key)
                if target is None:
                    target = entry
                    inserts.append(entry)
                    pending_content[entry.content_key] = entry
                    if entry.url_key is not None:
                        pending_url[entry.url_key] = entry
                links.append((entry, target))
            inserted = await self._insert_all(source_id, inserts, seen_at)
            await self._db.executemany(
                "INSERT INTO source_entries (source_id, entry_key, item_id, seen_at) "
                "VALUES (?, ?, ?, ?)",
                [
                    (
                        source_id,
                        entry.entry_key,
                        target if isinstance(target, int) else inserted[target.content_key],
                        seen_at,
                    )
                    for entry, target in links
                ],
            )
        new = len(inserts)
        duplicates = len(fresh) - new
        return StoreResult(new=new, seen=len(entries) - new - duplicates, duplicates=duplicates)

    async def list(
        self,
        *,
        source: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int | None = None,
    ) -> builtins.list[Item]:
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

    async def by_ids(self, ids: Sequence[int]) -> builtins.list[Item]:
        """The items with these ids, in the order given (missing ones left out)."""
        rows = await fetch_in(self._db, _SELECT_ITEMS + " WHERE i.id IN ({marks})", (), ids)
        found = {row["id"]: _item(row) for row in rows}
        return [found[item_id] for item_id in ids if item_id in found]

    async def fetched_since(
        self, moment: datetime, *, published_after: datetime
    ) -> builtins.list[Item]:
        """Items first stored at or after `moment` and published after `published_after`."""
        rows = await self._db.execute_fetchall(
            f"{_SELECT_ITEMS} WHERE i.fetched_at >= ? AND i.published > ? "
            "ORDER BY i.published, i.id",
            (to_db(moment), to_db(published_after)),
        )
        return [_item(row) for row in rows]

    async def count(self) -> int:
        """How many items are stored."""
        rows = list(await self._db.execute_fetchall("SELECT COUNT(*) FROM items"))
        return int(rows[0][0])

    async def _known_keys(self, source_id: int, keys: builtins.list[str]) -> set[str]:
        rows = await fetch_in(
            self._db,
            "SELECT entry_key FROM source_entries WHERE source_id = ? AND entry_key IN ({marks})",
            (source_id,),
            keys,
        )
        return {row[0] for row in rows}

    async def _existing_items(
        self, entries: builtins.list[NewItem]
    ) -> tuple[dict[str, int], dict[str, int]]:
        """Items stored before that match these entries: by content key, and by link key."""
        contents = [entry.content_key for entry in entries]
        urls = [entry.url_key for entry in entries if entry.url_key is not None]
        by_content = {
            row[1]: int(row[0])
            for row in await fetch_in(
                self._db,
                "SELECT id, content_key FROM items WHERE content_key IN ({marks})",
                (),
                contents,
            )
        }
        by_url = {
            row[1]: int(row[0])
            for row in await fetch_in(
                self._db, "SELECT id, url_key FROM items WHERE url_key IN ({marks})", (), urls
            )
        }
        return by_content, by_url

    async def _insert_all(
        self, source_id: int, entries: builtins.list[NewItem], fetched_at: str
    ) -> dict[str, int]:
        """Insert new items; returns their ids by content key (unique among items)."""
        if not entries:
            return {}
        await self._db.executemany(
            "INSERT INTO items (source_id, url, url_key, content_key, title, summary, language, "
            "author, categories, published, fetched_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
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
                )
                for entry in entries
            ],
        )
        rows = await fetch_in(
            self._db,
            "SELECT id, content_key FROM items WHERE content_key IN ({marks})",
            (),
            [entry.content_key for entry in entries],
        )
        return {row[1]: int(row[0]) for row in rows}


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
