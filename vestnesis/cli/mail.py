"""`vestnesis subscribers …`, `digest send` and `outbox …`: the mailing list by hand."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from vestnesis.cli.support import (
    Settings,
    emit_json,
    json_option,
    now_option,
    parse_now,
    pass_settings,
    run_async,
)

if TYPE_CHECKING:
    from storage import Subscriber
    from vestnesis.app import App
    from vestnesis.digest.weekly import Decision

T = TypeVar("T")
CSV_COLUMNS = ("email", "name", "language")
STATES = ("confirmed", "pending", "unsubscribed", "bounced")


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
    from mailer.headers import clean_name
    from vestnesis.mailing.email_list import subscribe
    from vestnesis.wiring.parts import mailing_parts

    config = settings.config()
    language = _language(config.association.languages, language)
    async with _app(settings) as app:
        if confirmed:
            address = _address(email)
            subscriber, created = await app.database.subscribers.add(
                address,
                name=clean_name(name),
                language=language,
                source="cli",
                confirmed=True,
                now=app.clock.now(),
            )
            if not created and subscriber.status != "confirmed":
                await app.database.subscribers.confirm(subscriber.id, app.clock.now())
            click.echo(f"{address}: {'added' if created else 'already listed'}, confirmed.")
            await _resume(app)
            return
        result = await _guard(
            subscribe(mailing_parts(app), email, language=language, source="cli", name=name)
        )
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
        else:
            await _resume(app)


@subscribers.command("list")
@click.option("--status", type=click.Choice(["pending", "confirmed", "unsubscribed", "bounced"]))
@json_option
@pass_settings
@run_async
async def list_(settings: Settings, status: str | None, as_json: bool) -> None:
    """Members and their state, with a header and the counts per state."""
    async with _reader(settings) as app:
        members = await app.database.subscribers.list(status)
    if as_json:
        for member in members:
            keys = ("email", "name", "language", "status", "weekly", "source")
            emit_json({key: getattr(member, key) for key in keys})
        return
    if not members:
        click.echo("No members with that status." if status else "No members yet.", err=True)
        return
    width = max(len("EMAIL"), *(len(m.email) for m in members))
    click.echo(f"{'EMAIL':<{width}}  {'STATUS':<12}  LANG  {'DIGEST':<6}  NAME")
    for member in members:
        weekly = "weekly" if member.weekly else "off"
        line = f"{member.email:<{width}}  {member.status:<12}  {member.language:<4}  {weekly:<6}"
        click.echo(f"{line}  {member.name or ''}".rstrip())
    counts = {state: sum(m.status == state for m in members) for state in STATES}
    shown = ", ".join(f"{n:,} {state}" for state, n in counts.items() if n or not status)
    click.echo(f"{len(members):,} {'member' if len(members) == 1 else 'members'}: {shown}.")


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
    import asyncio

    from mailer.headers import clean_name
    from vestnesis.cli.member_csv import MemberFileError, read_members
    from vestnesis.cli.spreadsheet import uncell
    from vestnesis.mailing.email_list import normalise_address, subscribe
    from vestnesis.wiring.parts import mailing_parts

    config = settings.config()
    languages = config.association.languages
    fallback = _language(languages, default_language)
    data = await asyncio.to_thread(file.read_bytes)
    try:
        table = read_members(data, languages)
    except MemberFileError as error:
        raise click.ClickException(f"{file}: {error}") from None
    added = existing = 0
    problems: list[str] = list(table.problems)
    async with _app(settings) as app:
        for row in table.rows:
            line, raw = row.line, uncell(row.email)
            language = row.language or fallback
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
            name = clean_name(uncell(row.name or ""))
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
                await _guard(
                    subscribe(
                        mailing_parts(app), address, language=language, source="import", name=name
                    )
                )
                created = before is None
            added += created
            existing += not created
        if added and not confirmed:
            await _drain(app, quiet=True)
        else:
            await _resume(app)
    problems.sort(key=lambda problem: int(problem.split(":")[0].removeprefix("line ")))
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
    import asyncio
    import csv

    from vestnesis.cli.spreadsheet import cell

    async with _reader(settings) as app:
        members = await app.database.subscribers.list("confirmed")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows((cell(m.email), cell(m.name or ""), cell(m.language)) for m in members)
    if file is None:
        sys.stdout.write(out.getvalue())
    else:
        await asyncio.to_thread(file.write_text, out.getvalue(), "utf-8")
        click.echo(f"Wrote {len(members)} members to {file}.")


@subscribers.command("unsubscribe")
@click.argument("email")
@pass_settings
@run_async
async def unsubscribe_(settings: Settings, email: str) -> None:
    """Stop all mail to a member at once; their history is kept (`remove` erases it)."""
    async with _app(settings) as app:
        member = await _member(app, email)
        changed = await app.database.subscribers.unsubscribe(member.id, app.clock.now())
    if changed:
        click.echo(f"{member.email}: unsubscribed; nothing more is sent. Their history is kept.")
    else:
        click.echo(f"{member.email} was already {member.status}; nothing changed.")


@subscribers.command("remove")
@click.argument("email")
@click.option("--yes", is_flag=True, help="Do not ask first.")
@pass_settings
@run_async
async def remove(settings: Settings, email: str, yes: bool) -> None:
    """Erase a member and everything stored about them (a privacy request); asks first."""
    async with _app(settings) as app:
        member = await _member(app, email)
        if not yes:
            click.confirm(
                f"Erase {member.email} and their delivery history? This cannot be undone "
                "(`subscribers unsubscribe` only stops the mail).",
                abort=True,
            )
        await app.database.subscribers.delete(member.id)
    click.echo(f"Erased {member.email} and their delivery history.")


@subscribers.command("show")
@click.argument("email")
@pass_settings
@run_async
async def show(settings: Settings, email: str) -> None:
    """Everything stored about one member, as JSON (a privacy export)."""
    from vestnesis.mailing.email_list import member_data
    from vestnesis.wiring.parts import mailing_parts

    async with _reader(settings) as app:
        member = await _member(app, email)
        click.echo(
            json.dumps(await member_data(mailing_parts(app), member), ensure_ascii=False, indent=2)
        )


@click.command("send")
@click.option("--dry-run", is_flag=True, help="Say what a send would do now; send nothing.")
@now_option
@pass_settings
@run_async
async def send(settings: Settings, dry_run: bool, now: str | None) -> None:
    """Send the digest due now to the mailing list, once: the period ending at the latest
    weekly send time at or before --now, decided as the service decides it."""
    from vestnesis.app import open_app
    from vestnesis.digest.weekly import decide, due_send_time
    from vestnesis.mailing.email_list import enqueue_digest
    from vestnesis.wiring.parts import digest_parts, email_delivery, mailing_parts

    config = settings.config()
    async with open_app(config, parse_now(now, config)) as app:
        await _guard_value(lambda: email_delivery(app))  # mail must be able to go out at all
        parts = digest_parts(app)
        decision = await decide(parts, due_send_time(parts.settings, app.clock.now()))
        if dry_run:
            click.echo(await dry_run_line(app, decision))
            return
        report = await _guard(enqueue_digest(mailing_parts(app), decision.period.end, decision))
        if decision.action == "send":
            if report.by_language:
                summary = ", ".join(f"{lang}: {n}" for lang, n in report.by_language.items())
                total = sum(report.by_language.values())
                click.echo(
                    f"Digest for {_week(app, decision)} queued for {total} "
                    f"{'member' if total == 1 else 'members'} ({summary})."
                )
            else:
                click.echo(
                    f"Digest for {_week(app, decision)} marked sent: it has nothing for the "
                    "mailing list (no members, or email.filter leaves no item)."
                )
        else:
            click.echo(await decision_line(app, decision))
        if decision.action in ("send", "done"):
            await _drain(app, quiet=False)
        else:  # nothing new, but deliveries a crash left pending still go out
            await _resume(app, quiet=False)


async def dry_run_line(app: App, decision: Decision) -> str:
    """What `digest send` would do now, in the words the real send uses."""
    from vestnesis.mailing.email_list import email_digest, email_recipients
    from vestnesis.wiring.parts import mailing_parts

    if decision.action != "send":
        return f"{await decision_line(app, decision)} (dry run: nothing sent.)"
    mailing = mailing_parts(app)
    counts = await email_recipients(mailing, decision.period.end)
    if await email_digest(mailing, decision.prepared) is None:
        counts = {}
    every = {lang: counts.get(lang, 0) for lang in app.config.association.languages}
    summary = ", ".join(f"{lang}: {n}" for lang, n in every.items())
    return (
        f"Would send the digest for {_week(app, decision)} to {sum(counts.values())} members "
        f"({summary}). Nothing sent."
    )


async def decision_line(app: App, decision: Decision) -> str:
    """One sentence for a decision that sends nothing new (the same for the dry run)."""
    week = _week(app, decision)
    if decision.action == "done":
        counts = await app.database.outbox.counts_for("digest", decision.period.end.isoformat())
        left = sum(
            n
            for (channel, state), n in counts.items()
            if channel == "email" and state in ("pending", "sending")
        )
        return (
            f"The digest for {week} went out {_when(app, decision.since)}; "
            f"{left} {'delivery' if left == 1 else 'deliveries'} left to send."
        )
    if decision.reason == "decided-empty":
        return (
            f"Nothing new for {week} when it was decided {_when(app, decision.since)}: no digest."
        )
    if decision.reason == "empty":
        return f"Nothing new for {week}: no digest."
    if decision.reason == "held":
        return f"The board holds the digest for {week}: nothing sent."
    return (
        f"The digest for {week} waits for the board's approval "
        '(digest.unreviewed = "hold"): nothing sent.'
    )


def _week(app: App, decision: Decision) -> str:
    end = decision.period.end.astimezone(app.config.association.zone)
    return f"the week to {end:%a %d %b %Y %H:%M}"


def _when(app: App, moment: datetime | None) -> str:
    if moment is None:
        return "before"
    return f"{moment.astimezone(app.config.association.zone):%a %d %b %Y %H:%M}"


@click.group()
def outbox() -> None:
    """Deliveries waiting, sent and failed."""


@outbox.command("status")
@json_option
@pass_settings
@run_async
async def status(settings: Settings, as_json: bool) -> None:
    """What was sent, in words: the last digest and the other mail per channel, and whether
    a sender is paused. (--json: the raw counts per channel, message and state.)"""
    async with _reader(settings) as app:
        counts = await app.database.outbox.status()
        pauses = {
            name: await app.database.outbox.errors(channel)
            for channel, name in (("email", "Email"), ("telegram", "Telegram"))
        }
        zone = app.config.association.zone
        now = app.clock.now()
    if as_json:
        for (channel, message, state), count in counts.items():
            emit_json({"channel": channel, "message": message, "status": state, "count": count})
        return
    for line in outbox_lines(counts, zone):
        click.echo(line)
    for name, (_, paused_until, reason) in pauses.items():
        if paused_until and datetime.fromisoformat(paused_until) > now:
            when = datetime.fromisoformat(paused_until).astimezone(zone)
            click.echo(f"{name} sending is paused until {when:%a %d %b %H:%M}: {reason}")
    if not counts:
        click.echo("Nothing has been sent yet; the outbox is empty.")


KIND_NAMES = {
    "confirm": "confirmation mails",
    "announcement": "announcements",
    "reminder": "event reminders",
    "news": "news as it arrives",
}


def outbox_lines(counts: dict[tuple[str, str, str], int], zone: Any) -> list[str]:
    """`email  last digest 23 Nov: 4,812 sent, 3 failed, 0 pending`, then the other kinds."""
    by: dict[tuple[str, str, str], dict[str, int]] = {}
    for (channel, message, state), count in counts.items():
        kind, _, key = message.partition(" ")
        if kind == "digest":
            key = key.split("#", 1)[0]  # a chat's own digest (PERIOD_END#CHAT) counts in its week
        tally = by.setdefault((channel, kind, key), {"sent": 0, "failed": 0, "pending": 0})
        tally["pending" if state in ("pending", "sending") else state] += count
    lines = []
    for channel in sorted({c for c, _, _ in by}):
        digests = sorted(k for c, kind, k in by if c == channel and kind == "digest")
        if digests:
            last = digests[-1]
            when = _key_time(last, zone)
            lines.append(
                f"{channel:<9} last digest {when}: {_tally(by[(channel, 'digest', last)])}"
            )
        kinds = sorted({kind for c, kind, _ in by if c == channel and kind != "digest"})
        for kind in kinds:
            total = {"sent": 0, "failed": 0, "pending": 0}
            for (c, k, _key), tally in by.items():
                if c == channel and k == kind:
                    for state, n in tally.items():
                        total[state] += n
            lines.append(f"{channel:<9} {KIND_NAMES.get(kind, kind)}: {_tally(total)}")
    return lines


def _tally(tally: dict[str, int]) -> str:
    return f"{tally['sent']:,} sent, {tally['failed']:,} failed, {tally['pending']:,} pending"


def _key_time(key: str, zone: Any) -> str:
    try:
        return f"{datetime.fromisoformat(key).astimezone(zone):%d %b %Y}"
    except ValueError:
        return key


@outbox.command("retry")
@pass_settings
@run_async
async def retry(settings: Settings) -> None:
    """Give failed deliveries another chance, lift a pause, and send now (email here;
    Telegram by the running service, which reads the lifted pause at its next send)."""
    from vestnesis.wiring.parts import email_delivery

    async with _app(settings) as app:
        await _guard_value(lambda: email_delivery(app))  # before changing anything
        now = app.clock.now()
        count = await app.database.outbox.requeue_failed("email", now)
        await app.database.outbox.set_errors("email", 0, None, None)
        chats = await app.database.outbox.requeue_failed("telegram", now)
        await app.database.outbox.set_errors("telegram", 0, None, None)
        click.echo(f"{count} failed deliveries queued again.")
        if chats:
            click.echo(f"{chats} failed Telegram messages queued again; the service sends them.")
        await _drain(app, quiet=False)


def _app(settings: Settings) -> AbstractAsyncContextManager[App]:
    from vestnesis.app import open_app
    from vestnesis.common.clock import SystemClock

    return open_app(settings.config(), SystemClock())


async def _resume(app: App, *, quiet: bool = True) -> None:
    """Send deliveries left pending (by a crash, a pause or an outage), if there are any."""
    if await app.database.outbox.pending_count("email"):
        if not quiet:
            click.echo("Finishing deliveries left from before.")
        await _drain(app, quiet=quiet)


def _reader(settings: Settings) -> AbstractAsyncContextManager[App]:
    """The app for a command that only reads: the database opened read-only."""
    from vestnesis.app import open_app
    from vestnesis.common.clock import SystemClock

    return open_app(settings.config(), SystemClock(), writes=False)


async def _drain(app: App, *, quiet: bool) -> None:
    from vestnesis.cli.progress import progress
    from vestnesis.wiring.parts import email_delivery

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


async def _guard(awaitable: Awaitable[T]) -> T:
    from vestnesis.mailing.email_list import MailingError

    try:
        return await awaitable
    except MailingError as error:
        raise click.ClickException(str(error)) from None


async def _guard_value(build: Callable[[], T]) -> T:
    from vestnesis.mailing.email_list import MailingError

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
    from vestnesis.mailing.email_list import normalise_address

    try:
        return normalise_address(raw)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="EMAIL") from None
