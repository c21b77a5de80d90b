"""Typed records that go in and out of the database (what is stored, what a store is given
to store, and what a store reports); views for readers live with the code that words them."""

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


@dataclass(frozen=True)
class DigestRecord:
    """A digest's stored state: its period, status and the items it carries."""

    id: int
    period_start: datetime
    period_end: datetime
    status: str  # draft | approved | held | sent
    prepared_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    sent_at: datetime | None
    item_ids: tuple[int, ...]


@dataclass(frozen=True)
class Subscriber:
    """A mailing-list member."""

    id: int
    email: str
    name: str | None
    language: str
    status: str  # pending | confirmed | unsubscribed | bounced
    weekly: bool
    source: str  # web | bot | import | cli
    created_at: datetime
    confirm_requests: int
    last_request_at: datetime | None
    confirmed_at: datetime | None
    unsubscribed_at: datetime | None
    soft_bounces: int
    last_bounce: str | None
    reminders: bool = False


@dataclass(frozen=True)
class OutboxMessage:
    """A message stored once, delivered to many recipients."""

    id: int
    kind: str  # digest | confirm | announcement
    key: str
    channel: str  # email | telegram
    language: str
    subject: str
    body: bytes


@dataclass(frozen=True)
class Delivery:
    """One message to one recipient, and how far it got."""

    id: int
    message_id: int
    channel: str
    recipient: str
    subscriber_id: int | None
    status: str  # pending | sending | sent | failed
    attempts: int
    last_error: str | None
    subscriber_name: str | None = None
    subscriber_status: str | None = None  # as it was when the delivery was claimed


@dataclass(frozen=True)
class Recipient:
    """Who a message is enqueued for."""

    address: str
    subscriber_id: int | None = None


@dataclass(frozen=True)
class TelegramMember:
    """Someone who started the bot in a private chat."""

    user_id: int
    chat_id: int
    first_name: str | None
    language: str | None
    weekly: bool
    instant: bool
    status: str  # active | blocked
    reminders: bool = False


@dataclass(frozen=True)
class TelegramChat:
    """A group, supergroup or channel the bot posts to."""

    chat_id: int
    title: str | None
    kind: str
    language: str | None
    topic: int
    active: bool
    configured: bool


@dataclass(frozen=True)
class Announcement:
    """A board announcement and how far it has got."""

    id: int
    author_id: int
    author_chat: int
    text_html: str
    media_kind: str | None  # photo | document
    media_id: str | None
    audience: tuple[str, ...]  # chats | subscribers | email
    status: str  # draft | awaiting | approved | sent | cancelled
    approvals: tuple[int, ...]
    send_at: datetime | None = None  # approved announcements wait for this time


@dataclass(frozen=True)
class Event:
    """One occurrence of a calendar event; a recurring series' occurrences share `uid` and
    differ in `recurrence` (the occurrence's original start, UTC; empty for single events)."""

    uid: str
    title: str
    start: datetime
    end: datetime
    all_day: bool = False
    place: str = ""
    url: str = ""
    kind: str = ""
    status: str = "confirmed"
    description: str = ""
    categories: tuple[str, ...] = ()
    calendar: str = ""
    recurrence: str = ""

    @property
    def cancelled(self) -> bool:
        """True when the organiser called this occurrence off."""
        return self.status == "cancelled"

    @property
    def key(self) -> str:
        """Identifies the occurrence across calendars: calendar/uid/recurrence."""
        return f"{self.calendar}/{self.uid}/{self.recurrence}"
