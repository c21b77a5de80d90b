"""Feed entries → items ready to store: plain text, absolute links, UTC times, a language."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from feeds.clean import html_to_text, one_line, shorten
from feeds.identity import canonical_url, content_key, entry_key
from feeds.language import normalise_code
from feeds.parse import FeedEntry
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
    body = _TEASER_TAIL.sub("", html_to_text(entry.summary))
    title = shorten(one_line(entry.title), TITLE_LIMIT)
    if not title:
        title = shorten(" ".join(body.split()), 80)
    if not title:
        return None
    summary = shorten(body, SUMMARY_LIMIT)
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


def _published(published: datetime | None, now: datetime) -> datetime:
    # Undated entries and entries dated in the future count from when we first saw them.
    if published is None or published > now + FUTURE_TOLERANCE:
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
