"""One poll pass: fetch each source, parse, normalise, store, and keep its health."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import structlog

from feeds.fetch import Fetched, Fetcher, is_http
from feeds.health import RetryPolicy
from storage import Database, FetchOutcome, NewItem, Source
from vestnesis.common.clock import Clock

if TYPE_CHECKING:
    # feedparser and dateparser load with these: imported where a feed is parsed, so that the
    # commands that never parse one (`ask`, `events`, `digest`) start without them.
    from feeds.normalise import Detector
    from feeds.parse import ParsedFeed

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
        detector: Detector | None,
        policy: RetryPolicy,
        clock: Clock,
        concurrency: int,
        notify_failure: Notify | None = None,
    ) -> None:
        self._db = database
        self._fetcher = fetcher
        self._detector = detector
        self._policy = policy
        self._clock = clock
        self._slots = asyncio.Semaphore(concurrency)
        self.notify_failure = notify_failure

    async def poll(
        self,
        sources: Sequence[Source],
        on_report: Callable[[SourceReport], None] | None = None,
    ) -> list[SourceReport]:
        """Poll every source given; reports come back in the order of `sources`."""

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
            return await self._failed(source, f"internal error: {type(error).__name__}: {error}")

    async def _poll(self, source: Source) -> SourceReport:
        if source.origin != "config" and not is_http(source.location):
            # Only the administrator's config may name a local file (an OPML row or an old
            # `feeds add` must not read the disk).
            return await self._failed(source, "not an http(s) URL")
        fetched = await self._fetcher.fetch(
            source.location, etag=source.etag, last_modified=source.last_modified
        )
        if fetched.status == "failed":
            return await self._failed(source, fetched.error or "failed", fetched)
        if fetched.status == "not_modified":
            await self._succeeded(source, source.etag, source.last_modified, source.content_hash)
            return SourceReport(source.name, "unchanged")
        digest = hashlib.sha256(fetched.content).hexdigest()
        if digest == source.content_hash:
            await self._succeeded(source, fetched.etag, fetched.last_modified, digest)
            return SourceReport(source.name, "unchanged")

        parsed, items, skipped = await asyncio.to_thread(self._parse, source, fetched)
        if parsed.error:
            return await self._failed(source, parsed.error)
        stored = await self._db.items.store(source.id, items, self._clock.now())
        await self._succeeded(source, fetched.etag, fetched.last_modified, digest)
        report = SourceReport(
            source.name,
            "new" if stored.new else "unchanged",
            new=stored.new,
            seen=stored.seen,
            duplicates=stored.duplicates,
            skipped=skipped,
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

    def _parse(self, source: Source, fetched: Fetched) -> tuple[ParsedFeed, list[NewItem], int]:
        from feeds.normalise import Context, normalise
        from feeds.parse import parse_feed

        parsed = parse_feed(
            fetched.content, base_url=fetched.final_url or source.location, headers=fetched.headers
        )
        if parsed.error:
            return parsed, [], 0
        context = Context(
            now=self._clock.now(),
            source_language=source.language,
            feed_language=parsed.language,
            detector=self._detector,
        )
        items, skipped = normalise(parsed.entries, context)
        return parsed, items, skipped

    async def _succeeded(
        self, source: Source, etag: str | None, last_modified: str | None, digest: str | None
    ) -> None:
        now = self._clock.now()
        outcome = FetchOutcome(
            ok=True,
            attempted_at=now,
            etag=etag,
            last_modified=last_modified,
            content_hash=digest,
            # A source coming back from failures starts its schedule afresh: its next attempt
            # was a back-off, which a manual poll may have come before.
            next_attempt=self._policy.after_success(
                now, source.next_attempt if source.error_count == 0 else None
            ),
        )
        await self._db.sources.record(source.id, outcome)

    async def _failed(
        self, source: Source, reason: str, fetched: Fetched | None = None
    ) -> SourceReport:
        now = self._clock.now()
        failures = source.error_count + 1
        retry_after = fetched.retry_after if fetched else None
        next_attempt, pause = self._policy.after_failure(now, failures, retry_after)
        outcome = FetchOutcome(
            ok=False, attempted_at=now, error=reason, next_attempt=next_attempt, pause=pause
        )
        await self._db.sources.record(source.id, outcome)
        log.warning(
            "source failed",
            source=source.name,
            reason=reason,
            failures=failures,
            retry_at=next_attempt.isoformat(),
        )
        if pause:
            message = (
                f"News source {source.name!r} is paused after {failures} failures in a row; "
                f"last: {reason}. Resume it with `vestnesis feeds resume {source.name}`."
            )
            log.error(message, source=source.name)
            if self.notify_failure is not None:
                await self.notify_failure(message)
        return SourceReport(source.name, "failed", error=reason, failures=failures, paused=pause)
