"""One fetched document parsed into items ready to store, and the entry points of the
worker processes that do it (see feeds.workers).

A worker imports this module to unpickle its first job, so it imports only what parsing
needs: the parser, the cleaner and the detector load on first use, and nothing here pulls in
the database, the logging set-up or the pool.
"""

from __future__ import annotations

import signal
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from storage.records import NewItem

if TYPE_CHECKING:
    from feeds.normalise import Detector


@dataclass(frozen=True)
class ParseJob:
    """One fetched document to parse: its bytes, the address it came from (the base for
    relative links), the response headers (lower-case names), the time of the pass and the
    language its source is configured with (None: the feed's or a guess)."""

    content: bytes
    base_url: str
    headers: Mapping[str, str]
    now: datetime
    source_language: str | None


@dataclass(frozen=True)
class ParseResult:
    """What a document gave: items ready to store, empty entries skipped, and the verdict
    (`error` when it is not a feed at all, `warning` when damaged but salvaged)."""

    items: tuple[NewItem, ...] = field(default_factory=tuple)
    skipped: int = 0
    warning: str | None = None
    error: str | None = None


def parse_document(job: ParseJob, detector: Detector | None) -> ParseResult:
    """Parse and normalise one document (CPU only, no I/O)."""
    # feedparser, nh3 and dateparser load here, not with the module: the commands that
    # never parse a feed (`ask`, `events`, `digest`) start without them.
    from feeds.normalise import Context, normalise
    from feeds.parse import parse_feed

    parsed = parse_feed(job.content, base_url=job.base_url, headers=job.headers)
    if parsed.error:
        return ParseResult(error=parsed.error)
    context = Context(
        now=job.now,
        source_language=job.source_language,
        feed_language=parsed.language,
        detector=detector,
    )
    items, skipped = normalise(parsed.entries, context)
    return ParseResult(tuple(items), skipped, warning=parsed.warning)


# Each worker process builds its own detector once (its models load on first use); a
# process-wide slot is the only way an executor's initializer can hand it to later jobs.
_WORKER_DETECTOR: list[Detector] = []


def start_worker(languages: tuple[str, ...]) -> None:
    """A worker process's initializer: ignore the stop signals, build the detector for
    `languages` (none: no detection)."""
    # The parent owns shutdown: Ctrl-C and a service manager's SIGTERM reach the whole
    # process group, and a worker must neither die mid-job nor print a traceback then. It
    # exits when the pool is shut down or the parent's end of its pipe closes.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    from feeds.language import LanguageDetector

    _WORKER_DETECTOR[:] = [LanguageDetector(languages)] if languages else []


def warm_worker() -> None:
    """Load the parser's modules in a worker that has no job yet."""
    # The parser's modules load on first use: load them while the first documents are
    # still being fetched.
    from feeds import normalise, parse  # noqa: F401


def parse_in_worker(job: ParseJob) -> ParseResult:
    """`parse_document` with the worker's own detector."""
    return parse_document(job, _WORKER_DETECTOR[0] if _WORKER_DETECTOR else None)
