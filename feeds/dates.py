"""Dates a feed writes in words of its own language ("Mi, 4. Feb 2026", "2026. gada 5. februāris").

feedparser understands RFC 822 and ISO 8601 with English names only; anything else would
count as undated and make an old article look like this week's news.
"""

from __future__ import annotations

import functools
import re
import warnings
from datetime import UTC, datetime

# dateparser (and its 200 languages' data) loads with the first date written in words: most
# feeds write RFC 822 or ISO dates, which feedparser reads, and a parsing worker should not
# pay for it at start.
# dateparser needs a complete date: a bare "Februar" is no publication date.
_SETTINGS = {
    "RETURN_AS_TIMEZONE_AWARE": True,
    "TIMEZONE": "UTC",
    "TO_TIMEZONE": "UTC",
    "PREFER_DATES_FROM": "past",
    "REQUIRE_PARTS": ["day", "month", "year"],
    # Only dates as written: "yesterday" or "1K" would be counted from this machine's clock.
    "PARSERS": ["custom-formats", "absolute-time"],
}
_LONGEST = 100  # a date is short; longer text is not worth dateparser's time
_NUMBER = re.compile(r"\d+")
# Forms feedparser reads whole; anything else it may read in part ("2026. gada 5. februāris"
# became 1 November 2026, the year with today's month), so those go to dateparser first.
_RFC822 = re.compile(
    r"^(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,?\s*)?\d{1,2}[\s-]+"
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?[\s-]+\d{2,4}"
    r"(?:\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*(?:[A-Z]{1,5}|[+-]\d{4}))?)?\s*$",
    re.IGNORECASE,
)
_ISO = re.compile(
    r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?)?$",
    re.IGNORECASE,
)
# Words Baltic dates carry that dateparser does not expect: "2026. gada", "2026 m.", "6 d.".
_BALTIC = (
    (re.compile(r"(\d{4})\.?\s+gada\b", re.IGNORECASE), r"\1."),
    (re.compile(r"(\d{4})\s*m\.", re.IGNORECASE), r"\1"),
    (re.compile(r"\b(\d{1,2})\s*d\.(?=\s|,|$)", re.IGNORECASE), r"\1"),
)


def is_standard(text: str) -> bool:
    """True for RFC 822 dates with English names and ISO 8601 dates, which feedparser reads."""
    text = " ".join(text.split())
    return bool(_RFC822.match(text) or _ISO.match(text))


@functools.lru_cache(maxsize=4096)
def parse_written_date(text: str, language: str | None = None) -> datetime | None:
    """A UTC datetime for a date written in any language dateparser knows, or None.

    `language` (an ISO 639-1 code, e.g. from the feed) is tried first; then any language.
    Times without a zone are taken as UTC.
    """
    text = " ".join(text.split())
    # A complete date has a day and a year: without two numbers there is none to find, and
    # dateparser's search through every language costs ~100 ms.
    if not text or len(text) > _LONGEST or len(_NUMBER.findall(text)) < 2:
        return None
    for pattern, replacement in _BALTIC:
        text = pattern.sub(replacement, text)
    text = text.rstrip(",; ")
    code = (language or "").split("-")[0].split("_")[0].lower()
    attempts: list[list[str] | None] = [[code], None] if code else [None]
    for languages in attempts:
        moment = _parse(text, languages)
        if moment is not None:
            return moment.astimezone(UTC).replace(microsecond=0)
    return None


def _parse(text: str, languages: list[str] | None) -> datetime | None:
    import dateparser

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # dateparser warns about its own internals
            return dateparser.parse(text, languages=languages, settings=_SETTINGS)
    except (ValueError, OverflowError, TypeError, KeyError, AttributeError):
        # An unknown language code, or a date dateparser chokes on: not a date to us.
        import structlog

        structlog.stdlib.get_logger("vestnesis.poll").debug("unreadable date", text=text)
        return None
