"""Digests for a send time: compose, localise, word; and drafts the board reviews."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime

from storage import Digest, DigestRecord, DigestView
from vestnesis.app import App
from vestnesis.digest import DigestRules, ItemFilter, Period, compose, digest_period
from vestnesis.events import poll_calendars
from vestnesis.i18n import presentation
from vestnesis.localise import localise
from vestnesis.wording import digest_view, events_section


@dataclass(frozen=True)
class Prepared:
    """A digest for one period: what it holds and, for review, its stored draft."""

    period: Period
    digest: Digest | None
    draft: DigestRecord | None


def period_for(app: App, send_time: datetime) -> Period:
    """The period a digest sent at `send_time` covers."""
    association = app.config.association
    return digest_period(send_time, association.zone, app.config.digest.period)


async def prepare(app: App, send_time: datetime, item_filter: ItemFilter | None = None) -> Prepared:
    """The digest due at `send_time`: the stored draft's items if the board has one,
    else freshly composed from the items of the period not sent before.

    The configured calendars are read first (each only when it changed), so every path to a
    digest (the service, `digest send`, `digest preview`, the board's draft) shows the same
    upcoming events; a calendar that cannot be read keeps its stored events."""
    await poll_calendars(app)
    period = period_for(app, send_time)
    draft = await app.database.digests.for_period(period.end)
    rules = DigestRules.from_config(app.config)
    if draft is not None:
        return Prepared(period, await digest_of(app, draft, item_filter), draft)
    items = await app.database.items.list(since=period.start, until=period.end)
    sent = await app.database.digests.sent_item_ids()
    digest = compose(items, period, rules, already_sent=sent, item_filter=item_filter)
    return Prepared(period, digest, None)


async def digest_of(
    app: App, record: DigestRecord, item_filter: ItemFilter | None = None
) -> Digest | None:
    """The digest a stored record holds: exactly its items, in the configured order."""
    items = await app.database.items.by_ids(record.item_ids)
    order = DigestRules.from_config(app.config).source_order
    rules = DigestRules(len(items) or 1, len(items) or 1, order)
    period = Period(record.period_start, record.period_end)
    return compose(items, period, rules, item_filter=item_filter)


async def view_for(app: App, digest: Digest, language: str, *, upcoming: bool = True) -> DigestView:
    """The digest translated and worded for readers of `language`, with the calendar's
    events of the days after it (unless `upcoming` is False: single news items)."""
    localised = await localise(digest, language, app.translator)
    reader = presentation(app.config, language, app.catalogs)
    view = digest_view(localised, reader)
    ahead = app.config.events.digest_ahead
    if not ahead or not upcoming:
        return view
    events = await app.database.events.between(digest.period_end, digest.period_end + ahead)
    zone = app.config.association.zone
    section = events_section(events, reader, zone, digest.period_end.astimezone(zone).date())
    if not section.entries:
        return view
    return dataclasses.replace(view, sections=(*view.sections, section))


async def make_draft(app: App, send_time: datetime) -> DigestRecord | None:
    """Store the coming digest as a draft for the board (once per period); None if empty."""
    prepared = await prepare(app, send_time)
    if prepared.draft is not None:
        return prepared.draft
    if prepared.digest is None:
        return None
    item_ids = [entry.item_id for entry in prepared.digest.entries]
    period = prepared.period
    return await app.database.digests.create(
        period.start, period.end, item_ids, "draft", app.clock.now()
    )


def send_decision(draft: DigestRecord | None, *, review: str, unreviewed: str) -> str:
    """At the send time: 'send', 'wait' (held, or unanswered and configured to wait),
    or 'done' (already sent)."""
    if draft is not None and draft.status == "sent":
        return "done"
    if review == "none" or draft is None or draft.status == "approved":
        return "send"
    if draft.status == "held":
        return "wait"
    return "send" if unreviewed == "send" else "wait"
