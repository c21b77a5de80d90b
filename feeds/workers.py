"""Parsing fetched documents off the event loop, on every core.

A poll pass is bound by parsing (feedparser's SAX handlers, HTML cleaning, language
detection), which holds the GIL: in a thread it shares one core with the event loop that
fetches and stores. `ParseWorkers` sends each document to a pool of worker processes instead,
so a large pass parses on all cores while the loop keeps fetching. A small pass (a test, a
manual `feeds poll` of a few sources) is not worth a process start and parses in a thread.

A worker process that dies (a document that exhausts memory, a crash in a C parser) costs the
job it held, not the service: the pool is rebuilt and the job tried once more in a pool of its
own, so a document that kills its worker again fails alone; workers that cannot start at all
leave parsing to a thread. Workers ignore SIGINT and SIGTERM: the parent owns shutdown.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
from collections.abc import Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

import structlog

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


log = structlog.stdlib.get_logger("vestnesis.poll")
# Pools that may break in a row (no document parsed in between) before parsing moves to a thread.
_BREAKS_BEFORE_THREAD = 3

# Each worker process builds its own detector once (its models load on first use); a
# process-wide slot is the only way an executor's initializer can hand it to later jobs.
_WORKER_DETECTOR: list[Detector] = []


def _start_worker(languages: tuple[str, ...]) -> None:
    # The parent owns shutdown: Ctrl-C and a service manager's SIGTERM reach the whole
    # process group, and a worker must neither die mid-job nor print a traceback then. It
    # exits when the pool is shut down or the parent's end of its pipe closes.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    from feeds.language import LanguageDetector

    _WORKER_DETECTOR[:] = [LanguageDetector(languages)] if languages else []


def _warm_worker() -> None:
    # The parser's modules load on first use: load them while the first documents are
    # still being fetched.
    from feeds import normalise, parse  # noqa: F401


def _parse_in_worker(job: ParseJob) -> ParseResult:
    return parse_document(job, _WORKER_DETECTOR[0] if _WORKER_DETECTOR else None)


def default_workers() -> int:
    """Worker processes when the config does not say: one per core the process may use."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, cores)


class ParseWorkers:
    """Parses documents in `workers` processes once a pass is large enough, else in a thread.

    `languages` are the candidates for language detection (empty: no detection); `detector`
    is the same detector built in this process, for the thread path. A pass of at least
    `pool_from` sources starts the pool, which then stays until `close()`.
    """

    def __init__(
        self,
        *,
        workers: int,
        languages: Iterable[str],
        detector: Detector | None,
        pool_from: int = 40,
    ) -> None:
        self._workers = workers
        self._languages = tuple(languages) if detector is not None else ()
        self._detector = detector
        self._pool_from = pool_from
        self._pool: ProcessPoolExecutor | None = None
        self._breaks = 0  # pools broken in a row, with no document parsed in between

    def prepare(self, sources: int) -> None:
        """Start the worker processes ahead of a pass of `sources` sources when it is large
        enough; they load while the first documents are fetched."""
        if self._pool is None and self._workers > 0 and sources >= self._pool_from:
            self._pool = self._new_pool()
            for _ in range(self._workers):
                self._pool.submit(_warm_worker)

    async def parse(self, job: ParseJob) -> ParseResult:
        """Parse one document in a worker process when the pool runs, else in a thread.

        A pool that breaks (a worker died) is replaced, and the job that was in it is tried
        once more in a pool of its own, so that a document that kills its worker again costs
        that document only. Pools that keep breaking with no document parsed in between
        (workers that cannot start) end the process path: documents parse in a thread."""
        pool = self._pool
        if pool is None:
            return await asyncio.to_thread(parse_document, job, self._detector)
        loop = asyncio.get_running_loop()
        try:
            result = await loop.run_in_executor(pool, _parse_in_worker, job)
        except BrokenProcessPool:
            self._replace(pool)
            return await self._alone(job)
        self._breaks = 0
        return result

    def close(self) -> None:
        """Stop the worker processes once the jobs given to them are done; nothing waits."""
        if self._pool is not None:
            # Not cancel_futures: a job awaited now would end in CancelledError, and its
            # source would go unrecorded.
            self._pool.shutdown(wait=False)
            self._pool = None

    def _replace(self, broken: ProcessPoolExecutor) -> None:
        if self._pool is not broken:
            return  # another job replaced it already
        broken.shutdown(wait=False)
        self._breaks += 1
        if self._breaks >= _BREAKS_BEFORE_THREAD:
            log.error(
                "parsing workers keep stopping; parsing in a thread from now on",
                breaks=self._breaks,
            )
            self._workers = 0
            self._pool = None
        else:
            self._pool = self._new_pool()

    async def _alone(self, job: ParseJob) -> ParseResult:
        if self._workers == 0:
            return await asyncio.to_thread(parse_document, job, self._detector)
        own = self._new_pool(workers=1)
        try:
            loop = asyncio.get_running_loop()
            result = await loop.run_in_executor(own, _parse_in_worker, job)
        except BrokenProcessPool:
            return ParseResult(error="the parser stopped on this document")
        finally:
            own.shutdown(wait=False)
        self._breaks = 0
        return result

    def _new_pool(self, workers: int | None = None) -> ProcessPoolExecutor:
        # A fresh interpreter per worker: forking a process that runs an event loop and
        # SQLite threads copies their locks in whatever state they are in.
        return ProcessPoolExecutor(
            max_workers=workers or self._workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(self._languages,),
        )
