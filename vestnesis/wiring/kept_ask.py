"""A question answered from the kept ask config (vestnesis/kept_config.py), without the
config's validator: the database read-only, the calendars checked, the kept answer index."""

from __future__ import annotations

from pathlib import Path

from feeds.fetch import Fetcher
from storage import Database
from vestnesis.common.clock import Clock
from vestnesis.events.asking import Answerer, Reply
from vestnesis.events.calendar import sources_changed
from vestnesis.i18n import Catalogs
from vestnesis.kept_config import AskConfig


async def ask_kept(
    kept: AskConfig, clock: Clock, question: str, language: str | None
) -> Reply | None:
    """The reply to `question`, as `vestnesis.wiring.calendars.calendars_read` and
    `answerer_for` give it; None, having written nothing, when that needs the whole app: the
    database must be created or migrated first, or a calendar changed since its import."""
    database = await Database.open_current(Path(kept.database_path), busy_wait=kept.busy_wait)
    if database is None:
        return None
    try:
        async with Fetcher.open(kept.limits()) as fetcher:
            if await sources_changed(kept.calendars, fetcher, database.events, clock):
                return None
            answerer = Answerer(kept.asking(), database.events, None, clock, Catalogs())
            return await answerer.ask(question, language)
    finally:
        await database.close()
