"""Digest composition: a pure function of stored items, a period and the rules."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from feeds.identity import fold
from storage import Item
from vestnesis.config import Config, Filter
from vestnesis.digest.model import Digest, DigestEntry, DigestSection


@dataclass(frozen=True)
class Period:
    """[start, end) in UTC."""

    start: datetime
    end: datetime


@dataclass(frozen=True)
class DigestRules:
    """Limits and order for composing."""

    max_per_section: int = 6
    max_items: int = 25
    source_order: tuple[str, ...] = ()

    @classmethod
    def from_config(cls, config: Config) -> DigestRules:
        """The rules of `[digest]`; sources default to the order of `[[feeds]]`."""
        order = config.digest.source_order or [feed.name for feed in config.feeds]
        return cls(config.digest.max_per_section, config.digest.max_items, tuple(order))


@dataclass(frozen=True)
class ItemFilter:
    """Which items one destination wants; empty lists let everything through."""

    include_sources: frozenset[str] = frozenset()
    exclude_sources: frozenset[str] = frozenset()
    include_categories: frozenset[str] = frozenset()
    exclude_categories: frozenset[str] = frozenset()
    include_keywords: tuple[str, ...] = ()
    exclude_keywords: tuple[str, ...] = ()

    @classmethod
    def from_config(cls, spec: Filter) -> ItemFilter:
        """A filter from a config `filter` table (matching ignores case and diacritics)."""
        return cls(
            frozenset(spec.include_sources),
            frozenset(spec.exclude_sources),
            frozenset(fold(c) for c in spec.include_categories),
            frozenset(fold(c) for c in spec.exclude_categories),
            tuple(fold(k) for k in spec.include_keywords),
            tuple(fold(k) for k in spec.exclude_keywords),
        )

    def admits(self, item: Item) -> bool:
        """True when the destination should get this item."""
        if self.include_sources and item.source_name not in self.include_sources:
            return False
        if item.source_name in self.exclude_sources:
            return False
        categories = {fold(c) for c in item.categories}
        if self.include_categories and not categories & self.include_categories:
            return False
        if categories & self.exclude_categories:
            return False
        text = f" {fold(item.title)} {fold(item.summary)} "
        if self.include_keywords and not any(f" {k}" in text for k in self.include_keywords):
            return False
        return not any(f" {k}" in text for k in self.exclude_keywords)


def digest_period(send_time: datetime, zone: ZoneInfo, length: timedelta) -> Period:
    """The `length` of local wall-clock time before `send_time` (a week spans DST changes
    as the calendar does: Monday 09:00 to Monday 09:00)."""
    local_end = send_time.astimezone(zone).replace(tzinfo=None)
    start = (local_end - length).replace(tzinfo=zone)
    return Period(start.astimezone(UTC), send_time.astimezone(UTC))


def compose(
    items: Iterable[Item],
    period: Period,
    rules: DigestRules,
    *,
    already_sent: set[int] | frozenset[int] = frozenset(),
    item_filter: ItemFilter | None = None,
    events: Sequence[DigestEntry] = (),
    announcements: Sequence[DigestEntry] = (),
) -> Digest | None:
    """The digest of the period, or None when there is nothing new to tell."""
    candidates = sorted(
        (
            item
            for item in items
            if period.start <= item.published < period.end
            and item.id not in already_sent
            and (item_filter is None or item_filter.admits(item))
        ),
        key=lambda item: (item.published, item.id),
        reverse=True,
    )
    chosen: dict[str, list[Item]] = {}
    taken = 0
    for item in candidates:
        if taken >= rules.max_items:
            break
        section = chosen.setdefault(item.source_name, [])
        if len(section) < rules.max_per_section:
            section.append(item)
            taken += 1
    if not chosen and not events and not announcements:
        return None
    sections = [
        DigestSection("announcements", "announcements", tuple(announcements)),
        *(
            DigestSection("source", name, tuple(_entry(item) for item in chosen[name]))
            for name in _source_order(chosen, rules.source_order)
        ),
        DigestSection("events", "events", tuple(events)),
    ]
    return Digest(period.start, period.end, tuple(s for s in sections if s.entries))


def _source_order(chosen: dict[str, list[Item]], preferred: Sequence[str]) -> list[str]:
    ranked = [name for name in preferred if name in chosen]
    # Sources not named in the order follow, the one with the newest news first.
    rest = sorted(
        (name for name in chosen if name not in preferred),
        key=lambda name: chosen[name][0].published,
        reverse=True,
    )
    return ranked + rest


def _entry(item: Item) -> DigestEntry:
    return DigestEntry(
        item_id=item.id,
        source=item.source_name,
        title=item.title,
        summary=item.summary,
        url=item.url,
        language=item.language,
        published=item.published,
        categories=item.categories,
    )
