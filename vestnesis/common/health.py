"""Whether the service's parts work: each part reports trouble and recovery; /healthz and
the log say when it is unhealthy."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog

log = structlog.stdlib.get_logger("vestnesis.health")


@dataclass(frozen=True)
class Trouble:
    """A part that does not work: since when, how many failures in a row, the last reason."""

    part: str
    since: datetime
    failures: int
    reason: str


class Health:
    """The service's parts and their trouble; `now` is the clock."""

    def __init__(self, now: Callable[[], datetime]) -> None:
        self._now = now
        self._trouble: dict[str, Trouble] = {}

    def failing(self, part: str, reason: str) -> None:
        """`part` failed (again); the first failure is logged as the service turning unhealthy."""
        before = self._trouble.get(part)
        since = before.since if before else self._now()
        failures = before.failures + 1 if before else 1
        self._trouble[part] = Trouble(part, since, failures, reason)
        if before is None:
            log.error("service unhealthy", part=part, reason=reason)

    def ok(self, part: str) -> None:
        """`part` works (again)."""
        if self._trouble.pop(part, None) is not None:
            log.info("recovered", part=part)

    @property
    def healthy(self) -> bool:
        """True when no part is in trouble."""
        return not self._trouble

    def troubles(self) -> list[Trouble]:
        """The parts in trouble, oldest trouble first."""
        return sorted(self._trouble.values(), key=lambda trouble: trouble.since)

    def report(self) -> str:
        """ "ok", or "unhealthy" and a line per part in trouble (for /healthz)."""
        if self.healthy:
            return "ok"
        lines = [
            f"{t.part}: failing since {t.since.isoformat()} ({t.failures}x): {t.reason}"
            for t in self.troubles()
        ]
        return "\n".join(["unhealthy", *lines])


async def supervise(
    part: str,
    run: Callable[[], Awaitable[None]],
    stop: asyncio.Event,
    health: Health,
    *,
    first_pause: timedelta = timedelta(seconds=5),
    longest_pause: timedelta = timedelta(minutes=5),
) -> None:
    """Run a long-lived loop until `stop` is set; if it dies, log it, mark `part` failing and
    start it again after a pause that doubles per death in a row, up to `longest_pause`."""
    deaths = 0
    while not stop.is_set():
        try:
            await run()
            return
        except asyncio.CancelledError:
            raise
        except Exception as error:
            deaths += 1
            reason = f"{type(error).__name__}: {error}"
            details = {"part": part, "reason": reason}
            log.exception("stopped unexpectedly; restarting", **details)
            health.failing(part, f"restarted after: {reason}")
            pause = min(first_pause * 2 ** min(deaths - 1, 16), longest_pause)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=pause.total_seconds())
