"""`vestnesis check`: is this installation ready? One finding per part, nothing written.

Every check reaches the real thing once (the SMTP relay with EHLO, STARTTLS and AUTH;
Telegram's getMe; each feed and calendar; the translation backend) and reports in plain
words. Nothing is stored: the database is not opened.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

import aiosmtplib
import httpx

from feeds.fetch import Fetcher, user_agent
from feeds.ics import CalendarError, parse_calendar
from feeds.parse import parse_feed
from feeds.translate.base import TranslationError
from vestnesis.app import fetch_limits
from vestnesis.common.clock import Clock
from vestnesis.config import Config, read_secrets, secrets_path
from vestnesis.mailing.email_list import mail_folder
from vestnesis.mailing.email_list import tls_context as smtp_tls

Status = Literal["ok", "warn", "FAIL", "off"]
MIN_WEB_SECRET = 16


@dataclass(frozen=True)
class Finding:
    """One line of the report: what was checked, how it stands, and why."""

    part: str
    status: Status
    detail: str

    def line(self) -> str:
        """`ok    smtp            127.0.0.1:587, STARTTLS, logged in`"""
        return f"{self.status:<5} {self.part:<22} {self.detail}"


async def check_all(
    config: Config,
    config_file: Path,
    clock: Clock,
    report: Callable[[Finding], None],
    tls_context: ssl.SSLContext | None = None,
) -> list[Finding]:
    """Run every check in order, calling `report` as each finishes; the findings."""
    findings: list[Finding] = []

    def note(finding: Finding) -> None:
        findings.append(finding)
        report(finding)

    note(Finding("config", "ok", f"{config_file} is valid"))
    for finding in local_findings(config, config_file):
        note(finding)
    note(await check_smtp(config, tls_context or smtp_tls(config)))
    note(await check_telegram(config))
    async with Fetcher.open(fetch_limits(config)) as fetcher:
        for feed in config.feeds:
            note(await _guarded(f"feed {feed.name}", check_feed(fetcher, feed.location)))
        for calendar in config.calendars:
            note(
                await _guarded(
                    f"calendar {calendar.name}",
                    check_calendar(fetcher, calendar.location, config, clock),
                )
            )
    note(await check_translation(config))
    return findings


def local_findings(config: Config, config_file: Path) -> list[Finding]:
    """What can be judged without the network: secrets, the public address, files."""
    found: list[Finding] = []
    secrets = secrets_path(config_file)
    if secrets.exists():
        names = ", ".join(read_secrets(secrets)) or "nothing this user may read"
        found.append(Finding("secrets file", "ok", f"{secrets} (mode 600): {names}"))
    web = config.web
    secret = web.secret.get_secret_value() if web.secret else ""
    if not secret:
        found.append(
            Finding(
                "web secret",
                "warn",
                "VESTNESIS_WEB_SECRET is not set: the mailing list and the web pages are off",
            )
        )
    elif len(secret) < MIN_WEB_SECRET:
        found.append(
            Finding(
                "web secret",
                "FAIL",
                f"VESTNESIS_WEB_SECRET has {len(secret)} characters; use at least "
                f"{MIN_WEB_SECRET} random ones (it signs every member's links)",
            )
        )
    else:
        found.append(Finding("web secret", "ok", f"set ({len(secret)} characters)"))
    parts = urlsplit(web.public_url)
    if parts.scheme != "https":
        found.append(
            Finding(
                "web public_url",
                "warn",
                f"{web.public_url} is not https: members' links and the form's cookie travel "
                "unencrypted; serve the pages behind an https proxy and set the https address",
            )
        )
    else:
        found.append(Finding("web public_url", "ok", web.public_url))
    if config.plan.path:
        plan = Path(config.plan.path)
        if plan.is_file():
            found.append(Finding("plan", "ok", str(plan)))
        else:
            found.append(Finding("plan", "FAIL", f"{plan}: no such file"))
    data_dir = config.association.data_dir
    parent = data_dir if data_dir.exists() else data_dir.parent
    if parent.exists() and not _writable(parent):
        found.append(Finding("data_dir", "FAIL", f"{data_dir}: this user cannot write there"))
    else:
        found.append(Finding("data_dir", "ok", str(data_dir)))
    return found


async def check_smtp(config: Config, tls_context: ssl.SSLContext | None = None) -> Finding:
    """Connect to the relay as the sender does: EHLO, STARTTLS or TLS, AUTH; then QUIT."""
    email = config.email
    if not email.sender:
        return Finding("smtp", "off", "email.from is not set: the mailing list is off")
    folder = mail_folder(config)
    if folder is not None:
        return Finding(
            "smtp",
            "warn",
            f'email.transport = "file": messages are written to {folder}, none is sent',
        )
    where = f"{email.smtp_host}:{email.smtp_port}"
    client = aiosmtplib.SMTP(
        hostname=email.smtp_host,
        port=email.smtp_port,
        use_tls=email.security == "tls",
        start_tls=email.security == "starttls",
        timeout=min(email.timeout.total_seconds(), 30),
        tls_context=tls_context,
    )
    steps = [where, {"none": "no encryption", "starttls": "STARTTLS", "tls": "TLS"}[email.security]]
    try:
        await client.connect()
        if email.username:
            password = email.password.get_secret_value() if email.password else ""
            await client.login(email.username.get_secret_value(), password)
            steps.append("logged in")
        else:
            steps.append("no login configured")
        await client.quit()
    except aiosmtplib.SMTPAuthenticationError as error:
        client.close()
        return Finding(
            "smtp", "FAIL", f"{where}: the relay refused the login: {error.code} {error.message}"
        )
    except (aiosmtplib.SMTPException, OSError, TimeoutError) as error:
        client.close()
        return Finding("smtp", "FAIL", f"{where}: {type(error).__name__}: {error}")
    status: Status = "ok" if email.security != "none" else "warn"
    return Finding("smtp", status, ", ".join(steps))


async def check_telegram(config: Config) -> Finding:
    """Ask Telegram who the bot is (getMe)."""
    settings = config.telegram
    if settings.token is None or not settings.token.get_secret_value():
        return Finding("telegram", "off", "no VESTNESIS_TELEGRAM_TOKEN: the bot is off")
    base = (settings.base_url or "https://api.telegram.org").rstrip("/").removesuffix("/bot")
    url = f"{base}/bot{settings.token.get_secret_value()}/getMe"
    try:
        async with httpx.AsyncClient(timeout=20) as client:
            response = await client.get(url)
        body = response.json()
    except (httpx.HTTPError, ValueError) as error:
        # The URL holds the token: name the host only.
        return Finding("telegram", "FAIL", f"{base}: {type(error).__name__}")
    if response.status_code == 401 or not body.get("ok"):
        description = body.get("description", response.reason_phrase)
        return Finding(
            "telegram", "FAIL", f"Telegram refused the token ({response.status_code} {description})"
        )
    return Finding("telegram", "ok", f"@{body['result'].get('username', '?')}")


async def check_feed(fetcher: Fetcher, location: str) -> Finding:
    """Fetch and parse one feed (the name is filled in by the caller)."""
    fetched = await fetcher.fetch(location)
    if fetched.status == "failed":
        return Finding("", "FAIL", f"{location}: {fetched.error}")
    parsed = parse_feed(
        fetched.content, base_url=fetched.final_url or location, headers=fetched.headers
    )
    if parsed.error:
        return Finding("", "FAIL", f"{location}: {parsed.error}")
    return Finding("", "ok", f"{len(parsed.entries)} entries")


async def check_calendar(fetcher: Fetcher, location: str, config: Config, clock: Clock) -> Finding:
    """Fetch and read one calendar."""
    fetched = await fetcher.fetch(location)
    if fetched.status == "failed":
        return Finding("", "FAIL", f"{location}: {fetched.error}")
    now = clock.now()
    try:
        parsed = await asyncio.to_thread(
            parse_calendar,
            fetched.content,
            zone=config.association.zone,
            start=now - timedelta(days=1),
            end=now + config.events.horizon,
        )
    except CalendarError as error:
        return Finding("", "FAIL", f"{location}: {error}")
    return Finding("", "ok", f"{len(parsed.events)} events ahead")


async def check_translation(config: Config) -> Finding:
    """Translate one word through the configured backend."""
    from vestnesis.sources.translation import build_backend

    settings = config.translation
    if settings.backend == "none":
        return Finding(
            "translation",
            "warn",
            "backend none: readers get news from other languages as written, with a note",
        )
    languages = config.association.languages
    source = "en"
    target = next((code for code in languages if code != source), None)
    if target is None:
        return Finding("translation", "ok", f"{settings.backend}: nothing to translate")
    headers = {"User-Agent": user_agent(config.association.website)}
    try:
        async with httpx.AsyncClient(
            timeout=settings.timeout.total_seconds(), headers=headers
        ) as client:
            backend = build_backend(config, client)
            assert backend is not None
            [text] = await backend.translate(["library"], source, target)
    except (TranslationError, httpx.HTTPError, OSError) as error:
        return Finding("translation", "FAIL", f"{settings.backend}: {error}")
    return Finding("translation", "ok", f"{settings.backend}: library → {text} ({target})")


async def _guarded(part: str, check: Awaitable[Finding]) -> Finding:
    try:
        finding = await check
    except Exception as error:  # a check must report, never crash the report
        return Finding(part, "FAIL", f"{type(error).__name__}: {error}")
    return Finding(part, finding.status, finding.detail)


def _writable(folder: Path) -> bool:
    import os

    return os.access(folder, os.W_OK)
