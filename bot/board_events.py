"""The board's events in the bot: /addevent asks for each detail in turn; /editevent changes
or removes an event the board added. Members only ever read events."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot import flows
from bot.mixin import BoardMixin
from storage import Event

STATE = flows.EVENT
LIST = flows.EVENT_LIST
FIELDS = ("title", "start", "end", "place", "url", "kind", "remove")
MAX_LISTED = 20
# The kinds offered first in /addevent; More… shows them all.
COMMON_KINDS = (
    "seminar",
    "conference",
    "webinar",
    "course",
    "meeting",
    "lecture",
    "exhibition",
    "workshop",
)


class BoardEventHandlers(BoardMixin):
    """Mixed into the bot's handlers (see bot.mixin for what it expects of them)."""

    async def cmd_addevent(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        _member, _language, _ = await self._member(update)
        if not self._board(update):
            await self._refuse(update, "addevent")
            return
        flows.begin(context.user_data, STATE, {"step": "title", "draft": {}}, self.s.now())
        await self._reply(update, _("A new event. What is its title? (/cancel stops)"))

    async def cmd_editevent(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        _member, language, _ = await self._member(update)
        if not self._board(update):
            await self._refuse(update, "editevent")
            return
        events = (await self.s.board_events())[:MAX_LISTED]
        if not events:
            await self._reply(update, _("There are no upcoming events added in the bot."))
            return
        flows.begin(context.user_data, LIST, [e.uid for e in events], self.s.now())
        rows = [
            [InlineKeyboardButton(_short(e, language, self.s), callback_data=f"ev:pick:{n}")]
            for n, e in enumerate(events)
        ]
        await self._reply(update, _("Which event?"), InlineKeyboardMarkup(rows))

    async def event_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The board member's answer to the question asked last."""
        _member, language, _ = await self._member(update)
        message = update.effective_message
        state = flows.value(context.user_data, STATE)
        if message is None or state is None:
            return
        text = (message.text or "").strip()
        draft = state["draft"]
        field = state["step"] if state["step"] != "edit" else state["field"]
        problem = self._event_take(field, text, draft, _)
        if problem:
            await self._reply(update, problem)
            return
        if state["step"] == "edit":
            await self._event_save(update, context, language)
            return
        follow = {"title": "start", "start": "end", "end": "place", "place": "url", "url": "kind"}
        state["step"] = follow[field]
        flows.touch(context.user_data, STATE, state, self.s.now())
        await self._event_ask_for(update, state["step"], language)

    async def event_button(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE, data: str
    ) -> str | None:
        """The board's buttons: kind, save, cancel, and the edit choices; returns the alert
        to show, if any. A button of a conversation that has ended changes nothing."""
        _member, language, _ = await self._member(update)
        query = update.callback_query
        if query is None:
            return None
        user = update.effective_user
        if user is None or not self._board(update):
            return await self._refuse(update, "event")
        _prefix, action, value = data.split(":", 2)
        state = flows.value(context.user_data, STATE)
        if action == "pick":
            await self._event_pick(update, context, int(value), language)
        elif action == "field" and state is not None:
            await self._event_field(update, context, value, language)
        elif action == "more" and state is not None:
            await query.edit_message_reply_markup(self._event_kind_buttons(language, every=True))
        elif action == "kind" and state is not None:
            state["draft"]["kind"] = value
            if state["step"] == "edit":
                await self._event_save(update, context, language)
            else:
                await self._event_preview(update, state["draft"], language)
        elif action == "save" and state is not None:
            await self._event_save(update, context, language)
        elif action == "remove" and state is not None and value == "yes":
            removed = await self.s.remove_event(state["uid"], user.id)
            flows.end(context.user_data)
            await query.edit_message_text(_("Removed.") if removed else _("Already gone."))
        elif action in ("cancel", "remove") or state is not None:
            flows.end(context.user_data)
            await query.edit_message_text(_("Nothing was changed."))
        else:
            await query.edit_message_text(_("That conversation has ended; nothing was changed."))
        return None

    # --- steps -----------------------------------------------------------------------

    def _event_take(
        self, field: str, text: str, draft: dict[str, Any], _: Callable[[str], str]
    ) -> str:
        """Store one answer in the draft; the problem in words when it cannot be read."""
        if field == "title":
            if not text:
                return _("The title cannot be empty.")
            draft["title"] = text[:200]
        elif field == "start":
            read = self.s.read_start(text)
            if read is None:
                return _("I could not read that date; try 2026-12-15 10:00, or 2026-12-15.")
            start, all_day = read
            if "end" in draft:  # editing: keep the length
                length = datetime.fromisoformat(draft["end"]) - datetime.fromisoformat(
                    draft["start"]
                )
                draft["end"] = (start + length).isoformat()
            draft["start"], draft["all_day"] = start.isoformat(), all_day
        elif field == "end":
            start = datetime.fromisoformat(draft["start"])
            end = self.s.read_end(text, start, draft["all_day"])
            if end is None:
                return _("That is not an end time after the start; try 12:00, or -.")
            draft["end"] = end.isoformat()
        elif field == "place":
            draft["place"] = "" if text in ("-", "—", "–") else text[:300]
        elif field == "url":
            link = self.s.read_link(text)
            if link is None:
                return _("That is not a link starting with https://; send one, or -.")
            draft["url"] = link
        return ""

    async def _event_ask_for(self, update: Update, step: str, language: str) -> None:
        _ = self.s.catalog(language).gettext
        questions = {
            "title": _("What is the event's title?"),
            "start": _(
                "When does it start? For example 2026-12-15 10:00, or 2026-12-15 for a whole day."
            ),
            "end": _(
                "When does it end? A time (12:00), a date and time, or - for the usual length."
            ),
            "place": _("Where does it take place? (- if only online)"),
            "url": _("The online or registration link (https://…), or - if there is none."),
        }
        if step == "kind":
            await self._reply(
                update, _("What kind of event is it?"), self._event_kind_buttons(language)
            )
        else:
            await self._reply(update, questions[step])

    def _event_kind_buttons(self, language: str, *, every: bool = False) -> InlineKeyboardMarkup:
        """The kinds the board uses most, two to a row (every kind, alphabetically, after
        More…), capitalised in the reader's language, and Other."""
        _ = self.s.catalog(language).gettext
        names = dict(self.s.kinds(language))
        if every:
            keys = sorted(names, key=lambda k: names[k].casefold())
        else:
            keys = [k for k in COMMON_KINDS if k in names]
        buttons = [
            InlineKeyboardButton(names[k][:1].upper() + names[k][1:], callback_data=f"ev:kind:{k}")
            for k in keys
        ]
        rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
        last = [InlineKeyboardButton(_("Other"), callback_data="ev:kind:")]
        if not every:
            last.insert(0, InlineKeyboardButton(_("More…"), callback_data="ev:more:"))
        rows.append(last)
        return InlineKeyboardMarkup(rows)

    async def _event_preview(self, update: Update, draft: dict[str, Any], language: str) -> None:
        _ = self.s.catalog(language).gettext
        text = self.s.describe_event(_event(draft), language)
        buttons = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(_("Save"), callback_data="ev:save:"),
                    InlineKeyboardButton(_("Cancel"), callback_data="ev:cancel:"),
                ]
            ]
        )
        await self._reply(update, text, buttons)

    async def _event_save(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE, language: str
    ) -> None:
        _ = self.s.catalog(language).gettext
        state = flows.value(context.user_data, STATE)
        user = update.effective_user
        if state is None or user is None:
            return
        flows.end(context.user_data)
        saved = await self.s.save_event(_event(state["draft"]), user.id)
        await self._reply(
            update,
            _("Saved. Members can ask about it and find it in the calendar feed.")
            + "\n\n"
            + self.s.describe_event(saved, language),
        )

    async def _event_pick(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE, index: int, language: str
    ) -> None:
        _ = self.s.catalog(language).gettext
        query = update.callback_query
        if query is None:
            return
        uids = flows.value(context.user_data, LIST) or []
        event = await self.s.board_event(uids[index]) if index < len(uids) else None
        if event is None:
            await query.edit_message_text(_("Already gone."))
            return
        flows.touch(
            context.user_data,
            STATE,
            {"step": "edit", "uid": event.uid, "draft": _draft(event)},
            self.s.now(),
        )
        labels = {
            "title": _("Title"),
            "start": _("Start"),
            "end": _("End"),
            "place": _("Place"),
            "url": _("Link"),
            "kind": _("Type"),
            "remove": _("Remove"),
        }
        rows = [
            [
                InlineKeyboardButton(labels[f], callback_data=f"ev:field:{f}")
                for f in FIELDS[i : i + 4]
            ]
            for i in range(0, len(FIELDS), 4)
        ]
        await query.edit_message_text(
            self.s.describe_event(event, language) + "\n\n" + _("What do you want to change?"),
            reply_markup=InlineKeyboardMarkup(rows),
        )

    async def _event_field(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE, field: str, language: str
    ) -> None:
        _ = self.s.catalog(language).gettext
        state = flows.value(context.user_data, STATE)
        if state is None:
            return
        state["field"] = field
        if field == "remove":
            buttons = InlineKeyboardMarkup(
                [
                    [
                        InlineKeyboardButton(_("Remove"), callback_data="ev:remove:yes"),
                        InlineKeyboardButton(_("Cancel"), callback_data="ev:cancel:"),
                    ]
                ]
            )
            await self._reply(update, _("Remove this event for everyone?"), buttons)
        else:
            await self._event_ask_for(update, field, language)


def _draft(event: Event) -> dict[str, Any]:
    return {
        "uid": event.uid,
        "title": event.title,
        "start": event.start.isoformat(),
        "end": event.end.isoformat(),
        "all_day": event.all_day,
        "place": event.place,
        "url": event.url,
        "kind": event.kind,
    }


def _event(draft: dict[str, Any]) -> Event:
    start = datetime.fromisoformat(draft["start"])
    return Event(
        uid=draft.get("uid", ""),
        title=draft["title"],
        start=start,
        end=datetime.fromisoformat(draft.get("end") or draft["start"]),
        all_day=bool(draft.get("all_day")),
        place=draft.get("place", ""),
        url=draft.get("url", ""),
        kind=draft.get("kind", ""),
    )


def _short(event: Event, language: str, services: Any) -> str:
    day = services.local_time(event.start, language)
    return f"{day} — {event.title}"[:60]
