"""Which links may be stored and shown: http, https and mailto, nothing else.

A feed, a calendar or a board member's message can carry `javascript:`, `data:`, `vbscript:` or
`file:` links; in an email or Telegram HTML `href` they would run or open something on the
member's device. Every link is checked where it enters and again where it is rendered.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

SAFE_SCHEMES = ("http", "https", "mailto")
# Controls never belong in a URL; browsers drop tabs and line breaks silently, which is how
# "java\tscript:" gets past naive checks. (A space inside a path is only badly encoded: the
# renderers percent-encode it.)
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def safe_link(url: str | None) -> str:
    """`url` (trimmed) when it is an absolute http(s) URL with a host or a mailto: address;
    else "". Renderers still escape and percent-encode what they are given."""
    url = (url or "").strip(" ")
    if not url or _UNSAFE.search(url):
        return ""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    scheme = parts.scheme.lower()
    if scheme not in SAFE_SCHEMES:
        return ""
    if scheme == "mailto":
        return url if "@" in parts.path else ""
    return url if parts.hostname else ""
