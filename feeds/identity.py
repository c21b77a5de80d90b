"""Stable identities for feed entries: within a feed, and across feeds."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that only track the reader; the same article carries different ones per feed.
_TRACKING = ("utm_", "mc_", "fbclid", "gclid", "yclid", "_hsenc", "_hsmi", "igshid", "ref_src")


_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_NOT_WORD = re.compile(r"[\W_]+")


def canonical_url(url: str | None) -> str | None:
    """A key that is equal for two links to the same page (scheme, www, tracking, slash)."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower().removeprefix("www.")
    port = f":{parts.port}" if parts.port and parts.port not in (80, 443) else ""
    path = parts.path.rstrip("/") or "/"
    query = sorted(
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not key.lower().startswith(_TRACKING)
    )
    return urlunsplit(("", host + port, path, urlencode(query), ""))[2:]


def fold(text: str) -> str:
    """Lower-case text without diacritics or punctuation, words single-spaced."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = _COMBINING.sub("", decomposed)
    return " ".join(_NOT_WORD.sub(" ", bare).split())


def content_key(title: str, summary: str) -> str:
    """A hash of what an entry says, for entries that have no link to compare."""
    basis = f"{fold(title)}\n{fold(summary)[:300]}"
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:32]


def entry_key(guid: str | None, url_key: str | None, content: str) -> str:
    """An entry's identity within its feed: its guid, else its link, else its content."""
    if guid and guid.strip():
        return f"id:{guid.strip()}"
    if url_key:
        return f"url:{url_key}"
    return f"hash:{content}"
