"""RFC 5322 messages built once per language and personalised per recipient by substitution.

The template keeps the headers and both bodies as raw UTF-8 with placeholders; per recipient
we substitute, quoted-printable-encode the bodies (binascii, in C) and join. That costs far
less than building a message with the email package for every recipient.
"""

from __future__ import annotations

import binascii
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from email.policy import SMTP
from email.utils import format_datetime, formataddr, getaddresses

from mailer.headers import checked_address, clean_name, header_text
from mailer.render import EmailContent

TO = "%%VST-TO%%"
MESSAGE_ID = "%%VST-MID%%"
UNSUBSCRIBE = "%%VST-UNSUB%%"
UNSUBSCRIBE_MAIL = "%%VST-UNSUB-MAIL%%"
PREFERENCES = "%%VST-PREFS%%"
CONFIRM = "%%VST-CONFIRM%%"
DATE = "%%VST-DATE%%"  # the moment each copy is handed to the relay, not when it was composed
_PART = b"\r\n%%VST-PART%%\r\n"
_PLACEHOLDER = re.compile(rb"(%%VST-[A-Z-]+%%)")
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

    to: str  # the address
    to_name: str | None = None
    unsubscribe: str = ""
    unsubscribe_mail: str = ""
    preferences: str = ""
    confirm: str = ""
    date: str = ""  # RFC 5322 date of this copy; empty: the current time


def build_template(
    content: EmailContent,
    identity: Identity,
    *,
    language: str,
    now: datetime | None = None,
    list_headers: bool = True,
) -> bytes:
    """A message template: folded headers, then the text and HTML bodies, all with placeholders.
    Each copy's Date: is filled in when it is sent (`Links.date`); `now`, the composing time,
    is not written into the message."""
    del now
    headers = [
        ("From", identity.sender),
        ("To", TO),
        ("Reply-To", identity.reply_to or identity.sender),
        ("Subject", content.subject),
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
    # Subjects come from feed and announcement titles, names from members: one line each.
    head = b"".join(
        SMTP.header_factory(name, header_text(value)).fold(policy=SMTP).encode()
        for name, value in headers
    )
    # Written raw: the email package's Date header would parse (and drop) the placeholder.
    head += f"Date: {DATE}\r\n".encode()
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
    text, html = (
        _qp_around_placeholders(body.encode("utf-8")) for body in (content.text, content.html)
    )
    return _PART.join([skeleton, text, middle, html, tail])


class Template:
    """A stored template cut once into literal bytes and placeholder slots.

    `_parts` alternates literal, slot, literal, …, literal (odd indexes are the slots, as
    (kind, placeholder) until filled), so a copy with the slots replaced by their values is the
    message."""

    def __init__(self, template: bytes) -> None:
        skeleton, text, middle, html, tail = template.split(_PART)
        literals: list[bytes] = [b""]
        self._slots: list[tuple[str, str]] = []  # (header | text | html | literal, placeholder)
        for part, kind in (
            (skeleton, "header"),
            (text, "text"),
            (middle, "literal"),
            (html, "html"),
            (tail, "literal"),
        ):
            for piece in _PLACEHOLDER.split(part):
                if _PLACEHOLDER.fullmatch(piece):
                    self._slots.append((kind, piece.decode()))
                    literals.append(b"")
                else:
                    literals[-1] += piece
        self._literals = literals

    def values(self, links: Links, message_id: str) -> list[bytes]:
        """The bytes that go into each slot, in order, for one recipient."""
        raw = {
            MESSAGE_ID: message_id,
            UNSUBSCRIBE: links.unsubscribe,
            UNSUBSCRIBE_MAIL: links.unsubscribe_mail,
            PREFERENCES: links.preferences,
            CONFIRM: links.confirm,
            DATE: links.date or format_datetime(datetime.now(UTC)),
        }
        out = []
        for kind, placeholder in self._slots:
            if placeholder == TO:
                out.append(_header_address(links.to, links.to_name))
            elif kind == "header":
                out.append(header_text(raw[placeholder]).encode())
            elif kind == "html":
                out.append(_qp(raw[placeholder].replace("&", "&amp;").encode()))
            else:
                out.append(_qp(raw[placeholder].encode()))
        return out

    def fill(self, links: Links, message_id: str) -> bytes:
        """The message for one recipient."""
        return self.assemble(self.values(links, message_id))

    def assemble(self, values: list[bytes]) -> bytes:
        """The literals with `values` (from `values`) in their slots."""
        parts = [b""] * (2 * len(self._literals) - 1)
        parts[0::2] = self._literals
        parts[1::2] = values
        return b"".join(parts)


def personalise(template: bytes, links: Links, message_id: str) -> bytes:
    """The template filled in for one recipient (parse it once with Template for many)."""
    return Template(template).fill(links, message_id)


def _qp_around_placeholders(body: bytes) -> bytes:
    # A soft line break on each side keeps a placeholder whole on a line of its own;
    # decoders drop soft breaks, so the text reads as one.
    pieces = _PLACEHOLDER.split(body)
    encoded = [piece if _PLACEHOLDER.fullmatch(piece) else _qp(piece) for piece in pieces if piece]
    return b"=\r\n".join(encoded)


def _qp(body: bytes) -> bytes:
    # One C call per body; istext keeps line breaks as they are, then SMTP wants CRLF.
    encoded = binascii.b2a_qp(body.replace(b"\r\n", b"\n"), quotetabs=False, istext=True)
    return encoded.replace(b"\n", _CRLF)


def _header_address(address: str, name: str | None) -> bytes:
    # A non-ASCII address reaches here only for a relay that offers SMTPUTF8, where
    # headers are UTF-8 (RFC 6532); every other address is ASCII (its domain in IDNA).
    address = checked_address(address)
    name = clean_name(name)
    if not name:
        return address.encode("utf-8")
    # formataddr quotes specials and encodes a non-ASCII name (RFC 2047); it refuses a
    # non-ASCII address, so it formats the name beside a stand-in that is then swapped.
    display = formataddr((name, "x@x"), charset="utf-8").removesuffix("<x@x>")
    return f"{display}<{address}>".encode()
