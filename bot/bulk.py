"""Bulk Telegram sends: each request prepared once per part, only the chat filled in.

python-telegram-bot builds a request object per call, encodes every parameter, goes through
httpx and httpcore (a connection pool rescanned per request), and turns each reply into a full
`Message`: several milliseconds of CPU per message. A broadcast sends one text to thousands of
chats, so here the form body of each part is encoded once, a request is one write on a kept-alive
HTTP/1.1 connection, and a reply is read for `ok`, `error_code`, `description`, `retry_after`,
`migrate_to_chat_id` and `message_id` only. Errors are python-telegram-bot's own exceptions,
raised for the same replies as its request layer raises them, so the caller's handling of 429,
403, 400 and chat migration is the same on both paths.
"""

from __future__ import annotations

import asyncio
import json
import os
import ssl
import time
from collections.abc import Callable
from functools import lru_cache
from http import HTTPStatus
from typing import Any
from urllib.parse import quote_from_bytes, urlsplit

from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)

from bot.render import telegram_length, visible_text

CAPTION_LIMIT = 1024
CONNECT_TIMEOUT = 5.0  # seconds, as python-telegram-bot's HTTPXRequest
READ_TIMEOUT = 5.0
IDLE = 30.0  # a connection unused this long may have been closed by the server: not reused
_PROXY_VARIABLES = ("https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY")


def bulk_possible(environ: dict[str, str] | None = None) -> bool:
    """False when a proxy is set in the environment: only httpx (python-telegram-bot's path)
    goes through one, so bulk sends then take that path too."""
    values = os.environ if environ is None else environ
    return not any(values.get(name) for name in _PROXY_VARIABLES)


def _form(value: str) -> bytes:
    return quote_from_bytes(value.encode("utf-8"), safe=b"").encode("ascii")


@lru_cache(maxsize=256)
def prepared(
    html: str, kind: str | None, file_id: str | None, disable_preview: bool
) -> tuple[tuple[str, bytes], ...]:
    """The requests for one part as (method, form body without chat_id), in the order they go:
    what `bot.delivery.send_part` sends, encoded once. `kind` is "photo", "document" or None."""
    text = b"&parse_mode=HTML"
    if kind in ("photo", "document") and file_id is not None:
        fits = telegram_length(visible_text(html)) <= CAPTION_LIMIT
        media = b"&" + kind.encode() + b"=" + _form(file_id)
        method = "sendPhoto" if kind == "photo" else "sendDocument"
        if fits:
            return ((method, media + b"&caption=" + _form(html) + text),)
        first = (method, media + text)
    else:
        first = None
    preview = json.dumps({"is_disabled": disable_preview})
    message = b"&text=" + _form(html) + text + b"&link_preview_options=" + _form(preview)
    return ((first,) if first else ()) + (("sendMessage", message),)


class _Connection:
    __slots__ = ("reader", "used", "writer")

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.used = time.monotonic()


class BulkSender:
    """Posts prepared requests to the Bot API at `base_url` (the bot's, with its token), over
    up to `connections` kept-alive connections. `close` ends them; the next send reopens."""

    def __init__(
        self,
        base_url: str,
        connections: int = 16,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        url = urlsplit(base_url.rstrip("/"))
        if url.scheme not in ("http", "https") or not url.hostname:
            raise ValueError("the Bot API address must be an http(s) URL")
        self._host = url.hostname
        self._tls = url.scheme == "https"
        self._port = url.port or (443 if self._tls else 80)
        host = url.netloc.rpartition("@")[2].encode("idna")
        self._heads: dict[str, bytes] = {}
        self._path = url.path.encode()
        self._host_header = host
        self._idle: list[_Connection] = []
        self._slots = asyncio.Semaphore(connections)
        self._clock = clock
        self._context: ssl.SSLContext | None = None

    async def send_part(
        self,
        chat_id: int,
        html: str,
        *,
        media: dict[str, str] | None = None,
        thread: int | None = None,
        disable_preview: bool = True,
    ) -> int:
        """Send one part as `bot.delivery.send_part` does; returns the last message's id.
        Raises python-telegram-bot's RetryAfter, ChatMigrated, Forbidden, BadRequest,
        InvalidToken, NetworkError or TimedOut for the replies its request layer raises them."""
        kind = media.get("kind") if media else None
        file_id = media.get("id") if media else None
        chat = b"chat_id=%d" % chat_id
        if thread:
            chat += b"&message_thread_id=%d" % thread
        message_id = 0
        for method, body in prepared(html, kind, file_id, disable_preview):
            message_id = await self.post(method, chat + body)
        return message_id

    async def post(self, method: str, body: bytes) -> int:
        """POST a form `body` to `method`; the sent message's id (0 when the reply has none)."""
        head = self._heads.get(method)
        if head is None:
            head = self._heads[method] = (
                b"POST " + self._path + b"/" + method.encode("ascii") + b" HTTP/1.1\r\n"
                b"Host: " + self._host_header + b"\r\n"
                b"User-Agent: vestnesis\r\n"
                b"Content-Type: application/x-www-form-urlencoded\r\n"
                b"Content-Length: "
            )
        request = head + b"%d\r\n\r\n" % len(body) + body
        async with self._slots:
            connection = await self._connection()
            try:
                async with asyncio.timeout(READ_TIMEOUT):
                    status, payload, keep = await self._exchange(connection, request)
            except TimeoutError as error:
                self._discard(connection)
                raise TimedOut("Timed out") from error
            except (OSError, asyncio.IncompleteReadError, ValueError) as error:
                self._discard(connection)
                raise NetworkError(f"Bot API request failed: {type(error).__name__}") from error
            if keep:
                connection.used = self._clock()
                self._idle.append(connection)
            else:
                self._discard(connection)
        return _answer(status, payload)

    async def close(self) -> None:
        """Close the kept-alive connections."""
        idle, self._idle = self._idle, []
        for connection in idle:
            self._discard(connection)

    async def _connection(self) -> _Connection:
        now = self._clock()
        while self._idle:
            connection = self._idle.pop()
            if now - connection.used < IDLE and not connection.reader.at_eof():
                return connection
            self._discard(connection)
        if self._tls and self._context is None:
            self._context = _tls_context()
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection(
                    self._host,
                    self._port,
                    ssl=self._context if self._tls else None,
                    limit=1 << 20,
                ),
                CONNECT_TIMEOUT,
            )
        except TimeoutError as error:
            raise TimedOut("Connecting to the Bot API timed out") from error
        except OSError as error:
            raise NetworkError(f"cannot reach the Bot API: {type(error).__name__}") from error
        return _Connection(reader, writer)

    @staticmethod
    async def _exchange(connection: _Connection, request: bytes) -> tuple[int, bytes, bool]:
        connection.writer.write(request)
        reader = connection.reader
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        status = int(lines[0].split(b" ", 2)[1])
        length: int | None = None
        chunked = False
        keep = lines[0].startswith(b"HTTP/1.1")
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding":
                chunked = b"chunked" in value.lower()
            elif name == b"connection":
                keep = value.strip().lower() == b"keep-alive" or (
                    keep and value.strip().lower() != b"close"
                )
        if chunked:
            parts = []
            while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
                parts.append(await reader.readexactly(size))
                await reader.readexactly(2)
            while await reader.readuntil(b"\r\n") != b"\r\n":
                pass  # trailers
            payload = b"".join(parts)
        elif length is not None:
            payload = await reader.readexactly(length)
        else:
            payload = await reader.read()
            keep = False
        return status, payload, keep

    def _discard(self, connection: _Connection) -> None:
        connection.writer.close()


def _tls_context() -> ssl.SSLContext:
    # The CA bundle httpx (and so python-telegram-bot) trusts, so both paths agree.
    try:
        import certifi

        return ssl.create_default_context(cafile=certifi.where())
    except ImportError:
        return ssl.create_default_context()


def _answer(status: int, payload: bytes) -> int:
    """The message id of a successful reply; else the exception python-telegram-bot's
    request layer raises for the same reply (telegram/request/_baserequest.py)."""
    try:
        data: Any = json.loads(payload)
    except ValueError:
        data = None
    if 200 <= status <= 299:
        if not isinstance(data, dict) or not data.get("ok"):
            raise NetworkError("Invalid server response")
        result = data.get("result")
        return int(result.get("message_id", 0)) if isinstance(result, dict) else 0
    try:
        message = f"{HTTPStatus(status).phrase} ({status})"
    except ValueError:
        message = f"Unknown HTTPError ({status})"
    if isinstance(data, dict):
        message = data.get("description") or message
        parameters = data.get("parameters")
        if isinstance(parameters, dict) and parameters:
            if parameters.get("migrate_to_chat_id"):
                raise ChatMigrated(int(parameters["migrate_to_chat_id"]))
            if parameters.get("retry_after"):
                raise RetryAfter(int(parameters["retry_after"]))
            message += f". The server response contained unknown parameters: {parameters}"
    if status == HTTPStatus.FORBIDDEN:
        raise Forbidden(message)
    if status in (HTTPStatus.NOT_FOUND, HTTPStatus.UNAUTHORIZED):
        raise InvalidToken(message)
    if status == HTTPStatus.BAD_REQUEST:
        raise BadRequest(message)
    if status == HTTPStatus.CONFLICT:
        raise Conflict(message)
    raise NetworkError(message)
