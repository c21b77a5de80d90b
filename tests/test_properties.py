"""Property tests (Hypothesis) that look for the unknown: any input gives a result or the
documented error, never an exception, and text round-trips."""

from __future__ import annotations

import contextlib
import csv
import email
import io
import os
import unicodedata
from datetime import UTC, datetime, timedelta
from email import policy
from pathlib import Path
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

import icalendar
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from feeds.clean import html_to_text, one_line, plain_text
from feeds.ics import CalendarError, parse_calendar
from feeds.normalise import Context, normalise
from feeds.parse import parse_feed
from mailer.build import Identity, Links, Template, build_template
from mailer.render import EmailContent
from storage.timefmt import from_db, to_db
from vestnesis.cli.member_csv import MemberFileError, read_members
from vestnesis.config import ConfigError, load_config, parse_config

NOW = datetime(2026, 11, 22, 10, tzinfo=UTC)
RIGA = ZoneInfo("Europe/Riga")
CHECKS = settings(
    max_examples=int(os.environ.get("VESTNESIS_EXAMPLES", "100")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
# Text people write: any letter, digit, punctuation or space, no control characters.
WRITTEN = st.text(
    st.characters(
        blacklist_categories=("Cc", "Cs", "Co", "Cn", "Zl", "Zp"),
        blacklist_characters="\u200b\ufeff\u2028\u2029",
    ),
    max_size=80,
)
BALTIC = st.text(
    st.sampled_from("abcdefghijklmnoprstuvzāčēģīķļņšūžąęėįųABCĀČĒŠŽ -'.,;\"&<>"), max_size=40
)


def tidy(text: str) -> str:
    """What one_line makes of plain text: NFC, whitespace runs as one space."""
    return one_line(text, html=False)


# --- feeds ---------------------------------------------------------------------------------


@CHECKS
@given(st.binary(max_size=2000))
def test_any_bytes_give_a_feed_verdict(data: bytes) -> None:
    parsed = parse_feed(data, base_url="https://feeds.example/feed")
    context = Context(now=NOW, source_language=None, feed_language=None, detector=None)
    items, _ = normalise(parsed.entries, context)
    assert parsed.ok or parsed.error
    for item in items:
        assert from_db(to_db(item.published)) == item.published


@CHECKS
@given(title=WRITTEN, summary=WRITTEN, written_date=st.text(max_size=40))
def test_atom_text_round_trips_whatever_it_says(title: str, summary: str, written_date) -> None:
    assume(title.strip())
    # feedparser repairs text that is UTF-8 read as latin-1 ("RÄ«ga" → "Rīga"); text that
    # only looks like it ("Â¡") is repaired too, a price worth paying.
    try:
        title.encode("latin-1").decode("utf-8")
        assume(False)
    except (UnicodeEncodeError, UnicodeDecodeError):
        pass
    document = (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f'<title>t</title><entry><id>x</id><title type="text">{escape(title)}</title>'
        f'<summary type="text">{escape(summary)}</summary>'
        f"<updated>{escape(written_date)}</updated></entry></feed>"
    ).encode()
    parsed = parse_feed(document, base_url="https://feeds.example/feed")
    context = Context(now=NOW, source_language=None, feed_language=None, detector=None)
    items, _ = normalise(parsed.entries, context)
    assert len(items) == 1
    assert items[0].title == tidy(title)[:300] or items[0].title.endswith("…")
    assert items[0].published <= NOW + timedelta(hours=1)
    assert from_db(to_db(items[0].published)) == items[0].published


@CHECKS
@given(st.text(max_size=300))
def test_cleaned_html_never_holds_markup(fragment: str) -> None:
    text = html_to_text(fragment)
    assert "<script" not in text.lower()
    for position, char in enumerate(text):
        if char == "<" and position + 1 < len(text):
            assert not (text[position + 1].isascii() and text[position + 1].isalpha())


@CHECKS
@given(WRITTEN)
def test_plain_text_is_never_read_as_markup(text: str) -> None:
    assert tidy(plain_text(text)) == tidy(text)


@CHECKS
@given(st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)))
def test_every_stored_time_reads_back(moment: datetime) -> None:
    aware = moment.replace(tzinfo=UTC, microsecond=0)
    assert from_db(to_db(aware)) == aware


# --- calendars -----------------------------------------------------------------------------


@CHECKS
@given(st.binary(max_size=1500))
def test_any_bytes_give_events_or_a_calendar_error(data: bytes) -> None:
    with contextlib.suppress(CalendarError):
        parse_calendar(data, zone=RIGA, start=NOW, end=NOW + timedelta(days=400))


@CHECKS
@given(
    summary=WRITTEN,
    place=WRITTEN,
    start=st.text(st.sampled_from("0123456789TZ-:"), max_size=18),
)
def test_a_calendar_with_any_one_event_keeps_the_others(summary, place, start) -> None:
    good = icalendar.Event()
    good.add("uid", "good")
    good.add("dtstart", datetime(2026, 12, 1, 10, tzinfo=UTC))
    good.add("summary", "Seminārs")
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//test//")
    calendar.add("version", "2.0")
    calendar.add_component(good)
    data = calendar.to_ical().replace(
        b"END:VCALENDAR",
        (
            "BEGIN:VEVENT\r\nUID:odd\r\n"
            f"DTSTART:{start}\r\n"
            f"SUMMARY:{icalendar.vText(summary).to_ical().decode()}\r\n"
            f"LOCATION:{icalendar.vText(place).to_ical().decode()}\r\n"
            "END:VEVENT\r\nEND:VCALENDAR"
        ).encode(),
    )
    parsed = parse_calendar(data, zone=RIGA, start=NOW, end=NOW + timedelta(days=400))
    assert "Seminārs" in [event.title for event in parsed.events]
    for event in parsed.events:
        if event.uid == "odd":
            assert event.title == (tidy(summary) or "—")


# --- member lists --------------------------------------------------------------------------


@CHECKS
@given(st.binary(max_size=1500))
def test_any_bytes_give_members_or_one_clear_error(data: bytes) -> None:
    try:
        table = read_members(data, ["lv", "en", "lt"])
    except MemberFileError as error:
        assert "\n" not in str(error)
        return
    for problem in table.problems:
        assert problem.startswith("line ") and "\n" not in problem


ADDRESS = st.from_regex(r"[a-z][a-z0-9.]{0,10}@[a-z]{1,10}\.(lv|lt|com)", fullmatch=True)


@CHECKS
@given(
    rows=st.lists(st.tuples(ADDRESS, BALTIC, st.sampled_from(["lv", "en", "lt", ""])), max_size=8),
    separator=st.sampled_from([",", ";", "\t"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1257", "utf-16"]),
)
def test_members_written_by_a_spreadsheet_read_back(rows, separator, encoding) -> None:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=separator, lineterminator="\r\n")
    writer.writerow(["email", "name", "language"])
    writer.writerows(rows)
    try:
        data = out.getvalue().encode(encoding)
    except UnicodeEncodeError:
        assume(False)
    table = read_members(data, ["lv", "en", "lt"])
    assert table.problems == ()
    assert [(r.email, r.name, r.language) for r in table.rows] == [
        (address, " ".join(name.split()), language)
        for address, name, language in rows
        if address or name.strip() or language
    ]


# --- config --------------------------------------------------------------------------------

SCALAR = st.one_of(
    st.text(max_size=20),
    st.integers(-(10**6), 10**6),
    st.booleans(),
    st.lists(st.text(max_size=5), max_size=3),
)
KEYS = st.sampled_from(
    ["name", "url", "path", "timezone", "languages", "data_dir", "poll_feeds", "weekly_digest",
     "max_bytes", "from", "smtp_port", "listen", "secret", "busy_wait", "period", "oops"]
)  # fmt: skip
SECTIONS = st.sampled_from(
    ["association", "schedule", "fetch", "email", "web", "digest", "events", "telegram", "x"]
)


@CHECKS
@given(st.dictionaries(SECTIONS, st.dictionaries(KEYS, SCALAR, max_size=4), max_size=5))
def test_any_config_tree_loads_or_names_its_problems(tmp_path_factory, tree) -> None:
    base = tmp_path_factory.mktemp("config")
    try:
        config = parse_config(tree, base_dir=base, env={}, origin="config.toml")
    except ConfigError as error:
        assert all(line.startswith("config.toml: ") for line in str(error).splitlines())
        return
    assert config.association.name


@CHECKS
@given(st.text(max_size=300))
def test_any_config_text_loads_or_names_its_problems(tmp_path_factory, text: str) -> None:
    path = Path(tmp_path_factory.mktemp("config")) / "config.toml"
    path.write_text(text, "utf-8")
    with pytest.raises(ConfigError):
        load_config(path, {})


# --- headers -------------------------------------------------------------------------------


@CHECKS
@given(subject=WRITTEN, name=WRITTEN, address=ADDRESS, body=WRITTEN)
def test_headers_round_trip_and_keep_their_structure(subject, name, address, body) -> None:
    identity = Identity(
        sender="LBB <info@bibliotekari.lv>",
        reply_to="",
        list_id="LBB <digest.bibliotekari.lv>",
        archive_url="https://v.example/archive",
    )
    content = EmailContent(subject=subject, html=f"<p>{escape(body)}</p>", text=body)
    template = build_template(content, identity, language="lv", now=NOW)
    message_bytes = Template(template).fill(Links(to=address, to_name=name or None), "m.1")
    head = message_bytes.split(b"\r\n\r\n", 1)[0]
    for line in head.split(b"\r\n"):
        assert line[:1] in (b" ", b"\t") or b":" in line, line
    message = email.message_from_bytes(message_bytes, policy=policy.default)
    assert " ".join(message["Subject"].split()) == " ".join(subject.split())
    to = message["To"]
    assert to.addresses[0].addr_spec == address
    if name.strip():
        # Names are stored and written in NFC (mailer/headers.py): U+F900 comes back as U+8C48.
        written = unicodedata.normalize("NFC", name)
        assert " ".join(to.addresses[0].display_name.split()) == " ".join(written.split())


def test_a_control_character_cannot_hide_a_tag() -> None:
    # Found by the property above: "<\x1fA" was text to the sanitiser, then "<A" once the
    # control character was tidied away.
    assert html_to_text("<\x1fA") == "" and html_to_text("x<\x1fscript>alert(1)") == "x"
