"""What a channel is to the outbox loop: a name, a pace, and one push per delivery.

A channel (email, Telegram; later others) implements `Channel` structurally: the edges
(`mailer/`, `bot/`) may not import Vēstnesis, so they define their own result record with
the attributes of `Pushed` and their class has the members of `Channel`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from storage import Delivery, OutboxMessage

# A push's error class, as the decider (`retry.decide`) reads it:
#   permanent     this delivery can never go (refused, bad request, blocked, unusable row);
#   bounce        the recipient's server refused the address for good (a hard bounce);
#   temporary     the recipient's side, worth retrying with back-off (mailbox full,
#                 greylisting); a soft bounce once the attempts are used up;
#   channel       the channel itself failed (relay down, login refused, network): retried
#                 without end, and a long enough streak pauses the channel;
#   rate_limited  the channel told us to wait (Telegram's 429 with retry_after beyond what
#                 its limiter absorbs): the channel pauses until then.
FAULTS = ("permanent", "bounce", "temporary", "channel", "rate_limited")


class Pushed(Protocol):
    """The result of one push. `fault` is None when the delivery went out."""

    @property
    def fault(self) -> str | None: ...

    @property
    def detail(self) -> str:
        """What happened, for the row's last_error (the relay's reply when sent)."""
        ...

    @property
    def retry_after(self) -> float | None:
        """Seconds the channel asked us to wait (rate_limited only)."""
        ...

    @property
    def tally(self) -> str:
        """The report's counter for a permanent failure: 'failed' or 'blocked'."""
        ...

    @property
    def held(self) -> int:
        """How many times the channel's limiter held this delivery back (429s absorbed)."""
        ...


class Channel(Protocol):
    """A way to reach people: the outbox loop claims its rows and pushes each one.

    The loop runs up to `parallel` lanes at once; the deliveries of one lane (`lane`, e.g. a
    Telegram chat) go one at a time in outbox order, those with no lane (None) each on their
    own. Rate limiting is the channel's own business (inside `push`). `push` never raises
    for the channel's or the recipient's trouble: it returns a `Pushed` with the error class;
    anything it does raise is recorded on that delivery alone as an internal error.
    """

    @property
    def name(self) -> str:
        """The outbox's channel column: 'email', 'telegram'."""
        ...

    @property
    def parallel(self) -> int:
        """Lanes in flight at once."""
        ...

    @property
    def claim_size(self) -> int:
        """Deliveries claimed from the outbox at a time."""
        ...

    def lane(self, delivery: Delivery) -> str | None:
        """Deliveries with the same lane go in order, one at a time; None: no order."""
        ...

    async def push(self, delivery: Delivery, message: OutboxMessage | None) -> Pushed:
        """Send one delivery of `message` (None when the stored message is gone)."""
        ...

    async def flush(self) -> None:
        """Everything pushed is out (a channel that buffers sends now); after each batch."""
        ...

    async def close(self) -> None:
        """The drain is over: close connections."""
        ...


@dataclass
class DrainReport:
    """What one drain did; `paused` says why the channel is paused ('paused': it was
    already), `busy` that another process holds the channel and sends these rows itself."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    bounced: int = 0
    blocked: int = 0
    rate_limited: int = 0
    paused: str | None = None
    busy: bool = False
    disabled: list[str] = field(default_factory=list)
