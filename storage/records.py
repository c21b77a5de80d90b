"""Typed records that go in and out of the database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class SourceSpec:
    """A news source as configured or added by an operator, before it has fetch state."""

    name: str
    location: str  # an http(s) URL or an absolute file path
    language: str | None = None
    origin: str = "config"  # config | cli | opml


@dataclass(frozen=True)
class Source:
    """A stored news source with its fetch state."""

    id: int
    name: str
    location: str
    language: str | None
    origin: str
    enabled: bool
    paused: bool
    etag: str | None
    last_modified: str | None
    content_hash: str | None
    error_count: int
    last_error: str | None
    last_attempt: datetime | None
    last_success: datetime | None
    next_attempt: datetime | None
    created_at: datetime

    @property
    def is_url(self) -> bool:
        """True when the source is fetched over HTTP rather than read from a file."""
        return self.location.startswith(("http://", "https://"))


@dataclass(frozen=True)
class FetchOutcome:
    """What one fetch attempt did to a source's state."""

    ok: bool
    attempted_at: datetime
    etag: str | None = None
    last_modified: str | None = None
    content_hash: str | None = None
    error: str | None = None
    next_attempt: datetime | None = None
    pause: bool = False


@dataclass(frozen=True)
class NewItem:
    """A normalised feed entry ready to be stored."""

    entry_key: str  # identity within its source: guid, else link, else content hash
    url: str | None
    url_key: str | None  # canonical link, for recognising one article in several feeds
    content_key: str  # hash of folded title and summary, the same purpose without a link
    title: str
    summary: str
    language: str | None
    published: datetime
    author: str | None = None
    categories: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Item:
    """A stored news item."""

    id: int
    source_id: int
    source_name: str
    url: str | None
    title: str
    summary: str
    language: str | None
    published: datetime
    fetched_at: datetime
    author: str | None
    categories: tuple[str, ...]


@dataclass(frozen=True)
class StoreResult:
    """How a batch of one source's entries landed: new, seen before, or stored via another feed."""

    new: int = 0
    seen: int = 0
    duplicates: int = 0
