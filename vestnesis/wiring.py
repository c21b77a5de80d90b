"""The composition root's second half: each use case's parts, built from the `App`.

The use cases (`digest/`, `mailing/`, `events/`, `telegram/`, `web/`, the service's courier
and reminders) never see the `App`: they take the stores they use (as Protocols beside
them), a clock, their config sections, a translator, a presenter. The command line and the
service build those parts here and hand them down."""

from __future__ import annotations

from vestnesis.app import App
from vestnesis.digest.weekly import DigestParts, DigestSettings
from vestnesis.events.calendar import poll_calendars
from vestnesis.i18n import Presenter


def presenter(app: App) -> Presenter:
    """How to show text to readers of each language."""
    return Presenter(app.config.association, app.catalogs)


def digest_parts(app: App) -> DigestParts:
    """What composing and wording the digest uses."""

    async def refresh_calendars() -> object:
        return await poll_calendars(app)

    database = app.database
    return DigestParts(
        settings=DigestSettings.from_config(app.config),
        items=database.items,
        digests=database.digests,
        events=database.events,
        translator=app.translator,
        present=presenter(app),
        clock=app.clock,
        refresh_calendars=refresh_calendars,
    )
