"""Each use case's parts built from the `App` (the calendar's are in `calendars`)."""

from __future__ import annotations

from mailer.delivery import EmailChannel
from mailer.folder import FolderConnection
from mailer.smtp import SmtpSettings
from vestnesis.app import App
from vestnesis.delivery import Outbox
from vestnesis.digest.weekly import DigestParts, DigestSettings
from vestnesis.events.calendar import poll_calendars
from vestnesis.i18n import Presenter
from vestnesis.mailing.email_list import (
    MailingParts,
    MailingSettings,
    delivery_policy,
    identity,
    mail_folder,
    personaliser,
    smtp_settings,
)
from vestnesis.service.courier import CourierParts, SendParts
from vestnesis.service.reminders import ReminderParts, ReminderSettings
from vestnesis.telegram.outbox import TelegramParts, TelegramSettings
from vestnesis.telegram.runtime import RuntimeParts
from vestnesis.telegram.services import ServiceParts
from vestnesis.web.pages import WebParts
from vestnesis.wiring.calendars import answerer_for, calendar_parts


def presenter(app: App) -> Presenter:
    """How to show text to readers of each language."""
    return Presenter(app.config.association, app.catalogs)


def digest_parts(app: App) -> DigestParts:
    """What composing and wording the digest uses."""

    async def refresh_calendars() -> object:
        return await poll_calendars(calendar_parts(app))

    database = app.database
    return DigestParts(
        settings=DigestSettings.from_config(app.config),
        items=database.items,
        digests=database.digests,
        events=database.events,
        translator=app.translator,
        present=presenter(app),
        clock=app.clock,
        refresh_calendars=refresh_calendars,
    )


def mailing_parts(app: App) -> MailingParts:
    """What the mailing list uses."""
    database = app.database
    return MailingParts(
        settings=MailingSettings.from_config(app.config),
        subscribers=database.subscribers,
        outbox=database.outbox,
        digests=database.digests,
        digest=digest_parts(app),
        present=presenter(app),
        clock=app.clock,
    )


def email_delivery(app: App, settings: SmtpSettings | None = None) -> Outbox:
    """The outbox loop for email, wired to this app: the relay of `[email]` (or `settings`),
    or the folder of `email.transport = "file"`. Raises MailingError when mail is not
    configured (no sender, no web secret)."""
    config = app.config
    folder = mail_folder(config)
    connect = None
    if folder is not None and settings is None:
        connect = lambda: FolderConnection(folder)  # noqa: E731
    email = config.email
    channel = EmailChannel(
        settings or smtp_settings(config),
        identity(config).address,
        personaliser(mailing_parts(app)),
        parallel=email.parallel,
        per_second=email.per_second,
        per_hour=email.per_hour,
        connect=connect,
    )
    return Outbox(
        app.database,
        channel,
        delivery_policy(config),
        app.clock.now,
        lock_path=config.association.data_dir / "email-sender.lock",
        soft_bounce_limit=email.soft_bounce_limit,
    )


def telegram_parts(app: App) -> TelegramParts:
    """What queueing messages for Telegram uses."""
    database = app.database
    return TelegramParts(
        settings=TelegramSettings.from_config(app.config),
        members=database.telegram,
        subscribers=database.subscribers,
        items=database.items,
        outbox=database.outbox,
        digest=digest_parts(app),
        present=presenter(app),
        clock=app.clock,
    )


def web_parts(app: App) -> WebParts:
    """What the members' pages use."""
    return WebParts(
        mailing=mailing_parts(app),
        digest=digest_parts(app),
        calendar=calendar_parts(app),
        archive=app.database.digests,
        members=app.database.subscribers,
        catalogs=app.catalogs,
    )


def service_parts(app: App) -> ServiceParts:
    """What the bot's services use."""
    database = app.database
    return ServiceParts(
        members=database.telegram,
        digests=database.digests,
        events=database.events,
        deliveries=database.outbox,
        sources=database.sources,
        subscribers=database.subscribers,
        mailing=mailing_parts(app),
        digest=digest_parts(app),
        calendar=calendar_parts(app),
        telegram=telegram_parts(app),
        answerer=lambda: answerer_for(app),
        catalogs=app.catalogs,
    )


def runtime_parts(app: App) -> RuntimeParts:
    """What the running bot uses."""
    return RuntimeParts(
        database=app.database,
        settings=TelegramSettings.from_config(app.config),
        webhook_secret=app.config.webhook_secret(),
        digest=digest_parts(app),
        clock=app.clock,
    )


def courier_parts(app: App) -> CourierParts:
    """What the email sender uses (the outbox loop is built when it runs)."""
    return CourierParts(
        outbox=lambda: email_delivery(app),
        catalogs=app.catalogs,
        board_language=app.config.association.default_language,
        clock=app.clock,
    )


def send_parts(app: App) -> SendParts:
    """What the weekly send uses."""
    return SendParts(
        digest=digest_parts(app),
        mailing=mailing_parts(app),
        telegram=telegram_parts(app),
        digests=app.database.digests,
    )


def reminder_parts(app: App) -> ReminderParts:
    """What sending event reminders uses."""
    database = app.database
    return ReminderParts(
        settings=ReminderSettings.from_config(app.config),
        events=database.events,
        members=database.telegram,
        subscribers=database.subscribers,
        outbox=database.outbox,
        catalogs=app.catalogs,
        present=presenter(app),
        clock=app.clock,
    )
