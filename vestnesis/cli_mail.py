"""`vestnesis subscribers …`, `digest send` and `outbox …`: the mailing list by hand."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import sys
from pathlib import Path

import click

from storage import Subscriber
from vestnesis.app import App, open_app
from vestnesis.cli_support import (
    Settings,
    emit_json,
    json_option,
    now_option,
    parse_now,
    pass_settings,
    run_async,
)
from vestnesis.mailing import (
    MailingError,
    email_delivery,
    enqueue_digest,
    member_data,
    normalise_address,
    subscribe,
)
from vestnesis.progress import progress

CSV_COLUMNS = ("email", "name", "language")


@click.group()
def subscribers() -> None:
    """The mailing list's members."""


@subscribers.command("add")
@click.argument("email")
@click.option("--name", help="The member's name.")
@click.option("--lang", "language", help="lv, en or lt (default: the association's first).")
@click.option("--confirmed", is_flag=True, help="Consent already held: skip the confirmation.")
@pass_settings
@run_async
async def add(
    settings: Settings, email: str, name: str | None, language: str | None, confirmed: bool
) -> None:
    """Add a member; without --confirmed they get a confirmation email first."""
    config = settings.config()
    language = _language(config.association.languages, language)
    async with _app(settings) as app:
        if confirmed:
            address = _address(email)
            subscriber, created = await app.database.subscribers.add(
                address,
                name=name,
                language=language,
                source="cli",
                confirmed=True,
                now=app.clock.now(),
            )
            if not created and subscriber.status != "confirmed":
                await app.database.subscribers.confirm(subscriber.id, app.clock.now())
            click.echo(f"{address}: {'added' if created else 'already listed'}, confirmed.")
            return
        result = await _guard(subscribe(app, email, language=language, source="cli", name=name))
        messages = {
            "sent": "confirmation email queued; it goes out with the next send",
            "confirmed": "already a confirmed member",
            "limited": "too many confirmation requests for this address; try again later",
            "invalid": f"not a valid address: {result.detail}",
        }
        click.echo(f"{result.email}: {messages[result.status]}.")
        if result.status == "invalid":
            raise SystemExit(1)
        if result.status == "sent":
            await _drain(app, quiet=True)


@subscribers.command("list")
@click.option("--status", type=click.Choice(["pending", "confirmed", "unsubscribed", "bounced"]))
@json_option
@pass_settings
@run_async
async def list_(settings: Settings, status: str | None, as_json: bool) -> None:
    """Members and their state."""
    async with _reader(settings) as app:
        members = await app.database.subscribers.list(status)
    for member in members:
        if as_json:
            keys = ("email", "name", "language", "status", "weekly", "source")
            emit_json({key: getattr(member, key) for key in keys})
        else:
            weekly = "weekly" if member.weekly else "no digest"
            line = f"{member.email}  {member.status}  {member.language}  {weekly}"
            click.echo(f"{line}  {member.name}" if member.name else line)
    if not members and not as_json:
        click.echo("No members yet.", err=True)


@subscribers.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--confirmed", is_flag=True, help="The association already holds consent for this list."
)
@click.option("--lang", "default_language", help="Language for rows without one.")
@pass_settings
@run_async
async def import_(
    settings: Settings, file: Path, confirmed: bool, default_language: str | None
) -> None:
    """Import members from a CSV with columns email, name, language."""
    config = settings.config()
    languages = config.association.languages
    fallback = _language(languages, default_language)
    text = await asyncio.to_thread(file.read_text, "utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    if rows and "email" not in (rows[0].keys() if rows else ()):
        raise click.ClickException(
            f"{file}: the first line must name the columns: email,name,language"
        )
    added = existing = 0
    problems: list[str] = []
    async with _app(settings) as app:
        for line, row in enumerate(rows, start=2):
            raw = (row.get("email") or "").strip()
            language = (row.get("language") or "").strip().lower() or fallback
            if language not in languages:
                problems.append(
                    f"line {line}: language {language!r} is not one of {', '.join(languages)}"
                )
                continue
            try:
                address = normalise_address(raw)
            except ValueError as error:
                problems.append(f"line {line}: {raw or '(empty)'}: {error}")
                continue
            name = (row.get("name") or "").strip() or None
            if confirmed:
                _, created = await app.database.subscribers.add(
                    address,
                    name=name,
                    language=language,
                    source="import",
                    confirmed=True,
                    now=app.clock.now(),
                )
            else:
                before = await app.database.subscribers.by_email(address)
                await _guard(subscribe(app, address, language=language, source="import", name=name))
                created = before is None
            added += created
            existing += not created
        if added and not confirmed:
            await _drain(app, quiet=True)
    for problem in problems:
        click.echo(problem, err=True)
    state = "confirmed" if confirmed else "pending confirmation"
    click.echo(
        f"Imported {added} new members ({state}); {existing} already listed; "
        f"{len(problems)} rows rejected."
    )


@subscribers.command("export")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path), required=False)
@pass_settings
@run_async
async def export(settings: Settings, file: Path | None) -> None:
    """Write confirmed members as CSV (email, name, language) to FILE or standard output."""
    async with _reader(settings) as app:
        members = await app.database.subscribers.list("confirmed")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows((m.email, m.name or "", m.language) for m in members)
    if file is None:
        sys.stdout.write(out.getvalue())
    else:
        await asyncio.to_thread(file.write_text, out.getvalue(), "utf-8")
        click.echo(f"Wrote {len(members)} members to {file}.")


@subscribers.command("remove")
@click.argument("email")
@pass_settings
@run_async
async def remove(settings: Settings, email: str) -> None:
    """Erase a member and everything stored about them (a privacy request)."""
    async with _app(settings) as app:
        member = await _member(app, email)
        await app.database.subscribers.delete(member.id)
    click.echo(f"Erased {member.email} and their delivery history.")


@subscribers.command("show")
@click.argument("email")
@pass_settings
@run_async
async def show(settings: Settings, email: str) -> None:
    """Everything stored about one member, as JSON (a privacy export)."""
    async with _reader(settings) as app:
        member = await _member(app, email)
        click.echo(json.dumps(await member_data(app, member), ensure_ascii=False, indent=2))


@click.command("send")
@click.option("--dry-run", is_flag=True, help="Say what would be sent; send nothing.")
@now_option
@pass_settings
@run_async
async def send(settings: Settings, dry_run: bool, now: str | None) -> None:
    """Send the digest due now (the period before --now) to the mailing list, once."""
    config = settings.config()
    async with open_app(config, parse_now(now, config)) as app:
        if dry_run:
            counts = {
                lang: len(await app.database.subscribers.digest_recipients(lang))
                for lang in config.association.languages
            }
            summary = ", ".join(f"{lang}: {n}" for lang, n in counts.items())
            click.echo(f"Would send to {sum(counts.values())} members ({summary}). Nothing sent.")
            return
        report = await _guard(enqueue_digest(app, app.clock.now()))
        if report.decision == "wait":
            click.echo("The board holds this digest (or has not approved it): nothing sent.")
            return
        if report.empty:
            click.echo("Nothing new for this period: no digest.")
            return
        if report.already and not report.by_language:
            click.echo("This period's digest was sent before; finishing any deliveries left.")
        else:
            summary = ", ".join(f"{lang}: {n}" for lang, n in report.by_language.items())
            click.echo(f"Digest queued for {sum(report.by_language.values())} members ({summary}).")
        await _drain(app, quiet=False)


@click.group()
def outbox() -> None:
    """Deliveries waiting, sent and failed."""


@outbox.command("status")
@json_option
@pass_settings
@run_async
async def status(settings: Settings, as_json: bool) -> None:
    """Counts per channel, message and state; whether a sender is paused."""
    async with _reader(settings) as app:
        counts = await app.database.outbox.status()
        _, paused_until, reason = await app.database.outbox.errors("email")
    for (channel, message, state), count in counts.items():
        if as_json:
            emit_json({"channel": channel, "message": message, "status": state, "count": count})
        else:
            click.echo(f"{channel}  {message}  {state}: {count}")
    if paused_until and not as_json:
        click.echo(f"email sending paused until {paused_until}: {reason}")
    if not counts and not as_json:
        click.echo("The outbox is empty.")


@outbox.command("retry")
@pass_settings
@run_async
async def retry(settings: Settings) -> None:
    """Give failed deliveries another chance, lift a pause, and send now."""
    async with _app(settings) as app:
        count = await app.database.outbox.requeue_failed("email", app.clock.now())
        await app.database.outbox.set_errors("email", 0, None, None)
        click.echo(f"{count} failed deliveries queued again.")
        await _drain(app, quiet=False)


def _app(settings: Settings):  # type: ignore[no-untyped-def]
    from vestnesis.clock import SystemClock

    return open_app(settings.config(), SystemClock())


def _reader(settings: Settings):  # type: ignore[no-untyped-def]
    """The app for a command that only reads: the database opened read-only."""
    from vestnesis.clock import SystemClock

    return open_app(settings.config(), SystemClock(), writes=False)


async def _drain(app: App, *, quiet: bool) -> None:
    delivery = await _guard_value(lambda: email_delivery(app))
    total = await app.database.outbox.pending_count("email")
    with progress("Sending", total, enabled=None if not quiet else False) as tick:
        report = await delivery.drain(on_progress=lambda _: tick())
    if (not quiet or report.failed or report.paused) and not report.busy:
        bounced = f"; {report.bounced} bounced" if report.bounced else ""
        click.echo(
            f"Sent {report.sent}; {report.retried} to retry later; {report.failed} failed{bounced}."
        )
    if report.busy:
        click.echo("The running service is sending the outbox; it will send these too.")
        return
    if report.paused:
        click.echo(
            f"Sending paused: {report.paused}. Resume with `vestnesis outbox retry`.", err=True
        )


async def _guard(awaitable):  # type: ignore[no-untyped-def]
    try:
        return await awaitable
    except MailingError as error:
        raise click.ClickException(str(error)) from None


async def _guard_value(build):  # type: ignore[no-untyped-def]
    try:
        return build()
    except MailingError as error:
        raise click.ClickException(str(error)) from None


async def _member(app: App, email: str) -> Subscriber:
    member = await app.database.subscribers.by_email(email)
    if member is None:
        raise click.ClickException(f"no member with the address {email}")
    return member


def _language(languages: list[str], wanted: str | None) -> str:
    if wanted is None:
        return languages[0]
    if wanted not in languages:
        raise click.BadParameter(
            f"{wanted!r} is not one of {', '.join(languages)}", param_hint="--lang"
        )
    return wanted


def _address(raw: str) -> str:
    try:
        return normalise_address(raw)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="EMAIL") from None
