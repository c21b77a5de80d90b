"""SQL for the translation cache: no text is paid for twice."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from storage.chunked import fetch_in
from storage.store import Store
from storage.timefmt import to_db


def text_hash(text: str) -> str:
    """The cache key of a text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class TranslationStore(Store):
    """Translations keyed by backend, language pair and the hash of the source text."""

    async def get_many(
        self, backend: str, source: str, target: str, texts: Sequence[str]
    ) -> dict[str, str]:
        """Cached translations of those texts that have one, by original text."""
        by_hash = {text_hash(text): text for text in texts}
        rows = await fetch_in(
            self._db,
            "SELECT text_hash, translated FROM translations "
            "WHERE backend = ? AND source = ? AND target = ? AND text_hash IN ({marks})",
            (backend, source, target),
            list(by_hash),
        )
        return {by_hash[row[0]]: row[1] for row in rows}

    async def put_many(
        self, backend: str, source: str, target: str, pairs: Mapping[str, str], now: datetime
    ) -> None:
        """Remember translations (original → translated)."""
        rows: Iterable[tuple[str, ...]] = (
            (backend, source, target, text_hash(original), translated, to_db(now))
            for original, translated in pairs.items()
        )
        async with self._tx.begin():
            await self._db.executemany(
                "INSERT OR REPLACE INTO translations "
                "(backend, source, target, text_hash, translated, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                list(rows),
            )
