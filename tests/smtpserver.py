"""A real SMTP server (aiosmtpd) on 127.0.0.1 that records mail and misbehaves on request."""

from __future__ import annotations

import asyncio
import datetime
import email
import socket
import ssl
import threading
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


@dataclass(frozen=True)
class Received:
    """One delivered message."""

    sender: str
    recipients: tuple[str, ...]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        return email.message_from_bytes(self.data, policy=policy.default)  # type: ignore[return-value]


@dataclass
class Behaviour:
    """What the server does besides accepting mail."""

    reject: set[str] = field(default_factory=set)  # 550 for these recipients
    mailbox_full: set[str] = field(default_factory=set)  # 452 for these recipients
    busy_data: int = 0  # answer 451 to this many DATA commands first
    drop_after: int | None = None  # close the connection after this many messages
    delay: float = 0.0  # seconds before accepting each message


class Handler:
    def __init__(self, behaviour: Behaviour) -> None:
        self.behaviour = behaviour
        self.received: list[Received] = []
        self.lock = threading.Lock()
        self.accepted_on_connection: dict[int, int] = {}

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.behaviour.reject:
            return "550 5.1.1 No such user here"
        if address in self.behaviour.mailbox_full:
            return "452 4.2.2 Mailbox full"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.behaviour.delay:
            await asyncio.sleep(self.behaviour.delay)
        with self.lock:
            if self.behaviour.busy_data > 0:
                self.behaviour.busy_data -= 1
                return "451 4.3.0 Try again later"
            count = self.accepted_on_connection.get(id(session), 0)
            if self.behaviour.drop_after is not None and count >= self.behaviour.drop_after:
                server.transport.close()
                self.accepted_on_connection[id(session)] = 0
                return "421 4.4.2 Closing connection"
            self.accepted_on_connection[id(session)] = count + 1
            self.received.append(
                Received(envelope.mail_from, tuple(envelope.rcpt_tos), bytes(envelope.content))
            )
        return "250 Message accepted"


class _Controller(Controller):
    """Remembers its sessions so stop() can close every connection it accepted."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.sessions: list = []

    def factory(self):
        smtp = super().factory()
        self.sessions.append(smtp)
        return smtp

    def stop(self, no_assert: bool = False) -> None:
        def close_all() -> None:
            for smtp in self.sessions:
                # After STARTTLS the plain transport sits under the TLS one: close both.
                for transport in (smtp.transport, smtp._original_transport):
                    if transport is not None:
                        transport.close()

        if self.loop.is_running():
            done = threading.Event()
            self.loop.call_soon_threadsafe(lambda: (close_all(), done.set()))
            done.wait(5)
        super().stop(no_assert=no_assert)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class MailServer:
    """aiosmtpd in a thread: plain, STARTTLS-required, and/or AUTH-required."""

    def __init__(
        self,
        behaviour: Behaviour | None = None,
        *,
        tls: tuple[Path, Path] | None = None,
        credentials: tuple[str, str] | None = None,
        smtputf8: bool = False,
    ) -> None:
        self.behaviour = behaviour or Behaviour()
        self.handler = Handler(self.behaviour)
        self.port = free_port()
        options: dict = {"enable_SMTPUTF8": smtputf8}
        if tls is not None:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(str(tls[0]), str(tls[1]))
            options.update(tls_context=context, require_starttls=True)
        if credentials is not None:

            def check(server, session, envelope, mechanism, auth_data):
                ok = (
                    isinstance(auth_data, LoginPassword)
                    and (auth_data.login.decode(), auth_data.password.decode()) == credentials
                )
                return AuthResult(success=ok, handled=False)

            options.update(
                authenticator=check, auth_required=True, auth_require_tls=tls is not None
            )
        self._controller = _Controller(
            self.handler, hostname="127.0.0.1", port=self.port, ready_timeout=10, **options
        )

    @property
    def received(self) -> list[Received]:
        with self.handler.lock:
            return list(self.handler.received)

    def per_recipient(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for message in self.received:
            for recipient in message.recipients:
                counts[recipient] = counts.get(recipient, 0) + 1
        return counts

    def start(self) -> MailServer:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, written to `folder`."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path
