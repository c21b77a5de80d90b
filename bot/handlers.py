"""Telegram handlers: members' commands, the board's announcements, groups and channels."""

from __future__ import annotations

import contextlib
import functools
import html
import traceback
from collections.abc import Callable
from typing import Any

import structlog
from babel import Locale
from telegram import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    LinkPreviewOptions,
    Message,
    Update,
)
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import (
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot import flows
from bot.announcements import AnnouncementHandlers
from bot.board_events import BoardEventHandlers
from bot.services import BotAnswer, BotServices
from bot.startup import BotApplication, Courtesies, network_failure
from storage import TelegramMember

log = structlog.stdlib.get_logger("vestnesis.bot")
MEMBER_COMMANDS = (
    "start",
    "settings",
    "subscribe",
    "unsubscribe",
    "digest",
    "next",
    "events",
    "goals",
    "email",
    "lang",
    "help",
    "forget",
    "remind",
    "cancel",
)
BOARD_COMMANDS = ("announce", "scheduled", "addevent", "editevent", "stats")
# In a group these get a pointer to the private chat: they concern one person, or the board.
PRIVATE_ONLY = (
    "start",
    "settings",
    "subscribe",
    "unsubscribe",
    "email",
    "lang",
    "forget",
    "remind",
    "cancel",
    *BOARD_COMMANDS,
)
MAX_EVENT_BUTTONS = 5  # an answer listing more events offers the first five's calendar files
SHORT_TITLE = 40  # characters of an event title on a button
# Commands that answer in a group too (each as a reply to the one who asked).
GROUP_COMMANDS = ("help", "digest", "next", "events", "goals")


def register(application: BotApplication, services: BotServices) -> None:
    """Attach every handler to the application."""
    bot = Handlers(services)
    private = filters.ChatType.PRIVATE
    application.add_handler(CommandHandler(PRIVATE_ONLY, bot.in_group, filters=~private))
    for name in (*MEMBER_COMMANDS, *BOARD_COMMANDS):
        application.add_handler(CommandHandler(name, getattr(bot, f"cmd_{name}")))
    application.add_handler(CallbackQueryHandler(bot.button))
    application.add_handler(ChatMemberHandler(bot.membership, ChatMemberHandler.MY_CHAT_MEMBER))
    application.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, bot.migrated))
    application.add_handler(MessageHandler(filters.COMMAND, bot.unknown_command))
    content = (filters.TEXT & ~filters.COMMAND) | filters.PHOTO | filters.Document.ALL
    application.add_handler(MessageHandler(private & content, bot.private_message))
    application.add_error_handler(bot.on_error)


async def set_commands(
    application: BotApplication, services: BotServices, courtesies: Courtesies | None = None
) -> None:
    """The command menu and the bot's description, once per language (and the default
    language for everyone else). These are courtesies: a server that refuses them is logged
    once and the bot serves anyway."""
    courtesies = courtesies or Courtesies()
    bot = application.bot
    for language in services.languages:
        _ = services.catalog(language).gettext
        descriptions = {
            "start": _("Welcome and language"),
            "settings": _("My settings"),
            "subscribe": _("Weekly digest on Telegram"),
            "unsubscribe": _("Stop the digest"),
            "digest": _("The latest digest"),
            "next": _("The next event"),
            "events": _("Events by month"),
            "goals": _("The association's goals"),
            "email": _("The digest by email"),
            "lang": _("Change the language"),
            "help": _("What I can do"),
            "forget": _("Delete my data"),
            "remind": _("Event reminders"),
            "cancel": _("Stop what we started"),
        }
        commands = [BotCommand(name, descriptions[name]) for name in MEMBER_COMMANDS]
        about = _(
            "Every week I send the digest of library news in your language, and I answer "
            "questions about events and the association's plan."
        )
        codes: list[str | None] = [language]
        if language == services.languages[0]:
            codes.append(None)
        for code in codes:
            await courtesies.attempt(
                "setMyCommands",
                functools.partial(bot.set_my_commands, commands, language_code=code),
            )
            await courtesies.attempt(
                "setMyDescription",
                functools.partial(bot.set_my_description, about, language_code=code),
            )


class Handlers(AnnouncementHandlers, BoardEventHandlers):
    """Each method handles one kind of update."""

    def __init__(self, services: BotServices) -> None:
        self.s = services

    # --- members -----------------------------------------------------------------------

    async def cmd_start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        member, language, _ = await self._member(update)
        await self._end_flow(update, context, quiet=True)
        subscribe = bool(context.args and context.args[0] == "subscribe")
        if subscribe and member is not None:
            await self.s.set_subscription(member.user_id, weekly=True, instant=member.instant)
        lines = [
            _("Hello! I am the news herald of the association."),
            _(
                "Every week I send the digest of library news in your language, and I answer "
                "questions about events and the association's plan."
            ),
        ]
        rows: list[list[InlineKeyboardButton]] = []
        if member is not None and member.language in self.s.languages:
            # Telegram told us a language we speak: no question, but a way to change it.
            lines.append(_("Language: %(language)s") % {"language": _name(language)})
            rows.append(
                [
                    InlineKeyboardButton(_("Change the language"), callback_data="set:lang"),
                    InlineKeyboardButton(_("My settings"), callback_data="set:show"),
                ]
            )
        else:
            lines.append(_("Choose your language:"))
            rows.append(self._language_row())
        if not subscribe and not (member is not None and member.weekly):
            rows.insert(
                0,
                [
                    InlineKeyboardButton(
                        _("Subscribe to the weekly digest"), callback_data="set:weekly:on"
                    )
                ],
            )
        await self._reply(update, "\n\n".join(lines), InlineKeyboardMarkup(rows))
        if subscribe:
            await self._reply(update, _("You are subscribed to the weekly digest."))

    async def cmd_lang(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        _, _language, t = await self._member(update)
        await self._reply(
            update, t("Choose your language:"), InlineKeyboardMarkup([self._language_row()])
        )

    async def cmd_settings(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        member, _language, _ = await self._member(update)
        if member is None:
            return
        text, markup = await self._settings_view(member.user_id)
        await self._reply(update, text, markup)

    async def _settings_view(self, user_id: int) -> tuple[str, InlineKeyboardMarkup]:
        """The member's settings, each with a button that switches it alone."""
        member = await self.s.member(user_id)
        assert member is not None
        language = self.s.language_for(member, None)
        _ = self.s.catalog(language).gettext

        def mark(on: bool) -> str:
            return "✅ " if on else "▫️ "

        rows = [
            [
                InlineKeyboardButton(
                    _("Language: %(language)s") % {"language": _name(language)},
                    callback_data="set:lang",
                )
            ],
            [
                InlineKeyboardButton(
                    mark(member.weekly) + _("Weekly digest"),
                    callback_data=f"set:weekly:{_flip(member.weekly)}",
                )
            ],
            [
                InlineKeyboardButton(
                    mark(member.instant) + _("News as it arrives"),
                    callback_data=f"set:instant:{_flip(member.instant)}",
                )
            ],
            [
                InlineKeyboardButton(
                    mark(member.reminders) + _("Event reminders"),
                    callback_data=f"set:reminders:{_flip(member.reminders)}",
                )
            ],
            [InlineKeyboardButton(_("The digest by email…"), callback_data="set:email")],
        ]
        return _("My settings (press one to change it):"), InlineKeyboardMarkup(rows)

    async def cmd_help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        _member, _language, _ = await self._member(update)
        if update.effective_chat is not None and update.effective_chat.type != ChatType.PRIVATE:
            lines = [
                _("In this group I answer:"),
                "/digest — " + _("The latest digest"),
                "/next, /events, /goals — " + _("Events and the association's plan"),
                _(
                    "Everything else (subscriptions, reminders, settings) is in a private chat with me."
                ),
            ]
            await self._reply(update, "\n".join(lines), await self._private_link(update, _))
            return
        lines = [
            _("What I can do:"),
            "/subscribe — " + _("Weekly digest on Telegram"),
            "/unsubscribe — " + _("Stop the digest"),
            "/digest — " + _("The latest digest"),
            "/next, /events, /goals — " + _("Events and the association's plan"),
            "/email " + _("ADDRESS") + " — " + _("The digest by email"),
            "/settings — " + _("My settings"),
            "/lang — " + _("Change the language"),
            "/remind, /remind off — " + _("Event reminders"),
            "/forget — " + _("Delete my data"),
            "/cancel — " + _("Stop what we started"),
            _("Or just ask, for example: “When is the next seminar?”"),
        ]
        if self._board(update):
            lines += [
                "",
                "/announce, /scheduled, /addevent, /editevent, /stats — " + _("For the board"),
            ]
        await self._reply(update, "\n".join(lines))

    async def cmd_subscribe(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        member, _language, _ = await self._member(update)
        if member is None:
            return
        await self.s.set_subscription(member.user_id, weekly=True, instant=member.instant)
        buttons = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        _("Also send news as it arrives"), callback_data="set:instant:on"
                    )
                ]
            ]
        )
        await self._reply(update, _("You are subscribed to the weekly digest."), buttons)

    async def cmd_unsubscribe(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        member, _language, _ = await self._member(update)
        if member is None:
            return
        await self.s.set_subscription(member.user_id, weekly=False, instant=False)
        await self._reply(update, _("Done: no more digests from me. /subscribe brings them back."))

    async def cmd_digest(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        _member, language, _ = await self._member(update)
        asked = update.effective_message
        if asked is None:
            return
        messages = await self.s.latest_digest(language)
        if not messages:
            await self._reply(update, _("There is no digest yet."))
            return
        for message in messages:
            await asked.reply_html(
                message.html,
                link_preview_options=LinkPreviewOptions(is_disabled=message.disable_preview),
            )

    # The commands ask in the member's own words, so the answer comes in their language.
    async def cmd_next(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        _member, language, _ = await self._member(update)
        await self._ask(update, _("the next event") + " " + " ".join(context.args or []), language)

    async def cmd_events(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        _member, language, _ = await self._member(update)
        await self._ask(update, _("events") + " " + " ".join(context.args or []), language)

    async def cmd_goals(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        _member, language, _ = await self._member(update)
        await self._ask(update, _("What is the association's goal?"), language)

    async def cmd_remind(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        member, _language, _ = await self._member(update)
        if member is None:
            return
        on = not (context.args and context.args[0].lower() in ("off", "izslēgt", "išjungti"))
        await self.s.set_reminders(member.user_id, on)
        await self._reply(update, self._reminders_text(on, _))

    @staticmethod
    def _reminders_text(on: bool, _: Callable[[str], str]) -> str:
        if on:
            return _(
                "Reminders on: I will remind you of events a few days before and on the "
                "morning of the day. /remind off stops them."
            )
        return _("Reminders off.")

    async def cmd_email(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        _member, language, _ = await self._member(update)
        if not context.args:
            await self._reply(update, _("Write it like this: /email name@example.lv"))
            return
        outcome = self.s.check_email(context.args[0])
        # One reply for every address on or off the list, so the bot does not tell who is
        # subscribed; the mail work happens after it.
        texts = {
            "accepted": _(
                "If that address is not on the list yet, a confirmation link is on its way "
                "to it; the digest starts once it is confirmed. If it is already on the list, "
                "nothing changes."
            ),
            "invalid": _("That does not look like an email address."),
            "off": _("The mailing list is not available just now."),
        }
        await self._reply(update, texts.get(outcome, texts["off"]))
        if outcome == "accepted":
            await self.s.subscribe_email(context.args[0], language)

    async def cmd_forget(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        member, _language, _ = await self._member(update)
        if member is None:
            return
        flows.begin(context.user_data, flows.FORGET, True, self.s.now())
        buttons = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(_("Yes, delete everything"), callback_data="forget:yes"),
                    InlineKeyboardButton(_("No, keep it"), callback_data="forget:no"),
                ]
            ]
        )
        sent = await self._reply(
            update, _("Delete everything I store about you (language, subscriptions)?"), buttons
        )
        if sent is not None:
            flows.remember_prompt(context.user_data, sent.chat_id, sent.message_id)

    async def cmd_cancel(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._end_flow(update, context, quiet=False)

    async def _end_flow(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE, *, quiet: bool
    ) -> None:
        """End whatever conversation is open, remove its buttons, and (unless quiet) say so."""
        _member, _language, _ = await self._member(update)
        name, prompt = flows.end(context.user_data)
        if prompt is not None:
            with contextlib.suppress(TelegramError):
                await update.get_bot().edit_message_reply_markup(prompt[0], prompt[1])
        if quiet:
            return
        if name is None:
            await self._reply(update, _("There is nothing to cancel. /help shows what I can do."))
            return
        await self._reply(update, self._stopped(name, _))

    @staticmethod
    def _stopped(name: str, _: Callable[[str], str]) -> str:
        """What /cancel ended, in a whole sentence."""
        return {
            flows.ANNOUNCE: _("Stopped: no announcement was made."),
            flows.SCHEDULE: _("Stopped: the send time was not set."),
            flows.EVENT: _("Stopped: the event was not changed."),
            flows.EVENT_LIST: _("Stopped: the event was not changed."),
            flows.FORGET: _("Stopped: nothing was deleted."),
        }.get(name, _("Stopped."))

    async def unknown_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A command the bot does not have: in a private chat, or in a group when it was
        addressed to this bot by name (/foo@bot; a bare /foo may be for another bot)."""
        chat = update.effective_chat
        if chat is not None and chat.type != ChatType.PRIVATE:
            text = update.effective_message.text if update.effective_message else ""
            command = (text or "").split()[0] if text else ""
            username = update.get_bot().username or ""
            if not username or not command.lower().endswith("@" + username.lower()):
                return
        _member, _language, _ = await self._member(update)
        await self._reply(update, _("I do not know that command. /help shows what I can do."))

    async def in_group(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A private-chat command written in a group: a short pointer and a link to the
        private chat (never the board's figures or anyone's settings in the group)."""
        _member, _language, _ = await self._member(update)
        message = update.effective_message
        if message is None:
            return
        command = (message.text or "").split()[0].split("@")[0].lstrip("/")
        payload = "subscribe" if command == "subscribe" else None
        await self._reply(
            update,
            _("That works in a private chat with me; press the button to open it."),
            await self._private_link(update, _, payload),
        )

    async def _private_link(
        self, update: Update, _: Callable[[str], str], payload: str | None = None
    ) -> InlineKeyboardMarkup | None:
        username = update.get_bot().username
        if not username:
            return None
        url = f"https://t.me/{username}" + (f"?start={payload}" if payload else "")
        return InlineKeyboardMarkup([[InlineKeyboardButton(_("Open a private chat"), url=url)]])

    async def private_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        member, language, _ = await self._member(update)
        message = update.effective_message
        if message is None:
            return
        data = context.user_data if context.user_data is not None else {}
        board = member is not None and member.user_id in self.s.board_ids
        flow = flows.current(data)
        if flow is not None and flows.expired(data, self.s.now()):
            await self._end_flow(update, context, quiet=True)
            await self._reply(
                update,
                _(
                    "I stopped waiting for an answer after a while, so nothing was changed; "
                    "please start again."
                ),
            )
            return
        text = message.text
        if board and flow == flows.EVENT and text:
            await self.event_text(update, context)
            return
        if board and flow == flows.SCHEDULE:
            await self.schedule_time(update, context)
            return
        if board and flow == flows.ANNOUNCE:
            await self.announcement_text(update, context)
            return
        if text:
            await self._ask(update, text, language)

    async def _ask(self, update: Update, question: str, language: str) -> None:
        found = await self.s.answer(question.strip(), language)
        await self._reply(update, found.text, self._event_buttons(update, found))

    def _event_buttons(self, update: Update, found: BotAnswer) -> InlineKeyboardMarkup | None:
        """Under an answer about events: add to my calendar (a single-event .ics), remind
        me (in a private chat), and the event's own page."""
        if not found.events:
            return None
        _ = self.s.catalog(found.language).gettext
        private = (
            update.effective_chat is not None and update.effective_chat.type == ChatType.PRIVATE
        )
        if len(found.events) > 1:
            rows = [
                [
                    InlineKeyboardButton(
                        "📅 " + _short_title(event.title), callback_data=f"evc:ics:{key}"
                    )
                ]
                for key, event in found.events[:MAX_EVENT_BUTTONS]
            ]
            return InlineKeyboardMarkup(rows)
        key, event = found.events[0]
        row = [
            InlineKeyboardButton("📅 " + _("Add to my calendar"), callback_data=f"evc:ics:{key}")
        ]
        if private:
            row.append(
                InlineKeyboardButton("🔔 " + _("Remind me"), callback_data=f"evc:remind:{key}")
            )
        rows = [row]
        if safe_link(event.url):
            rows.append([InlineKeyboardButton("🔗 " + _("The event's page"), url=event.url)])
        return InlineKeyboardMarkup(rows)

    async def _event_action(self, update: Update, member: Any, data: str) -> str | None:
        """A press under an event answer: the .ics file, or reminders on."""
        _member, _language, _ = await self._member(update)
        parts = data.split(":")
        if len(parts) != 3:
            return None
        event = await self.s.upcoming_event(parts[2])
        if event is None:
            return _("That event has passed or is no longer in the calendar.")
        chat = update.effective_chat
        if parts[1] == "ics" and chat is not None:
            await update.get_bot().send_document(
                chat.id,
                InputFile(self.s.event_file(event), filename="event.ics"),
                caption=event.title[:1000],
            )
            return None
        if parts[1] == "remind" and member is not None:
            await self.s.remind_of(member.user_id, event)
            return _(
                "I will remind you of %(title)s a few days before and on the morning of the "
                "day. /remind turns on reminders of every event."
            ) % {"title": _short_title(event.title)}
        return None

    # --- the board ---------------------------------------------------------------------

    async def cmd_stats(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        _member, language, _ = await self._member(update)
        if not self._board(update):
            await self._refuse(update, "stats")
            return
        await self._reply(update, await self.s.stats(language))

    # --- buttons, groups ---------------------------------------------------------------

    async def button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Every press is answered exactly once: with an alert when there is something to
        say, else silently (Telegram shows a spinner until then)."""
        query = update.callback_query
        if query is None:
            return
        try:
            alert = await self._press(update, context, query.data or "")
        except Exception:
            _member, _language, _ = await self._member(update)
            with contextlib.suppress(TelegramError):
                await query.answer(
                    _("Sorry, something went wrong; please try again."), show_alert=True
                )
            raise
        with contextlib.suppress(TelegramError):  # a press older than Telegram keeps
            await query.answer(alert[:200] if alert else None, show_alert=bool(alert))

    async def _press(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE, data: str
    ) -> str | None:
        query = update.callback_query
        member, _language, _ = await self._member(update)
        if query is None:
            return None
        if data.startswith("lang:") and member is not None:
            language = data.split(":", 1)[1]
            if language in self.s.languages:
                await self.s.set_language(member.user_id, language)
                catalog = self.s.catalog(language)
                await query.edit_message_text(
                    catalog.gettext("Language set. /help shows what I can do.")
                )
        elif data.startswith("set:") and member is not None:
            return await self._setting(update, context, member.user_id, data)
        elif data == "instant:on" and member is not None:  # buttons sent before /settings
            await self.s.set_subscription(member.user_id, weekly=True, instant=True)
            await query.edit_message_text(_("You get the weekly digest and news as it arrives."))
        elif data == "forget:yes" and member is not None:
            if flows.value(context.user_data, flows.FORGET) is None:
                await self._edit(query, _("That question was closed; /forget asks again."))
                return None
            flows.end(context.user_data)
            await self.s.forget(member.user_id)
            await query.edit_message_text(
                _("All your data has been deleted. Send /start to begin again.")
            )
        elif data == "forget:no":
            flows.end(context.user_data)
            await query.edit_message_text(_("Nothing was deleted."))
        elif data.startswith("digest:"):
            user = update.effective_user
            if user is None or not self._board(update):
                return await self._refuse(update, "digest")
            _prefix, number, status = data.split(":")
            if status in ("approved", "held") and await self.s.decide_digest(
                int(number), status, user.id
            ):
                label = (
                    _("Approved: the digest goes out at the usual time.")
                    if status == "approved"
                    else _("Held: the digest will not go out until approved.")
                )
                await query.edit_message_text(label)
        elif data.startswith("evc:"):
            return await self._event_action(update, member, data)
        elif data.startswith("ev:"):
            return await self.event_button(update, context, data)
        elif data.startswith("ann:"):
            return await self.announcement_button(update, context, data)
        return None

    async def _setting(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE, user_id: int, data: str
    ) -> str | None:
        """A press in the settings view (or /start's buttons): one setting changes."""
        query = update.callback_query
        if query is None:
            return None
        member = await self.s.member(user_id)
        assert member is not None
        _ = self.s.catalog(self.s.language_for(member, None)).gettext
        _prefix, what, *value = data.split(":")
        on = bool(value) and value[0] == "on"
        if what == "lang":
            await query.edit_message_text(
                _("Choose your language:"),
                reply_markup=InlineKeyboardMarkup([self._language_row()]),
            )
            return None
        if what == "email":
            chat = update.effective_chat
            if chat is not None:
                await update.get_bot().send_message(
                    chat.id, _("Write it like this: /email name@example.lv")
                )
            return None
        if what == "weekly":
            await self.s.set_subscription(user_id, weekly=on, instant=member.instant)
        elif what == "instant":
            await self.s.set_subscription(user_id, weekly=member.weekly, instant=on)
        elif what == "reminders":
            await self.s.set_reminders(user_id, on)
        text, markup = await self._settings_view(user_id)
        with contextlib.suppress(TelegramError):
            await query.edit_message_text(text, reply_markup=markup)
        if what == "weekly" and on:
            return _("You are subscribed to the weekly digest.")
        return None

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log a failure (type, message and where, never the update's text or a secret) and
        tell the person plainly, so no command meets silence."""
        error = context.error
        if update is None and error is not None and network_failure(error):
            # Polling lost its connection: python-telegram-bot retries by itself.
            log.warning(
                "Telegram polling interrupted; retrying",
                reason=type(error).__name__,
            )
            return
        where = ""
        if error is not None and error.__traceback__ is not None:
            frames = traceback.extract_tb(error.__traceback__)
            # The innermost frame of our own code says most; else the library's last.
            ours = [f for f in frames if "site-packages" not in f.filename] or frames
            places = [f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno}" for f in (ours[-1], frames[-1])]
            where = ", ".join(dict.fromkeys(places))
        log.error(
            "update failed",
            reason=f"{type(error).__name__}: {error}",
            at=where,
        )
        if not isinstance(update, Update) or update.effective_chat is None:
            return
        if update.callback_query is not None:
            return  # the press was answered with an alert already
        user = update.effective_user
        language = self.s.language_for(None, user.language_code if user else None)
        with contextlib.suppress(Exception):
            member = await self.s.member(user.id) if user else None
            language = self.s.language_for(member, user.language_code if user else None)
        _ = self.s.catalog(language).gettext
        with contextlib.suppress(TelegramError):
            await update.get_bot().send_message(
                update.effective_chat.id,
                _("Sorry, something went wrong on my side. Please try again a little later."),
            )

    async def membership(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        change = update.my_chat_member
        if change is None or change.chat.type == ChatType.PRIVATE:
            return
        active = change.new_chat_member.status in ("member", "administrator")
        await self.s.chat_seen(change.chat.id, change.chat.title, change.chat.type, active)
        log.info("chat membership changed", chat=change.chat.id, active=active)

    async def migrated(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is not None and message.migrate_to_chat_id:
            await self.s.chat_migrated(message.chat_id, message.migrate_to_chat_id)

    # --- helpers -----------------------------------------------------------------------

    async def _member(
        self, update: Update
    ) -> tuple[TelegramMember | None, str, Callable[[str], str]]:
        """The member in a private chat (None elsewhere, or without a user), the language to
        answer in and its gettext."""
        user = update.effective_user
        chat = update.effective_chat
        member = None
        if user is not None and chat is not None and chat.type == ChatType.PRIVATE:
            member = await self.s.touch(user.id, chat.id, user.first_name, user.language_code)
        language = self.s.language_for(member, user.language_code if user else None)
        return member, language, self.s.catalog(language).gettext

    def _board(self, update: Update) -> bool:
        return update.effective_user is not None and update.effective_user.id in self.s.board_ids

    async def _refuse(self, update: Update, what: str) -> str:
        """Refuse a board-only action: a reply to a command, or the alert text for a press."""
        _member, _language, _ = await self._member(update)
        user = update.effective_user
        log.warning(
            "board command refused",
            command=what,
            user=user.id if user else 0,
        )
        if update.callback_query is not None:
            return _("Only the board can do this.")
        await self._reply(update, _("Sorry, only the association's board can do this."))
        return ""

    def _language_row(self) -> list[InlineKeyboardButton]:
        return [
            InlineKeyboardButton(_name(code), callback_data=f"lang:{code}")
            for code in self.s.languages
        ]

    @staticmethod
    async def _reply(
        update: Update, text: str, markup: InlineKeyboardMarkup | None = None
    ) -> Message | None:
        """Reply in the chat of the update's message (None when the update has none)."""
        message = update.effective_message
        if message is None:
            return None
        return await message.reply_html(html.escape(text, quote=False), reply_markup=markup)


def _name(code: str) -> str:
    """A language's name in that language (Latviešu, English, Lietuvių)."""
    name: str = Locale(code).languages.get(code, code)
    return name.capitalize()


def _short_title(title: str) -> str:
    return title if len(title) <= SHORT_TITLE else title[: SHORT_TITLE - 1].rstrip() + "…"


def safe_link(url: str) -> bool:
    """Only web pages become link buttons."""
    return url.lower().startswith(("https://", "http://"))


def _flip(on: bool) -> str:
    return "off" if on else "on"
