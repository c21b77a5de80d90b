"""What the board's handler mixins (announcements, events) expect of the handlers class they
are mixed into: the services, the member lookup, replies, the board check and refusals."""

from __future__ import annotations

from collections.abc import Callable

from telegram import InlineKeyboardMarkup, Message, Update

from bot.services import BotServices
from storage import TelegramMember


class BoardMixin:
    """Stubs the concrete handlers class (bot.handlers) provides."""

    s: BotServices

    async def _member(
        self, update: Update
    ) -> tuple[TelegramMember | None, str, Callable[[str], str]]:
        raise NotImplementedError

    async def _reply(
        self, update: Update, text: str, markup: InlineKeyboardMarkup | None = None
    ) -> Message | None:
        raise NotImplementedError

    def _board(self, update: Update) -> bool:
        raise NotImplementedError

    async def _refuse(self, update: Update, what: str) -> str:
        raise NotImplementedError
