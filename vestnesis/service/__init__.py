"""`vestnesis run`: the long-running service. `run` owns the event loop, the scheduler and a
clean stop; `courier` runs the email channel's outbox sender and sends the weekly digest
(composed once, handed to every channel); `reminders`
sends event reminders (N days before, on the morning) and cancellation notices through both
channels' outboxes.

May import: every `vestnesis` package below the CLI. `run` is part of the composition root
(it opens the app and builds every part with `vestnesis.wiring`); `courier` and `reminders`
take their parts and never import `vestnesis.app` or `vestnesis.wiring`. Only the CLI (and
`vestnesis.wiring`, which builds the courier's and the reminders' parts) imports it.
"""
