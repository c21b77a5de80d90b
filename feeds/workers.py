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
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING

import structlog

# What runs in a worker lives in feeds.document, which imports only what parsing needs: a
# worker unpickles its jobs by importing their modules, and this one's imports (structlog,
# the pool) would cost every worker's start.
from feeds.document import (
    ParseJob,
    ParseResult,
    parse_document,
    parse_in_worker,
    start_worker,
    warm_worker,
)

if TYPE_CHECKING:
    from feeds.normalise import Detector

__all__ = ["ParseJob", "ParseResult", "ParseWorkers", "default_workers", "parse_document"]


log = structlog.stdlib.get_logger("vestnesis.poll")
# Pools that may break in a row (no document parsed in between) before parsing moves to a thread.
_BREAKS_BEFORE_THREAD = 3


# Beyond four workers a pass is bound by fetching and storing in the main process, and each
# worker holds its own parser and language models (about 60 MB).
_MOST_WORKERS = 4
# A pool is replaced between passes once it has parsed this many documents, so that whatever
# a long-running service's workers accumulate (caches, fragmented heaps) is given back. Not
# ProcessPoolExecutor's max_tasks_per_child: up to Python 3.13 it can deadlock a pool with a
# backlog of jobs, which a poll pass always has (CPython issue 115634).
RECYCLE_AFTER = 20_000
# A worker per this many sources of a pass (up to `workers`): with lxml reading the common
# feeds, one worker parses as fast as the main process fetches and stores, and each worker
# costs its start (about 0.3 s of processor time) and its memory (about 50 MB).
SOURCES_PER_WORKER = 1_000


def default_workers() -> int:
    """Worker processes when the config does not say: one per core the process may use, at
    most four."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, _MOST_WORKERS))


class ParseWorkers:
    """Parses documents in up to `workers` processes once a pass is large enough (one per
    `SOURCES_PER_WORKER` sources of the pass), else in a thread.

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
        recycle_after: int = RECYCLE_AFTER,
    ) -> None:
        self._workers = workers
        self._languages = tuple(languages) if detector is not None else ()
        self._detector = detector
        self._pool_from = pool_from
        self._recycle_after = recycle_after
        self._parsed = 0  # documents the current pool has parsed
        self._pool: ProcessPoolExecutor | None = None
        self._pool_size = 0
        self._breaks = 0  # pools broken in a row, with no document parsed in between

    def prepare(self, sources: int) -> None:
        """Start the worker processes ahead of a pass of `sources` sources when it is large
        enough, one per `SOURCES_PER_WORKER` sources up to `workers`; they load while the
        first documents are fetched. A pool too small for this pass, or one that has parsed
        `recycle_after` documents is replaced first (no job of an earlier pass is left in it
        when the passes do not overlap; one that is finishes in the old pool)."""
        wanted = min(self._workers, max(1, -(-sources // SOURCES_PER_WORKER)))
        if self._pool is not None and (
            self._parsed >= self._recycle_after or wanted > self._pool_size
        ):
            self._pool.shutdown(wait=False)
            self._pool = None
        if self._pool is None and self._workers > 0 and sources >= self._pool_from:
            self._pool = self._new_pool(wanted)
            self._pool_size = wanted
            self._parsed = 0
            for _ in range(wanted):
                self._pool.submit(warm_worker)

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
            result = await loop.run_in_executor(pool, parse_in_worker, job)
        except BrokenProcessPool:
            self._replace(pool)
            return await self._alone(job)
        self._breaks = 0
        self._parsed += 1
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
            self._pool = self._new_pool(self._pool_size or None)

    async def _alone(self, job: ParseJob) -> ParseResult:
        if self._workers == 0:
            return await asyncio.to_thread(parse_document, job, self._detector)
        own = self._new_pool(workers=1)
        try:
            loop = asyncio.get_running_loop()
            result = await loop.run_in_executor(own, parse_in_worker, job)
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
            initializer=start_worker,
            initargs=(self._languages,),
        )
