"""Messages in the form SMTP's DATA carries them, prepared once per template.

DATA wants every line ended by CR LF, a '.' doubled where it starts a line (RFC 5321 4.5.2)
and a closing '.' line. aiosmtplib gets there with regular expressions over the whole message
on every send, and once more to count its SIZE: most of a sender's CPU for a 30 KB digest. Here a
template's literal bytes are put in that form once; per recipient only the short values filled
in are. The result equals, byte for byte, what aiosmtplib would have written for the same
message (tests/test_mail_wire.py).
"""

from __future__ import annotations

import re

from mailer.build import Links, Template
from mailer.headers import HeaderValueError

_LINE_ENDS = re.compile(rb"\r\n|\n|\r(?!\n)")  # aiosmtplib's: each bare CR or LF is a line end
_CRLF = b"\r\n"
END = b".\r\n"


class WireMessage(bytes):
    """A message: its bytes are the message as the email package and a mail folder see it;
    `data` is the same message as DATA sends it (CR LF, dots doubled, ending in '.' CR LF) and
    `size` its SIZE (RFC 1870: octets with CR LF, without the doubled dots)."""

    data: bytes
    size: int

    def __new__(cls, message: bytes, data: bytes, size: int) -> WireMessage:
        self = super().__new__(cls, message)
        self.data = data
        self.size = size
        return self

    def prepend(self, header: bytes) -> WireMessage:
        """The message with `header` (whole header lines, such as a DKIM-Signature) in front."""
        head = _normalised(header)
        if not head.endswith(_CRLF):
            raise HeaderValueError("a prepended header must end with a line end")
        return WireMessage(
            header + bytes(self), _stuffed(head, True) + self.data, len(head) + self.size
        )


def data_form(message: bytes) -> tuple[bytes, int]:
    """(the bytes DATA sends for `message`, its SIZE): prebuilt for a WireMessage; else made
    here with C-speed byte operations when the line ends are already CR LF."""
    if isinstance(message, WireMessage):
        return message.data, message.size
    body = _normalised(message)
    if not body.endswith(_CRLF):
        body += _CRLF
    return _stuffed(body, True) + END, len(body)


class WireTemplate(Template):
    """A Template whose `fill` returns a WireMessage: the literal bytes are normalised and
    dot-stuffed once here, in both forms a literal can need (at the start of a line or not)."""

    def __init__(self, template: bytes) -> None:
        super().__init__(template)
        self._wire: list[tuple[bytes, bytes]] = []
        self._sizes = 0
        for literal in self._literals:
            normal = _normalised(literal)
            self._wire.append((_stuffed(normal, True), _stuffed(normal, False)))
            self._sizes += len(normal)
        # A literal ending in a bare CR would merge with a value's leading LF when the two
        # are joined: such a template (never one build_template makes) is done whole.
        self._whole = any(literal.endswith(b"\r") for literal in self._literals)

    def fill(self, links: Links, message_id: str) -> WireMessage:
        """The message for one recipient, with its DATA form."""
        values = self.values(links, message_id)
        plain = self.assemble(values)
        if self._whole or any(value.startswith(b"\n") for value in values):
            data, size = data_form(plain)
            return WireMessage(plain, data, size)
        parts: list[bytes] = []
        size = self._sizes
        at_start = True  # the message's first byte starts a line
        wire = self._wire
        last = len(values)
        for index, (start, inside) in enumerate(wire):
            literal = start if at_start else inside
            parts.append(literal)
            if literal:
                at_start = literal.endswith(b"\n")
            if index == last:
                break
            value = values[index]
            if b"\r" in value or b"\n" in value:
                if self._slots[index][0] == "header":
                    # Header values are one line (headers.py); a line end here would be a
                    # header of someone else's making.
                    raise HeaderValueError("a line end in a header value")
                value = _normalised(value)
            size += len(value)
            if value:
                parts.append(_stuffed(value, at_start))
                at_start = value.endswith(b"\n")
        if not at_start or size == 0:  # aiosmtplib ends every message with a line end
            parts.append(_CRLF)
            size += 2
        parts.append(END)
        return WireMessage(plain, b"".join(parts), size)


def _normalised(data: bytes) -> bytes:
    """`data` with every bare CR or LF made CR LF (unchanged, uncopied when already so)."""
    pairs = data.count(_CRLF)
    if data.count(b"\r") == pairs and data.count(b"\n") == pairs:
        return data
    return _LINE_ENDS.sub(_CRLF, data)


def _stuffed(data: bytes, at_start: bool) -> bytes:
    """`data` (CR LF line ends) with a '.' added before each '.' that starts a line;
    `at_start` says whether its first byte starts one."""
    if b"\n." in data:
        data = data.replace(b"\n.", b"\n..")
    if at_start and data.startswith(b"."):
        data = b"." + data
    return data
