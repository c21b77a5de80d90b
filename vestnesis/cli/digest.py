"""`vestnesis digest …`: preview the digest, and the board's review of drafts."""

from __future__ import annotations

import getpass
import os
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from vestnesis.cli.support import Settings, now_option, parse_now, pass_settings, run_async

if TYPE_CHECKING:
    from vestnesis.app import App
    from vestnesis.config import Config
    from vestnesis.digest.compose import ItemFilter
    from vestnesis.digest.views import DigestView

# The renderers (Jinja2, css_inline), the app and the digest logic are imported in the commands
# that use them: `--help` answers at once.


@click.group()
def digest() -> None:
    """The weekly digest: preview it, send it, and review drafts."""


@digest.command("preview")
@click.option("--lang", "language", help="Reader's language (default: the association's first).")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "html", "telegram"]),
    default="text",
    show_default=True,
)
@click.option(
    "--for",
    "destination",
    default="email",
    show_default=True,
    help="Whose filter to apply: 'email' or 'telegram:CHAT_ID'.",
)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE.")
@click.option("--open", "open_browser", is_flag=True, help="Write the HTML and open a browser.")
@click.option(
    "--next",
    "coming",
    is_flag=True,
    help="The coming digest (next weekly send time), from the news so far.",
)
@now_option
@pass_settings
@run_async
async def preview(
    settings: Settings,
    language: str | None,
    output_format: str,
    destination: str,
    out: Path | None,
    open_browser: bool,
    coming: bool,
    now: str | None,
) -> None:
    """Show the digest due at --now (the latest weekly send time), as a reader sees it, and
    say what `digest send` would do with it; --next shows the coming one instead."""
    import asyncio

    from vestnesis.app import open_app
    from vestnesis.cli.mail import dry_run_line
    from vestnesis.digest.weekly import decide, due_send_time, next_send_time, prepare, view_for
    from vestnesis.wiring.calendars import calendars_read
    from vestnesis.wiring.parts import digest_parts

    config = settings.config()
    language = language or config.association.default_language
    if language not in config.association.languages:
        choices = ", ".join(config.association.languages)
        raise click.BadParameter(f"{language!r} is not one of {choices}", param_hint="--lang")
    item_filter = _destination_filter(config, destination)
    # Only reads, unless a translation backend is on (what it translates is paid for once)
    # or a configured calendar changed (its events belong in the digest).
    clock = parse_now(now, config)
    if config.translation.backend != "none":
        opened = open_app(config, clock)
    else:
        opened = calendars_read(config, clock)
    async with opened as app:
        parts = digest_parts(app)
        moment = app.clock.now()
        timing = parts.settings
        send_time = next_send_time(timing, moment) if coming else due_send_time(timing, moment)
        decision = await decide(parts, send_time)
        if coming:
            when = send_time.astimezone(config.association.zone)
            status = (
                f"The next digest goes out {when:%a %d %b %Y %H:%M}; this is it with the "
                "news so far."
            )
        else:
            status = f"`digest send` now: {await dry_run_line(app, decision)}"
        prepared = await prepare(parts, send_time, item_filter)
        if prepared.digest is None:
            zone = config.association.zone
            period = prepared.period
            click.echo(
                f"Nothing new between {period.start.astimezone(zone):%Y-%m-%d %H:%M} and "
                f"{period.end.astimezone(zone):%Y-%m-%d %H:%M}: no digest.",
                err=True,
            )
            click.echo(status, err=True)
            return
        view = await view_for(parts, prepared.digest, language)
    click.echo(status, err=True)
    if open_browser:
        output_format = "html"
    document = _render(view, output_format)
    if open_browser and out is None:
        import tempfile  # here: every command's start imports this module (issue 18)

        descriptor, name = tempfile.mkstemp(suffix=".html", prefix="vestnesis-digest-")
        os.close(descriptor)
        out = Path(name)
    if out is not None:
        await asyncio.to_thread(out.write_text, document, "utf-8")
        click.echo(f"Wrote the {language} digest ({output_format}) to {out}.", err=True)
        if open_browser:
            _open(out)
    else:
        click.echo(document)


@digest.command("draft")
@now_option
@pass_settings
@run_async
async def draft(settings: Settings, now: str | None) -> None:
    """Prepare the coming weekly digest (at --now if that is a send time) as a draft for the
    board to approve or hold."""
    from vestnesis.app import open_app
    from vestnesis.digest.weekly import make_draft
    from vestnesis.wiring.parts import digest_parts

    config = settings.config()
    async with open_app(config, parse_now(now, config)) as app:
        record = await make_draft(digest_parts(app), _coming(app))
        if record is None:
            click.echo("Nothing new for this period: no draft.")
            return
        click.echo(_describe_record(app, record.period_end, record.status, len(record.item_ids)))


@digest.command("approve")
@now_option
@pass_settings
@run_async
async def approve(settings: Settings, now: str | None) -> None:
    """Approve the draft of the coming digest (with --now), or the latest draft."""
    await _decide(settings, now, "approved")


@digest.command("hold")
@now_option
@pass_settings
@run_async
async def hold(settings: Settings, now: str | None) -> None:
    """Hold the draft of the coming digest (with --now), or the latest draft."""
    await _decide(settings, now, "held")


async def _decide(settings: Settings, now: str | None, status: str) -> None:
    from vestnesis.app import open_app
    from vestnesis.digest.weekly import DigestSettings, period_for

    config = settings.config()
    async with open_app(config, parse_now(now, config)) as app:
        if now:
            record = await app.database.digests.for_period(
                period_for(DigestSettings.from_config(config), _coming(app)).end
            )
        else:
            record = await app.database.digests.latest()
        if record is None or record.status == "sent":
            raise click.ClickException("no draft waiting for a decision (see `digest draft`)")
        who = f"cli:{getpass.getuser()}"
        await app.database.digests.decide(record.id, status, who, app.clock.now())
        click.echo(_describe_record(app, record.period_end, status, len(record.item_ids)))


def _coming(app: App) -> datetime:
    """The weekly send a draft is for: the one at --now if it is a send time, else the next
    (a draft for any other moment would never go out)."""
    from vestnesis.digest.weekly import DigestSettings, due_send_time, next_send_time

    timing = DigestSettings.from_config(app.config)
    now = app.clock.now()
    due = due_send_time(timing, now)
    return due if due == now else next_send_time(timing, now)


def _describe_record(app: App, period_end: datetime, status: str, count: int) -> str:
    when = period_end.astimezone(app.config.association.zone)
    return f"Digest for {when:%Y-%m-%d %H:%M}: {status}, {count} items."


def _destination_filter(config: Config, destination: str) -> ItemFilter | None:
    from vestnesis.digest.compose import ItemFilter

    if destination == "email":
        return ItemFilter.from_config(config.email.filter)
    if destination.startswith("telegram:"):
        chat = destination.removeprefix("telegram:")
        for entry in config.telegram.chats:
            if str(entry.id) == chat:
                return ItemFilter.from_config(entry.filter)
        raise click.BadParameter(f"no telegram.chats entry with id {chat}", param_hint="--for")
    raise click.BadParameter("use 'email' or 'telegram:CHAT_ID'", param_hint="--for")


def _render(view: DigestView, output_format: str) -> str:
    from bot.render import render_digest, telegram_length, visible_text
    from mailer.render import EmailRenderer

    if output_format == "telegram":
        messages = render_digest(view)
        parts = []
        for number, message in enumerate(messages, start=1):
            size = telegram_length(visible_text(message.html))
            parts.append(f"--- message {number}/{len(messages)}, {size} characters ---")
            parts.append(message.html)
        return "\n".join(parts)
    content = EmailRenderer().render(view)
    if output_format == "html":
        return content.html
    return f"Subject: {content.subject}\n\n{content.text}"


def _open(path: Path) -> None:
    import webbrowser

    try:
        browser = webbrowser.get()
    except webbrowser.Error:
        click.echo("No browser found here; open the file yourself.", err=True)
        return
    browser.open(path.resolve().as_uri())
