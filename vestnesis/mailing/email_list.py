"""The mailing list: double opt-in, one-click unsubscribe, preferences, and the digest by mail.

The functions take the parts they use (`MailingParts`: the subscriber, outbox and digest
stores as Protocols, the `[association]`, `[email]` and `[web]` sections, the digest's
parts, a presenter, a clock), built from the app by the composition root
(`vestnesis.wiring`, which also builds the email channel's outbox loop)."""

from __future__ import annotations

import ssl
import uuid
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import format_datetime, getaddresses
from pathlib import Path
from typing import Any, Protocol

import structlog
from email_validator import EmailNotValidError, validate_email

from mailer.addresses import needs_smtputf8
from mailer.build import (
    CONFIRM,
    PREFERENCES,
    UNSUBSCRIBE,
    Identity,
    Links,
    build_template,
)
from mailer.delivery import CHANNEL, Personalise
from mailer.headers import clean_name
from mailer.render import EmailRenderer
from mailer.render import Links as PageLinks
from mailer.smtp import SmtpSettings
from mailer.tokens import Tokens
from mailer.wire import WireMessage, WireTemplate
from storage import Delivery, DigestRecord, OutboxMessage, Recipient, Subscriber
from vestnesis.common.clock import Clock, SystemClock
from vestnesis.config import Association, Config, Email, Web
from vestnesis.delivery import RetryPolicy
from vestnesis.digest.compose import ItemFilter
from vestnesis.digest.edition import Edition
from vestnesis.digest.model import Digest
from vestnesis.digest.weekly import (
    Decision,
    DigestParts,
    Prepared,
    decide,
    digest_of_items,
    item_ids,
    record_empty,
)
from vestnesis.digest.wording import confirmation_view
from vestnesis.i18n import Presentation

log = structlog.stdlib.get_logger("vestnesis.mailing")
# Two confirmation mails for one address at least this far apart.
REQUEST_SPACING = timedelta(minutes=5)
# Where anyone can ask for a confirmation mail; the administrator's command line is not limited.
PUBLIC_SOURCES = ("web", "bot")


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
    reason: str = ""
    by_language: dict[str, int] = field(default_factory=dict)
    already: bool = False
    empty: bool = False


class MailConfig(Protocol):
    """The config sections the mailing list reads (`Config` and `MailingSettings` have them)."""

    @property
    def association(self) -> Association: ...

    @property
    def email(self) -> Email: ...

    @property
    def web(self) -> Web: ...


@dataclass(frozen=True)
class MailingSettings:
    """The `[association]`, `[email]` and `[web]` sections: what the mailing list reads."""

    association: Association
    email: Email
    web: Web

    @classmethod
    def from_config(cls, config: Config) -> MailingSettings:
        """The sections of the config tree."""
        return cls(config.association, config.email, config.web)


class SubscriberBook(Protocol):
    """The mailing list's members (`storage.SubscriberStore`)."""

    async def get(self, subscriber_id: int) -> Subscriber | None: ...

    async def digest_recipients(self, language: str) -> list[Subscriber]: ...

    async def add(
        self,
        email: str,
        *,
        name: str | None,
        language: str,
        source: str,
        confirmed: bool,
        now: datetime,
    ) -> tuple[Subscriber, bool]: ...

    async def note_request(self, subscriber_id: int, now: datetime) -> None: ...

    async def resubscribe(self, subscriber_id: int, language: str, now: datetime) -> None: ...

    async def confirm(self, subscriber_id: int, now: datetime) -> bool: ...

    async def unsubscribe(self, subscriber_id: int, now: datetime) -> bool: ...


class MessageQueue(Protocol):
    """The outbox messages are queued in (`storage.OutboxStore`)."""

    async def enqueue(
        self,
        *,
        kind: str,
        key: str,
        channel: str,
        language: str,
        subject: str,
        body: bytes,
        recipients: Sequence[Recipient],
        now: datetime,
    ) -> tuple[int, bool]: ...


class MailOutbox(MessageQueue, Protocol):
    """The outbox, as the mailing list reads it too (`storage.OutboxStore`)."""

    async def created_since(self, kind: str, since: datetime) -> int: ...

    async def languages_of(self, kind: str, key: str, channel: str) -> set[str]: ...

    async def for_subscriber(self, subscriber_id: int) -> list[dict[str, str | None]]: ...


class SentDigests(Protocol):
    """The stored digests, as a send records them (`storage.DigestStore`)."""

    async def for_period(self, period_end: datetime) -> DigestRecord | None: ...

    async def create(
        self,
        period_start: datetime,
        period_end: datetime,
        item_ids: Sequence[int],
        status: str,
        now: datetime,
    ) -> DigestRecord: ...

    async def mark_sent(self, digest_id: int, now: datetime) -> None: ...


@dataclass(frozen=True)
class MailingParts:
    """What the mailing list uses; `present(language)` says how to word text for a reader."""

    settings: MailingSettings
    subscribers: SubscriberBook
    outbox: MailOutbox
    digests: SentDigests
    digest: DigestParts
    present: Callable[[str], Presentation]
    clock: Clock


def normalise_address(raw: str) -> str:
    """A syntactically valid address, lower-cased; raises ValueError with the reason.

    A domain in any script is fine (it is sent as written to an SMTPUTF8 relay, else in
    IDNA); letters outside ASCII before the @ are refused, since only some relays and
    mailboxes can take them and a member on such an address would silently get nothing.
    """
    try:
        result = validate_email(raw.strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise ValueError(str(error)) from None
    address = result.normalized.lower()
    if needs_smtputf8(address):
        raise ValueError(
            "letters outside ASCII before the @ cannot be delivered by most mail servers; "
            "ask the member for another address"
        )
    return address


def tokens(web: Web, clock: Clock) -> Tokens:
    """The link signer of `[web]`; the web secret must be set."""
    secret = web.secret
    if secret is None or not secret.get_secret_value():
        raise MailingError("set VESTNESIS_WEB_SECRET: it signs confirm and unsubscribe links")
    return Tokens(secret.get_secret_value(), clock.now)


def _tokens(mailing: MailingParts) -> Tokens:
    return tokens(mailing.settings.web, mailing.clock)


def identity(config: MailConfig) -> Identity:
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
    mailing: MailingParts, raw_email: str, *, language: str, source: str, name: str | None = None
) -> SubscribeResult:
    """Start double opt-in for an address (from the web, the bot, or the command line)."""
    try:
        email = normalise_address(raw_email)
    except ValueError as error:
        return SubscribeResult("invalid", raw_email, str(error))
    if language not in mailing.settings.association.languages:
        language = mailing.settings.association.default_language
    now = mailing.clock.now()
    subscriber, _ = await mailing.subscribers.add(
        email, name=clean_name(name), language=language, source=source, confirmed=False, now=now
    )
    if subscriber.status == "confirmed":
        return SubscribeResult("confirmed", email)
    if subscriber.status in ("unsubscribed", "bounced"):
        await mailing.subscribers.resubscribe(subscriber.id, language, now)
    if _limited(mailing, subscriber, now) or (
        source in PUBLIC_SOURCES and await confirmations_exhausted(mailing)
    ):
        log.warning("confirmation request refused: too many", subscriber=subscriber.id)
        return SubscribeResult("limited", email)
    await mailing.subscribers.note_request(subscriber.id, now)
    await _enqueue_confirmation(mailing, subscriber, language, now)
    return SubscribeResult("sent", email)


async def confirmations_exhausted(mailing: MailingParts) -> bool:
    """Whether the rolling hour's confirmation mails (`email.confirmations_per_hour`) are
    used up; the web form and the bot then ask people to try later."""
    since = mailing.clock.now() - timedelta(hours=1)
    sent = await mailing.outbox.created_since("confirm", since)
    return sent >= mailing.settings.email.confirmations_per_hour


def _limited(mailing: MailingParts, subscriber: Subscriber, now: datetime) -> bool:
    last = subscriber.last_request_at
    if last is None:
        return False
    if now - last < REQUEST_SPACING:
        return True
    # The counter covers a rolling day from the first request of the run.
    per_day = mailing.settings.email.confirm_requests_per_day
    return now - last < timedelta(days=1) and subscriber.confirm_requests >= per_day


async def _enqueue_confirmation(
    mailing: MailingParts, subscriber: Subscriber, language: str, now: datetime
) -> None:
    reader = mailing.present(language)
    content = EmailRenderer().render_notice(confirmation_view(reader, CONFIRM))
    body = build_template(
        content, identity(mailing.settings), language=language, now=now, list_headers=False
    )
    await mailing.outbox.enqueue(
        kind="confirm",
        key=f"{subscriber.id}-{subscriber.confirm_requests + 1}",
        channel=CHANNEL,
        language=language,
        subject=content.subject,
        body=body,
        recipients=[Recipient(subscriber.email, subscriber.id)],
        now=now,
    )


async def subscriber_from(mailing: MailingParts, purpose: str, token: str) -> Subscriber | None:
    """The subscriber a genuine, unexpired token names."""
    found = _tokens(mailing).read(purpose, token)
    if found is None:
        return None
    subscriber = await mailing.subscribers.get(found[0])
    if subscriber is None or not Tokens.matches(subscriber.email, found[1]):
        return None
    return subscriber


async def confirm(mailing: MailingParts, token: str) -> Subscriber | None:
    """Confirm from a link; the subscriber, or None for a bad or expired link."""
    subscriber = await subscriber_from(mailing, "confirm", token)
    if subscriber is None:
        return None
    await mailing.subscribers.confirm(subscriber.id, mailing.clock.now())
    return await mailing.subscribers.get(subscriber.id)


async def unsubscribe(mailing: MailingParts, token: str) -> Subscriber | None:
    """Unsubscribe at once from a link; the subscriber, or None for a bad link."""
    subscriber = await subscriber_from(mailing, "unsubscribe", token)
    if subscriber is None:
        return None
    await mailing.subscribers.unsubscribe(subscriber.id, mailing.clock.now())
    log.info("unsubscribed", subscriber=subscriber.id)
    return subscriber


async def member_data(mailing: MailingParts, subscriber: Subscriber) -> dict[str, Any]:
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
        "deliveries": await mailing.outbox.for_subscriber(subscriber.id),
    }


async def enqueue_digest(
    mailing: MailingParts, send_time: datetime, decision: Decision | None = None
) -> EnqueueReport:
    """Decide the period ending at `send_time` and, if it is to go out, write its digest into
    the outbox for the mailing list (once per period and language) and mark it sent.
    An empty period's verdict is stored. Raises MailingError when mail is not configured."""
    identity(mailing.settings)
    _tokens(mailing)
    decision = decision or await decide(mailing.digest, send_time)
    report = EnqueueReport(
        period_end=decision.period.end, decision=decision.action, reason=decision.reason
    )
    if decision.action == "nothing":
        report.empty = True
        await record_empty(mailing.digest, decision)
        return report
    if decision.action == "done":
        report.already = True
        return report
    if decision.action == "wait":
        return report
    now = mailing.clock.now()
    record = await digest_record(mailing, decision.prepared, now)
    edition = await Edition.of(mailing.digest, decision.prepared, record)
    report.by_language = await enqueue_email_digest(mailing, edition, now)
    await mailing.digests.mark_sent(record.id, now)
    return report


async def email_recipients(mailing: MailingParts, period_end: datetime) -> dict[str, int]:
    """Members per language whose digest of that period is not in the outbox yet (the
    languages a send would queue now; languages without members are left out)."""
    queued = await mailing.outbox.languages_of("digest", period_end.isoformat(), CHANNEL)
    counts: dict[str, int] = {}
    for language in mailing.settings.association.languages:
        if language in queued:
            continue
        number = len(await mailing.subscribers.digest_recipients(language))
        if number:
            counts[language] = number
    return counts


async def email_digest(mailing: MailingParts, prepared: Prepared) -> Digest | None:
    """The period's digest as the mailing list gets it (`email.filter` applied); None when
    the filter leaves nothing."""
    wanted = ItemFilter.from_config(mailing.settings.email.filter)
    return await digest_of_items(mailing.digest, item_ids(prepared), prepared.period, wanted)


async def enqueue_email_digest(
    mailing: MailingParts, edition: Edition, now: datetime
) -> dict[str, int]:
    """Queue the send's digest (`email.filter` applied) for every member, one message per
    language not queued before; members per language queued now."""
    wanted = ItemFilter.from_config(mailing.settings.email.filter)
    if edition.digest(wanted) is None:
        return {}
    record = edition.record
    mail_identity = identity(mailing.settings)
    renderer = EmailRenderer()
    key = record.period_end.isoformat()
    queued = await mailing.outbox.languages_of("digest", key, CHANNEL)
    counts: dict[str, int] = {}
    for language in mailing.settings.association.languages:
        if language in queued:
            continue
        recipients = await mailing.subscribers.digest_recipients(language)
        if not recipients:
            continue
        view = await edition.view(language, wanted)
        assert view is not None  # the digest is not empty
        links = PageLinks(
            unsubscribe=UNSUBSCRIBE,
            preferences=PREFERENCES,
            archive=archive_url(mailing.settings, record.id, language),
        )
        content = renderer.render(view, links)
        body = build_template(content, mail_identity, language=language, now=now)
        _, created = await mailing.outbox.enqueue(
            kind="digest",
            key=key,
            channel=CHANNEL,
            language=language,
            subject=content.subject,
            body=body,
            recipients=[Recipient(s.email, s.id) for s in recipients],
            now=now,
        )
        if created:
            counts[language] = len(recipients)
    return counts


def archive_url(config: MailConfig, digest_id: int, language: str) -> str:
    """The public page of a sent digest ("view in browser")."""
    return f"{config.web.public_url}/archive/{digest_id}?lang={language}"


async def digest_record(mailing: MailingParts, prepared: Prepared, now: datetime) -> DigestRecord:
    """The stored digest of the period (the board's draft, or a new record of it)."""
    if prepared.draft is not None:
        return prepared.draft
    digests = mailing.digests
    period = prepared.period
    existing = await digests.for_period(period.end)
    if existing is not None:
        return existing
    return await digests.create(period.start, period.end, item_ids(prepared), "approved", now)


def personaliser(mailing: MailingParts, wall: Callable[[], datetime] | None = None) -> Personalise:
    """Fills a stored message in for one delivery; None when it must not go out any more.
    Each copy is dated by `wall` (default: the real time, even under --now): the moment it
    is handed to the relay."""
    wall = wall or SystemClock().now
    signer = _tokens(mailing)
    public = mailing.settings.web.public_url
    mailto = mailing.settings.email.unsubscribe_mailto or identity(mailing.settings).address
    sign = dkim_signer(mailing.settings) if mailing.settings.email.dkim_key else None

    # A message's parsed template lives exactly as long as the message object: the sender
    # holds that only while deliveries of it are in flight, so this never grows with age.
    parsed: weakref.WeakKeyDictionary[OutboxMessage, tuple[WireTemplate, set[str]]]
    parsed = weakref.WeakKeyDictionary()

    async def fill(message: OutboxMessage, delivery: Delivery, address: str) -> bytes | None:
        wanted = "pending" if message.kind == "confirm" else "confirmed"
        if delivery.subscriber_id is None or delivery.subscriber_status != wanted:
            return None
        if message not in parsed:
            parsed[message] = (
                WireTemplate(message.body),
                {p for p in (UNSUBSCRIBE, PREFERENCES, CONFIRM) if p.encode() in message.body},
            )
        template, uses = parsed[message]

        def token(purpose: str, placeholder: str) -> str:
            if placeholder not in uses:
                return ""
            return signer.issue(purpose, delivery.subscriber_id, delivery.recipient)  # type: ignore[arg-type]

        leave = token("unsubscribe", UNSUBSCRIBE)
        links = Links(
            to=address,
            to_name=delivery.subscriber_name,
            unsubscribe=f"{public}/unsubscribe/{leave}" if leave else "",
            unsubscribe_mail=f"mailto:{mailto}?subject=unsubscribe%20{leave}" if leave else "",
            preferences=f"{public}/preferences/{token('preferences', PREFERENCES)}",
            confirm=f"{public}/confirm/{token('confirm', CONFIRM)}",
            date=format_datetime(wall()),
        )
        # In DATA form too (mailer/wire.py): the transport sends it without another pass.
        payload = template.fill(links, f"{uuid.uuid4().hex}.{delivery.id}")
        return sign(payload) if sign else payload

    return fill


def dkim_signer(config: MailConfig) -> Callable[[bytes], bytes]:
    """A function that prepends a DKIM-Signature made with the configured key (read once)."""
    import dkim  # only when a DKIM key is configured: most installs never load it

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
        signature: bytes = dkim.sign(message, selector, domain, key, include_headers=headers)
        if isinstance(message, WireMessage):
            return message.prepend(signature)
        return signature + message

    return sign


def smtp_settings(config: MailConfig) -> SmtpSettings:
    """The relay settings of `[email]`."""
    email = config.email
    return SmtpSettings(
        host=email.smtp_host,
        port=email.smtp_port,
        security=email.security,
        username=email.username.get_secret_value() if email.username else None,
        password=email.password.get_secret_value() if email.password else None,
        timeout=email.timeout.total_seconds(),
        tls_context=tls_context(config),
    )


def tls_context(config: MailConfig) -> ssl.SSLContext | None:
    """The context that verifies the relay: the system's CAs, or `email.ca_file`'s."""
    if not config.email.ca_file:
        return None
    return ssl.create_default_context(cafile=config.email.ca_file)


def delivery_policy(config: MailConfig) -> RetryPolicy:
    """The mail sender's patience from `[email]`: back-off for a recipient's temporary
    trouble, and the relay's faults in a row that pause sending."""
    email = config.email
    return RetryPolicy(
        max_attempts=email.max_attempts,
        retry_base=email.retry_base,
        first_channel_retry=timedelta(0),  # a dropped connection usually reconnects at once
        channel_retry=email.retry_base,
        pause_after_errors=email.pause_after_errors,
        pause_for=email.pause_for,
    )


def mail_folder(config: MailConfig) -> Path | None:
    """Where `email.transport = "file"` writes messages; None when mail goes to the relay."""
    if config.email.transport != "file":
        return None
    return (
        Path(config.email.folder) if config.email.folder else config.association.data_dir / "mail"
    )
