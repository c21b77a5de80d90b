"""The email fast path (mailer/wire.py, mailer/transaction.py) writes what the ordinary path
would: the same bytes as aiosmtplib's own DATA preparation, and a message that reads like one
the email package builds, for every kind of member."""

from __future__ import annotations

import email
from email import policy
from email.message import EmailMessage

import pytest
from aiosmtplib.protocol import PERIOD_REGEX, normalize_message_line_endings
from hypothesis import given, settings
from hypothesis import strategies as st

from mailer.build import Identity, Links, Template, build_template
from mailer.headers import HeaderValueError
from mailer.render import EmailContent
from mailer.smtp import SmtpConnection, SmtpSettings
from mailer.wire import WireMessage, WireTemplate, data_form
from tests.smtpserver import Behaviour, MailServer

IDENTITY = Identity(
    sender="LBB <info@bibliotekari.lv>",
    reply_to="",
    list_id="LBB <digest.bibliotekari.lv>",
    archive_url="https://v.example/archive",
)
DATE = "Mon, 23 Nov 2026 07:00:00 +0000"
# Lines that start with '.', a lone '.', long lines that quoted-printable wraps (a wrapped
# line can start with '.'), non-ASCII, a bare LF and a bare CR.
TEXT = (
    "Sveiki, biedri!\n"
    ".Punkts rindas sākumā\n"
    ".\n"
    "..divi punkti\n" + "Garā rinda " * 30 + "\n" + "x" * 75 + ".beigas ar punktu pēc aplauzuma\n"
    "Ķīpsala\r\nšodien\rrīt\n"
)
HTML = "<p>Sveiki!</p>\n<p>.punkts</p>\n" + "<p>" + "ā" * 200 + "</p>"
MEMBERS = [
    Links(to="anna@example.lv"),
    Links(to="janis@example.lv", to_name="Jānis Bērziņš"),
    Links(to="ona@example.lt", to_name="Ona Žemaitė-Čiurlionienė " * 4),  # a long name
    Links(to="ilze@xn--brzi-6na7a.lv", to_name='Ilze "Ī." <Ozola>, Rīga'),  # IDNA, specials
    Links(to="ānna@bērziņš.lv", to_name="Ānna"),  # SMTPUTF8: UTF-8 in the address itself
    Links(to="eve@example.lv", to_name="Eve\r\nBcc: all@evil.example"),  # an injection try
]


def filled(links: Links, *, text: str = TEXT, html: str = HTML) -> tuple[bytes, WireMessage]:
    """The ordinary path's message and the fast path's, for one member."""
    content = EmailContent(subject="Nedēļas ziņas: .punkts un ķēde", html=html, text=text)
    template = build_template(content, IDENTITY, language="lv")
    unsubscribe = f"https://v.example/unsubscribe/{'.' * 3}{links.to}"
    links = Links(
        to=links.to,
        to_name=links.to_name,
        unsubscribe=unsubscribe,
        unsubscribe_mail="mailto:leave@bibliotekari.lv?subject=unsubscribe",
        preferences="https://v.example/preferences/" + "t" * 70 + ".x",  # wraps at a '.'
        date=DATE,
    )
    return Template(template).fill(links, "id.1"), WireTemplate(template).fill(links, "id.1")


def aiosmtplib_data(message: bytes) -> bytes:
    """What aiosmtplib's DATA writes for `message` (its own code, not ours)."""
    return PERIOD_REGEX.sub(b"..", normalize_message_line_endings(message)) + b".\r\n"


def received(data: bytes) -> bytes:
    """What a relay stores from DATA bytes: the closing line gone, doubled dots undone."""
    assert data.endswith(b"\r\n.\r\n")
    lines = data[: -len(b".\r\n")].split(b"\r\n")
    return b"\r\n".join(line[1:] if line.startswith(b".") else line for line in lines)


def email_package(links: Links) -> EmailMessage:
    """The same message built by the email package (the ordinary way of building mail)."""
    message = EmailMessage(policy=policy.SMTPUTF8)
    message["From"] = IDENTITY.sender
    name = " ".join((links.to_name or "").replace("\r\n", " ").split())
    user, _, domain = links.to.rpartition("@")
    message["To"] = email.headerregistry.Address(name, user, domain)
    message["Subject"] = "Nedēļas ziņas: .punkts un ķēde"
    message.set_content(TEXT.replace("\r\n", "\n").replace("\r", "\n"))
    message.add_alternative(HTML, subtype="html")
    return message


@pytest.mark.parametrize("links", MEMBERS, ids=lambda links: links.to)
def test_data_bytes_equal_aiosmtplibs_and_the_message_is_unchanged(links: Links) -> None:
    plain, wire = filled(links)
    assert bytes(wire) == plain  # the message itself is the ordinary path's, byte for byte
    assert wire.data == aiosmtplib_data(plain)
    assert wire.size == len(normalize_message_line_endings(plain))
    assert received(wire.data) + b"" == normalize_message_line_endings(plain)
    # Dot-stuffing did happen, and every line stays within SMTP's 1,000 octets.
    assert b"\r\n..Punkts" in wire.data
    assert max(len(line) for line in wire.data.split(b"\r\n")) <= 998


@pytest.mark.parametrize("links", MEMBERS, ids=lambda links: links.to)
def test_the_member_reads_what_the_email_package_would_have_built(links: Links) -> None:
    _, wire = filled(links)
    # UTF-8 appears raw only in an SMTPUTF8 address (RFC 6532); the rest is ASCII.
    ours = email.message_from_string(received(wire.data).decode("utf-8"), policy=policy.default)
    theirs = email_package(links)
    for name in ("From", "Subject"):
        assert str(ours[name]) == str(theirs[name])
    (address,) = ours["To"].addresses
    (expected,) = theirs["To"].addresses
    assert address.addr_spec == expected.addr_spec == links.to
    assert " ".join(address.display_name.split()) == " ".join(expected.display_name.split())
    assert ours["Bcc"] is None and ours["Date"] == DATE
    assert ours["List-Unsubscribe"].startswith("<https://v.example/unsubscribe/...")
    for kind in ("plain", "html"):
        mine = ours.get_body((kind,)).get_content().replace("\r\n", "\n")
        wanted = theirs.get_body((kind,)).get_content().replace("\r\n", "\n")
        assert mine.rstrip("\n") == wanted.rstrip("\n")


def test_a_dkim_signature_in_front_keeps_both_forms_in_step() -> None:
    plain, wire = filled(MEMBERS[1])
    header = b"DKIM-Signature: v=1; a=rsa-sha256; d=bibliotekari.lv;\r\n b=abc.def\r\n"
    signed = wire.prepend(header)
    assert bytes(signed) == header + plain
    assert signed.data == aiosmtplib_data(header + plain)
    assert signed.size == len(normalize_message_line_endings(header + plain))
    with pytest.raises(HeaderValueError):
        wire.prepend(b"X-Open: no line end")


@settings(max_examples=60, deadline=None)
@given(
    text=st.text(st.sampled_from(".\r\n aāx=-"), max_size=300),
    html=st.text(st.sampled_from(".\n <p>ē"), max_size=120),
)
def test_any_body_gives_aiosmtplibs_bytes(text: str, html: str) -> None:
    plain, wire = filled(MEMBERS[1], text=text, html=html)
    assert bytes(wire) == plain
    assert wire.data == aiosmtplib_data(plain)


@given(st.binary(max_size=200))
def test_data_form_of_any_bytes_is_aiosmtplibs(message: bytes) -> None:
    data, size = data_form(message)
    assert data == aiosmtplib_data(message)
    assert size == len(normalize_message_line_endings(message))


async def test_a_relay_stores_exactly_the_ordinary_message() -> None:
    server = MailServer(Behaviour(reject={"gone@example.lv"}), smtputf8=True).start()
    try:
        connection = SmtpConnection(SmtpSettings("127.0.0.1", server.port, "none"))
        expected = []
        for links in MEMBERS:
            plain, wire = filled(links)
            result = await connection.send("info@bibliotekari.lv", links.to, wire)
            assert result.outcome == "sent", result
            expected.append((links.to, normalize_message_line_endings(plain)))
        refused = await connection.send("info@bibliotekari.lv", "gone@example.lv", wire)
        assert refused.outcome == "hard_bounce" and refused.detail.startswith("550")
        # A plain message (not prebuilt) still goes, put in DATA form on the way.
        assert (
            await connection.send("info@bibliotekari.lv", "x@example.lv", plain)
        ).outcome == "sent"
        # An address that would add a command or a recipient is refused, not sent.
        bad = await connection.send("info@bibliotekari.lv", "a@b.lv>\r\nRCPT TO:<c@d.lv", plain)
        assert bad.outcome == "rejected"
        await connection.close()
    finally:
        server.stop()
    got = [(message.recipients[0], message.data) for message in server.received]
    assert got[: len(expected)] == expected
    assert [recipient for recipient, _ in got] == [links.to for links in MEMBERS] + ["x@example.lv"]
