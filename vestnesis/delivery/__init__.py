"""One delivery pipeline for every channel: the outbox loop and the decisions it applies.

Holds:

- `channel`: the `Channel` protocol a channel implements (email in `mailer/delivery.py`,
  Telegram in `bot/delivery.py`; both structurally, without importing this package), the
  `Pushed` shape of one push's result, and the `DrainReport` of a drain;
- `retry`: the pure decider: given a push's result, the delivery's attempts, the channel's
  error streak and the time, the outcome (sent, retry at T, give up, pause the channel
  until T); no I/O, no clock;
- `outbox`: `Outbox`, the one loop: recover rows a crash left 'sending', claim, push, settle,
  retry, pause;
- `held`: the stored messages of the deliveries in flight, and nothing else;
- `sender`: `Sender`, which keeps one channel's loop running inside the service (when woken,
  and on a timer).

May import `storage` and `vestnesis.common` only: it knows no channel by name, and the
packages that build channels (`mailing`, `telegram`) import it.
"""

from vestnesis.delivery.channel import Channel, DrainReport, Pushed
from vestnesis.delivery.outbox import Outbox, exclusive
from vestnesis.delivery.retry import (
    GiveUp,
    Outcome,
    Pause,
    Retry,
    RetryPolicy,
    Sent,
    Verdict,
    decide,
)
from vestnesis.delivery.sender import Sender

__all__ = [
    "Channel",
    "DrainReport",
    "GiveUp",
    "Outbox",
    "Outcome",
    "Pause",
    "Pushed",
    "Retry",
    "RetryPolicy",
    "Sender",
    "Sent",
    "Verdict",
    "decide",
    "exclusive",
]
