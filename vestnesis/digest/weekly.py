"""Digests for a send time: compose, localise, word; and drafts the board reviews."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from storage import DigestRecord
from vestnesis.app import App
from vestnesis.digest.compose import DigestRules, ItemFilter, Period, compose, digest_period
from vestnesis.digest.localise import localise
from vestnesis.digest.model import Digest
from vestnesis.digest.views import DigestView
from vestnesis.digest.wording import digest_view, events_section
from vestnesis.events.calendar import poll_calendars
from vestnesis.i18n import presentation


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
    period = Period(record.period_start, record.period_end)
    return await digest_of_items(app, record.item_ids, period, item_filter)


async def digest_of_items(
    app: App, item_ids: Sequence[int], period: Period, item_filter: ItemFilter | None = None
) -> Digest | None:
    """The digest of exactly these items (those `item_filter` admits), in the configured order."""
    items = await app.database.items.by_ids(list(item_ids))
    order = DigestRules.from_config(app.config).source_order
    rules = DigestRules(len(items) or 1, len(items) or 1, order)
    return compose(items, period, rules, item_filter=item_filter)


def item_ids(prepared: Prepared) -> tuple[int, ...]:
    """The items the period's digest carries (its draft's, or those composed now)."""
    if prepared.draft is not None:
        return prepared.draft.item_ids
    if prepared.digest is None:
        return ()
    return tuple(entry.item_id for entry in prepared.digest.entries)


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


async def record_view(app: App, record: DigestRecord, language: str) -> DigestView | None:
    """A stored digest worded for readers of `language` (as the archive shows it); None when
    none of its items is left."""
    digest = await digest_of(app, record)
    return None if digest is None else await view_for(app, digest, language)


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


@dataclass(frozen=True)
class Decision:
    """What sending the digest of one weekly period does, decided before doing anything.

    `action` is 'send' (queue it now; `reason` 'new' or 'approved'), 'nothing' (no digest:
    'empty' now, or 'decided-empty' at an earlier decision), 'wait' (the board: 'held', or
    'unanswered' with `digest.unreviewed = "hold"`) or 'done' ('sent' before). `since` is
    when an earlier decision was taken (the empty verdict or the send), else None.
    """

    prepared: Prepared
    action: str
    reason: str
    since: datetime | None = None

    @property
    def period(self) -> Period:
        """The period decided on."""
        return self.prepared.period


def due_send_time(app: App, now: datetime) -> datetime:
    """The most recent weekly send time at or before `now`, in the association's zone."""
    weekly = app.config.schedule.weekly_digest
    zone = app.config.association.zone
    local = now.astimezone(zone).replace(tzinfo=None)
    days = (local.weekday() - weekly.weekday) % 7
    candidate = datetime.combine(local.date() - timedelta(days=days), weekly.at)
    if candidate > local:
        candidate -= timedelta(days=7)
    return candidate.replace(tzinfo=zone)


def next_send_time(app: App, now: datetime) -> datetime:
    """The first weekly send time after `now`, in the association's zone."""
    return due_send_time(app, now) + timedelta(days=7)


async def decide(app: App, send_time: datetime) -> Decision:
    """The one decision for the period ending at `send_time`, shared by the scheduled send,
    catch-up after downtime, `digest send` and its dry run, and `digest preview`.
    Reads only; `record_empty` stores a 'nothing new' verdict once it is final."""
    prepared = await prepare(app, send_time)
    draft = prepared.draft
    if draft is not None and draft.status == "sent":
        return Decision(prepared, "done", "sent", draft.sent_at)
    empty_at = await app.database.digests.empty_since(prepared.period.end)
    if empty_at is not None:
        return Decision(prepared, "nothing", "decided-empty", empty_at)
    review = app.config.digest
    verdict = send_decision(draft, review=review.review, unreviewed=review.unreviewed)
    if verdict == "wait":
        assert draft is not None
        return Decision(prepared, "wait", "held" if draft.status == "held" else "unanswered")
    if prepared.digest is None:
        return Decision(prepared, "nothing", "empty")
    approved = draft is not None and draft.status == "approved"
    return Decision(prepared, "send", "approved" if approved else "new")


async def record_empty(app: App, decision: Decision) -> None:
    """Store a final 'nothing new' verdict, so no later start or command sends that period."""
    if decision.action == "nothing" and decision.reason == "empty":
        await app.database.digests.mark_empty(decision.period.end, app.clock.now())


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
