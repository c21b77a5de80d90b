"""The email channel: each delivery personalised and handed to the relay (or a folder).

`EmailChannel` is what the outbox loop (`vestnesis.delivery.Outbox`) pushes email deliveries
through; it keeps the relay's pace (`per_second`, `per_hour`) and one connection per lane in
flight. Retries, bounces and pausing are the loop's, decided from the fault class it returns.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from aiolimiter import AsyncLimiter

from mailer.addresses import ascii_address
from mailer.smtp import Result, SmtpConnection, SmtpSettings
from storage import Delivery, OutboxMessage

CHANNEL = "email"
NOT_SMTPUTF8 = (
    "the address has non-ASCII letters before the @ and the relay does not offer SMTPUTF8"
)


class Connection(Protocol):
    """What a push talks to: `SmtpConnection`, or `FolderConnection` for trials."""

    async def offers_smtputf8(self) -> bool: ...

    async def send(self, sender: str, recipient: str, message: bytes) -> Result: ...

    async def close(self) -> None: ...


@dataclass(frozen=True)
class Pushed:
    """One push's result, as the outbox loop reads it (`vestnesis.delivery.Pushed`)."""

    fault: str | None = None  # None: sent; else permanent | bounce | temporary | channel
    detail: str = ""
    retry_after: float | None = None
    tally: str = "failed"
    held: int = 0


# (message, delivery, the recipient's address as written on the wire) → bytes to send.
Personalise = Callable[[OutboxMessage, Delivery, str], Awaitable[bytes | None]]


class EmailChannel:
    """Email through the relay: `parallel` connections, at most `per_second` and `per_hour`."""

    name = CHANNEL

    def __init__(
        self,
        settings: SmtpSettings,
        envelope_sender: str,
        personalise: Personalise,
        *,
        parallel: int = 4,
        per_second: float | None = None,
        per_hour: float | None = None,
        connect: Callable[[], Connection] | None = None,
    ) -> None:
        # How a push reaches the relay: SMTP, or a stand-in such as a folder of files.
        self._connect: Callable[[], Connection] = connect or (lambda: SmtpConnection(settings))
        self._sender = envelope_sender
        self._personalise = personalise
        self.parallel = parallel
        self.claim_size = parallel * 8
        self._free: list[Connection] = []  # open connections not in use by a push
        self._opened: list[Connection] = []
        self._limiters = [
            AsyncLimiter(rate, period)
            for rate, period in ((per_second, 1), (per_hour, 3600))
            if rate
        ]

    def lane(self, delivery: Delivery) -> str | None:
        """Emails need no order among themselves."""
        return None

    async def push(self, delivery: Delivery, message: OutboxMessage | None) -> Pushed:
        """Personalise and send one delivery; never raises for the relay's trouble."""
        connection = self._free.pop() if self._free else self._open()
        try:
            address = await self._wire_address(connection, delivery.recipient)
            if address is None:
                return Pushed("permanent", NOT_SMTPUTF8)
            try:
                payload = await self._personalise(message, delivery, address) if message else None
            except ValueError as error:
                # One member's unusable row is that delivery's failure, never the sender's.
                return Pushed("permanent", f"message not built: {error}")
            if payload is None:
                return Pushed("permanent", "address disabled")
            for limiter in self._limiters:
                await limiter.acquire()
            return _pushed(await self.send(connection, address, payload))
        finally:
            self._free.append(connection)

    async def send(self, connection: Connection, address: str, payload: bytes) -> Result:
        """The per-message send: prebuilt bytes to one address over one connection."""
        return await connection.send(self._sender, address, payload)

    async def flush(self) -> None:
        """Each push is sent at once: nothing is buffered."""

    async def close(self) -> None:
        """Say QUIT on every connection opened during the drain."""
        opened, self._opened, self._free = self._opened, [], []
        for connection in opened:
            await connection.close()

    def _open(self) -> Connection:
        connection = self._connect()
        self._opened.append(connection)
        return connection

    async def _wire_address(self, connection: Connection, address: str) -> str | None:
        """The address as sent: as written when ASCII or when the relay offers SMTPUTF8, else
        with its domain in IDNA; None when neither can carry it."""
        if address.isascii():
            return address
        if await connection.offers_smtputf8():
            return address
        return ascii_address(address)


def _pushed(result: Result) -> Pushed:
    if result.outcome == "sent":
        return Pushed(None, result.detail)
    if result.connection_problem:
        return Pushed("channel", result.detail)  # the relay failed, not the recipient
    fault = {"retry": "temporary", "hard_bounce": "bounce"}.get(result.outcome, "permanent")
    return Pushed(fault, result.detail)
