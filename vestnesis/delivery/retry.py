"""Delivery retry, decided without I/O: a push's result in, the outcome out.

`decide` reads the result's error class (see `channel.FAULTS`), the delivery's attempts so far,
the channel's error streak and the time, and returns what the outbox loop is to do: mark it
sent, put it back for a later attempt, give it up (with a bounce to record), or pause the
whole channel until a moment and put the delivery back for then. The loop applies it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from vestnesis.delivery.channel import Pushed


@dataclass(frozen=True)
class RetryPolicy:
    """A channel's patience.

    `max_attempts` and `retry_base` govern the recipient's temporary trouble (attempt n is
    retried after retry_base × 2ⁿ⁻¹); a channel fault is retried without end, the first of a
    streak after `first_channel_retry` (a dropped connection usually reconnects at once), the
    next after `channel_retry`, and `pause_after_errors` faults in a row (None: never)
    pause the channel for `pause_for`.
    """

    max_attempts: int = 5
    retry_base: timedelta = timedelta(minutes=5)
    first_channel_retry: timedelta = timedelta(0)
    channel_retry: timedelta = timedelta(minutes=5)
    pause_after_errors: int | None = 50
    pause_for: timedelta = timedelta(minutes=15)


@dataclass(frozen=True)
class Sent:
    """The delivery went out."""

    detail: str = ""


@dataclass(frozen=True)
class Retry:
    """Put the delivery back, to be tried again at `at`."""

    at: datetime
    reason: str


@dataclass(frozen=True)
class GiveUp:
    """The delivery failed for good; `bounce` ('hard', 'soft') counts against the address,
    `tally` names the report's counter ('failed', 'blocked')."""

    reason: str
    bounce: Literal["hard", "soft"] | None = None
    tally: str = "failed"


@dataclass(frozen=True)
class Pause:
    """The channel is in trouble: nothing more goes out on it until `until`, when this
    delivery is tried again; `reason` says why, for the board and `outbox status`."""

    until: datetime
    reason: str
    detail: str


Outcome = Sent | Retry | GiveUp | Pause


@dataclass(frozen=True)
class Verdict:
    """The outcome, and the channel's error streak after it (consecutive channel faults)."""

    outcome: Outcome
    errors: int


def decide(
    result: Pushed, *, attempts: int, errors: int, now: datetime, policy: RetryPolicy
) -> Verdict:
    """What to do after a push. `attempts` counts this one (1 on the first try), `errors` is
    the channel's streak before it; `now` is the time the outcome is measured from."""
    fault = result.fault
    detail = result.detail
    if fault is None:
        return Verdict(Sent(detail), 0)
    if fault == "channel":
        streak = errors + 1
        limit = policy.pause_after_errors
        if limit is not None and streak >= limit:
            reason = f"{streak} errors in a row; last: {detail}"
            return Verdict(Pause(now + policy.pause_for, reason, detail), streak)
        delay = policy.first_channel_retry if streak == 1 else policy.channel_retry
        return Verdict(Retry(now + delay, detail), streak)
    if fault == "rate_limited":
        seconds = max(result.retry_after or 0.0, 1.0)
        reason = f"rate limited for {seconds:.0f} s: {detail}"
        return Verdict(Pause(now + timedelta(seconds=seconds), reason, detail), errors)
    if fault == "temporary":
        if attempts < policy.max_attempts:
            delay = policy.retry_base * 2 ** max(attempts - 1, 0)
            return Verdict(Retry(now + delay, detail), errors)
        return Verdict(GiveUp(detail, bounce="soft"), errors)
    if fault == "bounce":
        return Verdict(GiveUp(detail, bounce="hard"), errors)
    return Verdict(GiveUp(detail, tally=result.tally or "failed"), errors)
