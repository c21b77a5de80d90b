"""The events calendar: iCalendar parsing, storage, import from files and URLs, the CLI."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from click.testing import CliRunner

from feeds.ics import CalendarError, parse_calendar, write_calendar
from storage import Event
from tests.conftest import ROOT, running
from tests.feedserver import Route
from vestnesis.cli.main import cli
from vestnesis.events.calendar import BOARD_CALENDAR, import_calendar, public_feed, save_board_event
from vestnesis.wiring.calendars import calendar_parts
from vestnesis.wiring.parts import service_parts

RIGA = ZoneInfo("Europe/Riga")
START = datetime(2026, 11, 1, tzinfo=UTC)
END = datetime(2027, 12, 31, tzinfo=UTC)
EXAMPLE = ROOT / "examples" / "events.ics"


def ics(*events: str, extra: str = "") -> bytes:
    body = "\n".join(f"BEGIN:VEVENT\n{e.strip()}\nEND:VEVENT" for e in events)
    return f"BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:test\n{extra}{body}\nEND:VCALENDAR\n".encode()


def parse(data: bytes):
    return parse_calendar(data, zone=RIGA, start=START, end=END, calendar="T")


def test_time_zones_all_day_multi_day_and_floating_times() -> None:
    parsed = parse(
        ics(
            "UID:a\nDTSTART;TZID=Europe/Vilnius:20261201T100000\nDTEND;TZID=Europe/Vilnius:20261201T120000\nSUMMARY:Vilnius",
            "UID:b\nDTSTART:20261202T080000Z\nSUMMARY:UTC, no end",
            "UID:c\nDTSTART;VALUE=DATE:20261210\nDTEND;VALUE=DATE:20261213\nSUMMARY:Three days",
            "UID:d\nDTSTART;VALUE=DATE:20261215\nSUMMARY:One day, no end",
            "UID:e\nDTSTART:20261216T180000\nDURATION:PT90M\nSUMMARY:Floating",
        )
    )
    by_uid = {e.uid: e for e in parsed.events}
    assert by_uid["a"].start == datetime(2026, 12, 1, 8, tzinfo=UTC)
    assert by_uid["b"].end == by_uid["b"].start
    three = by_uid["c"]
    assert three.all_day and three.start == datetime(2026, 12, 10, tzinfo=RIGA)
    assert three.end - three.start == timedelta(days=3)
    assert by_uid["d"].end - by_uid["d"].start == timedelta(days=1)
    # Floating times are the association's: 18:00 in Riga.
    assert by_uid["e"].start == datetime(2026, 12, 16, 18, tzinfo=RIGA)
    assert by_uid["e"].end - by_uid["e"].start == timedelta(minutes=90)
    assert all(not e.recurrence for e in parsed.events)


def test_recurrence_exceptions_moves_and_cancellations() -> None:
    parsed = parse(EXAMPLE.read_bytes())
    webinar = [e for e in parsed.events if e.uid == "vebinars-iflA-monthly@bibliotekari.lv"]
    local = [e.start.astimezone(RIGA) for e in webinar]
    # Last Thursdays: 31 December is excluded (EXDATE), January moved to Friday the 29th.
    assert datetime(2026, 12, 31, 11, tzinfo=RIGA) not in local
    assert datetime(2027, 1, 29, 14, tzinfo=RIGA) in local
    february = next(e for e in webinar if e.start.astimezone(RIGA).month == 2)
    assert february.cancelled
    assert len({e.recurrence for e in webinar}) == len(webinar)
    # Summer time: still 11:00 in Riga after the clocks change.
    assert datetime(2027, 4, 29, 11, tzinfo=RIGA) in local
    assert parsed.name == "LBB pasākumi"


def test_links_places_and_categories() -> None:
    parsed = parse(
        ics(
            "UID:z\nDTSTART:20261201T100000Z\nSUMMARY:Online\nLOCATION:https://meet.example.org/x\nCATEGORIES:Seminar,Training",
            "UID:y\nDTSTART:20261201T100000Z\nSUMMARY:Hall\nLOCATION:Hall A\nDESCRIPTION:Join at https://zoom.example.org/123 please.",
        )
    )
    online, hall = sorted(parsed.events, key=lambda e: e.uid, reverse=True)
    assert online.place == "" and online.url == "https://meet.example.org/x"
    assert online.categories == ("Seminar", "Training")
    assert hall.place == "Hall A" and hall.url == "https://zoom.example.org/123"


@pytest.mark.parametrize(
    "data",
    [b"", b"<html><body>Not found</body></html>", b"BEGIN:VCALENDAR\nBEGIN:VEVENT\n"],
)
def test_broken_files_are_refused_clearly(data: bytes) -> None:
    with pytest.raises(CalendarError, match="iCalendar"):
        parse(data)


def test_an_event_without_a_start_is_skipped_not_fatal() -> None:
    parsed = parse(
        ics("UID:ok\nDTSTART:20261201T100000Z\nSUMMARY:Fine", "UID:bad\nSUMMARY:No start")
    )
    assert [e.uid for e in parsed.events] == ["ok"]
    assert parsed.skipped == 1


def test_the_public_feed_round_trips_through_a_calendar_reader() -> None:
    events = parse(EXAMPLE.read_bytes()).events
    data = write_calendar(events, name="LBB", domain="bibliotekari.lv", now=START, zone=RIGA)
    again = parse_calendar(data, zone=RIGA, start=START, end=END)
    assert len(again.events) == len(events)
    assert {e.title for e in again.events} == {e.title for e in events}
    assert sum(e.cancelled for e in again.events) == sum(e.cancelled for e in events)
    assert all(e.all_day == f.all_day for e, f in zip(events, again.events, strict=True))
    calendar = icalendar.Calendar.from_ical(data)
    assert str(calendar["X-WR-CALNAME"]) == "LBB"


async def test_import_replaces_a_calendar_and_skips_unchanged_files(
    server, make_config, tmp_path
) -> None:
    server.routes["/events.ics"] = Route(body=EXAMPLE.read_bytes(), content_type="text/calendar")
    config = make_config(calendars=[{"name": "LBB", "url": server.url("/events.ics")}])
    now = datetime(2026, 11, 23, 9, tzinfo=UTC)
    async with running(config, now) as app:
        report = await import_calendar(calendar_parts(app), "LBB", server.url("/events.ics"))
        assert report.stored > 10 and report.cancelled == 2
        again = await import_calendar(
            calendar_parts(app), "LBB", server.url("/events.ics"), skip_unchanged=True
        )
        assert again.unchanged
        server.routes["/events.ics"] = Route(
            body=ics("UID:only\nDTSTART:20261201T100000Z\nSUMMARY:Seminārs"),
            content_type="text/calendar",
        )
        third = await import_calendar(
            calendar_parts(app), "LBB", server.url("/events.ics"), skip_unchanged=True
        )
        assert third.stored == 1 and third.removed == report.stored
        [only] = await app.database.events.between(now)
        assert only.kind == "seminar" and only.calendar == "LBB"


async def test_a_broken_calendar_keeps_the_stored_events(server, make_config) -> None:
    from vestnesis.events.calendar import CalendarImportError
    from vestnesis.wiring.calendars import calendar_parts

    server.routes["/events.ics"] = Route(body=EXAMPLE.read_bytes(), content_type="text/calendar")
    config = make_config()
    async with running(config, datetime(2026, 11, 23, tzinfo=UTC)) as app:
        await import_calendar(calendar_parts(app), "LBB", server.url("/events.ics"))
        before = await app.database.events.between()
        server.routes["/events.ics"] = Route(body=b"<html>oops</html>", content_type="text/html")
        with pytest.raises(CalendarImportError, match="not an iCalendar file"):
            await import_calendar(calendar_parts(app), "LBB", server.url("/events.ics"))
        server.routes["/events.ics"] = Route(status=500)
        with pytest.raises(CalendarImportError):
            await import_calendar(calendar_parts(app), "LBB", server.url("/events.ics"))
        assert await app.database.events.between() == before


async def test_board_events_are_saved_edited_and_removed(make_config) -> None:
    config = make_config(association={"website": "https://bibliotekari.lv"})
    async with running(config, datetime(2026, 11, 23, tzinfo=UTC)) as app:
        draft = Event(
            "",
            "Darbnīca par digitālajām prasmēm",
            datetime(2026, 12, 5, 10, tzinfo=RIGA),
            datetime(2026, 12, 5, 12, tzinfo=RIGA),
            place="Rīga",
        )
        saved = await save_board_event(calendar_parts(app), draft)
        assert saved.uid.endswith("@bibliotekari.lv") and saved.kind == "workshop"
        assert saved.calendar == BOARD_CALENDAR
        await save_board_event(calendar_parts(app), Event(**{**saved.__dict__, "place": "Liepāja"}))
        [stored] = await app.database.events.between()
        assert stored.place == "Liepāja" and stored.uid == saved.uid
        feed = await public_feed(calendar_parts(app))
        assert "Liepāja" in feed.replace(b"\r\n ", b"").decode()
        assert await app.database.events.remove(BOARD_CALENDAR, saved.uid)
        assert await app.database.events.between() == []


def invoke(config, *args: str):
    return CliRunner().invoke(cli, ["--config", str(config), *args], catch_exceptions=False)


def test_cli_import_list_and_ask(tmp_path, write_config) -> None:
    config = write_config(
        calendars=[{"name": "LBD", "path": str(ROOT / "tests" / "fixtures" / "lbd.ics")}],
        plan={"path": str(ROOT / "examples" / "plan.md")},
    )
    now = ["--now", "2026-11-23T09:00"]
    imported = invoke(config, "events", "import", str(EXAMPLE), *now)
    assert imported.exit_code == 0
    assert imported.output.startswith("events: ") and "2 cancelled" in imported.output
    listed = invoke(config, "events", "list", "--json", *now)
    rows = [json.loads(line) for line in listed.output.splitlines()]
    assert {r["calendar"] for r in rows} == {"events", "LBD"}  # configured ones are read too
    assert rows == sorted(rows, key=lambda r: r["start"])
    assert any(r["status"] == "cancelled" for r in rows)
    # The lines are in one language through and through: the kind and the state too.
    latvian = invoke(config, "events", "list", *now).output
    assert "(seminārs)" in latvian and "[ATCELTS]" in latvian
    assert "(seminar)" not in latvian and "CANCELLED" not in latvian
    lithuanian = invoke(config, "events", "list", "--lang", "lt", *now).output
    assert "(seminaras)" in lithuanian and "[ATŠAUKTAS]" in lithuanian
    assert "lapkričio" in lithuanian or "gruodžio" in lithuanian
    wrong = invoke(config, "events", "list", "--lang", "de", *now)
    assert (
        wrong.exit_code == 2 and "--lang" in wrong.output and "'de' is not one of" in wrong.output
    )
    asked = invoke(config, "ask", "Kad ir nākamais seminārs?", "--json", *now)
    reply = json.loads(asked.output)
    assert reply["intent"] == "next_event"
    assert reply["events"] == ["seminars-ilgtspeja-2026@bibliotekari.lv"]
    assert "3. decembrī" in reply["answer"]
    plan = json.loads(invoke(config, "ask", "What is the motto?", "--json", *now).output)
    assert plan["intent"] == "plan" and plan["sections"] == ["Moto"]
    text = invoke(config, "ask", "Kada kitas seminaras?", *now).output
    assert text.startswith("Artimiausias seminaras:")
    short = json.loads(invoke(config, "ask", "Labas", "--lang", "lt", "--json", *now).output)
    assert short["intent"] == "unknown" and short["language"] == "lt"


def test_cli_import_of_a_missing_or_broken_file_is_clear(tmp_path, write_config) -> None:
    config = write_config()
    missing = CliRunner().invoke(cli, ["--config", str(config), "events", "import", "nope.ics"])
    assert missing.exit_code == 2 and "no such file" in missing.output
    broken = tmp_path / "broken.ics"
    broken.write_text("hello", "utf-8")
    result = CliRunner().invoke(cli, ["--config", str(config), "events", "import", str(broken)])
    assert result.exit_code == 1 and "broken.ics: not an iCalendar file (" in result.output
    assert result.output.rstrip().endswith("nothing changed.")


async def test_plan_text_is_translated_for_english_and_lithuanian_askers(tmp_path) -> None:
    from tests.conftest import sample_config
    from tests.translation_servers import ApiServer, LibreTranslateBehaviour
    from vestnesis.config import load_config
    from vestnesis.wiring.calendars import answerer_for

    behaviour = LibreTranslateBehaviour()
    server = ApiServer(behaviour)
    try:
        path = sample_config(
            tmp_path, translation={"backend": "libretranslate", "url": server.url, "retries": 0}
        )
        async with running(load_config(path, {}), datetime(2026, 11, 23, tzinfo=UTC)) as app:
            answerer = answerer_for(app)
            english = await answerer.ask("What is the motto?")
            assert "⟨EN:iedvesmo; iesaisti; iespējo; vieno.⟩" in english.text
            assert "has not been translated" not in english.text
            lithuanian = await answerer.ask("Koks draugijos tikslas?")
            assert lithuanian.text.startswith("Iš plano skyriaus „Mērķis“:")
            assert "⟨LT:" in lithuanian.text
            latvian = await answerer.ask("Kāds ir moto?")
            assert "⟨" not in latvian.text  # the plan's own language is never translated
            behaviour.always_fail = True
            fallback = await answerer.ask("What are the results?")
            assert "has not been translated" in fallback.text  # quoted, with a note
    finally:
        server.stop()


async def test_an_edited_plan_is_read_again_without_a_restart(tmp_path) -> None:
    from tests.conftest import sample_config
    from vestnesis.config import load_config
    from vestnesis.wiring.calendars import answerer_for

    plan = tmp_path / "plan.md"
    plan.write_text("# Plāns\n\n## Moto\n\nLasi!\n", "utf-8")
    path = sample_config(tmp_path, plan={"path": str(plan)})
    async with running(load_config(path, {}), datetime(2026, 11, 23, tzinfo=UTC)) as app:
        answerer = answerer_for(app)
        assert "Lasi!" in (await answerer.ask("Kāds ir moto?")).text
        plan.write_text("# Plāns\n\n## Moto\n\nLasi un raksti!\n", "utf-8")
        os.utime(plan, (1_900_000_000, 1_900_000_000))
        assert "Lasi un raksti!" in (await answerer.ask("Kāds ir moto?")).text
        plan.unlink()
        assert (await answerer.ask("Kāds ir moto?")).answer.intent == "unknown"


def test_single_events_beyond_the_horizon_are_kept_but_series_are_not_expanded() -> None:
    parsed = parse_calendar(
        ics(
            "UID:far\nDTSTART;VALUE=DATE:20290601\nSUMMARY:Kongress 2029",
            "UID:weekly\nDTSTART:20261201T100000Z\nRRULE:FREQ=WEEKLY\nSUMMARY:Weekly",
        ),
        zone=RIGA,
        start=START,
        end=START + timedelta(days=60),
    )
    assert "far" in {e.uid for e in parsed.events}
    weekly = [e for e in parsed.events if e.uid == "weekly"]
    assert 0 < len(weekly) <= 9


async def test_the_events_change_token_sees_writes_from_this_and_other_processes(tmp_path) -> None:
    from storage import Database

    path = tmp_path / "v.sqlite3"
    now = datetime(2026, 11, 23, tzinfo=UTC)
    event = Event("u", "Seminārs", now, now + timedelta(hours=1), calendar="A")
    async with await Database.open(path) as service, await Database.open(path) as cli:
        first = await service.events.change_token()
        assert await service.events.change_token() == first  # nothing changed: same answer
        await service.events.save(event, now)
        second = await service.events.change_token()
        assert second != first
        await cli.events.replace_calendar(
            "B", [Event("v", "Kongress", now, now, calendar="B")], now
        )
        assert await service.events.change_token() != second


async def test_the_boards_preview_says_the_year_of_an_event_next_year(make_config) -> None:
    from vestnesis.telegram.services import Services

    async with running(make_config(), datetime(2026, 11, 23, tzinfo=UTC)) as app:
        services = Services(service_parts(app), lambda: None, lambda: None)
        start = datetime(2027, 3, 18, 10, tzinfo=RIGA)
        text = services.describe_event(
            Event("", "Konference", start, start + timedelta(hours=6), kind="conference"), "lv"
        )
        assert "Kad: ceturtdien, 2027. gada 18. martā, plkst. 10.00–16.00" in text
        assert text.endswith("(konference)")
