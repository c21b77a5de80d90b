"""Commands for the events calendar and members' questions: `events …` and `ask`."""

from __future__ import annotations

import atexit
import gc
import os
from pathlib import Path
from typing import TYPE_CHECKING

import click

from vestnesis.cli.support import (
    Settings,
    emit_json,
    json_option,
    now_option,
    parse_now,
    parse_now_in,
    pass_settings,
    run_async,
)

if TYPE_CHECKING:
    from storage import Event
    from vestnesis.app import App
    from vestnesis.events.asking import Reply

# The answering engine, the calendar reader and the app are imported in the commands that use
# them: `--help` answers at once.


@click.group()
def events() -> None:
    """The events calendar."""


@events.command("import")
@click.argument("location", metavar="FILE|URL")
@click.option(
    "--calendar",
    "name",
    metavar="NAME",
    help="Store as this calendar (default: "
    "the configured calendar at that location, else the file's name).",
)
@now_option
@pass_settings
@run_async
async def events_import(
    settings: Settings, location: str, name: str | None, now: str | None
) -> None:
    """Import an iCalendar file or URL (replacing what that calendar held)."""
    from vestnesis.app import open_app
    from vestnesis.events.calendar import CalendarImportError, default_name, import_calendar
    from vestnesis.wiring.calendars import calendar_parts

    config = settings.config()
    # Both sides as absolute paths: "events.ics" run from the config's folder is the calendar
    # configured there, and updates it rather than adding a second copy.
    local = _local(location)
    configured = {c.location: c.name for c in config.calendars}
    calendar = name or configured.get(local) or default_name(location)
    async with open_app(config, parse_now(now, config)) as app:
        try:
            report = await import_calendar(calendar_parts(app), calendar, local)
        except CalendarImportError as error:
            click.echo(f"{location}: {error}; nothing changed.", err=True)
            raise SystemExit(1) from None
    for warning in report.warnings:
        click.echo(f"{location}: warning: {warning}", err=True)
    click.echo(
        f"{calendar}: {report.stored} events stored ({report.cancelled} cancelled), "
        f"{report.removed} removed, {report.skipped} skipped."
    )


@events.command("list")
@click.option("--all", "everything", is_flag=True, help="Past events too.")
@click.option(
    "--lang",
    "language",
    metavar="LANG",
    help="Write the lines in this language (default: the association's first).",
)
@json_option
@now_option
@pass_settings
@run_async
async def events_list(
    settings: Settings, everything: bool, language: str | None, as_json: bool, now: str | None
) -> None:
    """Upcoming events (configured calendars are read first when they changed)."""
    from vestnesis.wiring.calendars import calendars_read

    config = settings.config()
    languages = config.association.languages
    if language is not None and language not in languages:
        raise click.BadParameter(
            f"{language!r} is not one of {', '.join(languages)}", param_hint="--lang"
        )
    language = language or config.association.default_language
    async with calendars_read(config, parse_now(now, config)) as app:
        start = None if everything else app.clock.now()
        found = await app.database.events.between(start)
        for event in found:
            if as_json:
                emit_json(_event_json(event))
            else:
                click.echo(_event_line(app, event, language))
    if not found and not as_json:
        click.echo("No events.", err=True)


@click.command()
@click.argument("question")
@click.option(
    "--lang",
    type=click.Choice(["lv", "en", "lt"]),
    help="The asker's language (used when the question is too short to tell).",
)
@json_option
@now_option
@pass_settings
@run_async
async def ask(
    settings: Settings, question: str, lang: str | None, as_json: bool, now: str | None
) -> None:
    """Answer a question as the bot would: events and the association's plan."""
    # One question, then the process ends: what it makes (modules, classes, the answer index)
    # is hardly ever garbage, and the cyclic collector walking it again and again was a tenth
    # of a cold `ask` (issue 18). It is on again afterwards (for a caller in the same process);
    # at exit what is left is frozen, so that the interpreter's last collections do not walk
    # it all once more before the process ends anyway.
    collecting = gc.isenabled()
    gc.disable()
    atexit.register(gc.freeze)
    try:
        reply = await _ask_kept(settings, question, lang, now)
        if reply is None:
            reply = await _ask_validated(settings, question, lang, now)
    finally:
        if collecting:
            gc.enable()
    if as_json:
        emit_json(reply.as_json())
    else:
        click.echo(reply.text)


async def _ask_kept(
    settings: Settings, question: str, lang: str | None, now: str | None
) -> Reply | None:
    """The reply from the config kept by an earlier `ask` (vestnesis/kept_config.py), without
    validating the config again; None when it is not kept for this config or the answer
    needs the whole app (a calendar changed, the database is new or older)."""
    from vestnesis.kept_config import read_kept

    found = read_kept(settings.path(), os.environ)
    if found is None:
        return None
    kept, secrets = found
    settings.start_logs(kept.log_json, secrets, Path(kept.database_path))
    clock = parse_now_in(now, kept.zone)
    from vestnesis.wiring.kept_ask import ask_kept

    return await ask_kept(kept, clock, question, lang)


async def _ask_validated(
    settings: Settings, question: str, lang: str | None, now: str | None
) -> Reply:
    """The reply with the config validated, the calendars imported if they changed; what
    answering reads of the config is kept for the next `ask`."""
    from vestnesis.kept_config import keep
    from vestnesis.wiring.calendars import answerer_for, calendars_read

    path = settings.path()
    try:
        text: bytes | None = path.read_bytes()
    except OSError:
        text = None  # the validation says what is wrong
    checked: list[list[str]] = []
    config = settings.config(checked=checked)
    async with calendars_read(config, parse_now(now, config)) as app:
        reply = await answerer_for(app).ask(question, lang)
    if text is not None:
        keep(config, path, text, os.environ, checked)
    return reply


def _local(location: str) -> str:
    if location.startswith(("http://", "https://")):
        return location
    path = Path(location).expanduser()
    if not path.is_file():
        raise click.BadParameter(f"{location}: no such file", param_hint="FILE|URL")
    return str(path.resolve())


def _event_line(app: App, event: Event, language: str) -> str:
    """One event, every word in `language`: the day, the title, its kind, place and state."""
    from vestnesis.answering import kinds
    from vestnesis.answering.dates_text import event_when

    _ = app.catalogs.get(language).gettext
    zone = app.config.association.zone
    today = app.clock.now().astimezone(zone).date()
    cancelled = _("CANCELLED")  # outside the f-string, where pybabel extract finds it
    status = f" [{cancelled}]" if event.cancelled else ""
    place = f" — {event.place}" if event.place else ""
    kind_name = kinds.name(event.kind, language) if event.kind else ""
    kind = f" ({kind_name})" if kind_name else ""
    return f"{event_when(event, language, zone, today)}: {event.title}{kind}{place}{status}"


def _event_json(event: Event) -> dict[str, object]:
    return {
        "uid": event.uid,
        "calendar": event.calendar,
        "recurrence": event.recurrence or None,
        "title": event.title,
        "start": event.start.isoformat(),
        "end": event.end.isoformat(),
        "all_day": event.all_day,
        "kind": event.kind or None,
        "status": event.status,
        "place": event.place or None,
        "url": event.url or None,
        "categories": list(event.categories),
    }
