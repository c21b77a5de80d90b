"""Feed entries → items ready to store: plain text, absolute links, UTC times, a language."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from feeds.clean import html_to_text, one_line, plain_text, shorten
from feeds.identity import canonical_url, content_key, entry_key
from feeds.language import normalise_code
from feeds.parse import Enclosure, FeedEntry
from storage.links import safe_link
from storage.records import NewItem

SUMMARY_LIMIT = 400
TITLE_LIMIT = 300
# What blogs append to excerpts: a "read more" link or an ellipsis in brackets.
_TEASER_TAIL = re.compile(
    r"(?:\s*(?:\[(?:…|\.\.\.)\]|…|(?:read more|continue reading|lasīt (?:vairāk|tālāk)|"
    r"turpināt lasīt|skaityti daugiau|skaityti toliau)\s*(?:»|→|›)?))+\s*$",
    re.IGNORECASE,
)
# Clocks drift and feeds schedule posts; a date further ahead than this is not believed.
FUTURE_TOLERANCE = timedelta(hours=1)
# Nothing was published in a feed before feeds existed: earlier dates are generators'
# zero values (0001-01-01, 1970-01-01) and count as missing.
EARLIEST = datetime(1995, 1, 1, tzinfo=UTC)
# What kind of file an enclosure is, by media type (major type as the fallback).
_FILE_KINDS = {
    "application/pdf": "PDF",
    "application/msword": "DOC",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
    "application/vnd.oasis.opendocument.text": "ODT",
    "application/epub+zip": "EPUB",
    "application/zip": "ZIP",
    "audio/mpeg": "MP3",
    "audio/mp4": "M4A",
    "audio/ogg": "OGG",
    "video/mp4": "MP4",
}
_FILE_ICONS = {"audio": "🎧", "video": "🎬", "image": "🖼"}


class Detector(Protocol):
    """Anything that guesses an ISO 639-1 code for a text."""

    def detect(self, text: str) -> str | None: ...


@dataclass(frozen=True)
class Context:
    """What normalising needs besides the entry: the time, and what is known of the language."""

    now: datetime
    source_language: str | None
    feed_language: str | None
    detector: Detector | None


def normalise(entries: Iterable[FeedEntry], context: Context) -> tuple[list[NewItem], int]:
    """Normalise entries; returns the items and how many entries were empty and skipped."""
    items: list[NewItem] = []
    skipped = 0
    for entry in entries:
        item = normalise_entry(entry, context)
        if item is None:
            skipped += 1
        else:
            items.append(item)
    return items, skipped


def normalise_entry(entry: FeedEntry, context: Context) -> NewItem | None:
    """One entry as an item, or None when it has neither a title nor any text."""
    text = html_to_text(entry.summary) if entry.summary_is_html else plain_text(entry.summary)
    body = _TEASER_TAIL.sub("", text)
    title = shorten(one_line(entry.title, html=entry.title_is_html), TITLE_LIMIT)
    if not title:
        title = shorten(" ".join(body.split()), 80)
    if not title:
        return None
    summary = shorten(body, SUMMARY_LIMIT)
    if entry.enclosure is not None:
        # The link is a file, not a page: say what it is, in words any language reads.
        note = file_note(entry.enclosure)
        summary = f"{summary}\n{note}" if summary else note
    url = safe_link(entry.link) or None
    url_key = canonical_url(url)
    content = content_key(title, summary)
    return NewItem(
        entry_key=entry_key(entry.guid, url_key, content),
        url=url,
        url_key=url_key,
        content_key=content,
        title=title,
        summary=summary,
        language=_language(entry, title, body, context),
        published=_published(entry.published, context.now),
        author=one_line(entry.author) or None,
        categories=tuple(
            dict.fromkeys(name for name in (one_line(c) for c in entry.categories) if name)
        ),
    )


def file_note(enclosure: Enclosure) -> str:
    """What an enclosure is, e.g. "📎 PDF, 1.2 MB" or "🎧 MP3, 34 MB"."""
    media = enclosure.media_type or ""
    path = enclosure.url.split("?")[0].split("#")[0].rsplit("/", 1)[-1]
    extension = path.rsplit(".", 1)[-1].upper() if "." in path else ""
    kind = _FILE_KINDS.get(media) or (extension if 1 < len(extension) <= 5 else "")
    kind = kind or media.partition("/")[2].upper()[:10]
    icon = _FILE_ICONS.get(media.partition("/")[0], "📎")
    parts = [part for part in (kind, _size(enclosure.length)) if part]
    return " ".join([icon, ", ".join(parts)]) if parts else icon


def _size(length: int | None) -> str:
    if not length or length < 1024:
        return ""
    if length < 1024 * 1024:
        return f"{length / 1024:.0f} kB"
    megabytes = length / (1024 * 1024)
    return f"{megabytes:.1f} MB" if megabytes < 10 else f"{megabytes:.0f} MB"


def _published(published: datetime | None, now: datetime) -> datetime:
    # Undated entries, entries dated in the future and impossible dates count from when we
    # first saw them.
    if published is None or published > now + FUTURE_TOLERANCE or published < EARLIEST:
        return now
    return published


def _language(entry: FeedEntry, title: str, body: str, context: Context) -> str | None:
    for declared in (entry.language, context.source_language, context.feed_language):
        code = normalise_code(declared)
        if code:
            return code
    if context.detector is None:
        return None
    return context.detector.detect(f"{title}. {body[:300]}")
