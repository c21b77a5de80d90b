"""What the board's handler mixins (announcements, events) expect of the handlers class they
are mixed into: the services, the member lookup, replies, the board check and refusals."""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardMarkup, Update


class BoardMixin:
    """Stubs the concrete handlers class (bot.handlers) provides."""

    s: Any

    async def _member(self, update: Update) -> Any:
        raise NotImplementedError

    async def _reply(
        self, update: Update, text: str, markup: InlineKeyboardMarkup | None = None
    ) -> Any:
        raise NotImplementedError

    def _board(self, update: Update) -> bool:
        raise NotImplementedError

    async def _refuse(self, update: Update, what: str) -> str:
        raise NotImplementedError
