"""The one outbox loop: every channel's deliveries are recovered, claimed, pushed, settled,
retried and paused here; what to do after each push is `retry.decide`'s."""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import sqlite3
from collections import deque
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

from storage import Database, Delivery, StorageError
from vestnesis.delivery.channel import Channel, DrainReport, Pushed
from vestnesis.delivery.held import HeldMessages
from vestnesis.delivery.retry import GiveUp, Pause, Retry, RetryPolicy, Sent, Verdict, decide

log = logging.getLogger("vestnesis.delivery")

# A lane in the work queue: its key (None: a delivery on its own) and its deliveries in order.
_Lane = tuple[str | None, deque[Delivery]]


class Outbox:
    """Drains one channel's outbox rows until none are due, the channel pauses, or `stop`.

    One drain at a time per channel and process (and, with `lock_path`, per machine: the
    command line and the service never send the same rows). `held` holds the stored messages
    of the deliveries in flight, and nothing else, so a long-lived loop's memory follows the
    work in hand. `soft_bounce_limit` soft bounces in a row disable an address.
    """

    def __init__(
        self,
        database: Database,
        channel: Channel,
        policy: RetryPolicy,
        now: Callable[[], datetime],
        *,
        lock_path: Path | None = None,
        soft_bounce_limit: int = 2,
    ) -> None:
        self._db = database
        self._channel = channel
        self._policy = policy
        self._now = now
        self._lock_path = lock_path
        self._soft_bounce_limit = soft_bounce_limit
        self.held = HeldMessages(database.outbox.message)
        self._errors = 0  # the channel's faults in a row, mirrored in storage (senders)
        self._recorded = False  # storage holds a streak or a pause to clear on the next send
        self._fatal: BaseException | None = None
        self._draining = asyncio.Lock()  # one drain at a time in this process

    @property
    def channel(self) -> Channel:
        """The channel this loop drains."""
        return self._channel

    async def pending(self) -> int:
        """Deliveries of this channel not yet settled."""
        return await self._db.outbox.pending_count(self._channel.name)

    async def paused_until(self) -> datetime | None:
        """When the channel's pause ends, if it is paused now."""
        _, until, _ = await self._db.outbox.errors(self._channel.name)
        if until is None:
            return None
        moment = datetime.fromisoformat(until)
        return moment if moment > self._now() else None

    async def drain(
        self,
        on_progress: Callable[[DrainReport], None] | None = None,
        stop: asyncio.Event | None = None,
    ) -> DrainReport:
        """Send everything due now; rows a crash left 'sending' are sent again first.
        Raises what the database raises (the rows in hand are recovered by the next drain)."""
        report = DrainReport()
        if await self.paused_until() is not None:
            report.paused = "paused"
            return report
        async with self._draining:
            with _maybe_exclusive(self._lock_path) as mine:
                if not mine:
                    report.busy = True
                    return report
                try:
                    return await self._drain(report, on_progress, stop)
                finally:
                    await self._channel.close()

    async def _drain(
        self,
        report: DrainReport,
        on_progress: Callable[[DrainReport], None] | None,
        stop: asyncio.Event | None,
    ) -> DrainReport:
        outbox, name = self._db.outbox, self._channel.name
        # Holding the channel, no one else is sending it: rows left 'sending' are a crash's.
        await outbox.recover(name)
        self._errors, until, _ = await outbox.errors(name)
        self._recorded = bool(self._errors) or until is not None
        self._fatal = None
        parallel = max(self._channel.parallel, 1)
        lanes: asyncio.Queue[_Lane | None] = asyncio.Queue(maxsize=parallel * 4)
        open_lanes: dict[str, deque[Delivery]] = {}
        halt = asyncio.Event()

        def halted() -> bool:
            return halt.is_set() or (stop is not None and stop.is_set())

        workers = [
            asyncio.create_task(self._worker(lanes, open_lanes, report, halt, on_progress))
            for _ in range(parallel)
        ]
        try:
            while not halted():
                size = self._channel.claim_size
                batch = await outbox.claim(name, self._now(), size)
                if not batch:
                    # Work in flight may put retries back as due: only an idle queue ends it.
                    await lanes.join()
                    if halted():
                        break
                    batch = await outbox.claim(name, self._now(), size)
                    if not batch:
                        break
                for delivery in batch:
                    self.held.claim(delivery.message_id)
                for delivery in batch:
                    if halted():
                        self.held.settle(delivery.message_id)
                        if self._fatal is None:
                            await outbox.retry(delivery.id, "not attempted", self._now())
                        continue
                    key = self._channel.lane(delivery)
                    if key is not None and key in open_lanes:
                        open_lanes[key].append(delivery)  # after the chat's earlier ones
                        continue
                    lane: deque[Delivery] = deque([delivery])
                    if key is not None:
                        open_lanes[key] = lane
                    await lanes.put((key, lane))
        finally:
            for _ in workers:
                await lanes.put(None)
            await asyncio.gather(*workers)
            self.held.clear()
        if self._fatal is not None:
            raise self._fatal
        await self._channel.flush()
        return report

    async def _worker(
        self,
        lanes: asyncio.Queue[_Lane | None],
        open_lanes: dict[str, deque[Delivery]],
        report: DrainReport,
        halt: asyncio.Event,
        on_progress: Callable[[DrainReport], None] | None,
    ) -> None:
        while (item := await lanes.get()) is not None:
            key, lane = item
            try:
                while lane:
                    delivery = lane.popleft()
                    try:
                        if self._fatal is not None:
                            continue  # the database is in trouble: the row stays 'sending'
                        if halt.is_set():
                            await self._db.outbox.retry(delivery.id, "sender paused", self._now())
                            continue
                        await self._deliver(delivery, report, halt)
                        if on_progress is not None:
                            on_progress(report)
                    except Exception as error:
                        # The database, not this delivery, is in trouble: the drain stops, and
                        # the rows left 'sending' are recovered by the next one.
                        self._fatal = self._fatal or error
                        halt.set()
                    finally:
                        self.held.settle(delivery.message_id)
            finally:
                if key is not None and open_lanes.get(key) is lane:
                    del open_lanes[key]
                lanes.task_done()

    async def _deliver(self, delivery: Delivery, report: DrainReport, halt: asyncio.Event) -> None:
        """One delivery; whatever goes wrong with it alone is recorded on it alone."""
        try:
            message = await self.held.get(delivery.message_id)
            pushed: Pushed = await self._channel.push(delivery, message)
        except (asyncio.CancelledError, sqlite3.Error, StorageError):
            raise  # the database, not this delivery, is in trouble
        except Exception as error:
            reason = f"internal error: {type(error).__name__}: {error}"
            details = {"channel": self._channel.name, "delivery": delivery.id, "reason": reason}
            log.exception("delivery failed unexpectedly", extra={"fields": details})
            await self._db.outbox.failed(delivery.id, reason[:500])
            report.failed += 1
            return
        report.rate_limited += pushed.held
        verdict = decide(
            pushed,
            attempts=delivery.attempts,
            errors=self._errors,
            now=self._now(),
            policy=self._policy,
        )
        await self._apply(delivery, verdict, report, halt)

    async def _apply(
        self, delivery: Delivery, verdict: Verdict, report: DrainReport, halt: asyncio.Event
    ) -> None:
        outbox, name = self._db.outbox, self._channel.name
        outcome = verdict.outcome
        streak_changed = verdict.errors != self._errors
        self._errors = verdict.errors
        if isinstance(outcome, Sent):
            await outbox.sent(delivery.id, self._now())
            report.sent += 1
            if self._recorded:
                self._recorded = False
                await outbox.set_errors(name, 0, None, None)
        elif isinstance(outcome, Retry):
            if streak_changed:
                self._recorded = True
                await outbox.set_errors(name, verdict.errors, None, outcome.reason)
            await outbox.retry(delivery.id, outcome.reason, outcome.at)
            report.retried += 1
        elif isinstance(outcome, Pause):
            halt.set()
            report.paused = outcome.reason
            details = {
                "channel": name,
                "errors": verdict.errors,
                "until": outcome.until.isoformat(),
                "reason": outcome.reason,
            }
            log.error("sending paused", extra={"fields": details})
            self._recorded = True
            await outbox.set_errors(name, verdict.errors, outcome.until, outcome.reason)
            await outbox.retry(delivery.id, outcome.detail, outcome.until)
            report.retried += 1
        else:
            await self._give_up(delivery, outcome, report)

    async def _give_up(self, delivery: Delivery, outcome: GiveUp, report: DrainReport) -> None:
        await self._db.outbox.failed(delivery.id, outcome.reason)
        if outcome.tally == "blocked":
            report.blocked += 1
        else:
            report.failed += 1
        if outcome.bounce is None or delivery.subscriber_id is None:
            return
        report.bounced += 1
        disabled = await self._db.subscribers.bounced(
            delivery.subscriber_id,
            outcome.reason,
            hard=outcome.bounce == "hard",
            soft_limit=self._soft_bounce_limit,
        )
        if disabled:
            report.disabled.append(delivery.recipient)
            details = {"recipient": delivery.recipient, "reason": outcome.reason}
            log.warning("address disabled after bouncing", extra={"fields": details})


@contextlib.contextmanager
def exclusive(path: Path) -> Iterator[bool]:
    """An OS lock on `path`, held for the block (True), or False when another process holds
    it; the kernel drops it if the process dies."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def _maybe_exclusive(path: Path | None) -> Iterator[bool]:
    if path is None:
        yield True
        return
    with exclusive(path) as mine:
        yield mine
