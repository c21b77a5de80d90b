"""The `vestnesis` command line."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import click

from vestnesis.cli.digest import digest
from vestnesis.cli.events import ask, events
from vestnesis.cli.mail import outbox, send, subscribers
from vestnesis.cli.starter import starter_config, write_secrets
from vestnesis.cli.support import (
    Settings,
    database_faults,
    emit_json,
    json_option,
    now_option,
    parse_now,
    pass_settings,
    run_async,
)
from vestnesis.common.clock import SystemClock

if TYPE_CHECKING:
    from storage import Item, Source
    from vestnesis.app import App
    from vestnesis.sources.polling import SourceReport

# Every module beyond click is imported inside the command that uses it, so that `--help`
# answers at once (tests/test_cli_start.py checks which modules `vestnesis --help` loads).


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    "config_file",
    metavar="FILE",
    help="Config file (default: $VESTNESIS_CONFIG, then config.toml).",
)
@click.option(
    "--log-level",
    type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"], case_sensitive=False),
    help="Log detail (default: INFO for `run`, ERROR for other commands).",
)
@click.option(
    "--log-json", is_flag=True, help='Write logs as JSON lines (as `[logging] format = "json"`).'
)
@click.version_option(package_name="vestnesis")
@click.pass_context
def cli(ctx: click.Context, config_file: str | None, log_level: str | None, log_json: bool) -> None:
    """Vēstnesis: news, digests and answers for a library association's members."""
    ctx.obj = Settings(config_file, log_level, log_json)


cli.add_command(digest)
cli.add_command(subscribers)
cli.add_command(outbox)
cli.add_command(events)
cli.add_command(ask)
digest.add_command(send)


# --- init and run -------------------------------------------------------------------------


@cli.command()
@click.option("--name", default="Latvijas Bibliotekāru biedrība", help="The association's name.")
@click.option(
    "--data-dir",
    default="data",
    show_default=True,
    help="Where the database lives (e.g. /var/lib/vestnesis on a server).",
)
@click.option("--force", is_flag=True, help="Overwrite an existing config file.")
@pass_settings
@run_async
async def init(settings: Settings, name: str, data_dir: str, force: bool) -> None:
    """Write a starter config (every section, commented) and a private secrets.env with a
    fresh web secret beside it, and create the database."""
    from vestnesis.app import open_app
    from vestnesis.config import secrets_path

    path = settings.path()
    if path.exists() and not force:
        click.echo(f"{path} exists; keeping it (use --force to overwrite).", err=True)
    else:
        path.write_text(starter_config(name, data_dir), encoding="utf-8")
        click.echo(f"Wrote {path}.")
    secrets_file = secrets_path(path)
    try:
        write_secrets(secrets_file)
        click.echo(f"Wrote {secrets_file} (readable by you only) with a new web secret.")
    except FileExistsError:
        click.echo(f"{secrets_file} exists; keeping it.", err=True)
    config = settings.config()
    async with open_app(config, SystemClock()) as app:
        version = await app.database.schema_version()
    click.echo(f"Database ready at {config.database_path} (schema {version}).")
    click.echo(
        f"Next: edit {path} (feeds, calendars, plan, email) and {secrets_file.name}, "
        "then run `vestnesis check`."
    )


@cli.command()
@pass_settings
def run(settings: Settings) -> None:
    """Run the service until stopped (Ctrl-C or SIGTERM): it polls the feeds and calendars on
    schedule, decides and sends the weekly digest (to the mailing list and Telegram), sends
    event reminders, runs the Telegram bot and serves the web pages (subscribe, confirm,
    preferences, the archive, events.ics). Parts without their settings stay off and say so
    in the log; `vestnesis check` shows which."""
    from vestnesis.service.run import AlreadyRunningError, run_service

    config = settings.config(service=True)
    with database_faults():
        try:
            run_service(config, SystemClock())
        except AlreadyRunningError as error:
            raise click.ClickException(str(error)) from None


@cli.command()
@click.argument("target", type=click.Path(path_type=Path))
@pass_settings
@run_async
async def backup(settings: Settings, target: Path) -> None:
    """Write a consistent copy of the database to TARGET (safe while the service runs).
    TARGET is a new file, or a folder that gets vestnesis-YYYYMMDD-HHMMSS.sqlite3."""
    import asyncio

    from storage import Database
    from storage.copies import CopyError, inspect_copy

    config = settings.config()
    if await asyncio.to_thread(target.is_dir):
        stamp = SystemClock().now().strftime("%Y%m%d-%H%M%S")
        target = target / f"vestnesis-{stamp}.sqlite3"
    if await asyncio.to_thread(target.exists):
        raise click.ClickException(f"{target} exists; choose a new file name or a folder")
    if not await asyncio.to_thread(config.database_path.exists):
        raise click.ClickException(f"no database at {config.database_path} yet: nothing to back up")
    # Read-only: a backup beside the running service writes nothing to the database.
    database = await Database.open_read_only(
        config.database_path, busy_wait=config.association.busy_wait.total_seconds()
    )
    try:
        await database.backup(target)
    finally:
        await database.close()
    try:
        summary = await asyncio.to_thread(inspect_copy, target)
    except CopyError as error:
        raise click.ClickException(f"the copy failed its check: {error}") from None
    click.echo(f"Backed up the database to {target}: {_describe_copy(summary)}.")


@cli.command()
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask before replacing the database.")
@pass_settings
@run_async
async def restore(settings: Settings, source: Path, yes: bool) -> None:
    """Put a backup back in place of the database (stop the service first). The database it
    replaces is kept beside it as vestnesis.sqlite3.before-restore-YYYYMMDD-HHMMSS."""
    import asyncio

    from storage import Database
    from storage.copies import CopyError, inspect_copy, restore_copy

    config = settings.config()
    try:
        summary = await asyncio.to_thread(inspect_copy, source)
    except CopyError as error:
        raise click.ClickException(str(error)) from None
    current = config.database_path
    click.echo(f"{source}: {_describe_copy(summary)}.")
    if not yes:
        click.confirm(
            f"Replace the database at {current} with it? (Stop `vestnesis run` first.)",
            abort=True,
        )
    kept = None
    if await asyncio.to_thread(current.exists):
        stamp = SystemClock().now().strftime("%Y%m%d-%H%M%S")
        kept = current.with_name(f"{current.name}.before-restore-{stamp}")
        database = await Database.open(current)
        try:
            await database.backup(kept)
        finally:
            await database.close()
    await asyncio.to_thread(restore_copy, source, current)
    database = await Database.open(current)  # brings an older copy's schema up to date
    try:
        version = await database.schema_version()
    finally:
        await database.close()
    click.echo(f"Restored {current} from {source} (schema {version}).")
    if kept is not None:
        click.echo(f"The database it replaced is kept at {kept}.")


def _describe_copy(summary: Any) -> str:
    megabytes = summary.size / 1_000_000
    return (
        f"schema {summary.schema}, {summary.sources} sources, {summary.items} items, "
        f"{summary.subscribers} confirmed members, {summary.digests_sent} digests sent, "
        f"{megabytes:.1f} MB, integrity ok"
    )


# --- feeds ---------------------------------------------------------------------------------


@cli.group()
def feeds() -> None:
    """News sources (RSS and Atom)."""


@feeds.command("poll")
@click.option("--source", "names", multiple=True, metavar="NAME", help="Only this source.")
@json_option
@now_option
@pass_settings
@run_async
async def feeds_poll(
    settings: Settings, names: tuple[str, ...], as_json: bool, now: str | None
) -> None:
    """Fetch every active source once; report new, unchanged or failed per source."""
    from vestnesis.app import open_app
    from vestnesis.cli.progress import progress

    config = settings.config()
    async with open_app(config, parse_now(now, config)) as app:
        sources = await app.database.sources.active()
        if names:
            sources = [s for s in sources if s.name in names]
            missing = set(names) - {s.name for s in sources}
            if missing:
                raise click.UsageError(f"no active source named {', '.join(sorted(missing))}")
        if not sources:
            click.echo("No active sources; add one with `vestnesis feeds add URL`.", err=True)
            return
        with progress("Polling", len(sources)) as tick:
            reports = await app.poller.poll(sources, on_report=lambda r: tick(r.source))
    for report in reports:
        if as_json:
            emit_json(_report_json(report))
        else:
            click.echo(report.line())
    if not as_json:
        click.echo(_poll_summary(reports), err=True)


@feeds.command("list")
@json_option
@pass_settings
@run_async
async def feeds_list(settings: Settings, as_json: bool) -> None:
    """Every source with its health."""
    from vestnesis.app import open_app

    config = settings.config()
    async with open_app(config, SystemClock(), writes=False) as app:
        sources = await app.database.sources.list()
    for source in sources:
        if as_json:
            emit_json(_source_json(source))
        else:
            click.echo(_source_line(source))
    if not sources and not as_json:
        click.echo("No sources yet; add one with `vestnesis feeds add URL`.", err=True)


@feeds.command("add")
@click.argument("location", metavar="URL")
@click.option("--name", help="A short name (default: the feed's own title, else its host).")
@click.option("--language", help="The feed's language, e.g. lv (default: detected).")
@click.option("--no-check", is_flag=True, help="Add it without fetching it first.")
@pass_settings
@run_async
async def feeds_add(
    settings: Settings, location: str, name: str | None, language: str | None, no_check: bool
) -> None:
    """Add a news source by its http(s) URL (a local file goes in the config as path = ...)."""
    from feeds.clean import one_line
    from storage import SourceSpec
    from storage.sources import DuplicateSourceError
    from vestnesis.app import open_app

    config = settings.config()
    location = _location(location)
    if language is not None and not (language.isalpha() and 2 <= len(language) <= 3):
        raise click.BadParameter("give a language code like lv, en or lt", param_hint="--language")
    async with open_app(config, SystemClock()) as app:
        title = None
        if not no_check:
            verdict, title = await _check_feed(app, location)
            if verdict:
                raise click.ClickException(f"{location}: {verdict} (use --no-check to add anyway)")
        # The feed's own title names it best; its host when it has none (or was not read).
        name = one_line(name or "") or _title_name(title) or _default_name(location)
        try:
            spec = SourceSpec(name, location, language.lower() if language else None, "cli")
            await app.database.sources.add(spec, app.clock.now())
        except DuplicateSourceError as error:
            raise click.ClickException(str(error)) from None
    click.echo(f"Added {name}: {location}")


@feeds.command("remove")
@click.argument("name")
@pass_settings
@run_async
async def feeds_remove(settings: Settings, name: str) -> None:
    """Remove a source added from the command line, with its items."""
    from vestnesis.app import open_app

    config = settings.config()
    async with open_app(config, SystemClock()) as app:
        await _own_source(app, settings, name, "remove its [[feeds]] entry there")
        items = len(await app.database.items.list(source=name))
        await app.database.sources.remove(name)
    click.echo(f"Removed {name} and its {items} items.")


@feeds.command("rename")
@click.argument("old")
@click.argument("new")
@pass_settings
@run_async
async def feeds_rename(settings: Settings, old: str, new: str) -> None:
    """Rename a source added from the command line or OPML (its items keep coming with it)."""
    from feeds.clean import one_line
    from storage.sources import DuplicateSourceError
    from vestnesis.app import open_app

    config = settings.config()
    new = one_line(new)  # shown on one line, as names from `feeds add` and OPML are
    if not new:
        raise click.BadParameter("give the new name", param_hint="NEW")
    async with open_app(config, SystemClock()) as app:
        await _own_source(app, settings, old, "change its name in its [[feeds]] entry")
        try:
            await app.database.sources.rename(old, new)
        except DuplicateSourceError as error:
            raise click.ClickException(str(error)) from None
    click.echo(f"Renamed {old} to {new}.")


async def _own_source(app: App, settings: Settings, name: str, instead: str) -> None:
    """Refuse (one line) a source that does not exist or that the config defines."""
    source = await app.database.sources.get(name)
    if source is None:
        raise click.ClickException(f"no source named {name!r} (see `vestnesis feeds list`)")
    if source.origin == "config" and source.enabled:
        raise click.ClickException(f"{name!r} is defined in {settings.path()}; {instead}")


@feeds.command("resume")
@click.argument("name")
@pass_settings
@run_async
async def feeds_resume(settings: Settings, name: str) -> None:
    """Resume a source that was paused after failing too often."""
    from vestnesis.app import open_app

    config = settings.config()
    async with open_app(config, SystemClock()) as app:
        if not await app.database.sources.resume(name):
            raise click.ClickException(f"no source named {name!r}")
    click.echo(f"Resumed {name}; it is polled on the next pass.")


@feeds.command("import-opml")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_settings
@run_async
async def feeds_import_opml(settings: Settings, file: Path) -> None:
    """Add every feed listed in an OPML file (ones already present are skipped)."""
    import asyncio

    from feeds.fetch import normal_url, url_problem
    from feeds.opml import OpmlError, read_opml
    from storage import SourceSpec
    from storage.sources import DuplicateSourceError
    from vestnesis.app import open_app

    config = settings.config()
    try:
        outlines = read_opml(await asyncio.to_thread(file.read_bytes))
    except OpmlError as error:
        raise click.ClickException(f"{file}: {error}") from None
    added = skipped = 0
    async with open_app(config, SystemClock()) as app:
        for outline in outlines:
            problem = url_problem(outline.url)
            if problem:
                click.echo(f"skipped {outline.name}: {outline.url!r}: {problem}", err=True)
                skipped += 1
                continue
            spec = SourceSpec(outline.name, normal_url(outline.url), outline.language, "opml")
            try:
                await app.database.sources.add(spec, app.clock.now())
                added += 1
            except DuplicateSourceError as error:
                click.echo(f"skipped {outline.name}: {error}", err=True)
                skipped += 1
    click.echo(f"Imported {added} feeds from {file}; {skipped} skipped.")


@feeds.command("export-opml")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE.")
@pass_settings
@run_async
async def feeds_export_opml(settings: Settings, out: Path | None) -> None:
    """Write the enabled sources as OPML (to standard output by default)."""
    import asyncio

    from feeds.opml import Outline, write_opml
    from vestnesis.app import open_app

    config = settings.config()
    async with open_app(config, SystemClock(), writes=False) as app:
        sources = [s for s in await app.database.sources.list() if s.enabled]
        created = app.clock.now()
    outlines = [Outline(s.name, s.location, s.language) for s in sources]
    title = f"{config.association.name} — news sources"
    document = write_opml(title, outlines, created)
    if out is None:
        sys.stdout.buffer.write(document)
    else:
        await asyncio.to_thread(out.write_bytes, document)
        click.echo(f"Wrote {len(outlines)} feeds to {out}.")


# --- items ---------------------------------------------------------------------------------


@cli.group()
def items() -> None:
    """Stored news items."""


@items.command("list")
@click.option("--source", metavar="NAME", help="Only items from this source.")
@click.option("--since", metavar="DATE", help="Only items published on or after DATE (ISO).")
@click.option("--limit", type=click.IntRange(min=1), help="At most this many, newest first.")
@json_option
@pass_settings
@run_async
async def items_list(
    settings: Settings, source: str | None, since: str | None, limit: int | None, as_json: bool
) -> None:
    """Stored items, newest first."""
    from vestnesis.app import open_app

    config = settings.config()
    since_time = parse_now(since, config).now() if since else None
    async with open_app(config, SystemClock(), writes=False) as app:
        if source and await app.database.sources.get(source) is None:
            raise click.ClickException(f"no source named {source!r}")
        found = await app.database.items.list(source=source, since=since_time, limit=limit)
    zone = config.association.zone
    for line in _item_lines(found, as_json, zone):
        click.echo(line)
    if not found and not as_json:
        click.echo("No items stored yet; run `vestnesis feeds poll`.", err=True)


def main() -> None:
    """Entry point of the `vestnesis` console script."""
    cli(prog_name="vestnesis")


# --- helpers -------------------------------------------------------------------------------


def _location(value: str) -> str:
    from feeds.fetch import normal_url, url_problem

    problem = url_problem(value)
    if problem:
        raise click.BadParameter(f"{value!r}: {problem}", param_hint="URL")
    return normal_url(value)


def _default_name(location: str) -> str:
    from feeds.fetch import is_http

    if is_http(location):
        host = urlsplit(location).hostname or location
        return host.removeprefix("www.")
    return Path(location).stem


async def _check_feed(app: App, location: str) -> tuple[str | None, str | None]:
    """The problem with the feed (None if it reads), and its title."""
    from feeds.parse import parse_feed

    fetched = await app.fetcher.fetch(location)
    if fetched.status == "failed":
        return fetched.error, None
    parsed = parse_feed(
        fetched.content, base_url=fetched.final_url or location, headers=fetched.headers
    )
    return parsed.error, parsed.title


def _title_name(title: str | None) -> str | None:
    """A feed title as a source name: one line, at most 60 characters, at a word end."""
    if not title:
        return None
    name = " ".join(title.split())
    if len(name) > 60:
        name = name[:60].rsplit(" ", 1)[0].rstrip(" -–—|:·")
    return name or None


def _report_json(report: SourceReport) -> dict[str, Any]:
    return {
        "source": report.source,
        "status": report.status,
        "new": report.new,
        "seen": report.seen,
        "duplicates": report.duplicates,
        "skipped": report.skipped,
        "warning": report.warning,
        "error": report.error,
        "paused": report.paused,
    }


def _poll_summary(reports: list[SourceReport]) -> str:
    new = sum(r.new for r in reports)
    failed = sum(r.status == "failed" for r in reports)
    unchanged = sum(r.status == "unchanged" for r in reports)
    return f"{len(reports)} sources: {new} new items; {unchanged} unchanged; {failed} failed."


def _health(source: Source) -> str:
    if not source.enabled:
        return "disabled (not in config)"
    if source.paused:
        return f"PAUSED after {source.error_count} failures"
    if source.error_count:
        return f"failing ({source.error_count}x)"
    return "ok" if source.last_success else "new"


def _source_line(source: Source) -> str:
    last = f"{source.last_success:%Y-%m-%d %H:%M}Z" if source.last_success else "never"
    text = f"{source.name}  [{_health(source)}]  {source.location}  lang={source.language or '-'}"
    text += f"  last success: {last}"
    if source.last_error and source.error_count:
        text += f"\n    last error: {source.last_error}"
    return text


def _source_json(source: Source) -> dict[str, Any]:
    return {
        "name": source.name,
        "location": source.location,
        "language": source.language,
        "origin": source.origin,
        "health": _health(source),
        "enabled": source.enabled,
        "paused": source.paused,
        "error_count": source.error_count,
        "last_error": source.last_error,
        "last_success": source.last_success,
        "next_attempt": source.next_attempt,
    }


def _item_lines(found: list[Item], as_json: bool, zone: Any) -> Iterator[str]:
    for item in found:
        if as_json:
            yield json.dumps(
                {
                    "id": item.id,
                    "source": item.source_name,
                    "title": item.title,
                    "summary": item.summary,
                    "url": item.url,
                    "published": item.published.isoformat().replace("+00:00", "Z"),
                    "language": item.language,
                    "author": item.author,
                    "categories": list(item.categories),
                },
                ensure_ascii=False,
            )
        else:
            when = item.published.astimezone(zone).strftime("%Y-%m-%d %H:%M")
            yield f"{when}  {item.source_name} [{item.language or '?'}]  {item.title}"
            if item.url:
                yield f"    {item.url}"


# --- check ---------------------------------------------------------------------------------


@cli.command("check")
@pass_settings
@run_async
async def check(settings: Settings) -> None:
    """Check this installation: the config and its secrets, the public address, the SMTP
    relay (EHLO, STARTTLS, AUTH), Telegram (getMe), every feed and calendar once, and the
    translation backend. One line each; exit status 1 when something fails. Writes nothing."""
    from vestnesis.cli.doctor import check_all

    config = settings.config()
    findings = await check_all(
        config, settings.path(), SystemClock(), lambda finding: click.echo(finding.line())
    )
    failed = sum(f.status == "FAIL" for f in findings)
    warned = sum(f.status == "warn" for f in findings)
    click.echo(f"{len(findings)} checks: {failed} failed, {warned} warnings.", err=True)
    if failed:
        raise SystemExit(1)


cli.add_command(check, "doctor")
