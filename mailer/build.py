"""RFC 5322 messages built once per language and personalised per recipient by substitution.

The template keeps the headers and both bodies as raw UTF-8 with placeholders; per recipient
we substitute, quoted-printable-encode the bodies (binascii, in C) and join. That costs far
less than building a message with the email package for every recipient.
"""

from __future__ import annotations

import binascii
import uuid
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.policy import SMTP
from email.utils import format_datetime, getaddresses

from mailer.render import EmailContent

TO = "%%VST-TO%%"
MESSAGE_ID = "%%VST-MID%%"
UNSUBSCRIBE = "%%VST-UNSUB%%"
UNSUBSCRIBE_MAIL = "%%VST-UNSUB-MAIL%%"
PREFERENCES = "%%VST-PREFS%%"
CONFIRM = "%%VST-CONFIRM%%"
_PART = b"\r\n%%VST-PART%%\r\n"
_CRLF = b"\r\n"


@dataclass(frozen=True)
class Identity:
    """Who the list is: sender, reply address, list id and archive."""

    sender: str  # "LBB <info@bibliotekari.lv>"
    reply_to: str
    list_id: str  # "LBB <digest.bibliotekari.lv>"
    archive_url: str | None

    @property
    def domain(self) -> str:
        """The sender's domain, for Message-IDs."""
        address = getaddresses([self.sender])[0][1]
        return address.rpartition("@")[2] or "localhost"

    @property
    def address(self) -> str:
        """The bare sender address (the envelope sender)."""
        return getaddresses([self.sender])[0][1]


@dataclass(frozen=True)
class Links:
    """The per-recipient values substituted into a template."""

    to: str
    unsubscribe: str = ""
    unsubscribe_mail: str = ""
    preferences: str = ""
    confirm: str = ""


def build_template(
    content: EmailContent,
    identity: Identity,
    *,
    language: str,
    now: datetime,
    list_headers: bool = True,
) -> bytes:
    """A message template: folded headers, then the text and HTML bodies, all with placeholders."""
    headers = [
        ("From", identity.sender),
        ("To", TO),
        ("Reply-To", identity.reply_to or identity.sender),
        ("Subject", content.subject),
        ("Date", format_datetime(now)),
        ("Message-ID", f"<{MESSAGE_ID}@{identity.domain}>"),
        ("MIME-Version", "1.0"),
        ("Content-Language", language),
    ]
    if list_headers:
        headers += [
            ("List-Id", identity.list_id),
            ("List-Unsubscribe", f"<{UNSUBSCRIBE}>, <{UNSUBSCRIBE_MAIL}>"),
            ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
        ]
        if identity.archive_url:
            headers.append(("List-Archive", f"<{identity.archive_url}>"))
    boundary = f"=_vestnesis_{uuid.uuid4().hex}"
    headers.append(("Content-Type", f'multipart/alternative; boundary="{boundary}"'))
    head = b"".join(
        SMTP.header_factory(name, value).fold(policy=SMTP).encode()
        for name, value in ((n, v) for n, v in headers)
    )
    part = (
        'Content-Type: text/{kind}; charset="utf-8"\r\n'
        "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
    )
    skeleton = (
        head
        + b"\r\nThis is a multipart message in MIME format.\r\n"
        + f"--{boundary}\r\n{part.format(kind='plain')}".encode()
    )
    middle = f"\r\n--{boundary}\r\n{part.format(kind='html')}".encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    return _PART.join(
        [skeleton, content.text.encode("utf-8"), middle, content.html.encode("utf-8"), tail]
    )


def personalise(template: bytes, links: Links, message_id: str) -> bytes:
    """The template filled in for one recipient, bodies quoted-printable encoded."""
    skeleton, text, middle, html, tail = template.split(_PART)
    values = {
        TO: links.to,
        MESSAGE_ID: message_id,
        UNSUBSCRIBE: links.unsubscribe,
        UNSUBSCRIBE_MAIL: links.unsubscribe_mail,
        PREFERENCES: links.preferences,
        CONFIRM: links.confirm,
    }
    for placeholder, value in values.items():
        marker = placeholder.encode()
        if placeholder == TO:
            skeleton = skeleton.replace(marker, _header_address(value))
        else:
            skeleton = skeleton.replace(marker, value.encode())
        text = text.replace(marker, value.encode())
        html = html.replace(marker, value.replace("&", "&amp;").encode())
    return skeleton + _qp(text) + middle + _qp(html) + tail


def _qp(body: bytes) -> bytes:
    lines = body.replace(b"\r\n", b"\n").split(b"\n")
    return _CRLF.join(binascii.b2a_qp(line, quotetabs=False, istext=False) for line in lines)


def _header_address(value: str) -> bytes:
    name, address = getaddresses([value])[0]
    formatted = str(Address(display_name=name, addr_spec=address)) if name else address
    return SMTP.header_factory("To", formatted).fold(policy=SMTP).encode()[4:-2]
