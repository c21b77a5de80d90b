"""The board's announcements in the bot: /announce, the preview with its audience, Send,
approvals by other board members, scheduling, /scheduled and Cancel.

Every button names the announcement and acts only on the state it was shown for: the
services move an announcement with guarded transitions, and a press on a stale button gets
the announcement's true state instead (nothing changes)."""

from __future__ import annotations

import contextlib
import html
from collections.abc import Callable, Sequence
from typing import Any

import structlog
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot import flows
from bot.delivery import send_part
from bot.mixin import BoardMixin
from bot.render import visible_text
from bot.services import Step
from storage import Announcement

log = structlog.stdlib.get_logger("vestnesis.bot")
AUDIENCES = ("chats", "subscribers", "email")
NAME_LENGTH = 50  # characters of an announcement's text that name it in reports and lists


def announcement_name(announcement: Announcement, _: Callable[[str], str]) -> str:
    """A short name for an announcement: the start of its text, quoted the reader's way."""
    text = " ".join(visible_text(announcement.text_html).split())
    if len(text) > NAME_LENGTH:
        text = text[: NAME_LENGTH - 1].rstrip() + "…"
    return _("“%(text)s”") % {"text": text} if text else f"#{announcement.id}"


def audience_labels(audience: Sequence[str], _: Callable[[str], str]) -> list[str]:
    """The chosen audiences in words."""
    labels = {
        "chats": _("Groups and channel"),
        "subscribers": _("Telegram subscribers"),
        "email": _("The whole mailing list"),
    }
    return [labels[a] for a in AUDIENCES if a in audience]


def _user(update: Update) -> int:
    """The presser's or writer's id (every update these handlers get has one)."""
    assert update.effective_user is not None
    return update.effective_user.id


def _chat(update: Update) -> int:
    assert update.effective_chat is not None
    return update.effective_chat.id


def _message(update: Update) -> Message:
    assert update.effective_message is not None
    return update.effective_message


class AnnouncementHandlers(BoardMixin):
    """Mixed into the bot's handlers (see bot.mixin for what it expects of them)."""

    async def cmd_announce(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        _member, _language, _ = await self._member(update)
        if not self._board(update):
            await self._refuse(update, "announce")
            return
        flows.begin(context.user_data, flows.ANNOUNCE, True, self.s.now())
        await self._reply(
            update,
            _(
                "Send the announcement: text with formatting, or a photo or document with a "
                "caption. /cancel stops."
            ),
        )

    async def cmd_scheduled(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Announcements waiting for their time; the author can cancel theirs."""
        _member, language, _ = await self._member(update)
        if not self._board(update):
            await self._refuse(update, "scheduled")
            return
        waiting = await self.s.scheduled()
        if not waiting:
            await self._reply(update, _("No announcement is waiting for its time."))
            return
        lines = [_("Announcements waiting for their time:")]
        rows = []
        for item in waiting:
            assert item.send_at is not None
            lines.append(
                f"• {self.s.local_time(item.send_at, language)} — {announcement_name(item, _)} "
                f"({self._state_word(item, _)})"
            )
            if item.author_id == _user(update):
                rows.append(
                    [
                        InlineKeyboardButton(
                            _("Cancel %(name)s") % {"name": announcement_name(item, _)},
                            callback_data=f"ann:{item.id}:cancel",
                        )
                    ]
                )
        await self._reply(update, "\n".join(lines), InlineKeyboardMarkup(rows) if rows else None)

    async def announcement_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The board member's announcement: stored as a draft and previewed."""
        message = _message(update)
        flows.end(context.user_data)
        media = None
        if message.photo:
            media = ("photo", message.photo[-1].file_id)
        elif message.document:
            media = ("document", message.document.file_id)
        text_html = message.caption_html if media else message.text_html
        draft = await self.s.draft_announcement(
            _user(update), message.chat_id, text_html or "", media
        )
        await self._preview(update, draft)

    async def schedule_time(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        _member, language, _ = await self._member(update)
        announcement_id = flows.value(context.user_data, flows.SCHEDULE)
        when = await self.s.schedule(announcement_id, _message(update).text or "")
        if when is None:
            draft = await self.s.announcement(announcement_id)
            if draft is None or draft.status != "draft":
                flows.end(context.user_data)
                await self._reply(update, self._state_text(draft, language))
                return
            await self._reply(
                update,
                _(
                    "I could not read that as a future date and time; try 2026-12-01 09:00. "
                    "/cancel stops."
                ),
            )
            return
        flows.end(context.user_data)
        draft = await self.s.announcement(announcement_id)
        if draft is None:  # removed meanwhile
            await self._reply(update, self._state_text(None, language))
            return
        text = _("It will go out at %(when)s once you press Send.") % {
            "when": self.s.local_time(when, language)
        }
        await self._reply(update, text, self._audience_buttons(draft, _))

    async def _preview(self, update: Update, draft: Announcement) -> None:
        _member, _language, _ = await self._member(update)
        chat = _chat(update)
        media = {"kind": draft.media_kind, "id": draft.media_id or ""} if draft.media_kind else None
        await send_part(update.get_bot(), chat, draft.text_html, media=media, disable_preview=False)
        await update.get_bot().send_message(
            chat,
            _("This is how members will see it. Who gets it?"),
            reply_markup=self._audience_buttons(draft, _),
        )

    def _audience_buttons(self, draft: Announcement, _: Callable[[str], str]) -> Any:
        labels = {
            "chats": _("Groups and channel"),
            "subscribers": _("Telegram subscribers"),
            "email": _("Mailing list"),
        }
        number = draft.id
        rows = [
            [
                InlineKeyboardButton(
                    ("✅ " if audience in draft.audience else "▫️ ") + labels[audience],
                    callback_data=f"ann:{number}:toggle:{audience}",
                )
            ]
            for audience in AUDIENCES
        ]
        rows.append(
            [
                InlineKeyboardButton(_("Send"), callback_data=f"ann:{number}:send"),
                InlineKeyboardButton(_("Schedule…"), callback_data=f"ann:{number}:schedule"),
                InlineKeyboardButton(_("Cancel"), callback_data=f"ann:{number}:cancel"),
            ]
        )
        return InlineKeyboardMarkup(rows)

    async def announcement_button(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE, data: str
    ) -> str | None:
        """A press on an announcement's button; returns the alert to show, if any."""
        _member, language, _ = await self._member(update)
        query = update.callback_query
        parts = data.split(":")
        if len(parts) < 3 or not parts[1].isdigit():
            return None
        number, action, rest = int(parts[1]), parts[2], parts[3:]
        if not self._board(update):
            return await self._refuse(update, "announce")
        user = _user(update)
        draft = await self.s.announcement(number)
        if draft is None:
            return self._state_text(None, language)
        if action == "toggle" and rest and rest[0] in AUDIENCES:
            if draft.status != "draft" or draft.author_id != user:
                return self._state_text(draft, language)
            step = await self.s.set_audience(draft.id, sorted(set(draft.audience) ^ {rest[0]}))
            if step.outcome == "refused":
                return self._state_text(step.announcement, language)
            assert query is not None and step.announcement is not None
            await query.edit_message_reply_markup(self._audience_buttons(step.announcement, _))
            return None
        if action == "schedule":
            if draft.status != "draft" or draft.author_id != user:
                return self._state_text(draft, language)
            flows.begin(context.user_data, flows.SCHEDULE, draft.id, self.s.now())
            await update.get_bot().send_message(
                _chat(update),
                _(
                    "When should it go out? Write the date and time, e.g. 2026-12-01 09:00. "
                    "/cancel stops."
                ),
            )
            return None
        if action == "send":
            step = await self.s.send(draft.id, user)
        elif action == "approve":
            step = await self.s.approve(draft.id, user)
        elif action == "cancel":
            step = await self.s.cancel(draft.id, user)
        else:
            return None
        return await self._after(update, step, language)

    async def _after(self, update: Update, step: Step, language: str) -> str | None:
        """Tell the presser (and the other board members' copies) what a press did."""
        _ = self.s.catalog(language).gettext
        query = update.callback_query
        current = step.announcement
        if step.outcome == "no-audience":
            return _("Choose at least one audience.")
        if step.outcome == "own":
            return _("Another board member has to approve it.")
        if step.outcome == "refused" or current is None:
            await self._edit(query, self._state_text(current, language))
            return self._state_text(current, language)
        if step.outcome == "awaiting" and _user(update) == current.author_id:
            await self._edit(query, _("Waiting for another board member to approve."))
            await self._ask_approval(update, current)
            return None
        if step.outcome == "awaiting":
            await self._edit(query, _("Approved; it still needs another board member's approval."))
            return None
        if step.outcome == "queued":
            text = _("Sent to the outbox; I will report when it has gone out.")
        elif step.outcome == "scheduled" and current.send_at is not None:
            text = _("Scheduled for %(when)s.") % {
                "when": self.s.local_time(current.send_at, language)
            }
        elif step.outcome == "cancelled":
            text = _("Cancelled: nothing was sent.")
        else:
            text = self._state_text(current, language)
        await self._edit(query, text)
        await self._update_prompts(update, current)
        return None

    async def _ask_approval(self, update: Update, draft: Announcement) -> None:
        """Each other board member gets the announcement, its author and audience, and the
        buttons to approve or cancel it, in their own language."""
        author = await self.s.member(draft.author_id)
        author_name = (author.first_name if author else None) or str(draft.author_id)
        for user_id in sorted(self.s.board_ids - {_user(update)}):
            member = await self.s.member(user_id)
            language = self.s.language_for(member, None)
            _ = self.s.catalog(language).gettext
            buttons = InlineKeyboardMarkup(
                [
                    [
                        InlineKeyboardButton(
                            _("Approve and send"), callback_data=f"ann:{draft.id}:approve"
                        ),
                        InlineKeyboardButton(_("Cancel"), callback_data=f"ann:{draft.id}:cancel"),
                    ]
                ]
            )
            head = [
                _("An announcement waits for your approval:"),
                _("From: %(author)s") % {"author": author_name},
                _("To: %(audience)s") % {"audience": ", ".join(audience_labels(draft.audience, _))},
            ]
            if draft.send_at is not None:
                head.append(
                    _("Goes out at: %(when)s")
                    % {"when": self.s.local_time(draft.send_at, language)}
                )
            text = "\n".join(html.escape(line, quote=False) for line in head)
            try:
                sent = await update.get_bot().send_message(
                    user_id,
                    text + "\n\n" + draft.text_html,
                    parse_mode=ParseMode.HTML,
                    reply_markup=buttons,
                )
            except TelegramError as error:  # a board member who never opened the bot
                log.warning(
                    "approval request not delivered",
                    user=user_id,
                    reason=str(error),
                )
                continue
            await self.s.add_prompt(draft.id, user_id, sent.message_id)

    async def _update_prompts(self, update: Update, current: Announcement) -> None:
        """Every board member's copy of the approval request says what became of it."""
        for chat_id, message_id in await self.s.prompts(current.id):
            if chat_id == _chat(update):
                continue
            member = await self.s.member(chat_id)
            text = self._state_text(current, self.s.language_for(member, None))
            with contextlib.suppress(TelegramError):
                await update.get_bot().edit_message_text(
                    text, chat_id=chat_id, message_id=message_id
                )

    def _state_word(self, draft: Announcement, _: Callable[[str], str]) -> str:
        return {
            "draft": _("not sent yet"),
            "awaiting": _("waiting for approval"),
            "approved": _("approved"),
        }.get(draft.status, draft.status)

    def _state_text(self, draft: Announcement | None, language: str) -> str:
        """Where an announcement stands, truthfully, in the reader's language."""
        _ = self.s.catalog(language).gettext
        if draft is None:
            return _("That announcement no longer exists.")
        name = announcement_name(draft, _)
        if draft.status == "sent":
            return _("%(name)s has gone out to members; it cannot be cancelled.") % {"name": name}
        if draft.status == "approved" and draft.send_at is not None:
            when = self.s.local_time(draft.send_at, language)
            return _(
                "%(name)s is approved and goes out at %(when)s; its author can cancel it "
                "with /scheduled."
            ) % {"name": name, "when": when}
        if draft.status == "approved":
            return _("%(name)s is approved and going out; it cannot be cancelled.") % {"name": name}
        if draft.status == "cancelled":
            return _("%(name)s was cancelled: nothing was sent.") % {"name": name}
        if draft.status == "awaiting":
            return _("%(name)s is waiting for another board member's approval.") % {"name": name}
        return _("%(name)s is a draft that only its author can send.") % {"name": name}

    @staticmethod
    async def _edit(query: Any, text: str) -> None:
        with contextlib.suppress(TelegramError):  # an old message, or unchanged text
            await query.edit_message_text(text)
