"""The composed digest (what `compose` makes and `localise` translates): a period's sections
of entries. Not stored: the database keeps only which items a digest carries
(`storage.DigestRecord`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class DigestEntry:
    """One news item in a digest, with its rendering in the reader's language when known."""

    item_id: int
    source: str
    title: str
    summary: str
    url: str | None
    language: str | None
    published: datetime
    categories: tuple[str, ...] = ()
    title_translated: str | None = None
    summary_translated: str | None = None
    translation_failed: bool = False

    @property
    def is_translated(self) -> bool:
        """True when a translation is shown in place of the original."""
        return self.title_translated is not None


@dataclass(frozen=True)
class DigestSection:
    """A part of a digest: one source's news, upcoming events, or the board's announcements."""

    kind: str  # source | events | announcements
    name: str
    entries: tuple[DigestEntry, ...]


@dataclass(frozen=True)
class Digest:
    """A composed digest for one period; `language` is set once it is localised for readers."""

    period_start: datetime
    period_end: datetime
    sections: tuple[DigestSection, ...]
    language: str | None = None

    @property
    def entries(self) -> tuple[DigestEntry, ...]:
        """Every entry, in order."""
        return tuple(entry for section in self.sections for entry in section.entries)

    @property
    def total(self) -> int:
        """How many entries the digest holds."""
        return sum(len(section.entries) for section in self.sections)
