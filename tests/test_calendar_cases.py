"""Calendars with one bad event: that event is skipped with a warning naming it; the rest stay."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from tests.test_events import ics, parse
from vestnesis.cli.main import cli


def test_an_event_with_a_bad_dtstart_is_skipped_by_name_and_the_rest_kept() -> None:
    parsed = parse(
        ics(
            "UID:one\nDTSTART:20261201T100000Z\nSUMMARY:Seminārs",
            "UID:bad\nDTSTART:2026-13-45\nSUMMARY:Bojāts pasākums",
            "UID:two\nDTSTART;VALUE=DATE:20261299\nSUMMARY:Arī bojāts",
            "UID:three\nDTSTART:20261203T100000Z\nDTEND:later\nSUMMARY:Bez beigām",
            "UID:four\nDTSTART:20261204T100000Z\nRRULE:FREQ=WEEKLY;COUNT=2\nEXDATE:nope\n"
            "SUMMARY:Sērija",
            "UID:five\nSUMMARY:Bez sākuma",
        )
    )
    assert [e.uid for e in parsed.events] == ["one", "three"]
    assert parsed.events[1].end == parsed.events[1].start  # the unreadable end left out
    assert parsed.skipped == 4
    assert parsed.warnings == (
        "skipped event 'Bez sākuma' (UID five): it has no DTSTART",
        "skipped event 'Bojāts pasākums' (UID bad): its DTSTART '2026-13-45' cannot be read",
        "skipped event 'Arī bojāts' (UID two): its DTSTART '20261299' cannot be read",
        "event 'Bez beigām' (UID three): its DTEND 'later' cannot be read; its end was left out",
        "skipped event 'Sērija' (UID four): its EXDATE 'nope' cannot be read",
    )


def test_events_import_warns_by_name_and_stores_the_rest(tmp_path: Path) -> None:
    calendar = tmp_path / "lbb.ics"
    calendar.write_bytes(
        ics(
            "UID:one\nDTSTART:20261201T100000Z\nSUMMARY:Seminārs",
            "UID:bad\nDTSTART:notadate\nSUMMARY:Bojāts pasākums",
        )
    )
    config = tmp_path / "config.toml"
    config.write_text('[association]\nname = "T"\ndata_dir = "data"\n', "utf-8")
    result = CliRunner().invoke(
        cli, ["--config", str(config), "events", "import", str(calendar), "--now", "2026-11-23"]
    )
    assert result.exit_code == 0, result.output
    assert "lbb: 1 events stored (0 cancelled), 0 removed, 1 skipped." in result.stdout
    assert (
        f"{calendar}: warning: skipped event 'Bojāts pasākums' (UID bad): its DTSTART "
        "'notadate' cannot be read"
    ) in result.stderr


def test_any_date_property_that_reads_as_a_time_of_day_is_unreadable() -> None:
    # The class of the case below: RDATE, EXDATE and RECURRENCE-ID refused the whole
    # calendar the same way; a PERIOD in an RDATE still counts from its start.
    parsed = parse(
        ics(
            "UID:ex\nDTSTART:20261201T100000Z\nRRULE:FREQ=WEEKLY;COUNT=3\nEXDATE:000000\n"
            "SUMMARY:Izņēmums",
            "UID:rd\nDTSTART:20261202T100000Z\nRDATE:120000\nSUMMARY:Papildu",
            "UID:rid\nDTSTART:20261204T100000Z\nRECURRENCE-ID:000000\nSUMMARY:Pārcelts",
            "UID:ok\nDTSTART:20261205T100000Z\nRRULE:FREQ=DAILY;COUNT=2\n"
            "RDATE;VALUE=PERIOD:20261210T100000Z/PT1H\nSUMMARY:Periods",
        )
    )
    assert [e.uid for e in parsed.events] == ["ok", "ok", "ok"]
    assert parsed.warnings == (
        "skipped event 'Izņēmums' (UID ex): its EXDATE '000000' cannot be read",
        "skipped event 'Papildu' (UID rd): its RDATE '120000' cannot be read",
        "skipped event 'Pārcelts' (UID rid): its RECURRENCE-ID '000000' cannot be read",
    )


def test_a_start_or_end_that_reads_as_a_time_of_day_is_unreadable() -> None:
    # icalendar reads "000000" as a TIME (RFC 5545 3.3.12), which DTSTART and DTEND cannot be
    # (3.8.2.4, 3.8.2.2: a DATE or a DATE-TIME); the property test found it stopped the whole
    # calendar.
    parsed = parse(
        ics(
            "UID:one\nDTSTART:20261201T100000Z\nSUMMARY:Seminārs",
            "UID:time\nDTSTART:000000\nSUMMARY:Tikai laiks",
            "UID:end\nDTSTART:20261202T100000Z\nDTEND:120000\nSUMMARY:Beigas laiks",
        )
    )
    assert [e.uid for e in parsed.events] == ["one", "end"]
    assert parsed.warnings == (
        "skipped event 'Tikai laiks' (UID time): its DTSTART '000000' cannot be read",
        "event 'Beigas laiks' (UID end): its DTEND '120000' cannot be read; its end was left out",
    )
