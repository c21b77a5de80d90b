"""`vestnesis run`: the long-running service. `run` owns the event loop, the scheduler and a
clean stop; `courier` runs the email channel's outbox sender and sends the weekly digest
(composed once, handed to every channel); `reminders`
sends event reminders (N days before, on the morning) and cancellation notices through both
channels' outboxes.

May import: every `vestnesis` package below the CLI (it wires them together at run time).
Only the CLI imports it.
"""
