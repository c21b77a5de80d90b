"""When to try a source again: the normal interval, or an exponential back-off after failures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class RetryPolicy:
    """Back-off doubles from the poll interval per consecutive failure, up to a cap."""

    interval: timedelta
    max_backoff: timedelta = timedelta(days=1)
    pause_after: int = 20

    def after_success(self, now: datetime) -> datetime:
        """The next regular poll."""
        return now + self.interval

    def after_failure(
        self, now: datetime, failures: int, retry_after: timedelta | None = None
    ) -> tuple[datetime, bool]:
        """The next attempt after the `failures`-th failure in a row, and whether to pause."""
        exponent = min(max(failures - 1, 0), 30)
        delay = min(self.interval * (2**exponent), self.max_backoff)
        if retry_after is not None:
            delay = max(delay, min(retry_after, self.max_backoff))
        return now + delay, failures >= self.pause_after
