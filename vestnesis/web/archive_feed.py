"""The archive's RSS feed: rendered once per sent digest and language, answered conditionally.

Feed readers ask every few minutes; the archive changes once a week. So the feed is kept as
rendered bytes per language until another digest is sent, and a reader that already has it
(If-None-Match / If-Modified-Since) gets 304 Not Modified without a body.
"""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Protocol

from storage import DigestRecord
from vestnesis.digest.views import DigestView

FEED_LENGTH = 50  # digests in the feed, newest first


@dataclass(frozen=True)
class RenderedFeed:
    """One language's feed as served: body, validators, and the archive state it shows."""

    stamp: str
    body: bytes
    etag: str
    last_modified: datetime | None

    def headers(self) -> dict[str, str]:
        """The validators a reader keeps for its next conditional request."""
        headers = {"ETag": self.etag, "Cache-Control": "public, max-age=300"}
        if self.last_modified is not None:
            headers["Last-Modified"] = format_datetime(self.last_modified, usegmt=True)
        return headers

    def unchanged_for(self, request_headers: Mapping[str, str]) -> bool:
        """Whether the reader's copy is this one (RFC 9110 §13.1: If-None-Match wins)."""
        asked = request_headers.get("if-none-match")
        if asked is not None:
            tags = {tag.strip().removeprefix("W/") for tag in asked.split(",")}
            return "*" in tags or self.etag in tags
        since = request_headers.get("if-modified-since")
        if since is None or self.last_modified is None:
            return False
        try:
            moment = parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False  # an unreadable date is ignored, as the RFC asks
        if moment.tzinfo is None:
            return False
        return self.last_modified.replace(microsecond=0) <= moment


class SentDigests(Protocol):
    """The part of the digest store the feed reads (storage.digests.DigestStore is one)."""

    async def archive_stamp(self) -> tuple[str, datetime | None]: ...

    async def sent(self, limit: int = 100) -> list[DigestRecord]: ...


# A stored digest worded for one language (vestnesis.digest.weekly.record_view); None when
# nothing of it is left.
RecordView = Callable[[DigestRecord, str], Awaitable[DigestView | None]]


class ArchiveFeed:
    """The feed per language, re-rendered only when the set of sent digests changed.

    It reads the sent digests from `digests`, words each with `view_of`, and links them
    under `public_url`; `title` names the association in the feed's title."""

    def __init__(
        self, digests: SentDigests, view_of: RecordView, *, public_url: str, title: str
    ) -> None:
        self._digests = digests
        self._view_of = view_of
        self._public_url = public_url
        self._title = title
        self._rendered: dict[str, RenderedFeed] = {}  # at most one per configured language

    async def get(self, language: str, gettext: Callable[[str], str]) -> RenderedFeed:
        """The feed in `language` (one of the association's), rendering it if it is stale."""
        stamp, last_sent = await self._digests.archive_stamp()
        kept = self._rendered.get(language)
        if kept is not None and kept.stamp == stamp:
            return kept
        body = await self._render(language, gettext)
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        rendered = RenderedFeed(stamp, body, etag, last_sent)
        self._rendered[language] = rendered
        return rendered

    async def _render(self, language: str, _: Callable[[str], str]) -> bytes:
        public = self._public_url
        rss = ET.Element("rss", version="2.0")
        channel = ET.SubElement(rss, "channel")
        ET.SubElement(channel, "title").text = f"{self._title} — {_('Past digests')}"
        ET.SubElement(channel, "link").text = f"{public}/archive?lang={language}"
        ET.SubElement(channel, "description").text = _("Subscribe to the weekly news")
        ET.SubElement(channel, "language").text = language
        for record in await self._digests.sent(limit=FEED_LENGTH):
            view = await self._view_of(record, language)
            if view is None:
                continue
            entry = ET.SubElement(channel, "item")
            link = f"{public}/archive/{record.id}?lang={language}"
            ET.SubElement(entry, "title").text = view.subject
            ET.SubElement(entry, "link").text = link
            ET.SubElement(entry, "guid", isPermaLink="true").text = link
            ET.SubElement(entry, "pubDate").text = format_datetime(
                record.sent_at or record.period_end
            )
            ET.SubElement(entry, "description").text = f"{view.period} · {view.count}"
        return ET.tostring(rss, encoding="utf-8", xml_declaration=True)
