"""One poll pass: fetch each source, parse, normalise, store, and keep its health."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import structlog

from feeds.fetch import Fetched, Fetcher, is_http
from feeds.health import RetryPolicy
from feeds.workers import ParseJob, ParseWorkers
from storage import Database, Source
from vestnesis.common.clock import Clock
from vestnesis.sources.decide import Failure, Unchanged, after_fetch, failure

log = structlog.stdlib.get_logger("vestnesis.poll")

Status = Literal["new", "unchanged", "failed"]


@dataclass(frozen=True)
class SourceReport:
    """What polling one source did."""

    source: str
    status: Status
    new: int = 0
    seen: int = 0
    duplicates: int = 0
    skipped: int = 0
    warning: str | None = None
    error: str | None = None
    failures: int = 0
    paused: bool = False

    def line(self) -> str:
        """The report as one line for people."""
        if self.status == "failed":
            tail = f" — paused after {self.failures} failures in a row" if self.paused else ""
            return f"{self.source}: failed: {self.error}{tail}"
        if self.status == "unchanged":
            return f"{self.source}: unchanged"
        text = f"{self.source}: {self.new} new"
        extras = [
            f"{self.seen} already seen" if self.seen else "",
            f"{self.duplicates} already stored from another feed" if self.duplicates else "",
            f"{self.skipped} empty entries skipped" if self.skipped else "",
        ]
        text += "".join(f", {extra}" for extra in extras if extra)
        return f"{text} (warning: {self.warning})" if self.warning else text


Notify = Callable[[str], Awaitable[None]]


class Poller:
    """Polls sources with bounded concurrency; one failing source never stops the others."""

    def __init__(
        self,
        *,
        database: Database,
        fetcher: Fetcher,
        parser: ParseWorkers,
        policy: RetryPolicy,
        clock: Clock,
        concurrency: int,
        notify_failure: Notify | None = None,
    ) -> None:
        self._db = database
        self._fetcher = fetcher
        self._parser = parser
        self._policy = policy
        self._clock = clock
        self._concurrency = concurrency
        self._slots = asyncio.Semaphore(concurrency)
        self._notify_failure = notify_failure

    def notifying(self, notify_failure: Notify | None) -> Poller:
        """A poller over the same parts that tells `notify_failure` (the board chat) when a
        source is paused: the service's, once its bot is built."""
        return Poller(
            database=self._db,
            fetcher=self._fetcher,
            parser=self._parser,
            policy=self._policy,
            clock=self._clock,
            concurrency=self._concurrency,
            notify_failure=notify_failure,
        )

    async def poll(
        self,
        sources: Sequence[Source],
        on_report: Callable[[SourceReport], None] | None = None,
    ) -> list[SourceReport]:
        """Poll every source given; reports come back in the order of `sources`."""
        self._parser.prepare(len(sources))

        async def run(source: Source) -> SourceReport:
            async with self._slots:
                report = await self.poll_one(source)
            if on_report is not None:
                on_report(report)
            return report

        return list(await asyncio.gather(*(run(source) for source in sources)))

    async def poll_one(self, source: Source) -> SourceReport:
        """Fetch and store one source, recording its health whatever happens."""
        try:
            return await self._poll(source)
        except Exception as error:  # a bug must cost one source, not the pass
            log.exception("polling failed unexpectedly", source=source.name)
            reason = f"internal error: {type(error).__name__}: {error}"
            return await self._failed(source, failure(source, reason, *self._when()))

    async def _poll(self, source: Source) -> SourceReport:
        if source.origin != "config" and not is_http(source.location):
            # Only the administrator's config may name a local file (an OPML row or an old
            # `feeds add` must not read the disk).
            return await self._failed(source, failure(source, "not an http(s) URL", *self._when()))
        fetched = await self._fetcher.fetch(
            source.location, etag=source.etag, last_modified=source.last_modified
        )
        decision = after_fetch(source, fetched, *self._when())
        if isinstance(decision, Failure):
            return await self._failed(source, decision)
        if isinstance(decision, Unchanged):
            await self._db.sources.record(source.id, decision.record)
            return SourceReport(source.name, "unchanged")

        parsed = await self._parser.parse(self._job(source, fetched))
        if parsed.error:
            return await self._failed(source, failure(source, parsed.error, *self._when()))
        stored = await self._db.items.store(source.id, parsed.items, self._clock.now())
        await self._db.sources.record(source.id, decision.record)
        report = SourceReport(
            source.name,
            "new" if stored.new else "unchanged",
            new=stored.new,
            seen=stored.seen,
            duplicates=stored.duplicates,
            skipped=parsed.skipped,
            warning=parsed.warning,
        )
        level = logging.WARNING if parsed.warning else logging.INFO
        details = {"source": source.name, "new": stored.new, "seen": stored.seen}
        if stored.duplicates:
            details["duplicates"] = stored.duplicates
        if parsed.warning:
            details["warning"] = parsed.warning
        log.log(level, "polled", **details)
        return report

    def _when(self) -> tuple[datetime, RetryPolicy]:
        return self._clock.now(), self._policy

    def _job(self, source: Source, fetched: Fetched) -> ParseJob:
        return ParseJob(
            content=fetched.content,
            base_url=fetched.final_url or source.location,
            headers=dict(fetched.headers),
            now=self._clock.now(),
            source_language=source.language,
        )

    async def _failed(self, source: Source, decision: Failure) -> SourceReport:
        record = decision.record
        await self._db.sources.record(source.id, record)
        retry_at = record.next_attempt.isoformat() if record.next_attempt else None
        log.warning(
            "source failed",
            source=source.name,
            reason=record.error,
            failures=decision.failures,
            retry_at=retry_at,
        )
        if decision.board_message is not None:
            log.error(decision.board_message, source=source.name)
            if self._notify_failure is not None:
                await self._notify_failure(decision.board_message)
        return SourceReport(
            source.name,
            "failed",
            error=record.error,
            failures=decision.failures,
            paused=record.pause,
        )
