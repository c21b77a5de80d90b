"""Starting the bot against Bot API servers that differ from Telegram's.

Only the bot's identity (getMe) and the updates are essential. The command menu, the
description and deleting a webhook are courtesies: a server (a self-hosted or third-party
one) that refuses them is logged once, and the bot serves anyway. Only a network failure
(no connection, a timeout) means Telegram is unreachable.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeAlias

import httpx
import structlog
from telegram.error import NetworkError, TelegramError, TimedOut
from telegram.ext import Application, ContextTypes, ExtBot, JobQueue

log = structlog.stdlib.get_logger("vestnesis.telegram")


def network_failure(error: BaseException) -> bool:
    """Whether the error means the server could not be reached (as opposed to a server that
    answered, even with 404 or 500)."""
    if isinstance(error, TimedOut | httpx.TransportError | OSError):
        return True
    return isinstance(error, NetworkError) and isinstance(error.__cause__, httpx.TransportError)


class Courtesies:
    """Runs non-essential Bot API calls; a refusal is logged once per method."""

    def __init__(self) -> None:
        self._logged: set[str] = set()

    async def attempt(self, method: str, call: Callable[[], Awaitable[Any]]) -> bool:
        """Run `call`; False (and one log line per method) when the server refused it.
        A network failure is raised: the caller treats it as Telegram being unreachable."""
        try:
            await call()
        except TelegramError as error:
            if network_failure(error):
                raise
            if method not in self._logged:
                self._logged.add(method)
                log.warning(
                    "Bot API server refused a non-essential call; serving without it",
                    method=method,
                    reason=f"{type(error).__name__}: {error}",
                )
            return False
        return True


class TolerantBot(ExtBot[None]):
    """The bot, with webhook deletion (which polling always does first) a courtesy."""

    def __init__(self, *args: Any, courtesies: Courtesies, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._courtesies = courtesies

    async def delete_webhook(self, *args: Any, **kwargs: Any) -> bool:
        parent = super().delete_webhook
        return await self._courtesies.attempt("deleteWebhook", lambda: parent(*args, **kwargs))


# The application the bot runs in, as Application.builder().bot(TolerantBot(...)).build()
# makes it: python-telegram-bot's default context types and job queue.
BotApplication: TypeAlias = Application[
    TolerantBot,
    ContextTypes.DEFAULT_TYPE,
    dict[Any, Any],
    dict[Any, Any],
    dict[Any, Any],
    JobQueue[ContextTypes.DEFAULT_TYPE],
]
