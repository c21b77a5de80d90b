"""Names, acronyms and glossary terms pass through translation unchanged.

Protected spans are marked `<span translate="no">…</span>` in an HTML rendering of the text:
DeepL (tag_handling=html) and LibreTranslate (format=html) both leave such elements alone.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

_ACRONYM = r"\b[A-ZĀČĒĢĪĶĻŅŠŪŽĄĘĖĮŲ][A-ZĀČĒĢĪĶĻŅŠŪŽĄĘĖĮŲ0-9]*[A-ZĀČĒĢĪĶĻŅŠŪŽĄĘĖĮŲ0-9]\b"
_CAPITALISED = r"[A-ZĀČĒĢĪĶĻŅŠŪŽĄĘĖĮŲ][a-zāčēģīķļņšūžąęėįųß'’-]+"
# Two or more capitalised words in a row, not after a sentence start: a person's name.
_NAME = re.compile(rf"(?<![.!?:]\s)(?<!^)\b{_CAPITALISED}(?:\s+{_CAPITALISED})+")
_TAG = re.compile(r"<[^>]+>")
_OPEN = '<span translate="no">'


@dataclass(frozen=True)
class Protection:
    """Which terms stay as they are, and which are rendered a fixed way."""

    keep: tuple[str, ...] = ()
    fixed: Mapping[str, str] | None = None  # glossary: source term → wanted rendering

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        """Non-overlapping (start, end, replacement) spans to protect, in order."""
        found: list[tuple[int, int, str]] = []
        for term, rendering in (self.fixed or {}).items():
            pattern = re.compile(rf"(?<!\w){re.escape(term)}(?!\w)", re.IGNORECASE)
            found += [(m.start(), m.end(), rendering) for m in pattern.finditer(text)]
        for term in self.keep:
            found += [(m.start(), m.end(), m.group()) for m in _whole(term).finditer(text)]
        found += [(m.start(), m.end(), m.group()) for m in re.finditer(_ACRONYM, text)]
        if not _title_case(text):
            found += [(m.start(), m.end(), m.group()) for m in _NAME.finditer(text)]
        return _non_overlapping(found)


def to_marked_html(text: str, protection: Protection) -> str:
    """The text as HTML, protected spans wrapped in translate="no" elements."""
    parts: list[str] = []
    cursor = 0
    for start, end, replacement in protection.spans(text):
        parts.append(html.escape(text[cursor:start], quote=False))
        parts.append(f"{_OPEN}{html.escape(replacement, quote=False)}</span>")
        cursor = end
    parts.append(html.escape(text[cursor:], quote=False))
    return "".join(parts)


def from_marked_html(marked: str) -> str:
    """Plain text back from a backend's HTML answer."""
    return " ".join(html.unescape(_TAG.sub("", marked)).split())


def segments(text: str, protection: Protection) -> list[tuple[str, bool]]:
    """The text cut into (piece, translatable) runs, for backends without markup support."""
    runs: list[tuple[str, bool]] = []
    cursor = 0
    for start, end, replacement in protection.spans(text):
        if start > cursor:
            runs.append((text[cursor:start], True))
        runs.append((replacement, False))
        cursor = end
    if cursor < len(text):
        runs.append((text[cursor:], True))
    return runs


def _whole(term: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){re.escape(term)}(?!\w)")


def _title_case(text: str) -> bool:
    # English headlines capitalise most words; names cannot be told apart there.
    words = [w for w in re.findall(r"[^\W\d_]+", text) if len(w) > 3]
    return bool(words) and sum(w[0].isupper() for w in words) / len(words) > 0.5


def _non_overlapping(spans: Iterable[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    chosen: list[tuple[int, int, str]] = []
    for span in sorted(spans, key=lambda s: (s[0], -(s[1] - s[0]))):
        if not chosen or span[0] >= chosen[-1][1]:
            chosen.append(span)
    return chosen
