"""The `vestnesis` command line."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click

from feeds.opml import OpmlError, Outline, read_opml, write_opml
from feeds.parse import parse_feed
from storage import Item, Source, SourceSpec
from storage.sources import DuplicateSourceError
from vestnesis.app import App, open_app
from vestnesis.cli_digest import digest
from vestnesis.cli_events import ask, events
from vestnesis.cli_mail import outbox, send, subscribers
from vestnesis.cli_support import (
    Settings,
    emit_json,
    json_option,
    now_option,
    parse_now,
    pass_settings,
    run_async,
)
from vestnesis.clock import SystemClock
from vestnesis.polling import SourceReport
from vestnesis.progress import progress
from vestnesis.starter import starter_config


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
@click.option("--log-json", is_flag=True, help="Write logs as JSON lines.")
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
@click.option("--force", is_flag=True, help="Overwrite an existing config file.")
@pass_settings
@run_async
async def init(settings: Settings, name: str, force: bool) -> None:
    """Write a starter config and create the database."""
    path = settings.path()
    if path.exists() and not force:
        click.echo(f"{path} exists; keeping it (use --force to overwrite).", err=True)
    else:
        path.write_text(starter_config(name), encoding="utf-8")
        click.echo(f"Wrote {path}.")
    config = settings.config()
    async with open_app(config, SystemClock()) as app:
        version = await app.database.schema_version()
    click.echo(f"Database ready at {config.database_path} (schema {version}).")
    click.echo(f"Next: edit {path}, then run `vestnesis feeds poll`.")


@cli.command()
@pass_settings
def run(settings: Settings) -> None:
    """Run the service: poll feeds on schedule until stopped (Ctrl-C or SIGTERM)."""
    from vestnesis.service import run_service

    run_service(settings.config(service=True), SystemClock())


@cli.command()
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@pass_settings
@run_async
async def backup(settings: Settings, target: Path) -> None:
    """Write a consistent copy of the database to TARGET (safe while the service runs)."""
    if await asyncio.to_thread(target.exists):
        raise click.ClickException(f"{target} exists; choose a new file name")
    async with open_app(settings.config(), SystemClock(), writes=False) as app:
        await app.database.backup(target)
    click.echo(f"Backed up the database to {target}.")


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
@click.option("--name", help="A short name (default: the site's host name).")
@click.option("--language", help="The feed's language, e.g. lv (default: detected).")
@click.option("--no-check", is_flag=True, help="Add it without fetching it first.")
@pass_settings
@run_async
async def feeds_add(
    settings: Settings, location: str, name: str | None, language: str | None, no_check: bool
) -> None:
    """Add a news source by URL (or a local file path)."""
    config = settings.config()
    location = _location(location)
    name = name or _default_name(location)
    if language is not None and not (language.isalpha() and 2 <= len(language) <= 3):
        raise click.BadParameter("give a language code like lv, en or lt", param_hint="--language")
    async with open_app(config, SystemClock()) as app:
        if not no_check:
            verdict = await _check_feed(app, location)
            if verdict:
                raise click.ClickException(f"{location}: {verdict} (use --no-check to add anyway)")
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
    config = settings.config()
    async with open_app(config, SystemClock()) as app:
        source = await app.database.sources.get(name)
        if source is None:
            raise click.ClickException(f"no source named {name!r} (see `vestnesis feeds list`)")
        if source.origin == "config" and source.enabled:
            raise click.ClickException(
                f"{name!r} is defined in {settings.path()}; remove its [[feeds]] entry there"
            )
        items = len(await app.database.items.list(source=name))
        await app.database.sources.remove(name)
    click.echo(f"Removed {name} and its {items} items.")


@feeds.command("resume")
@click.argument("name")
@pass_settings
@run_async
async def feeds_resume(settings: Settings, name: str) -> None:
    """Resume a source that was paused after failing too often."""
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
    config = settings.config()
    try:
        outlines = read_opml(await asyncio.to_thread(file.read_bytes))
    except OpmlError as error:
        raise click.ClickException(f"{file}: {error}") from None
    added = skipped = 0
    async with open_app(config, SystemClock()) as app:
        for outline in outlines:
            spec = SourceSpec(outline.name, outline.url, outline.language, "opml")
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
    if value.startswith(("http://", "https://")):
        parts = urlsplit(value)
        if not parts.hostname:
            raise click.BadParameter(f"{value!r} is not an http(s) URL", param_hint="URL")
        return value
    path = Path(value.removeprefix("file://")).expanduser()
    if not path.is_file():
        raise click.BadParameter(f"{value!r} is not an http(s) URL or readable path")
    return str(path.resolve())


def _default_name(location: str) -> str:
    if location.startswith(("http://", "https://")):
        host = urlsplit(location).hostname or location
        return host.removeprefix("www.")
    return Path(location).stem


async def _check_feed(app: App, location: str) -> str | None:
    fetched = await app.fetcher.fetch(location)
    if fetched.status == "failed":
        return fetched.error
    parsed = parse_feed(
        fetched.content, base_url=fetched.final_url or location, headers=fetched.headers
    )
    return parsed.error


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
