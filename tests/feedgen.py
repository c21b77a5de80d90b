"""Small feed documents built in tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from xml.sax.saxutils import escape

BASE_TIME = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def rss(
    items: list[dict[str, str]],
    *,
    title: str = "Test feed",
    language: str | None = "en",
    encoding: str = "utf-8",
) -> bytes:
    """An RSS 2.0 document; each item dict may hold title, link, guid, description, pubDate."""
    parts = [f'<?xml version="1.0" encoding="{encoding}"?>\n<rss version="2.0"><channel>']
    parts.append(f"<title>{escape(title)}</title><link>https://example.org/</link>")
    if language:
        parts.append(f"<language>{language}</language>")
    for item in items:
        parts.append("<item>")
        for key in ("title", "link", "guid", "description", "pubDate", "category"):
            if key in item:
                parts.append(f"<{key}>{item[key]}</{key}>")
        parts.append("</item>")
    parts.append("</channel></rss>")
    return "".join(parts).encode(encoding)


def numbered_items(count: int, *, prefix: str = "story", site: str = "https://example.org"):
    """`count` distinct, dated items."""
    return [
        {
            "title": f"{prefix.title()} number {n}",
            "link": f"{site}/{prefix}/{n}",
            "guid": f"{site}/?p={prefix}-{n}",
            "description": f"&lt;p&gt;Text of {prefix} {n} about libraries.&lt;/p&gt;",
            "pubDate": format_datetime(BASE_TIME - timedelta(hours=n)),
        }
        for n in range(count)
    ]
