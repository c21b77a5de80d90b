"""What stands between the public web and the pages: body caps and the subscribe form's limits.

Anyone can reach the web pages, so nothing a request sends is trusted: a body is read only up
to its route's cap (and not at all when its declared length is over it), and confirmation mails
are limited per client and per hour so the form cannot be used to mail strangers.
"""

from __future__ import annotations

import asyncio
import ipaddress
from collections import deque
from collections.abc import Callable, MutableMapping
from datetime import datetime, timedelta
from typing import Any, cast

from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

HOUR = timedelta(hours=1)
# Clients remembered at once; the oldest are forgotten first, so memory stays bounded even
# when every request comes from a new address.
MAX_CLIENTS = 10_000


class BodyLimit:
    """ASGI middleware: a request body over `limit_for(path)` bytes gets 413 before the route
    runs. A declared Content-Length over the cap is refused unread; a chunked body is read only
    until it passes the cap. The route then reads the (bounded) body as usual."""

    def __init__(
        self, app: ASGIApp, limit_for: Callable[[str], int], deadline: float = 30.0
    ) -> None:
        self.app = app
        self.limit_for = limit_for
        self.deadline = deadline

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _too_large(send)
            return
        try:
            async with asyncio.timeout(self.deadline):
                body = await _read_body(receive, limit)
        except TimeoutError:
            # A body dribbled in a byte at a time would hold a connection for ever.
            await _refuse(send, 408, b"request body too slow\n")
            return
        if body is None:
            return  # the client went away
        if len(body) > limit:
            await _too_large(send)
            return
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    """The body, or as much as passes `limit` by one chunk; None when the client left."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunk = message.get("body", b"")
        size += len(chunk)
        chunks.append(chunk)
        if size > limit or not message.get("more_body", False):
            return b"".join(chunks)


def guarded(
    app: ASGIApp,
    *,
    form_limit: int,
    webhook_limit: int,
    proxies: list[str],
    deadline: float = 30.0,
) -> ASGIApp:
    """`app` behind the body caps and deadline and, when proxies are trusted, their
    X-Forwarded-For."""

    def limit_for(path: str) -> int:
        return webhook_limit if path.startswith("/telegram/") else form_limit

    inner: ASGIApp = BodyLimit(app, limit_for, deadline)
    if not proxies:
        return inner
    # uvicorn's middleware takes the right-most address that is not a trusted proxy.
    # uvicorn types ASGI apps more narrowly than Starlette; both are the same protocol.
    return cast(ASGIApp, ProxyHeadersMiddleware(cast(Any, inner), trusted_hosts=proxies))


class ClientLimiter:
    """At most `per_hour` attempts per client address in any rolling hour.

    IPv6 clients are counted per /64, since one host usually holds a whole /64.
    """

    def __init__(self, per_hour: int, now: Callable[[], datetime]) -> None:
        self.per_hour = per_hour
        self.now = now
        self._seen: MutableMapping[str, deque[datetime]] = {}

    def allow(self, client: str) -> bool:
        """Count one attempt from `client`; False when it is over the limit (not counted)."""
        key = _client_key(client)
        now = self.now()
        times = self._seen.pop(key, None) or deque()
        while times and now - times[0] >= HOUR:
            times.popleft()
        allowed = len(times) < self.per_hour
        if allowed:
            times.append(now)
        if times:
            self._seen[key] = times  # re-inserted: dict order is least recently seen first
        while len(self._seen) > MAX_CLIENTS:
            del self._seen[next(iter(self._seen))]
        return allowed


def _client_key(client: str) -> str:
    try:
        address = ipaddress.ip_address(client)
    except ValueError:
        return client
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _too_large(send: Send) -> None:
    await _refuse(send, 413, b"request body too large\n")


async def _refuse(send: Send, status: int, body: bytes) -> None:
    headers: list[Any] = [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
