"""Feed documents in, plain entries and a clear verdict out (feedparser behind one door)."""

from __future__ import annotations

import calendar
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

import feedparser

from feeds.dates import is_standard, parse_written_date
from feeds.encoding import repair
from feeds.fastparse import RawFeed, read_well_formed

# Signs that untyped text is HTML after all: a closing tag, a void tag, or an entity.
_MARKUP = re.compile(
    r"</[a-zA-Z][a-zA-Z0-9]*\s*>|<(?:br|hr|img|p)\b[^>]*>"
    r"|&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});"
)
# feedparser's "bozo" reasons that do not mean anything is wrong with the entries.
_BENIGN = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)


@dataclass(frozen=True)
class Enclosure:
    """A file an entry carries (a PDF bulletin, a podcast episode): its URL, media type and
    size in bytes as the feed declares them."""

    url: str
    media_type: str | None = None
    length: int | None = None


@dataclass(frozen=True)
class FeedEntry:
    """One entry as the feed gave it: the title and summary hold HTML when the feed typed
    them as HTML (`title_is_html`, `summary_is_html`), plain text otherwise. `enclosure` is
    set when the entry's only link is a file it carries."""

    guid: str | None
    link: str | None
    title: str
    summary: str
    published: datetime | None
    author: str | None
    categories: tuple[str, ...]
    language: str | None
    title_is_html: bool = True
    summary_is_html: bool = True
    enclosure: Enclosure | None = None


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
    content: bytes,
    *,
    base_url: str,
    headers: Mapping[str, str] | None = None,
    fast: bool = True,
) -> ParsedFeed:
    """Parse RSS 0.9x/1.0/2.0 or Atom; salvage what a damaged document still holds.

    A well-formed RSS 2.0 or Atom 1.0 document is read by `feeds.fastparse` (lxml), which
    gives the values feedparser would give, several times faster; anything it does not
    fully understand, and every document when `fast` is False, is read by feedparser."""
    response_headers = {key.lower(): value for key, value in (headers or {}).items()}
    repaired = repair(content, response_headers)
    content, response_headers = repaired.content, repaired.headers
    fetched_over_http = base_url.startswith(("http://", "https://"))
    if fetched_over_http:
        response_headers.setdefault("content-location", base_url)
    raw = read_well_formed(content, response_headers) if fast else None
    problem: BaseException | None = None
    if raw is None:
        raw, problem = _feedparser(content, response_headers)
    feed = raw.feed
    # A feed read from a file resolves its relative links against its own address.
    base = base_url if fetched_over_http else _own_address(feed) or base_url
    language = feed.get("language") or None
    atom = raw.version.startswith("atom")
    entries = _unshared_guids(tuple(_entry(entry, base, language, atom) for entry in raw.entries))
    title = feed.get("title") or None

    if not raw.version and not entries:
        return ParsedFeed(
            title, language, (), error=_not_a_feed(content, response_headers, problem)
        )
    warnings = [repaired.warning] if repaired.warning else []
    if problem is not None:
        kept = f"kept {len(entries)} entr{'y' if len(entries) == 1 else 'ies'}"
        warnings.append(f"malformed XML ({_describe(problem)}); {kept}")
    return ParsedFeed(title, language, entries, warning="; ".join(warnings) or None)


def _feedparser(content: bytes, headers: dict[str, str]) -> tuple[RawFeed, BaseException | None]:
    """feedparser's reading of a document, and what was wrong with it (None: nothing that
    matters)."""
    parsed = feedparser.parse(
        content,
        response_headers=headers,
        sanitize_html=False,  # cleaned later with a real sanitiser, to plain text
        resolve_relative_uris=False,
    )
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if isinstance(problem, _BENIGN):
        problem = None
    raw = RawFeed(str(parsed.get("version") or ""), parsed.get("feed", {}), parsed.entries)
    return raw, problem


def _entry(
    raw: Mapping[str, Any], base_url: str, feed_language: str | None, atom: bool
) -> FeedEntry:
    enclosure = _enclosure(raw, base_url)
    link = raw.get("link") or _alternate_link(raw) or (enclosure.url if enclosure else None)
    content = raw.get("content") or []
    summary = raw.get("summary") or ""
    summary_detail = raw.get("summary_detail") or {}
    body = content[0].get("value", "") if content else ""
    # A teaser shorter than the full text is worth less than the text itself.
    if len(summary) < 80 and len(body) > len(summary):
        summary = body
        summary_detail = content[0]
    title_detail = raw.get("title_detail") or {}
    language = title_detail.get("language") or raw.get("language") or None
    link = urljoin(base_url, link) if link else None
    return FeedEntry(
        guid=raw.get("id") or raw.get("guid") or None,
        link=link,
        title=raw.get("title") or "",
        summary=summary,
        published=_published(raw, language or feed_language),
        author=raw.get("author") or None,
        categories=tuple(tag.get("term") for tag in raw.get("tags") or [] if tag.get("term")),
        language=language,
        title_is_html=_is_html(title_detail, atom),
        summary_is_html=_is_html(summary_detail, atom),
        enclosure=enclosure if enclosure and link == enclosure.url else None,
    )


def _is_html(detail: Mapping[str, Any], atom: bool) -> bool:
    """Whether a text construct holds HTML: Atom says so (its default is text); RSS does not,
    and its titles are text by the spec but often escaped HTML in practice, so an RSS text is
    HTML only when it has a closing tag or an entity ("the <aside> element" has neither)."""
    if detail.get("type") != "text/plain":
        return True
    return not atom and bool(_MARKUP.search(str(detail.get("value") or "")))


def _enclosure(raw: Mapping[str, Any], base_url: str) -> Enclosure | None:
    for link in raw.get("links") or []:
        href = link.get("href")
        if link.get("rel") != "enclosure" or not href:
            continue
        length = str(link.get("length") or "").strip()
        return Enclosure(
            url=urljoin(base_url, str(href)),
            media_type=str(link.get("type") or "").strip().lower() or None,
            length=int(length) if length.isdigit() and int(length) > 0 else None,
        )
    return None


def _unshared_guids(entries: tuple[FeedEntry, ...]) -> tuple[FeedEntry, ...]:
    """A guid that several different entries of one document carry identifies none of them:
    those entries fall back to their link, then their content."""
    counts = Counter(entry.guid for entry in entries if entry.guid)
    shared = {guid for guid, count in counts.items() if count > 1}
    if not shared:
        return entries
    return tuple(replace(e, guid=None) if e.guid in shared else e for e in entries)


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


def _published(raw: Mapping[str, Any], language: str | None) -> datetime | None:
    # `in` first: feedparser's get() maps a missing "published" to "updated", with a warning.
    for key in ("published", "updated", "created"):
        written = raw[key] if key in raw else None  # noqa: SIM401 (see above)
        value = raw[f"{key}_parsed"] if f"{key}_parsed" in raw else None  # noqa: SIM401
        # feedparser reads English and ISO dates only, and some others in part.
        if written and not is_standard(str(written)):
            moment = parse_written_date(str(written), language)
            if moment is not None:
                return moment
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
