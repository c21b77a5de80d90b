"""SMTP delivery with aiosmtplib: one reused connection per worker, replies classified."""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from typing import Literal

import aiosmtplib

from mailer.transaction import Session
from mailer.wire import data_form

Outcome = Literal["sent", "retry", "hard_bounce", "rejected"]


@dataclass(frozen=True)
class SmtpSettings:
    """How to reach the relay."""

    host: str
    port: int
    security: str  # none | starttls | tls
    username: str | None = None
    password: str | None = None
    timeout: float = 30.0
    tls_context: ssl.SSLContext | None = None


@dataclass(frozen=True)
class Result:
    """What happened to one message: sent, worth retrying, a bounce, or refused for good."""

    outcome: Outcome
    detail: str = ""
    connection_problem: bool = False  # the relay, not the recipient, failed


class SmtpConnection:
    """One SMTP session, opened lazily and reopened after a drop."""

    def __init__(self, settings: SmtpSettings) -> None:
        self._settings = settings
        self._session: Session | None = None

    async def offers_smtputf8(self) -> bool:
        """Whether the relay takes internationalised addresses (connecting if need be); False
        when it cannot be reached, and the send that follows reports why."""
        try:
            return (await self._connected()).smtputf8
        except (aiosmtplib.SMTPException, OSError, TimeoutError):
            await self.close()
            return False

    async def send(self, sender: str, recipient: str, message: bytes) -> Result:
        """Send one prebuilt message; never raises for SMTP or network trouble. A recipient
        that is not ASCII goes with SMTPUTF8 (see `offers_smtputf8`). A WireMessage goes as
        its prebuilt DATA bytes (mailer/wire.py); other bytes are put in that form here."""
        try:
            session = await self._connected()
            data, size = data_form(message)
            reply = await session.transact(sender, recipient, data, size)
        except aiosmtplib.SMTPAuthenticationError as error:
            await self.close()
            return Result(
                "retry",
                f"the relay refused the login: {error.code} {error.message}",
                connection_problem=True,
            )
        except aiosmtplib.SMTPRecipientsRefused as refused:
            return _recipient_result(refused.recipients[0] if refused.recipients else None)
        except aiosmtplib.SMTPResponseException as error:
            if isinstance(error, aiosmtplib.SMTPServerDisconnected):
                await self.close()
                return Result("retry", f"connection lost: {error}", connection_problem=True)
            await self._reset()
            if 400 <= error.code < 500:
                return Result("retry", f"{error.code} {error.message}", connection_problem=True)
            return Result("rejected", f"{error.code} {error.message}")
        except (aiosmtplib.SMTPNotSupported, ValueError) as error:
            # The relay lacks an extension this message needs, or the address cannot be
            # written on the wire: this recipient cannot be sent to, the others can.
            await self._reset()
            return Result("rejected", f"the relay cannot send this: {error}")
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as error:
            await self.close()
            return Result("retry", f"{type(error).__name__}: {error}", connection_problem=True)
        return Result("sent", reply)

    async def close(self) -> None:
        """Say QUIT if connected."""
        session, self._session = self._session, None
        if session is not None:
            await session.quit()

    async def _connected(self) -> Session:
        if self._session is not None and self._session.is_connected:
            return self._session
        settings = self._settings
        client = aiosmtplib.SMTP(
            hostname=settings.host,
            port=settings.port,
            use_tls=settings.security == "tls",
            start_tls=settings.security == "starttls",
            timeout=settings.timeout,
            tls_context=settings.tls_context,
        )
        await client.connect()
        try:
            if settings.username:
                await client.login(settings.username, settings.password or "")
            if client.is_ehlo_or_helo_needed:
                # The session looks the extensions up (PIPELINING, SIZE, SMTPUTF8); a relay
                # that knows only HELO has none.
                try:
                    await client.ehlo()
                except aiosmtplib.SMTPHeloError:
                    await client.helo()
            # aiosmtplib opened the session; its transactions are ours (mailer/transaction.py).
            self._session = Session(client)
        except BaseException:
            client.close()
            raise
        return self._session

    async def _reset(self) -> None:
        if self._session is not None and self._session.is_connected:
            try:
                await self._session.rset()
            except (aiosmtplib.SMTPException, OSError, TimeoutError):
                await self.close()


def _recipient_result(error: object) -> Result:
    code = getattr(error, "code", 0) or 0
    detail = f"{code} {getattr(error, 'message', error)}"
    if 400 <= code < 500:
        return Result("retry", detail)  # mailbox full, greylisting: a soft bounce if it lasts
    return Result("hard_bounce", detail)
