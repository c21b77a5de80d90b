"""Feed documents in, plain entries and a clear verdict out (feedparser behind one door)."""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

import feedparser

# feedparser's "bozo" reasons that do not mean anything is wrong with the entries.
_BENIGN = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)


@dataclass(frozen=True)
class FeedEntry:
    """One entry as the feed gave it: text fields may still hold HTML."""

    guid: str | None
    link: str | None
    title: str
    summary: str
    published: datetime | None
    author: str | None
    categories: tuple[str, ...]
    language: str | None


@dataclass(frozen=True)
class ParsedFeed:
    """The verdict on one document: entries kept, and a warning or an error in plain words."""

    title: str | None
    language: str | None
    entries: tuple[FeedEntry, ...]
    warning: str | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        """True when the document was a feed (possibly damaged but salvageable)."""
        return self.error is None


def parse_feed(
    content: bytes, *, base_url: str, headers: Mapping[str, str] | None = None
) -> ParsedFeed:
    """Parse RSS 0.9x/1.0/2.0 or Atom; salvage what a damaged document still holds."""
    response_headers = {key.lower(): value for key, value in (headers or {}).items()}
    fetched_over_http = base_url.startswith(("http://", "https://"))
    if fetched_over_http:
        response_headers.setdefault("content-location", base_url)
    parsed = feedparser.parse(
        content,
        response_headers=response_headers,
        sanitize_html=False,  # cleaned later with a real sanitiser, to plain text
        resolve_relative_uris=False,
    )
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if isinstance(problem, _BENIGN):
        problem = None
    feed = parsed.get("feed", {})
    # A feed read from a file resolves its relative links against its own address.
    base = base_url if fetched_over_http else _own_address(feed) or base_url
    entries = tuple(_entry(raw, base) for raw in parsed.entries)
    title = feed.get("title") or None
    language = feed.get("language") or None

    if not parsed.get("version") and not entries:
        return ParsedFeed(
            title, language, (), error=_not_a_feed(content, response_headers, problem)
        )
    warning = None
    if problem is not None:
        kept = f"kept {len(entries)} entr{'y' if len(entries) == 1 else 'ies'}"
        warning = f"malformed XML ({_describe(problem)}); {kept}"
    return ParsedFeed(title, language, entries, warning=warning)


def _entry(raw: Mapping[str, Any], base_url: str) -> FeedEntry:
    link = raw.get("link") or _alternate_link(raw)
    content = raw.get("content") or []
    summary = raw.get("summary") or ""
    body = content[0].get("value", "") if content else ""
    # A teaser shorter than the full text is worth less than the text itself.
    if len(summary) < 80 and len(body) > len(summary):
        summary = body
    title_detail = raw.get("title_detail") or {}
    return FeedEntry(
        guid=raw.get("id") or raw.get("guid") or None,
        link=urljoin(base_url, link) if link else None,
        title=raw.get("title") or "",
        summary=summary,
        published=_published(raw),
        author=raw.get("author") or None,
        categories=tuple(tag.get("term") for tag in raw.get("tags") or [] if tag.get("term")),
        language=title_detail.get("language") or raw.get("language") or None,
    )


def _alternate_link(raw: Mapping[str, Any], rel: str = "alternate") -> str | None:
    for link in raw.get("links") or []:
        if link.get("rel", "alternate") == rel and link.get("href"):
            return str(link["href"])
    return None


def _own_address(feed: Mapping[str, Any]) -> str | None:
    for candidate in (_alternate_link(feed, "self"), feed.get("link")):
        if candidate and str(candidate).startswith(("http://", "https://")):
            return str(candidate)
    return None


def _published(raw: Mapping[str, Any]) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = raw.get(key)
        if value:
            try:
                return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
            except (OverflowError, ValueError, OSError):
                continue
    return None


def _not_a_feed(content: bytes, headers: Mapping[str, str], problem: BaseException | None) -> str:
    head = content[:2048].lstrip().lower()
    if not head:
        return "not a feed: the response was empty"
    if b"<html" in head or b"<!doctype html" in head or "html" in headers.get("content-type", ""):
        return "not a feed: got an HTML page (is the URL the site rather than its feed?)"
    if problem is not None:
        return f"not a feed: invalid XML ({_describe(problem)})"
    return "not a feed: no RSS or Atom document found"


def _describe(problem: BaseException) -> str:
    line = getattr(problem, "getLineNumber", None)
    message = getattr(problem, "getMessage", None)
    text = message() if callable(message) else str(problem)
    return f"line {line()}: {text}" if callable(line) else str(text)
