"""When to try a source again: its regular schedule, or an exponential back-off after failures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

# How often the service asks which sources are due, and how early a source may be taken so
# that one due a moment after a check is not left waiting a whole check for the next.
DUE_CHECK = timedelta(minutes=1)
DUE_EARLY = DUE_CHECK / 2


@dataclass(frozen=True)
class RetryPolicy:
    """A source is polled on a fixed schedule of `interval` steps; back-off doubles from the
    interval per consecutive failure, up to a cap."""

    interval: timedelta
    max_backoff: timedelta = timedelta(days=1)
    pause_after: int = 20
    early: timedelta = DUE_EARLY

    def after_success(self, now: datetime, scheduled: datetime | None = None) -> datetime:
        """The next regular poll: the first step of the source's schedule after `now`.

        The schedule runs from `scheduled` (the time this attempt was due) in steps of the
        interval, so neither the time a fetch takes nor when the check ran shifts it; steps
        missed while a fetch ran long are skipped, not made up in a burst. A source without
        a schedule (first poll, just resumed) starts one at `now`. A poll more than `early`
        ahead of its time (by hand) keeps the scheduled one.
        """
        slot = now if scheduled is None else scheduled
        if slot - now > self.early:
            return slot
        missed = max(0, (now - slot) // self.interval)
        return slot + (missed + 1) * self.interval

    def after_failure(
        self, now: datetime, failures: int, retry_after: timedelta | None = None
    ) -> tuple[datetime, bool]:
        """The next attempt after the `failures`-th failure in a row, and whether to pause."""
        exponent = min(max(failures - 1, 0), 30)
        delay = min(self.interval * (2**exponent), self.max_backoff)
        if retry_after is not None:
            delay = max(delay, min(retry_after, self.max_backoff))
        return now + delay, failures >= self.pause_after
