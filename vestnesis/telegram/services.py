"""What the bot asks of Vēstnesis (bot.services.Services, implemented here): answers,
subscriptions, the board's announcements and events, and chats joining and leaving.

`Services` takes the parts it uses (`ServiceParts`: the stores as Protocols, the mailing
list's, the digest's, the calendar's and the Telegram outbox's parts, the answerer, the
catalogs, a clock), built from the app by the composition root (`vestnesis.wiring`)."""

from __future__ import annotations

import builtins
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

import structlog

from bot.render import TelegramMessage, render_digest
from bot.services import BotAnswer, Step
from storage import Announcement, DigestRecord, Event, Source, TelegramMember
from vestnesis.answering import kinds
from vestnesis.answering.text import Wording, event_block
from vestnesis.common import dates
from vestnesis.common.catalog import Gettext
from vestnesis.digest.weekly import DigestParts, digest_of, prepare, view_for
from vestnesis.events import form as event_form
from vestnesis.events.asking import Answerer
from vestnesis.events.calendar import (
    BOARD_CALENDAR,
    CalendarParts,
    event_key,
    save_board_event,
    single_event_file,
    upcoming_by_key,
)
from vestnesis.i18n import Catalogs
from vestnesis.mailing.email_list import (
    MailingError,
    MailingParts,
    identity,
    normalise_address,
    subscribe,
    tokens,
)
from vestnesis.telegram.outbox import TelegramParts, enqueue_announcement

log = structlog.stdlib.get_logger("vestnesis.telegram")


class BotBook(Protocol):
    """The bot's members, chats and the board's announcements (`storage.TelegramStore`)."""

    async def member(self, user_id: int) -> TelegramMember | None: ...

    async def touch(
        self, user_id: int, chat_id: int, first_name: str | None, now: datetime
    ) -> TelegramMember: ...

    async def set_language(self, user_id: int, language: str, now: datetime) -> None: ...

    async def set_subscription(
        self, user_id: int, *, weekly: bool, instant: bool, now: datetime
    ) -> None: ...

    async def forget(self, user_id: int) -> bool: ...

    async def set_reminders(self, user_id: int, on: bool, now: datetime) -> None: ...

    async def remind_of(self, user_id: int, event_key: str, now: datetime) -> None: ...

    async def member_counts(self) -> dict[tuple[str, str], int]: ...

    async def chat_seen(
        self, chat_id: int, title: str | None, kind: str, active: bool, now: datetime
    ) -> None: ...

    async def migrated(self, old_id: int, new_id: int, now: datetime) -> None: ...

    async def new_announcement(
        self,
        author_id: int,
        author_chat: int,
        text_html: str,
        media: tuple[str, str] | None,
        now: datetime,
    ) -> Announcement: ...

    async def announcement(self, announcement_id: int) -> Announcement | None: ...

    async def schedule(self, announcement_id: int, send_at: datetime | None) -> bool: ...

    async def due(self, now: datetime) -> list[Announcement]: ...

    async def set_audience(self, announcement_id: int, audience: Iterable[str]) -> bool: ...

    async def move(
        self,
        announcement_id: int,
        to: str,
        *,
        expect: Collection[str],
        approvals: Iterable[int] | None = None,
        sent_at: datetime | None = None,
        waiting_after: datetime | None = None,
    ) -> bool: ...

    async def approve(
        self, announcement_id: int, user_id: int, needed: int
    ) -> Announcement | None: ...

    async def scheduled(self, now: datetime) -> list[Announcement]: ...

    async def add_prompt(self, announcement_id: int, chat_id: int, message_id: int) -> None: ...

    async def prompts(self, announcement_id: int) -> list[tuple[int, int]]: ...


class BoardDigests(Protocol):
    """The stored digests, as the board reviews them (`storage.DigestStore`)."""

    async def latest(self, status: str | None = None) -> DigestRecord | None: ...

    async def decide(self, digest_id: int, status: str, by: str, now: datetime) -> bool: ...


class BoardEvents(Protocol):
    """The stored calendar, as the board edits its own events (`storage.EventStore`)."""

    async def between(
        self, start: datetime | None = None, end: datetime | None = None, calendar: str = ""
    ) -> list[Event]: ...

    async def get(self, calendar: str, uid: str) -> Event | None: ...

    async def remove(self, calendar: str, uid: str) -> bool: ...


class DeliveryCounts(Protocol):
    """How a message's deliveries stand (`storage.OutboxStore`)."""

    async def counts_for(self, kind: str, key: str) -> dict[tuple[str, str], int]: ...


class SourceList(Protocol):
    """The news sources (`storage.SourceStore`)."""

    async def list(self) -> builtins.list[Source]: ...


class SubscriberCounts(Protocol):
    """The mailing list's members counted (`storage.SubscriberStore`)."""

    async def counts(self) -> dict[tuple[str, str], int]: ...


@dataclass(frozen=True)
class ServiceParts:
    """What the bot's services use; `answerer()` builds the question answerer (at the
    first question)."""

    members: BotBook
    digests: BoardDigests
    events: BoardEvents
    deliveries: DeliveryCounts
    sources: SourceList
    subscribers: SubscriberCounts
    mailing: MailingParts
    digest: DigestParts
    calendar: CalendarParts
    telegram: TelegramParts
    answerer: Callable[[], Answerer]
    catalogs: Catalogs


class Services:
    """What the bot's handlers call; one instance per running service."""

    def __init__(
        self,
        parts: ServiceParts,
        wake_mail: Callable[[], None],
        wake_telegram: Callable[[], None],
    ) -> None:
        self.parts = parts
        settings = parts.telegram.settings
        self.association = settings.association
        self.clock = parts.telegram.clock
        self.languages: Sequence[str] = tuple(settings.association.languages)
        self.board_ids = frozenset(settings.telegram.board_user_ids)
        self.approvals_needed = settings.telegram.announce_approvals
        self._wake_mail = wake_mail
        self._wake_telegram = wake_telegram
        self._answerer: Answerer | None = None  # built at the first question

    def catalog(self, language: str) -> Gettext:
        return self.parts.catalogs.get(language)

    def language_for(self, member: TelegramMember | None, telegram_code: str | None) -> str:
        if member is not None and member.language is not None and member.language in self.languages:
            return member.language
        code = (telegram_code or "").split("-")[0].lower()
        return code if code in self.languages else self.languages[0]

    async def touch(
        self, user_id: int, chat_id: int, first_name: str | None, telegram_code: str | None
    ) -> TelegramMember:
        """Record the member; until they choose, Telegram's language is theirs (so the weekly
        digest, sent later without a message to read it from, comes in it too)."""
        member = await self.parts.members.touch(user_id, chat_id, first_name, self.clock.now())
        code = (telegram_code or "").split("-")[0].lower()
        if member.language is None and code in self.languages:
            await self.set_language(user_id, code)
            member = await self.parts.members.member(user_id) or member
        return member

    async def set_language(self, user_id: int, language: str) -> None:
        await self.parts.members.set_language(user_id, language, self.clock.now())

    async def set_subscription(self, user_id: int, *, weekly: bool, instant: bool) -> None:
        await self.parts.members.set_subscription(
            user_id, weekly=weekly, instant=instant, now=self.clock.now()
        )

    async def latest_digest(self, language: str) -> list[TelegramMessage]:
        # The last digest that went out; before any has, the one this week would bring.
        record = await self.parts.digests.latest("sent")
        if record is not None:
            digest = await digest_of(self.parts.digest, record)
        else:
            digest = (await prepare(self.parts.digest, self.clock.now())).digest
        if digest is None:
            return []
        return render_digest(await view_for(self.parts.digest, digest, language))

    def check_email(self, address: str) -> str:
        """Whether `/email ADDRESS` can go ahead: 'accepted', 'invalid' (not an address) or
        'off' (no mailing list). It never looks the address up, so the answer is the same
        for an address on the list and one that is not."""
        try:
            normalise_address(address)
            identity(self.parts.mailing.settings)
            tokens(self.parts.mailing.settings.web, self.clock)
        except ValueError:
            return "invalid"
        except MailingError:
            return "off"
        return "accepted"

    async def subscribe_email(self, address: str, language: str) -> None:
        """The mail work of `/email`, done after the reply: a confirmation for a new (or
        returning) address, nothing for one already confirmed or asked a moment ago."""
        try:
            result = await subscribe(self.parts.mailing, address, language=language, source="bot")
        except MailingError as error:
            log.warning("email subscription from the bot failed", reason=str(error))
            return
        if result.status == "sent":
            self._wake_mail()

    def now(self) -> datetime:
        return self.clock.now()

    async def forget(self, user_id: int) -> bool:
        log.info("member asked to be forgotten", user=user_id)
        return await self.parts.members.forget(user_id)

    async def answer(self, question: str, language: str) -> BotAnswer:
        if self._answerer is None:
            self._answerer = self.parts.answerer()
        reply = await self._answerer.ask(question, language, links=False)
        log.info(
            "question answered",
            intent=reply.answer.intent,
            language=reply.answer.language,
        )
        events = tuple((event_key(e), e) for e in reply.answer.events if not e.cancelled)
        return BotAnswer(reply.text, reply.answer.language, events)

    async def upcoming_event(self, key: str) -> Event | None:
        return await upcoming_by_key(self.parts.calendar, key)

    async def remind_of(self, user_id: int, event: Event) -> None:
        await self.parts.members.remind_of(user_id, event.key, self.clock.now())

    def event_file(self, event: Event) -> bytes:
        return single_event_file(self.parts.calendar, event)

    async def set_reminders(self, user_id: int, on: bool) -> None:
        await self.parts.members.set_reminders(user_id, on, self.clock.now())

    # --- the board's events ----------------------------------------------------------------

    def kinds(self, language: str) -> list[tuple[str, str]]:
        return [(k.key, kinds.name(k.key, language)) for k in kinds.KINDS]

    def read_start(self, text: str) -> tuple[datetime, bool] | None:
        return event_form.read_start(text, self.association.zone)

    def read_end(self, text: str, start: datetime, all_day: bool) -> datetime | None:
        return event_form.read_end(text, start, all_day, self.association.zone)

    def read_link(self, text: str) -> str | None:
        return event_form.read_link(text)

    async def save_event(self, event: Event, user_id: int) -> Event:
        saved = await save_board_event(self.parts.calendar, event)
        log.info("board event saved", uid=saved.uid, user=user_id)
        return saved

    async def board_events(self) -> list[Event]:
        return await self.parts.events.between(self.clock.now(), calendar=BOARD_CALENDAR)

    async def board_event(self, uid: str) -> Event | None:
        return await self.parts.events.get(BOARD_CALENDAR, uid)

    async def remove_event(self, uid: str, user_id: int) -> bool:
        removed = await self.parts.events.remove(BOARD_CALENDAR, uid)
        log.info("board event removed", uid=uid, user=user_id, removed=removed)
        return removed

    def describe_event(self, event: Event, language: str) -> str:
        wording = Wording(self.catalog(language), self.association.zone, self.clock.now())
        kind = kinds.name(event.kind, language)
        return event_block(event, language, wording) + (f"\n({kind})" if kind else "")

    async def stats(self, language: str) -> str:
        _ = self.catalog(language).gettext
        parts = self.parts
        # The store's state codes, worded for the board; an unknown code shows as it is.
        states = {
            # Translators: /stats for the board: states of Telegram users and of email
            # subscribers.
            "subscribed": _("receive the digest"),
            "not subscribed": _("do not receive the digest"),
            "blocked": _("blocked the bot"),
            "pending": _("awaiting confirmation"),
            "confirmed": _("confirmed"),
            "unsubscribed": _("unsubscribed"),
            "bounced": _("address does not work"),
        }
        deliveries = {
            "email": _("email"),
            "telegram": "Telegram",
            "sent": _("sent"),
            "failed": _("failed"),
            "pending": _("waiting"),
            "sending": _("waiting"),
        }
        lines = [_("Telegram users:")]
        lines += [
            f"  {states.get(state, state)} ({lang}): {count}"
            for (state, lang), count in sorted((await parts.members.member_counts()).items())
        ]
        lines.append(_("Mailing list:"))
        lines += [
            f"  {states.get(state, state)} ({lang}): {count}"
            for (state, lang), count in sorted((await parts.subscribers.counts()).items())
        ]
        latest = await parts.digests.latest("sent")
        if latest is not None:
            lines.append(_("Last digest:"))
            counts = await parts.deliveries.counts_for("digest", latest.period_end.isoformat())
            lines += [
                f"  {deliveries.get(channel, channel)}, {deliveries.get(state, state)}: {count}"
                for (channel, state), count in sorted(counts.items())
            ]
        sources = await parts.sources.list()
        failing = [s for s in sources if s.enabled and (s.paused or s.error_count)]
        lines.append(
            _("News sources: %(ok)d working, %(failing)d failing")
            % {"ok": sum(1 for s in sources if s.enabled) - len(failing), "failing": len(failing)}
        )
        lines += [f"  {s.name}: {s.last_error}" for s in failing]
        return "\n".join(lines)

    async def draft_announcement(
        self, author_id: int, author_chat: int, text_html: str, media: tuple[str, str] | None
    ) -> Announcement:
        store = self.parts.members
        draft = await store.new_announcement(
            author_id, author_chat, text_html, media, self.clock.now()
        )
        await store.set_audience(draft.id, ["chats", "subscribers"])
        return await self._current(draft.id)

    async def announcement(self, announcement_id: int) -> Announcement | None:
        return await self.parts.members.announcement(announcement_id)

    async def _current(self, announcement_id: int) -> Announcement:
        found = await self.announcement(announcement_id)
        assert found is not None
        return found

    async def set_audience(self, announcement_id: int, audience: Sequence[str]) -> Step:
        """Who gets a draft (only while it is a draft)."""
        changed = await self.parts.members.set_audience(announcement_id, audience)
        return Step("draft" if changed else "refused", await self._current(announcement_id))

    async def send(self, announcement_id: int, user_id: int) -> Step:
        """The author presses Send on the draft: it goes out (or waits for its time) when one
        approval is enough, else it waits for other board members."""
        store = self.parts.members
        draft = await self.announcement(announcement_id)
        if draft is None or draft.status != "draft" or draft.author_id != user_id:
            return Step("refused", draft) if draft else Step("refused", None)
        if not draft.audience:
            return Step("no-audience", draft)
        if self.approvals_needed > 1:
            moved = await store.move(draft.id, "awaiting", expect={"draft"}, approvals=[user_id])
            return Step("awaiting" if moved else "refused", await self._current(draft.id))
        if not await store.move(draft.id, "approved", expect={"draft"}, approvals=[user_id]):
            return Step("refused", await self._current(draft.id))
        return await self._go(draft.id)

    async def approve(self, announcement_id: int, user_id: int) -> Step:
        """Another board member approves an announcement awaiting approval."""
        draft = await self.announcement(announcement_id)
        if draft is None:
            return Step("refused", None)
        if draft.author_id == user_id or user_id in draft.approvals:
            return Step("own", draft)
        approved = await self.parts.members.approve(draft.id, user_id, self.approvals_needed)
        if approved is None:
            return Step("refused", await self._current(draft.id))
        if approved.status == "awaiting":
            return Step("awaiting", approved)
        return await self._go(draft.id)

    async def _go(self, announcement_id: int) -> Step:
        """An approved announcement: released now, or left for its send time."""
        approved = await self._current(announcement_id)
        if approved.send_at is not None and approved.send_at > self.clock.now():
            return Step("scheduled", approved)
        await self.release(approved)
        return Step("queued", await self._current(announcement_id))

    async def release(self, draft: Announcement) -> None:
        """Put an approved announcement in the outbox and wake the senders. Enqueueing is
        idempotent, and only the first release moves it to 'sent'."""
        store = self.parts.members
        await enqueue_announcement(self.parts.telegram, draft)
        await store.move(draft.id, "sent", expect={"approved"}, sent_at=self.clock.now())
        self._wake_telegram()
        self._wake_mail()

    async def schedule(self, announcement_id: int, text: str) -> datetime | None:
        """Parse 'YYYY-MM-DD HH:MM' (the association's time zone) and set it on the draft;
        None if not a time in the future (or no longer a draft)."""
        try:
            moment = datetime.fromisoformat(text.strip().replace(" ", "T", 1))
        except ValueError:
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=self.association.zone)
        if moment <= self.clock.now():
            return None
        if not await self.parts.members.schedule(announcement_id, moment):
            return None
        return moment

    def local_time(self, moment: datetime, language: str) -> str:
        """A day and time as it stands inside a sentence of `language` (Latvian locative,
        no seconds, the year only when it is not this year's)."""
        zone = self.association.zone
        today = self.clock.now().astimezone(zone).date()
        return dates.moment_in_sentence(moment.astimezone(zone), language, today)

    async def release_due(self) -> int:
        """Send the scheduled announcements whose time has come."""
        due = await self.parts.members.due(self.clock.now())
        for announcement in due:
            await self.release(announcement)
        return len(due)

    async def cancel(self, announcement_id: int, user_id: int) -> Step:
        """Cancel an announcement awaiting approval (any board member: the request shows
        Cancel to each), or its author's draft or approved one still waiting for its time."""
        store = self.parts.members
        draft = await self.announcement(announcement_id)
        if draft is None:
            return Step("refused", None)
        own = draft.author_id == user_id
        if await store.move(
            draft.id, "cancelled", expect={"draft", "awaiting"} if own else {"awaiting"}
        ):
            return Step("cancelled", await self._current(draft.id))
        if draft.author_id == user_id and await store.move(
            draft.id, "cancelled", expect={"approved"}, waiting_after=self.clock.now()
        ):
            return Step("cancelled", await self._current(draft.id))
        return Step("refused", await self._current(draft.id))

    async def scheduled(self) -> list[Announcement]:
        return await self.parts.members.scheduled(self.clock.now())

    async def member(self, user_id: int) -> TelegramMember | None:
        return await self.parts.members.member(user_id)

    async def add_prompt(self, announcement_id: int, chat_id: int, message_id: int) -> None:
        await self.parts.members.add_prompt(announcement_id, chat_id, message_id)

    async def prompts(self, announcement_id: int) -> list[tuple[int, int]]:
        return await self.parts.members.prompts(announcement_id)

    async def decide_digest(self, digest_id: int, status: str, user_id: int) -> bool:
        """A board member approves or holds the coming digest's draft."""
        log.info("digest draft decided", digest=digest_id, status=status, by=user_id)
        return await self.parts.digests.decide(
            digest_id, status, f"telegram:{user_id}", self.clock.now()
        )

    async def chat_seen(self, chat_id: int, title: str | None, kind: str, active: bool) -> None:
        await self.parts.members.chat_seen(chat_id, title, kind, active, self.clock.now())

    async def chat_migrated(self, old_id: int, new_id: int) -> None:
        log.info("group moved to a supergroup", old=old_id, new=new_id)
        await self.parts.members.migrated(old_id, new_id, self.clock.now())
