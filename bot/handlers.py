"""Telegram handlers: members' commands, the board's announcements, groups and channels."""

from __future__ import annotations

import html
import logging
from collections.abc import Sequence

from babel import Locale
from telegram import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    Update,
)
from telegram.constants import ChatType, ParseMode
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.board_events import STATE as EVENT_STATE
from bot.board_events import BoardEventHandlers
from bot.delivery import send_part
from bot.services import BotServices

log = logging.getLogger("vestnesis.bot")
AUDIENCES = ("chats", "subscribers", "email")
MEMBER_COMMANDS = (
    "start",
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
)


def register(application: Application, services: BotServices) -> None:
    """Attach every handler to the application."""
    bot = Handlers(services)
    private = filters.ChatType.PRIVATE
    for name in MEMBER_COMMANDS:
        application.add_handler(CommandHandler(name, getattr(bot, f"cmd_{name}")))
    application.add_handler(CommandHandler("announce", bot.cmd_announce, filters=private))
    application.add_handler(CommandHandler("stats", bot.cmd_stats))
    application.add_handler(CommandHandler("addevent", bot.cmd_addevent, filters=private))
    application.add_handler(CommandHandler("editevent", bot.cmd_editevent, filters=private))
    application.add_handler(CallbackQueryHandler(bot.button))
    application.add_handler(ChatMemberHandler(bot.membership, ChatMemberHandler.MY_CHAT_MEMBER))
    application.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, bot.migrated))
    content = (filters.TEXT & ~filters.COMMAND) | filters.PHOTO | filters.Document.ALL
    application.add_handler(MessageHandler(private & content, bot.private_message))


async def set_commands(application: Application, services: BotServices) -> None:
    """The command menu, once per language (and the default language for everyone else)."""
    for language in services.languages:
        _ = services.catalog(language).gettext
        descriptions = {
            "start": _("Welcome and language"),
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
        }
        commands = [BotCommand(name, descriptions[name]) for name in MEMBER_COMMANDS]
        await application.bot.set_my_commands(commands, language_code=language)
        if language == services.languages[0]:
            await application.bot.set_my_commands(commands)


class Handlers(BoardEventHandlers):
    """Each method handles one kind of update."""

    def __init__(self, services: BotServices) -> None:
        self.s = services

    # --- members -----------------------------------------------------------------------

    async def cmd_start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        member, _language, _ = await self._member(update)
        for unfinished in ("announce", "schedule", EVENT_STATE):
            context.user_data.pop(unfinished, None)
        if context.args and context.args[0] == "subscribe" and member is not None:
            await self.s.set_subscription(member.user_id, weekly=True, instant=member.instant)
        lines = [
            _("Hello! I am the news herald of the association."),
            _(
                "Every week I send the digest of library news in your language, and I answer "
                "questions about events and the association's plan."
            ),
            _("Choose your language:"),
        ]
        await self._reply(update, "\n\n".join(lines), self._language_buttons())
        if context.args and context.args[0] == "subscribe":
            await self._reply(update, _("You are subscribed to the weekly digest."))

    async def cmd_lang(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        _, _language, t = await self._member(update)
        await self._reply(update, t("Choose your language:"), self._language_buttons())

    async def cmd_help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        _member, _language, _ = await self._member(update)
        lines = [
            _("What I can do:"),
            "/subscribe — " + _("Weekly digest on Telegram"),
            "/unsubscribe — " + _("Stop the digest"),
            "/digest — " + _("The latest digest"),
            "/next, /events, /goals — " + _("Events and the association's plan"),
            "/email " + _("ADDRESS") + " — " + _("The digest by email"),
            "/lang — " + _("Change the language"),
            "/remind, /remind off — " + _("Event reminders"),
            "/forget — " + _("Delete my data"),
            _("Or just ask, for example: “When is the next seminar?”"),
        ]
        if self._board(update):
            lines += ["", "/announce, /addevent, /editevent, /stats — " + _("For the board")]
        await self._reply(update, "\n".join(lines))

    async def cmd_subscribe(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        member, _language, _ = await self._member(update)
        if member is None:
            return
        await self.s.set_subscription(member.user_id, weekly=True, instant=member.instant)
        buttons = InlineKeyboardMarkup(
            [[InlineKeyboardButton(_("Also send news as it arrives"), callback_data="instant:on")]]
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
        messages = await self.s.latest_digest(language)
        if not messages:
            await self._reply(update, _("There is no digest yet."))
            return
        for message in messages:
            await update.effective_message.reply_html(
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
            await self._reply(update, _("Write to me in a private chat for reminders."))
            return
        on = not (context.args and context.args[0].lower() in ("off", "izslēgt", "išjungti"))
        await self.s.set_reminders(member.user_id, on)
        text = (
            _(
                "Reminders on: I will remind you of events a few days before and on the "
                "morning of the day. /remind off stops them."
            )
            if on
            else _("Reminders off.")
        )
        await self._reply(update, text)

    async def cmd_email(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        _member, language, _ = await self._member(update)
        if not context.args:
            await self._reply(update, _("Write it like this: /email name@example.lv"))
            return
        outcome = await self.s.subscribe_email(context.args[0], language)
        texts = {
            "sent": _(
                "I sent a confirmation link to that address. The digest starts once you confirm."
            ),
            "confirmed": _("That address already receives the digest."),
            "limited": _(
                "A confirmation was sent to that address a moment ago; please check the inbox."
            ),
            "invalid": _("That does not look like an email address."),
            "off": _("The mailing list is not available just now."),
        }
        await self._reply(update, texts.get(outcome, texts["off"]))

    async def cmd_forget(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        _member, _language, _ = await self._member(update)
        buttons = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(_("Yes, delete everything"), callback_data="forget:yes"),
                    InlineKeyboardButton(_("No, keep it"), callback_data="forget:no"),
                ]
            ]
        )
        await self._reply(
            update, _("Delete everything I store about you (language, subscriptions)?"), buttons
        )

    async def private_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        member, language, _ = await self._member(update)
        data = context.user_data if context.user_data is not None else {}
        board = member is not None and member.user_id in self.s.board_ids
        if board and data.get(EVENT_STATE) and update.effective_message.text:
            await self.event_text(update, context)
            return
        if board and data.get("schedule"):
            await self._schedule_time(update, context)
            return
        if board and data.get("announce"):
            await self._announcement_text(update, context)
            return
        if update.effective_message.text:
            await self._ask(update, update.effective_message.text, language)

    async def _ask(self, update: Update, question: str, language: str) -> None:
        await self._reply(update, await self.s.answer(question.strip(), language))

    # --- the board ---------------------------------------------------------------------

    async def cmd_stats(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        _member, language, _ = await self._member(update)
        if not self._board(update):
            await self._refuse(update, "stats")
            return
        await self._reply(update, await self.s.stats(language))

    async def cmd_announce(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        _member, _language, _ = await self._member(update)
        if not self._board(update):
            await self._refuse(update, "announce")
            return
        context.user_data["announce"] = True
        await self._reply(
            update,
            _(
                "Send the announcement: text with formatting, or a photo or "
                "document with a caption. /start cancels."
            ),
        )

    async def _announcement_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        context.user_data.pop("announce", None)
        media = None
        if message.photo:
            media = ("photo", message.photo[-1].file_id)
        elif message.document:
            media = ("document", message.document.file_id)
        text_html = message.caption_html if media else message.text_html
        draft = await self.s.draft_announcement(
            update.effective_user.id, message.chat_id, text_html or "", media
        )
        await self._preview(update, draft.id)

    async def _schedule_time(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        _member, language, _ = await self._member(update)
        announcement_id = context.user_data.pop("schedule")
        when = await self.s.schedule(announcement_id, update.effective_message.text or "")
        if when is None:
            context.user_data["schedule"] = announcement_id
            await self._reply(
                update, _("I could not read that as a future date and time; try 2026-12-01 09:00.")
            )
            return
        draft = await self.s.announcement(announcement_id)
        text = _("It will go out at %(when)s once you press Send.") % {
            "when": self.s.local_time(when, language)
        }
        chosen = draft.audience if draft else ()
        await self._reply(update, text, self._audience_buttons(announcement_id, chosen, _))

    async def _preview(self, update: Update, announcement_id: int) -> None:
        _member, _language, _ = await self._member(update)
        draft = await self.s.announcement(announcement_id)
        if draft is None:
            return
        chat = update.effective_chat.id
        media = {"kind": draft.media_kind, "id": draft.media_id or ""} if draft.media_kind else None
        await send_part(update.get_bot(), chat, draft.text_html, media=media, disable_preview=False)
        await update.get_bot().send_message(
            chat,
            _("This is how members will see it. Who gets it?"),
            reply_markup=self._audience_buttons(draft.id, draft.audience, _),
        )

    def _audience_buttons(
        self, announcement_id: int, chosen: Sequence[str], _
    ) -> InlineKeyboardMarkup:
        labels = {
            "chats": _("Groups and channel"),
            "subscribers": _("Telegram subscribers"),
            "email": _("Mailing list"),
        }
        rows = [
            [
                InlineKeyboardButton(
                    ("✅ " if audience in chosen else "▫️ ") + labels[audience],
                    callback_data=f"ann:{announcement_id}:toggle:{audience}",
                )
            ]
            for audience in AUDIENCES
        ]
        rows.append(
            [
                InlineKeyboardButton(_("Send"), callback_data=f"ann:{announcement_id}:send"),
                InlineKeyboardButton(
                    _("Schedule…"), callback_data=f"ann:{announcement_id}:schedule"
                ),
                InlineKeyboardButton(_("Cancel"), callback_data=f"ann:{announcement_id}:cancel"),
            ]
        )
        return InlineKeyboardMarkup(rows)

    async def _announcement_button(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE, data: str
    ) -> None:
        _member, language, _ = await self._member(update)
        query = update.callback_query
        _prefix, number, action, *rest = data.split(":")
        draft = await self.s.announcement(int(number))
        if draft is None or not self._board(update):
            await self._refuse(update, "announce")
            return
        if action == "toggle" and draft.status == "draft":
            audience = set(draft.audience) ^ {rest[0]}
            draft = await self.s.set_audience(draft.id, sorted(audience))
            await query.edit_message_reply_markup(
                self._audience_buttons(draft.id, draft.audience, _)
            )
        elif action == "schedule" and draft.status == "draft":
            context.user_data["schedule"] = draft.id
            await update.get_bot().send_message(
                update.effective_chat.id,
                _("When should it go out? Write the date and time, e.g. 2026-12-01 09:00."),
            )
        elif action == "cancel":
            await self.s.cancel(draft.id)
            await query.edit_message_text(_("Cancelled: nothing was sent."))
        elif action in ("send", "approve"):
            if not draft.audience:
                await query.answer(_("Choose at least one audience."), show_alert=True)
                return
            if action == "approve" and update.effective_user.id == draft.author_id:
                await query.answer(_("Another board member has to approve it."), show_alert=True)
                return
            draft, queued = await self.s.approve(draft.id, update.effective_user.id)
            if queued and draft.send_at is not None and draft.status == "approved":
                when = self.s.local_time(draft.send_at, language)
                await query.edit_message_text(_("Scheduled for %(when)s.") % {"when": when})
            elif queued:
                await query.edit_message_text(
                    _("Sent to the outbox; I will report when it has gone out.")
                )
            else:
                await query.edit_message_text(_("Waiting for another board member to approve."))
                await self._ask_approval(update, draft.id)

    async def _ask_approval(self, update: Update, announcement_id: int) -> None:
        draft = await self.s.announcement(announcement_id)
        for user_id in sorted(self.s.board_ids - {update.effective_user.id}):
            _ = self.s.catalog(self.s.languages[0]).gettext
            button = InlineKeyboardMarkup(
                [
                    [
                        InlineKeyboardButton(
                            _("Approve and send"), callback_data=f"ann:{announcement_id}:approve"
                        ),
                        InlineKeyboardButton(
                            _("Cancel"), callback_data=f"ann:{announcement_id}:cancel"
                        ),
                    ]
                ]
            )
            await update.get_bot().send_message(
                user_id,
                _("An announcement waits for your approval:") + "\n\n" + draft.text_html,
                parse_mode=ParseMode.HTML,
                reply_markup=button,
            )

    # --- buttons, groups ---------------------------------------------------------------

    async def button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        data = query.data or ""
        member, _language, _ = await self._member(update)
        if data.startswith("lang:") and member is not None:
            language = data.split(":", 1)[1]
            if language in self.s.languages:
                await self.s.set_language(member.user_id, language)
                catalog = self.s.catalog(language)
                await query.edit_message_text(
                    catalog.gettext("Language set. /help shows what I can do.")
                )
        elif data == "instant:on" and member is not None:
            await self.s.set_subscription(member.user_id, weekly=True, instant=True)
            await query.edit_message_text(_("You get the weekly digest and news as it arrives."))
        elif data == "forget:yes" and member is not None:
            await self.s.forget(member.user_id)
            await query.edit_message_text(
                _("All your data has been deleted. Send /start to begin again.")
            )
        elif data == "forget:no":
            await query.edit_message_text(_("Nothing was deleted."))
        elif data.startswith("digest:") and self._board(update):
            _prefix, number, status = data.split(":")
            if status in ("approved", "held") and await self.s.decide_digest(
                int(number), status, update.effective_user.id
            ):
                label = (
                    _("Approved: the digest goes out at the usual time.")
                    if status == "approved"
                    else _("Held: the digest will not go out until approved.")
                )
                await query.edit_message_text(label)
        elif data.startswith("ev:"):
            await self.event_button(update, context, data)
        elif data.startswith("ann:"):
            await self._announcement_button(update, context, data)
        await query.answer()

    async def membership(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        change = update.my_chat_member
        if change is None or change.chat.type == ChatType.PRIVATE:
            return
        active = change.new_chat_member.status in ("member", "administrator")
        await self.s.chat_seen(change.chat.id, change.chat.title, change.chat.type, active)
        log.info(
            "chat membership changed", extra={"fields": {"chat": change.chat.id, "active": active}}
        )

    async def migrated(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message.migrate_to_chat_id:
            await self.s.chat_migrated(message.chat_id, message.migrate_to_chat_id)

    # --- helpers -----------------------------------------------------------------------

    async def _member(self, update: Update):
        user = update.effective_user
        chat = update.effective_chat
        member = None
        if user is not None and chat is not None and chat.type == ChatType.PRIVATE:
            member = await self.s.touch(user.id, chat.id, user.first_name, user.language_code)
        language = self.s.language_for(member, user.language_code if user else None)
        return member, language, self.s.catalog(language).gettext

    def _board(self, update: Update) -> bool:
        return update.effective_user is not None and update.effective_user.id in self.s.board_ids

    async def _refuse(self, update: Update, what: str) -> None:
        _member, _language, _ = await self._member(update)
        user = update.effective_user
        log.warning(
            "board command refused",
            extra={"fields": {"command": what, "user": user.id if user else 0}},
        )
        if update.callback_query is not None:
            await update.callback_query.answer(_("Only the board can do this."), show_alert=True)
        else:
            await self._reply(update, _("Sorry, only the association's board can do this."))

    def _language_buttons(self) -> InlineKeyboardMarkup:
        row = [
            InlineKeyboardButton(
                Locale(code).languages.get(code, code).capitalize(), callback_data=f"lang:{code}"
            )
            for code in self.s.languages
        ]
        return InlineKeyboardMarkup([row])

    @staticmethod
    async def _reply(
        update: Update, text: str, markup: InlineKeyboardMarkup | None = None
    ) -> Message:
        return await update.effective_message.reply_html(
            html.escape(text, quote=False), reply_markup=markup
        )
