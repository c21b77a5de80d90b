"""A translator in front of the cache: each distinct text is paid for once."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from feeds.translate.base import Translator
from storage.translations import TranslationStore


class CachedTranslator:
    """Looks texts up in storage first and sends only the misses, once each."""

    def __init__(
        self, backend: Translator, store: TranslationStore, now: Callable[[], datetime]
    ) -> None:
        self._backend = backend
        self._store = store
        self._now = now
        self.name = backend.name
        self.sent = 0  # texts sent to the backend by this instance

    async def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        """Translations of `texts`, from the cache where possible."""
        if source == target:
            return list(texts)
        distinct = [text for text in dict.fromkeys(texts) if text.strip()]
        known = await self._store.get_many(self.name, source, target, distinct)
        known.update({text: text for text in texts if not text.strip()})
        missing = [text for text in distinct if text not in known]
        if missing:
            fresh = await self._backend.translate(missing, source, target)
            self.sent += len(missing)
            pairs = dict(zip(missing, fresh, strict=True))
            await self._store.put_many(self.name, source, target, pairs, self._now())
            known.update(pairs)
        return [known[text] for text in texts]
