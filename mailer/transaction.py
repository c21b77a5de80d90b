"""SMTP mail transactions with messages already in DATA form, pipelined when the relay offers it.

aiosmtplib opens the session (TLS, STARTTLS, AUTH, EHLO); then `Session` takes the connection
over for the transactions. `aiosmtplib.SMTP.sendmail` parses both addresses with the email
package and normalises and dot-stuffs the whole message on every call (twice when the relay
announces SIZE), and waits for each command's reply before the next. Our messages arrive in
DATA form (mailer/wire.py) and our addresses were checked when they were stored, so a
transaction here is MAIL, RCPT and DATA in one write when the relay offers PIPELINING
(RFC 2920), then the message in a second: two round trips instead of four. Errors are
aiosmtplib's exceptions, raised where sendmail would raise them, for the caller to classify.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import cast

import aiosmtplib
from aiosmtplib.errors import (
    SMTPDataError,
    SMTPNotSupported,
    SMTPReadTimeoutError,
    SMTPRecipientRefused,
    SMTPRecipientsRefused,
    SMTPResponseException,
    SMTPSenderRefused,
    SMTPServerDisconnected,
)

from mailer.headers import checked_address

_OK = 250
_WILL_FORWARD = 251
_START_INPUT = 354
_CLOSING = 221
_MAX_REPLY = 64 * 1024  # a relay that sends more without ending a reply is not one


def path(address: str, utf8: bool) -> bytes:
    """`<address>` for MAIL FROM or RCPT TO; ValueError when it is not one bare address or
    cannot be written in the session's encoding (ASCII without SMTPUTF8)."""
    return b"<" + checked_address(address).encode("utf-8" if utf8 else "ascii") + b">"


class _Replies(asyncio.Protocol):
    """Collects the relay's replies; several may come in one read (pipelining)."""

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._replies: list[tuple[int, str]] = []
        self._waiter: asyncio.Future[None] | None = None
        self._lost: Exception | None = None

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        while True:
            end = self._buffer.find(b"\n")
            if end < 0:
                if len(self._buffer) > _MAX_REPLY:
                    self._fail(SMTPResponseException(-1, "reply too long"))
                return
            # A multi-line reply ends at the line whose code is followed by a space.
            start = 0
            lines: list[bytes] = []
            while end >= 0:
                line = bytes(self._buffer[start:end]).rstrip(b"\r")
                lines.append(line)
                start = end + 1
                if line[3:4] != b"-":
                    break
                end = self._buffer.find(b"\n", start)
            else:
                return  # the reply goes on in data not yet read
            del self._buffer[:start]
            try:
                code = int(lines[-1][:3])
            except ValueError:
                self._fail(SMTPResponseException(-1, f"malformed reply: {lines[-1][:80]!r}"))
                return
            text = "\n".join(line[4:].decode("utf-8", "replace").strip() for line in lines)
            self._replies.append((code, text))
            if self._waiter is not None and not self._waiter.done():
                self._waiter.set_result(None)

    def eof_received(self) -> bool:
        self._fail(SMTPServerDisconnected("Unexpected EOF received"))
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        error = SMTPServerDisconnected("Connection lost")
        error.__cause__ = exc
        self._fail(error)

    def _fail(self, error: Exception) -> None:
        self._lost = self._lost or error
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    async def take(self, count: int, patience: float | None) -> list[tuple[int, str]]:
        """The next `count` replies, in order."""
        loop = asyncio.get_running_loop()
        deadline = None if patience is None else loop.time() + patience
        while len(self._replies) < count:
            if self._lost is not None:
                raise self._lost
            self._waiter = loop.create_future()
            try:
                left = None if deadline is None else max(deadline - loop.time(), 0)
                await asyncio.wait_for(self._waiter, left)
            except TimeoutError as error:
                raise SMTPReadTimeoutError("Timed out waiting for server response") from error
            finally:
                self._waiter = None
        taken, self._replies = self._replies[:count], self._replies[count:]
        return taken


class Session:
    """The transactions of an SMTP session that aiosmtplib opened (and said EHLO on): the
    connection is this object's from here on, and `client` must not be used any more."""

    def __init__(self, client: aiosmtplib.SMTP) -> None:
        opened = client.transport
        if opened is None or opened.is_closing():
            raise SMTPServerDisconnected("Connection lost")
        transport = cast(asyncio.Transport, opened)
        self.smtputf8 = client.supports_extension("smtputf8")
        self._size = client.supports_extension("size")
        self._pipelining = client.supports_extension("pipelining")
        self._timeout = client.timeout
        self._replies = _Replies()
        self._transport = transport
        transport.set_protocol(self._replies)

    @property
    def is_connected(self) -> bool:
        """Whether the connection is still open."""
        return not self._transport.is_closing() and self._replies._lost is None

    async def transact(self, sender: str, recipient: str, data: bytes, size: int) -> str:
        """Send `data` (DATA form: CR LF, dots doubled, ending in '.' CR LF; `size` octets
        without the doubled dots) from `sender` to `recipient`; returns the relay's final reply.
        Raises like `aiosmtplib.SMTP.sendmail`: SMTPRecipientsRefused, SMTPSenderRefused,
        SMTPDataError, SMTPNotSupported, SMTPServerDisconnected, SMTPTimeoutError, ValueError.
        After a refusal the envelope is reset (RSET), as sendmail does."""
        utf8 = not (sender.isascii() and recipient.isascii())
        if utf8 and not self.smtputf8:
            raise SMTPNotSupported("SMTPUTF8 is not supported by this server")
        mail = b"MAIL FROM:" + path(sender, utf8)
        if self._size:
            mail += b" SIZE=%d" % size
        if utf8:
            mail += b" SMTPUTF8"
        commands = [mail + b"\r\n", b"RCPT TO:" + path(recipient, utf8) + b"\r\n", b"DATA\r\n"]
        try:
            if self._pipelining:
                self._write(b"".join(commands))
                replies = await self._replies.take(3, self._timeout)
            else:
                replies = []
                for command in commands:
                    self._write(command)
                    replies += await self._replies.take(1, self._timeout)
                    if replies[-1][0] not in (_OK, _WILL_FORWARD, _START_INPUT):
                        break
            await self._check(sender, recipient, replies)
            self._write(data)
            ((code, text),) = await self._replies.take(1, self._timeout)
            if code != _OK:
                raise SMTPDataError(code, text)
        except (SMTPServerDisconnected, SMTPReadTimeoutError):
            self.close()
            raise
        except (SMTPResponseException, SMTPRecipientsRefused):
            with contextlib.suppress(SMTPResponseException, ConnectionError):
                await self.rset()
            raise
        return text

    async def _check(self, sender: str, recipient: str, replies: list[tuple[int, str]]) -> None:
        (mail, *rest) = replies
        if mail[0] == _OK and rest and rest[0][0] in (_OK, _WILL_FORWARD):
            if len(rest) == 2 and rest[1][0] == _START_INPUT:
                return
            code, text = rest[1] if len(rest) == 2 else (-1, "no reply to DATA")
            raise SMTPDataError(code, text)
        if len(rest) == 2 and rest[1][0] == _START_INPUT:
            # A relay that took DATA after refusing the envelope waits for a message: an
            # empty one ends it (and goes nowhere: it has no recipient).
            self._write(b".\r\n")
            await self._replies.take(1, self._timeout)
        if mail[0] != _OK:
            raise SMTPSenderRefused(mail[0], mail[1], sender)
        code, text = rest[0]
        raise SMTPRecipientsRefused([SMTPRecipientRefused(code, text, recipient)])

    async def rset(self) -> None:
        """Forget the envelope after a refusal."""
        self._write(b"RSET\r\n")
        ((code, text),) = await self._replies.take(1, self._timeout)
        if code != _OK:
            raise SMTPResponseException(code, text)

    async def quit(self) -> None:
        """Say QUIT and close (closing anyway when the relay does not answer)."""
        try:
            if self.is_connected:
                self._write(b"QUIT\r\n")
                await self._replies.take(1, min(self._timeout or 5.0, 5.0))
        except (SMTPResponseException, SMTPReadTimeoutError, ConnectionError):
            pass
        finally:
            self.close()

    def close(self) -> None:
        """Drop the connection."""
        self._transport.close()

    def _write(self, data: bytes) -> None:
        if not self.is_connected:
            raise SMTPServerDisconnected("Connection lost")
        self._transport.write(data)
