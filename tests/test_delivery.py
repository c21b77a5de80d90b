"""The one delivery pipeline: the retry decider without servers, and the outbox loop on a real
SQLite file with a scripted channel (each channel's own behaviour is in test_mail / test_bot)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from storage import Delivery, OutboxMessage, Recipient
from tests.conftest import running, sample_config
from vestnesis.config import load_config
from vestnesis.delivery import (
    GiveUp,
    Outbox,
    Pause,
    Retry,
    RetryPolicy,
    Sent,
    Verdict,
    decide,
)

NOW = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
POLICY = RetryPolicy(
    max_attempts=3,
    retry_base=timedelta(minutes=5),
    first_channel_retry=timedelta(0),
    channel_retry=timedelta(minutes=2),
    pause_after_errors=3,
    pause_for=timedelta(minutes=15),
)


@dataclass(frozen=True)
class Result:
    fault: str | None = None
    detail: str = ""
    retry_after: float | None = None
    tally: str = "failed"
    held: int = 0


def verdict(result: Result, attempts: int = 1, errors: int = 0) -> Verdict:
    return decide(result, attempts=attempts, errors=errors, now=NOW, policy=POLICY)


# --- the decider: pure ---------------------------------------------------------------------


def test_sent_ends_the_error_streak() -> None:
    assert verdict(Result(None, "250 OK"), errors=2) == Verdict(Sent("250 OK"), 0)


def test_a_channel_fault_is_retried_at_once_then_later_then_pauses_the_channel() -> None:
    first = verdict(Result("channel", "connection lost"), attempts=1, errors=0)
    assert first == Verdict(Retry(NOW, "connection lost"), 1)
    second = verdict(Result("channel", "connection lost"), attempts=9, errors=1)
    assert second == Verdict(Retry(NOW + timedelta(minutes=2), "connection lost"), 2)
    third = verdict(Result("channel", "refused the login"), errors=2)
    assert third.errors == 3
    assert third.outcome == Pause(
        NOW + timedelta(minutes=15),
        "3 errors in a row; last: refused the login",
        "refused the login",
    )


def test_a_channel_without_a_streak_limit_never_pauses_on_faults() -> None:
    policy = RetryPolicy(channel_retry=timedelta(seconds=30), pause_after_errors=None)
    result = decide(Result("channel", "network"), attempts=1, errors=10_000, now=NOW, policy=policy)
    assert result.outcome == Retry(NOW + timedelta(seconds=30), "network")


def test_a_recipients_temporary_trouble_backs_off_then_is_a_soft_bounce() -> None:
    temporary = Result("temporary", "452 mailbox full")
    assert verdict(temporary, attempts=1).outcome == Retry(
        NOW + timedelta(minutes=5), "452 mailbox full"
    )
    assert verdict(temporary, attempts=2).outcome == Retry(
        NOW + timedelta(minutes=10), "452 mailbox full"
    )
    assert verdict(temporary, attempts=3).outcome == GiveUp("452 mailbox full", bounce="soft")
    assert verdict(temporary, attempts=1, errors=2).errors == 2  # not the channel's fault


def test_hard_bounces_and_permanent_failures_are_given_up_at_once() -> None:
    assert verdict(Result("bounce", "550 no such user")).outcome == GiveUp(
        "550 no such user", bounce="hard"
    )
    blocked = verdict(Result("permanent", "forbidden", tally="blocked"))
    assert blocked.outcome == GiveUp("forbidden", tally="blocked")
    assert verdict(Result("permanent", "bad request")).outcome == GiveUp("bad request")


def test_a_rate_limit_pauses_the_channel_for_as_long_as_asked() -> None:
    limited = verdict(Result("rate_limited", "Too Many Requests", retry_after=120), errors=1)
    assert limited.errors == 1
    assert limited.outcome == Pause(
        NOW + timedelta(seconds=120),
        "rate limited for 120 s: Too Many Requests",
        "Too Many Requests",
    )


# --- the loop: a real outbox, a scripted channel ----------------------------------------------


@dataclass
class Scripted:
    """A channel that answers each recipient as told and records what it pushed."""

    name: str = "test"
    parallel: int = 4
    claim_size: int = 3
    answers: dict[str, list[Result | Exception]] = field(default_factory=dict)
    pushed: list[str] = field(default_factory=list)
    busy: dict[str, int] = field(default_factory=dict)
    overlapped: bool = False
    closed: int = 0

    def lane(self, delivery: Delivery) -> str | None:
        return delivery.recipient.partition("/")[0] if "/" in delivery.recipient else None

    async def push(self, delivery: Delivery, message: OutboxMessage | None) -> Result:
        lane = self.lane(delivery) or delivery.recipient
        self.busy[lane] = self.busy.get(lane, 0) + 1
        self.overlapped |= self.busy[lane] > 1
        await asyncio.sleep(0.01)  # let the other lanes run meanwhile
        self.busy[lane] -= 1
        self.pushed.append(delivery.recipient)
        queued = self.answers.get(delivery.recipient)
        answer = queued.pop(0) if queued else Result(None, "ok")
        if isinstance(answer, Exception):
            raise answer
        return answer

    async def flush(self) -> None:
        pass

    async def close(self) -> None:
        self.closed += 1


class Clock:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def now(self) -> datetime:
        return self.moment


async def enqueue(app, recipients: list[str], key: str = "1") -> None:
    await app.database.outbox.enqueue(
        kind="test",
        key=key,
        channel="test",
        language="lv",
        subject="",
        body=b"{}",
        recipients=[Recipient(r) for r in recipients],
        now=NOW,
    )


async def states(app) -> dict[str, int]:
    counts: dict[str, int] = {}
    for (_, _, status), n in (await app.database.outbox.status()).items():
        counts[status] = counts.get(status, 0) + n
    return counts


async def test_a_lane_goes_in_order_one_at_a_time_and_lanes_run_side_by_side(tmp_path) -> None:
    config = load_config(sample_config(tmp_path), {})
    async with running(config, NOW) as app:
        await enqueue(app, ["a/1", "b/1", "a/2", "c", "a/3", "b/2"], "1")
        await enqueue(app, ["a/4"], "2")  # a later message to the same lane, another claim
        channel = Scripted()
        report = await Outbox(app.database, channel, POLICY, lambda: NOW).drain()
        assert report.sent == 7
        assert [r for r in channel.pushed if r.startswith("a/")] == ["a/1", "a/2", "a/3", "a/4"]
        assert not channel.overlapped
        assert channel.pushed.index("b/1") < channel.pushed.index("a/2")  # not behind lane a
        assert channel.closed == 1
        assert await states(app) == {"sent": 7}


async def test_one_deliverys_unexpected_error_stays_on_that_row(tmp_path) -> None:
    config = load_config(sample_config(tmp_path), {})
    async with running(config, NOW) as app:
        await enqueue(app, ["x1", "bad", "x2", "x3"])
        channel = Scripted(answers={"bad": [KeyError("parts")]})
        report = await Outbox(app.database, channel, POLICY, lambda: NOW).drain()
        assert report.sent == 3 and report.failed == 1
        assert await states(app) == {"sent": 3, "failed": 1}


async def test_a_rate_limit_pauses_the_channel_and_the_rest_waits_for_the_end(tmp_path) -> None:
    config = load_config(sample_config(tmp_path), {})
    clock = Clock(NOW)
    async with running(config, NOW) as app:
        await enqueue(app, [f"m{n}" for n in range(12)])
        flood = Result("rate_limited", "Too Many Requests", retry_after=120)
        channel = Scripted(parallel=1, claim_size=2, answers={"m1": [flood]})
        outbox = Outbox(app.database, channel, POLICY, clock.now)
        report = await outbox.drain()
        assert report.paused == "rate limited for 120 s: Too Many Requests"
        assert report.sent == 1  # m0 went; m1 paused the channel; nothing went after it
        assert await outbox.paused_until() == NOW + timedelta(seconds=120)
        assert (await outbox.drain()).paused == "paused"  # still paused: nothing is tried
        assert len(channel.pushed) == 2
        clock.moment = NOW + timedelta(seconds=121)
        resumed = await outbox.drain()
        assert resumed.sent == 11 and resumed.paused is None
        assert channel.pushed[:2] == ["m0", "m1"]
        assert sorted(channel.pushed[2:]) == sorted(f"m{n}" for n in range(1, 12))
        assert await states(app) == {"sent": 12}


async def test_a_channel_fault_streak_pauses_and_a_send_ends_it(tmp_path) -> None:
    config = load_config(sample_config(tmp_path), {})
    clock = Clock(NOW)
    async with running(config, NOW) as app:
        await enqueue(app, ["only"])
        down = Result("channel", "connection refused")
        channel = Scripted(parallel=1, answers={"only": [down, down, down]})
        outbox = Outbox(app.database, channel, POLICY, clock.now)
        report = await outbox.drain()
        # Retried at once after the first fault, two minutes later after the second: the
        # drain ends with it due then.
        assert report.retried == 2 and report.paused is None
        assert await app.database.outbox.errors("test") == (2, None, "connection refused")
        clock.moment = NOW + timedelta(minutes=3)
        report = await outbox.drain()
        assert report.paused == "3 errors in a row; last: connection refused"
        clock.moment = NOW + timedelta(minutes=19)
        assert (await outbox.drain()).sent == 1
        assert await app.database.outbox.errors("test") == (0, None, None)
