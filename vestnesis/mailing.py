"""The mailing list: double opt-in, one-click unsubscribe, preferences, and the digest by mail."""

from __future__ import annotations

import logging
import uuid
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import getaddresses
from pathlib import Path
from typing import Any

from email_validator import EmailNotValidError, validate_email

from mailer.build import (
    CONFIRM,
    PREFERENCES,
    UNSUBSCRIBE,
    Identity,
    Links,
    Template,
    build_template,
)
from mailer.delivery import CHANNEL, DeliveryPolicy, EmailDelivery, Personalise
from mailer.render import EmailRenderer
from mailer.render import Links as PageLinks
from mailer.smtp import SmtpSettings
from mailer.tokens import Tokens
from storage import Delivery, DigestRecord, OutboxMessage, Recipient, Subscriber
from vestnesis.app import App
from vestnesis.config import Config
from vestnesis.digest import ItemFilter
from vestnesis.digests import prepare, send_decision, view_for
from vestnesis.i18n import presentation
from vestnesis.logs import fields
from vestnesis.wording import confirmation_view

log = logging.getLogger("vestnesis.mailing")
# Two confirmation mails for one address at least this far apart.
REQUEST_SPACING = timedelta(minutes=5)


class MailingError(Exception):
    """The mailing list cannot work as configured; the message says what to set."""


@dataclass(frozen=True)
class SubscribeResult:
    """What a subscribe request did: 'sent', 'confirmed' (already), 'limited' or 'invalid'."""

    status: str
    email: str
    detail: str = ""


@dataclass
class EnqueueReport:
    """What enqueueing a digest did."""

    period_end: datetime | None = None
    decision: str = "send"
    by_language: dict[str, int] = field(default_factory=dict)
    already: bool = False
    empty: bool = False


def normalise_address(raw: str) -> str:
    """A syntactically valid address, lower-cased; raises ValueError with the reason."""
    try:
        result = validate_email(raw.strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise ValueError(str(error)) from None
    return result.normalized.lower()


def tokens(app: App) -> Tokens:
    """The link signer; the web secret must be set."""
    secret = app.config.web.secret
    if secret is None or not secret.get_secret_value():
        raise MailingError("set VESTNESIS_WEB_SECRET: it signs confirm and unsubscribe links")
    return Tokens(secret.get_secret_value(), app.clock.now)


def identity(config: Config) -> Identity:
    """The list's sender identity from `[email]`."""
    email = config.email
    if not email.sender:
        raise MailingError("set email.from, e.g. from = 'LBB <info@bibliotekari.lv>'")
    domain = getaddresses([email.sender])[0][1].rpartition("@")[2]
    short = config.association.short_name or config.association.name
    return Identity(
        sender=email.sender,
        reply_to=email.reply_to,
        list_id=email.list_id or f"{short} <digest.{domain}>",
        archive_url=f"{config.web.public_url}/archive",
    )


async def subscribe(
    app: App, raw_email: str, *, language: str, source: str, name: str | None = None
) -> SubscribeResult:
    """Start double opt-in for an address (from the web, the bot, or the command line)."""
    try:
        email = normalise_address(raw_email)
    except ValueError as error:
        return SubscribeResult("invalid", raw_email, str(error))
    if language not in app.config.association.languages:
        language = app.config.association.default_language
    now = app.clock.now()
    subscriber, _ = await app.database.subscribers.add(
        email, name=name, language=language, source=source, confirmed=False, now=now
    )
    if subscriber.status == "confirmed":
        return SubscribeResult("confirmed", email)
    if subscriber.status in ("unsubscribed", "bounced"):
        await app.database.subscribers.resubscribe(subscriber.id, language, now)
    if _limited(app, subscriber, now):
        log.warning("confirmation request refused: too many", **fields(subscriber=subscriber.id))
        return SubscribeResult("limited", email)
    await app.database.subscribers.note_request(subscriber.id, now)
    await _enqueue_confirmation(app, subscriber, language, now)
    return SubscribeResult("sent", email)


def _limited(app: App, subscriber: Subscriber, now: datetime) -> bool:
    last = subscriber.last_request_at
    if last is None:
        return False
    if now - last < REQUEST_SPACING:
        return True
    # The counter covers a rolling day from the first request of the run.
    per_day = app.config.email.confirm_requests_per_day
    return now - last < timedelta(days=1) and subscriber.confirm_requests >= per_day


async def _enqueue_confirmation(
    app: App, subscriber: Subscriber, language: str, now: datetime
) -> None:
    reader = presentation(app.config, language, app.catalogs)
    content = EmailRenderer().render_notice(confirmation_view(reader, CONFIRM))
    body = build_template(
        content, identity(app.config), language=language, now=now, list_headers=False
    )
    await app.database.outbox.enqueue(
        kind="confirm",
        key=f"{subscriber.id}-{subscriber.confirm_requests + 1}",
        channel=CHANNEL,
        language=language,
        subject=content.subject,
        body=body,
        recipients=[Recipient(subscriber.email, subscriber.id)],
        now=now,
    )


async def subscriber_from(app: App, purpose: str, token: str) -> Subscriber | None:
    """The subscriber a genuine, unexpired token names."""
    found = tokens(app).read(purpose, token)
    if found is None:
        return None
    subscriber = await app.database.subscribers.get(found[0])
    if subscriber is None or not Tokens.matches(subscriber.email, found[1]):
        return None
    return subscriber


async def confirm(app: App, token: str) -> Subscriber | None:
    """Confirm from a link; the subscriber, or None for a bad or expired link."""
    subscriber = await subscriber_from(app, "confirm", token)
    if subscriber is None:
        return None
    await app.database.subscribers.confirm(subscriber.id, app.clock.now())
    return await app.database.subscribers.get(subscriber.id)


async def unsubscribe(app: App, token: str) -> Subscriber | None:
    """Unsubscribe at once from a link; the subscriber, or None for a bad link."""
    subscriber = await subscriber_from(app, "unsubscribe", token)
    if subscriber is None:
        return None
    await app.database.subscribers.unsubscribe(subscriber.id, app.clock.now())
    log.info("unsubscribed", **fields(subscriber=subscriber.id))
    return subscriber


async def member_data(app: App, subscriber: Subscriber) -> dict[str, Any]:
    """Everything stored about a member, for a privacy request."""
    return {
        "email": subscriber.email,
        "name": subscriber.name,
        "language": subscriber.language,
        "status": subscriber.status,
        "weekly_digest": subscriber.weekly,
        "event_reminders": subscriber.reminders,
        "subscribed_from": subscriber.source,
        "created_at": subscriber.created_at.isoformat(),
        "confirmed_at": subscriber.confirmed_at.isoformat() if subscriber.confirmed_at else None,
        "unsubscribed_at": (
            subscriber.unsubscribed_at.isoformat() if subscriber.unsubscribed_at else None
        ),
        "confirmation_requests": subscriber.confirm_requests,
        "bounces": {"soft": subscriber.soft_bounces, "last": subscriber.last_bounce},
        "deliveries": await app.database.outbox.for_subscriber(subscriber.id),
    }


async def enqueue_digest(app: App, send_time: datetime) -> EnqueueReport:
    """Write the digest due at `send_time` into the outbox, once per period and language."""
    prepared = await prepare(app, send_time, ItemFilter.from_config(app.config.email.filter))
    report = EnqueueReport(period_end=prepared.period.end)
    decision = send_decision(
        prepared.draft, review=app.config.digest.review, unreviewed=app.config.digest.unreviewed
    )
    report.decision = decision
    if decision == "wait":
        return report
    if prepared.digest is None:
        report.empty = True
        return report
    if decision == "done":
        report.already = True
        return report
    now = app.clock.now()
    record = await digest_record(app, prepared, now)
    mail_identity = identity(app.config)
    renderer = EmailRenderer()
    key = prepared.period.end.isoformat()
    for language in app.config.association.languages:
        recipients = await app.database.subscribers.digest_recipients(language)
        if not recipients:
            continue
        view = await view_for(app, prepared.digest, language)
        links = PageLinks(
            unsubscribe=UNSUBSCRIBE,
            preferences=PREFERENCES,
            archive=archive_url(app.config, record.id, language),
        )
        content = renderer.render(view, links)
        body = build_template(content, mail_identity, language=language, now=now)
        _, created = await app.database.outbox.enqueue(
            kind="digest",
            key=key,
            channel=CHANNEL,
            language=language,
            subject=content.subject,
            body=body,
            recipients=[Recipient(s.email, s.id) for s in recipients],
            now=now,
        )
        report.already = report.already or not created
        report.by_language[language] = len(recipients)
    await app.database.digests.mark_sent(record.id, now)
    return report


def archive_url(config: Config, digest_id: int, language: str) -> str:
    """The public page of a sent digest ("view in browser")."""
    return f"{config.web.public_url}/archive/{digest_id}?lang={language}"


async def digest_record(app: App, prepared: Any, now: datetime) -> DigestRecord:
    """The stored digest of the period (the board's draft, or a new record of it)."""
    if prepared.draft is not None:
        return prepared.draft
    digests = app.database.digests
    period = prepared.period
    existing = await digests.for_period(period.end)
    if existing is not None:
        return existing
    item_ids = [entry.item_id for entry in prepared.digest.entries]
    return await digests.create(period.start, period.end, item_ids, "approved", now)


def personaliser(app: App) -> Personalise:
    """Fills a stored message in for one delivery; None when it must not go out any more."""
    signer = tokens(app)
    public = app.config.web.public_url
    mailto = app.config.email.unsubscribe_mailto or identity(app.config).address
    sign = dkim_signer(app.config) if app.config.email.dkim_key else None

    # A message's parsed template lives exactly as long as the message object: the sender
    # holds that only while deliveries of it are in flight, so this never grows with age.
    parsed: weakref.WeakKeyDictionary[OutboxMessage, tuple[Template, set[str]]]
    parsed = weakref.WeakKeyDictionary()

    async def fill(message: OutboxMessage, delivery: Delivery) -> bytes | None:
        wanted = "pending" if message.kind == "confirm" else "confirmed"
        if delivery.subscriber_id is None or delivery.subscriber_status != wanted:
            return None
        if message not in parsed:
            parsed[message] = (
                Template(message.body),
                {p for p in (UNSUBSCRIBE, PREFERENCES, CONFIRM) if p.encode() in message.body},
            )
        template, uses = parsed[message]

        def token(purpose: str, placeholder: str) -> str:
            if placeholder not in uses:
                return ""
            return signer.issue(purpose, delivery.subscriber_id, delivery.recipient)  # type: ignore[arg-type]

        leave = token("unsubscribe", UNSUBSCRIBE)
        links = Links(
            to=delivery.recipient,
            to_name=delivery.subscriber_name,
            unsubscribe=f"{public}/unsubscribe/{leave}" if leave else "",
            unsubscribe_mail=f"mailto:{mailto}?subject=unsubscribe%20{leave}" if leave else "",
            preferences=f"{public}/preferences/{token('preferences', PREFERENCES)}",
            confirm=f"{public}/confirm/{token('confirm', CONFIRM)}",
        )
        payload = template.fill(links, f"{uuid.uuid4().hex}.{delivery.id}")
        return sign(payload) if sign else payload

    return fill


def dkim_signer(config: Config) -> Callable[[bytes], bytes]:
    """A function that prepends a DKIM-Signature made with the configured key (read once)."""
    import dkim

    email = config.email
    key = Path(email.dkim_key or "").read_bytes()
    selector = email.dkim_selector.encode()
    domain = (email.dkim_domain or identity(config).domain).encode()
    headers = [
        b"From",
        b"To",
        b"Subject",
        b"Date",
        b"Message-ID",
        b"List-Unsubscribe",
        b"List-Unsubscribe-Post",
    ]

    def sign(message: bytes) -> bytes:
        return dkim.sign(message, selector, domain, key, include_headers=headers) + message

    return sign


def smtp_settings(config: Config) -> SmtpSettings:
    """The relay settings of `[email]`."""
    email = config.email
    return SmtpSettings(
        host=email.smtp_host,
        port=email.smtp_port,
        security=email.security,
        username=email.username.get_secret_value() if email.username else None,
        password=email.password.get_secret_value() if email.password else None,
        timeout=email.timeout.total_seconds(),
    )


def delivery_policy(config: Config) -> DeliveryPolicy:
    """The sender's limits from `[email]`."""
    email = config.email
    return DeliveryPolicy(
        parallel=email.parallel,
        per_second=email.per_second,
        per_hour=email.per_hour,
        max_attempts=email.max_attempts,
        retry_base=email.retry_base,
        soft_bounce_limit=email.soft_bounce_limit,
        pause_after_errors=email.pause_after_errors,
        pause_for=email.pause_for,
    )


def email_delivery(app: App, settings: SmtpSettings | None = None) -> EmailDelivery:
    """The outbox drainer for email, wired to this app."""
    return EmailDelivery(
        app.database,
        settings or smtp_settings(app.config),
        identity(app.config).address,
        personaliser(app),
        app.clock.now,
        delivery_policy(app.config),
        app.config.association.data_dir / "email-sender.lock",
    )
