"""Digests for a send time: compose, localise, word; and drafts the board reviews.

The functions take the parts they use (`DigestParts`: the stores as Protocols, the
settings, a translator, a presenter, a clock), built from the app by the composition root
(`vestnesis.wiring`)."""

from __future__ import annotations

import builtins
import dataclasses
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from feeds.translate import Translator
from storage import DigestRecord, Event, Item
from vestnesis.common.clock import Clock
from vestnesis.common.durations import WeeklyTime
from vestnesis.config import Config
from vestnesis.digest.compose import DigestRules, ItemFilter, Period, compose, digest_period
from vestnesis.digest.localise import localise
from vestnesis.digest.model import Digest
from vestnesis.digest.views import DigestView
from vestnesis.digest.wording import digest_view, events_section
from vestnesis.i18n import Presentation


class ItemReader(Protocol):
    """The stored items a digest is composed of (`storage.ItemStore`)."""

    async def list(
        self, *, since: datetime | None = None, until: datetime | None = None
    ) -> builtins.list[Item]: ...

    async def by_ids(self, ids: Sequence[int]) -> builtins.list[Item]: ...


class DigestBook(Protocol):
    """The stored digests and the verdicts on each period (`storage.DigestStore`)."""

    async def for_period(self, period_end: datetime) -> DigestRecord | None: ...

    async def sent_item_ids(self) -> set[int]: ...

    async def create(
        self,
        period_start: datetime,
        period_end: datetime,
        item_ids: Sequence[int],
        status: str,
        now: datetime,
    ) -> DigestRecord: ...

    async def empty_since(self, period_end: datetime) -> datetime | None: ...

    async def mark_empty(self, period_end: datetime, now: datetime) -> None: ...


class EventReader(Protocol):
    """The stored calendar (`storage.EventStore`)."""

    async def between(
        self, start: datetime | None = None, end: datetime | None = None, calendar: str = ""
    ) -> list[Event]: ...


@dataclass(frozen=True)
class DigestSettings:
    """What `[digest]`, `[schedule]`, `[events]` and the association say about the digest."""

    zone: ZoneInfo
    period: timedelta
    weekly: WeeklyTime
    rules: DigestRules
    review: str = "none"
    unreviewed: str = "send"
    ahead: timedelta = timedelta(0)  # the calendar's events this far after the period
    catch_up: timedelta = timedelta(days=6)

    @classmethod
    def from_config(cls, config: Config) -> DigestSettings:
        """The digest's settings from the config tree."""
        digest = config.digest
        return cls(
            zone=config.association.zone,
            period=digest.period,
            weekly=config.schedule.weekly_digest,
            rules=DigestRules.from_config(config),
            review=digest.review,
            unreviewed=digest.unreviewed,
            ahead=config.events.digest_ahead,
            catch_up=digest.catch_up,
        )


async def _nothing() -> None:
    return None


@dataclass(frozen=True)
class DigestParts:
    """What composing and wording a digest uses. `refresh_calendars` reads the configured
    calendars that changed (so every path to a digest shows the same coming events);
    `present(language)` says how to show text to a reader of that language."""

    settings: DigestSettings
    items: ItemReader
    digests: DigestBook
    events: EventReader
    translator: Translator | None
    present: Callable[[str], Presentation]
    clock: Clock
    refresh_calendars: Callable[[], Awaitable[object]] = _nothing


@dataclass(frozen=True)
class Prepared:
    """A digest for one period: what it holds and, for review, its stored draft."""

    period: Period
    digest: Digest | None
    draft: DigestRecord | None


def period_for(settings: DigestSettings, send_time: datetime) -> Period:
    """The period a digest sent at `send_time` covers."""
    return digest_period(send_time, settings.zone, settings.period)


async def prepare(
    parts: DigestParts, send_time: datetime, item_filter: ItemFilter | None = None
) -> Prepared:
    """The digest due at `send_time`: the stored draft's items if the board has one,
    else freshly composed from the items of the period not sent before.

    The configured calendars are read first (each only when it changed), so every path to a
    digest (the service, `digest send`, `digest preview`, the board's draft) shows the same
    upcoming events; a calendar that cannot be read keeps its stored events."""
    await parts.refresh_calendars()
    period = period_for(parts.settings, send_time)
    draft = await parts.digests.for_period(period.end)
    if draft is not None:
        return Prepared(period, await digest_of(parts, draft, item_filter), draft)
    items = await parts.items.list(since=period.start, until=period.end)
    sent = await parts.digests.sent_item_ids()
    digest = compose(
        items, period, parts.settings.rules, already_sent=sent, item_filter=item_filter
    )
    return Prepared(period, digest, None)


async def digest_of(
    parts: DigestParts, record: DigestRecord, item_filter: ItemFilter | None = None
) -> Digest | None:
    """The digest a stored record holds: exactly its items, in the configured order."""
    period = Period(record.period_start, record.period_end)
    return await digest_of_items(parts, record.item_ids, period, item_filter)


async def digest_of_items(
    parts: DigestParts,
    item_ids: Sequence[int],
    period: Period,
    item_filter: ItemFilter | None = None,
) -> Digest | None:
    """The digest of exactly these items (those `item_filter` admits), in the configured order."""
    items = await parts.items.by_ids(list(item_ids))
    order = parts.settings.rules.source_order
    rules = DigestRules(len(items) or 1, len(items) or 1, order)
    return compose(items, period, rules, item_filter=item_filter)


def item_ids(prepared: Prepared) -> tuple[int, ...]:
    """The items the period's digest carries (its draft's, or those composed now)."""
    if prepared.draft is not None:
        return prepared.draft.item_ids
    if prepared.digest is None:
        return ()
    return tuple(entry.item_id for entry in prepared.digest.entries)


async def view_for(
    parts: DigestParts, digest: Digest, language: str, *, upcoming: bool = True
) -> DigestView:
    """The digest translated and worded for readers of `language`, with the calendar's
    events of the days after it (unless `upcoming` is False: single news items)."""
    localised = await localise(digest, language, parts.translator)
    reader = parts.present(language)
    view = digest_view(localised, reader)
    ahead = parts.settings.ahead
    if not ahead or not upcoming:
        return view
    events = await parts.events.between(digest.period_end, digest.period_end + ahead)
    zone = parts.settings.zone
    section = events_section(events, reader, zone, digest.period_end.astimezone(zone).date())
    if not section.entries:
        return view
    return dataclasses.replace(view, sections=(*view.sections, section))


async def record_view(parts: DigestParts, record: DigestRecord, language: str) -> DigestView | None:
    """A stored digest worded for readers of `language` (as the archive shows it); None when
    none of its items is left."""
    digest = await digest_of(parts, record)
    return None if digest is None else await view_for(parts, digest, language)


async def make_draft(parts: DigestParts, send_time: datetime) -> DigestRecord | None:
    """Store the coming digest as a draft for the board (once per period); None if empty."""
    prepared = await prepare(parts, send_time)
    if prepared.draft is not None:
        return prepared.draft
    if prepared.digest is None:
        return None
    item_ids = [entry.item_id for entry in prepared.digest.entries]
    period = prepared.period
    return await parts.digests.create(
        period.start, period.end, item_ids, "draft", parts.clock.now()
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


def due_send_time(settings: DigestSettings, now: datetime) -> datetime:
    """The most recent weekly send time at or before `now`, in the association's zone."""
    weekly = settings.weekly
    zone = settings.zone
    local = now.astimezone(zone).replace(tzinfo=None)
    days = (local.weekday() - weekly.weekday) % 7
    candidate = datetime.combine(local.date() - timedelta(days=days), weekly.at)
    if candidate > local:
        candidate -= timedelta(days=7)
    return candidate.replace(tzinfo=zone)


def next_send_time(settings: DigestSettings, now: datetime) -> datetime:
    """The first weekly send time after `now`, in the association's zone."""
    return due_send_time(settings, now) + timedelta(days=7)


async def decide(parts: DigestParts, send_time: datetime) -> Decision:
    """The one decision for the period ending at `send_time`, shared by the scheduled send,
    catch-up after downtime, `digest send` and its dry run, and `digest preview`.
    Reads only; `record_empty` stores a 'nothing new' verdict once it is final."""
    prepared = await prepare(parts, send_time)
    draft = prepared.draft
    if draft is not None and draft.status == "sent":
        return Decision(prepared, "done", "sent", draft.sent_at)
    empty_at = await parts.digests.empty_since(prepared.period.end)
    if empty_at is not None:
        return Decision(prepared, "nothing", "decided-empty", empty_at)
    review = parts.settings
    verdict = send_decision(draft, review=review.review, unreviewed=review.unreviewed)
    if verdict == "wait":
        assert draft is not None
        return Decision(prepared, "wait", "held" if draft.status == "held" else "unanswered")
    if prepared.digest is None:
        return Decision(prepared, "nothing", "empty")
    approved = draft is not None and draft.status == "approved"
    return Decision(prepared, "send", "approved" if approved else "new")


async def record_empty(parts: DigestParts, decision: Decision) -> None:
    """Store a final 'nothing new' verdict, so no later start or command sends that period."""
    if decision.action == "nothing" and decision.reason == "empty":
        await parts.digests.mark_empty(decision.period.end, parts.clock.now())


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
