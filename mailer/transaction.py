"""One SMTP mail transaction with a message already in DATA form, through aiosmtplib's
lower-level commands.

`aiosmtplib.SMTP.sendmail` parses both addresses with the email package and normalises and
dot-stuffs the whole message on every call (twice when the relay announces SIZE). Our messages
arrive in DATA form (mailer/wire.py) and our addresses were checked when they were stored, so
this says MAIL, RCPT and DATA with prebuilt bytes, and raises the same exceptions sendmail
would, for the caller to classify.
"""

from __future__ import annotations

import contextlib

import aiosmtplib
from aiosmtplib.errors import (
    SMTPDataError,
    SMTPNotSupported,
    SMTPRecipientRefused,
    SMTPRecipientsRefused,
    SMTPSenderRefused,
    SMTPServerDisconnected,
    SMTPTimeoutError,
)

from mailer.headers import checked_address

_OK = 250
_WILL_FORWARD = 251
_START_INPUT = 354


def path(address: str, utf8: bool) -> bytes:
    """`<address>` for MAIL FROM or RCPT TO; ValueError when it is not one bare address or
    cannot be written in the session's encoding (ASCII without SMTPUTF8)."""
    return b"<" + checked_address(address).encode("utf-8" if utf8 else "ascii") + b">"


async def transact(
    client: aiosmtplib.SMTP, sender: str, recipient: str, data: bytes, size: int
) -> str:
    """Send `data` (DATA form: CR LF, dots doubled, ending in '.' CR LF; `size` octets without
    the doubled dots) from `sender` to `recipient`; returns the relay's final reply text.
    Raises like `aiosmtplib.SMTP.sendmail`: SMTPRecipientsRefused, SMTPSenderRefused,
    SMTPDataError, SMTPNotSupported, SMTPServerDisconnected, SMTPTimeoutError, ValueError. After
    a refusal the envelope is reset (RSET), as sendmail does."""
    utf8 = not (sender.isascii() and recipient.isascii())
    if utf8 and not client.supports_extension("smtputf8"):
        raise SMTPNotSupported("SMTPUTF8 is not supported by this server")
    mail = [b"MAIL", b"FROM:" + path(sender, utf8)]
    to = path(recipient, utf8)
    if client.supports_extension("size"):
        mail.append(b"SIZE=%d" % size)
    if utf8:
        mail.append(b"SMTPUTF8")
    try:
        response = await client.execute_command(*mail)
        if response.code != _OK:
            raise SMTPSenderRefused(response.code, response.message, sender)
        response = await client.execute_command(b"RCPT", b"TO:" + to)
        if response.code not in (_OK, _WILL_FORWARD):
            refused = SMTPRecipientRefused(response.code, response.message, recipient)
            raise SMTPRecipientsRefused([refused])
        response = await client.execute_command(b"DATA")
        if response.code != _START_INPUT:
            raise SMTPDataError(response.code, response.message)
        response = await _content(client, data)
        if response.code != _OK:
            raise SMTPDataError(response.code, response.message)
    except (aiosmtplib.SMTPResponseException, SMTPRecipientsRefused):
        with contextlib.suppress(ConnectionError, aiosmtplib.SMTPResponseException):
            await client.rset()
        raise
    return response.message


async def _content(client: aiosmtplib.SMTP, data: bytes) -> aiosmtplib.SMTPResponse:
    # The message itself, after the relay's 354: written as it is, then its one reply.
    protocol = client.protocol
    if protocol is None:
        raise SMTPServerDisconnected("Connection lost")
    try:
        protocol.write(data)
        return await protocol.read_response(timeout=client.timeout)
    except (SMTPServerDisconnected, SMTPTimeoutError):
        client.close()
        raise
