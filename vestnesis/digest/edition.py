"""One send of the weekly digest, composed once and handed to every channel."""

from __future__ import annotations

from collections.abc import Sequence

from storage import DigestRecord, Item
from vestnesis.digest.compose import DigestRules, ItemFilter, Period, compose
from vestnesis.digest.model import Digest
from vestnesis.digest.views import DigestView
from vestnesis.digest.weekly import DigestParts, Prepared, view_for


class Edition:
    """The stored digest of one send: its items read once, the digest for each destination's
    filter composed once from them (the unfiltered one is the decision's own), and each
    (filter, language) view localised and worded once, so the mailing list, the Telegram
    members and the chats all get the same thing without doing the work twice."""

    def __init__(
        self,
        parts: DigestParts,
        record: DigestRecord,
        items: Sequence[Item],
        digest: Digest | None,
    ) -> None:
        self._parts = parts
        self.record = record
        self.period = Period(record.period_start, record.period_end)
        self._items = list(items)
        order = parts.settings.rules.source_order
        # Exactly the record's items, in the configured order: no limits apply any more.
        self._rules = DigestRules(len(self._items) or 1, len(self._items) or 1, order)
        self._digests: dict[ItemFilter | None, Digest | None] = {}
        if digest is not None:
            self._digests[None] = digest
        self._views: dict[tuple[ItemFilter | None, str], DigestView] = {}

    @classmethod
    async def of(cls, parts: DigestParts, prepared: Prepared, record: DigestRecord) -> Edition:
        """The edition of `record`, the stored digest of the decision `prepared`."""
        items = await parts.items.by_ids(list(record.item_ids))
        digest = prepared.digest
        decided = {e.item_id for e in digest.entries} if digest is not None else set()
        same = digest is not None and decided == set(record.item_ids)
        return cls(parts, record, items, digest if same else None)

    def digest(self, item_filter: ItemFilter | None = None) -> Digest | None:
        """The digest a destination with `item_filter` gets; None when it leaves nothing."""
        key = _key(item_filter)
        if key not in self._digests:
            self._digests[key] = compose(self._items, self.period, self._rules, item_filter=key)
        return self._digests[key]

    async def view(self, language: str, item_filter: ItemFilter | None = None) -> DigestView | None:
        """That digest translated and worded for readers of `language` (with the calendar's
        coming events); None when the filter leaves nothing."""
        key = (_key(item_filter), language)
        if key not in self._views:
            digest = self.digest(item_filter)
            if digest is None:
                return None
            self._views[key] = await view_for(self._parts, digest, language)
        return self._views[key]


def _key(item_filter: ItemFilter | None) -> ItemFilter | None:
    return None if item_filter is None or item_filter == ItemFilter() else item_filter
