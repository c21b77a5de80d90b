"""`vestnesis run`: one event loop, one scheduler, and a clean stop on SIGINT/SIGTERM."""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import signal
from collections.abc import Awaitable, Callable, Iterator
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import structlog
import uvicorn
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from feeds.health import DUE_CHECK, DUE_EARLY
from vestnesis.app import App, open_app
from vestnesis.common.clock import Clock
from vestnesis.common.durations import WeeklyTime, format_duration
from vestnesis.common.health import Health, supervise
from vestnesis.config import Config
from vestnesis.digest.weekly import make_draft
from vestnesis.events.calendar import poll_calendars
from vestnesis.mailing.email_list import MailingError, mail_folder
from vestnesis.service.courier import Courier, catch_up, previous_send_time, send_weekly_digest
from vestnesis.service.reminders import send_reminders
from vestnesis.sources.polling import Poller
from vestnesis.telegram.outbox import enqueue_news
from vestnesis.telegram.runtime import TelegramRuntime, build_runtime, sync_chats
from vestnesis.web.pages import create_web_app
from vestnesis.wiring.calendars import calendar_parts
from vestnesis.wiring.parts import (
    courier_parts,
    digest_parts,
    email_delivery,
    reminder_parts,
    runtime_parts,
    send_parts,
    service_parts,
    telegram_parts,
    web_parts,
)

log = structlog.stdlib.get_logger("vestnesis.service")

STOP_GRACE = timedelta(seconds=60)
REMINDER_CHECK = timedelta(minutes=5)


class Jobs:
    """Runs scheduled coroutines and remembers those in flight, so a stop can let them finish;
    a job that fails marks the service unhealthy until it runs through again."""

    def __init__(self, health: Health | None = None) -> None:
        self._running: set[asyncio.Task[None]] = set()
        self._health = health

    def job(self, name: str, work: Callable[[], Awaitable[None]]) -> Callable[[], Awaitable[None]]:
        """A scheduler-ready coroutine function that logs failures and registers itself."""

        async def run() -> None:
            task = asyncio.current_task()
            assert task is not None
            self._running.add(task)
            try:
                await work()
                if self._health is not None:
                    self._health.ok(name)
            except asyncio.CancelledError:
                log.warning("job cancelled", job=name)
                raise
            except Exception as error:
                log.exception("job failed", job=name)
                if self._health is not None:
                    self._health.failing(name, f"{type(error).__name__}: {error}")
            finally:
                self._running.discard(task)

        return run

    async def drain(self, grace: timedelta) -> None:
        """Wait for running jobs to finish; cancel what is left after `grace`."""
        if not self._running:
            return
        log.info("finishing current work", jobs=len(self._running))
        _, pending = await asyncio.wait(self._running, timeout=grace.total_seconds())
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.wait(pending)


async def poll_due_sources(
    app: App, telegram: TelegramRuntime | None = None, poller: Poller | None = None
) -> None:
    """Poll the sources whose next attempt has come (or comes before the check after this
    one is half-way) with `poller` (default: the app's); fresh news goes to those who want it."""
    started = app.clock.now()
    sources = await app.database.sources.due(started + DUE_EARLY)
    if not sources:
        return
    reports = await (poller or app.poller).poll(sources)
    fresh = telegram is not None and any(r.new for r in reports)  # for members and routes
    if fresh and await enqueue_news(telegram_parts(app), started):
        telegram.wake()  # type: ignore[union-attr]
    log.info(
        "poll pass done",
        sources=len(reports),
        new=sum(r.new for r in reports),
        failed=sum(r.status == "failed" for r in reports),
    )


def weekly_job(
    scheduler: AsyncIOScheduler,
    jobs: Jobs,
    name: str,
    at: WeeklyTime,
    work: Callable[[], Awaitable[None]],
    *,
    grace: timedelta,
) -> None:
    """Run `work` every week at `at` (the scheduler's zone); a run missed by up to `grace`
    still happens, and runs never overlap."""
    scheduler.add_job(
        jobs.job(name, work),
        "cron",
        day_of_week=at.weekday,
        hour=at.at.hour,
        minute=at.at.minute,
        id=name,
        name=name.replace("_", " "),
        max_instances=1,
        coalesce=True,
        misfire_grace_time=int(grace.total_seconds()),
    )


def draft_time(send: WeeklyTime, lead: timedelta) -> WeeklyTime:
    """When in the week a draft is prepared: `lead` before the weekly send time."""
    week = 7 * 24 * 60
    send_minute = send.weekday * 24 * 60 + send.at.hour * 60 + send.at.minute
    minute = (send_minute - int(lead.total_seconds() // 60)) % week
    return WeeklyTime(minute // (24 * 60), time(minute // 60 % 24, minute % 60))


async def prepare_draft(app: App, telegram: TelegramRuntime | None = None) -> None:
    """Store the coming digest as a draft for the board to look at."""
    weekly = app.config.schedule.weekly_digest
    send_at = next_weekly(app.clock.now(), weekly, app.config.association.zone)
    record = await make_draft(digest_parts(app), send_at)
    if record is None:
        log.info("nothing new for the coming digest; no draft", send_at=send_at.isoformat())
        return
    if telegram is not None and record.status == "draft":
        await telegram.offer_draft(record)
    log.info(
        "digest draft ready for review",
        send_at=send_at.isoformat(),
        items=len(record.item_ids),
        status=record.status,
    )


def next_weekly(now: datetime, weekly: WeeklyTime, zone: ZoneInfo) -> datetime:
    """The first weekly time after `now`, as an aware local datetime."""
    local = now.astimezone(zone).replace(tzinfo=None)
    days = (weekly.weekday - local.weekday()) % 7
    candidate = datetime.combine(local.date() + timedelta(days=days), weekly.at)
    if candidate <= local:
        candidate += timedelta(days=7)
    return candidate.replace(tzinfo=zone)


async def serve(config: Config, clock: Clock, stop: asyncio.Event) -> None:
    """Run the service until `stop` is set, then finish current work and return."""
    async with open_app(config, clock) as app:
        health = Health(clock.now)
        jobs = Jobs(health)
        scheduler = AsyncIOScheduler(timezone=config.association.zone)
        polling = asyncio.Lock()  # one poll pass at a time: the timer's, or catch-up's
        background: list[asyncio.Task[None]] = []
        # The bot is built first: the email sender and the poller tell its board chat about
        # trouble. The event that wakes the email sender is made before both, so the bot's
        # services (an /email confirmation) can wake it.
        mail_wake = asyncio.Event()
        telegram = await _start_telegram(app, mail_wake.set, stop, background, health)
        notify = telegram.notify_board if telegram is not None else None
        courier = _start_mail(app, stop, background, health, notify, mail_wake)
        poller = app.poller.notifying(notify)

        async def poll() -> None:
            async with polling:
                await poll_due_sources(app, telegram, poller)

        scheduler.add_job(
            jobs.job("poll_feeds", poll),
            "interval",
            seconds=DUE_CHECK.total_seconds(),
            next_run_time=clock.now(),
            id="poll_feeds",
            name="poll feeds",
            max_instances=1,
            coalesce=True,
        )
        if config.digest.review == "board":
            draft_at = draft_time(config.schedule.weekly_digest, config.digest.review_lead)
            weekly_job(
                scheduler,
                jobs,
                "prepare_digest_draft",
                draft_at,
                lambda: prepare_draft(app, telegram),
                grace=config.digest.review_lead,
            )
        _schedule_events(app, scheduler, jobs, courier, telegram)
        _schedule_weekly(app, scheduler, jobs, courier, telegram)
        web = _start_web(app, background, courier.wake if courier else None, telegram, health)
        scheduler.start()
        log.info(
            "service started",
            association=config.association.short_name or config.association.name,
            feeds=len(await app.database.sources.active()),
            poll_every=format_duration(config.schedule.poll_feeds),
            digest=str(config.schedule.weekly_digest),
            mail="on" if courier else "off",
            telegram="on" if telegram else "off",
            web=config.web.listen if web else "off",
            database=str(config.database_path),
        )
        _tell_the_administrator(app, web is not None, courier is not None)
        if courier is not None or telegram is not None:
            await jobs.job("catch_up", lambda: _catch_up(app, courier, telegram, poll))()
        try:
            await stop.wait()
        finally:
            # The executor cancels running coroutine jobs on shutdown: let them finish first.
            scheduler.pause()
            await jobs.drain(STOP_GRACE)
            scheduler.shutdown(wait=False)
            if web is not None:
                web.should_exit = True
            if telegram is not None:
                await telegram.stop()
            await asyncio.gather(*background, return_exceptions=True)
            log.info("service stopped")


async def _catch_up(
    app: App,
    courier: Courier | None,
    telegram: TelegramRuntime | None,
    poll: Callable[[], Awaitable[None]],
) -> None:
    await catch_up(send_parts(app), courier, telegram, poll)


def _tell_the_administrator(app: App, web: bool, mail: bool) -> None:
    """What a person starting the service should know: where to look, and what is missing."""
    config = app.config
    if web:
        public = config.web.public_url
        log.info(
            "web pages",
            subscribe=f"{public}/subscribe",
            archive=f"{public}/archive",
            calendar=f"{public}/events.ics",
        )
    folder = mail_folder(config)
    if mail and folder is not None:
        log.warning(
            'email.transport = "file": no mail is sent; each message is written to a folder',
            folder=str(folder),
        )
    if config.translation.backend == "none" and len(config.association.languages) > 1:
        log.warning(
            "no translation backend: readers get news in other languages as written, "
            "with a note at the top of their digest",
            languages=",".join(config.association.languages),
        )


def _start_mail(
    app: App,
    stop: asyncio.Event,
    background: list[asyncio.Task[None]],
    health: Health,
    notify: Callable[[str], Awaitable[None]] | None,
    wake: asyncio.Event,
) -> Courier | None:
    try:
        courier = Courier(courier_parts(app), health, notify=notify, wake=wake)
        email_delivery(app)  # checks sender and secret now
    except MailingError as error:
        log.warning("mailing list off", reason=str(error))
        return None
    background.append(
        asyncio.create_task(supervise("email sender", lambda: courier.run(stop), stop, health))
    )
    return courier


async def _start_telegram(
    app: App,
    wake_mail: Callable[[], None],
    stop: asyncio.Event,
    background: list[asyncio.Task[None]],
    health: Health,
) -> TelegramRuntime | None:
    parts = runtime_parts(app)
    runtime = build_runtime(parts, service_parts(app), wake_mail)
    if runtime is None:
        return None
    await sync_chats(parts)
    background.append(
        asyncio.create_task(supervise("telegram", lambda: runtime.keep_running(stop), stop, health))
    )
    return runtime


def _schedule_weekly(
    app: App,
    scheduler: AsyncIOScheduler,
    jobs: Jobs,
    courier: Courier | None,
    telegram: TelegramRuntime | None,
) -> None:
    if courier is None and telegram is None:
        return
    weekly = app.config.schedule.weekly_digest

    parts = send_parts(app)

    async def send() -> None:
        send_time = previous_send_time(parts.digest.settings, parts.digest.clock.now())
        await send_weekly_digest(parts, courier, send_time, telegram)

    weekly_job(scheduler, jobs, "weekly_digest", weekly, send, grace=timedelta(hours=1))


def _schedule_events(
    app: App,
    scheduler: AsyncIOScheduler,
    jobs: Jobs,
    courier: Courier | None,
    telegram: TelegramRuntime | None,
) -> None:
    """Calendars read every [events] poll (from the start); reminders checked every few minutes."""
    if app.config.calendars:
        scheduler.add_job(
            jobs.job("poll_calendars", lambda: _poll_calendars(app)),
            "interval",
            seconds=app.config.events.poll.total_seconds(),
            next_run_time=app.clock.now(),
            id="poll_calendars",
            name="poll calendars",
            max_instances=1,
            coalesce=True,
        )

    reminders = reminder_parts(app)

    async def remind() -> None:
        if await send_reminders(reminders):
            for runtime in (courier, telegram):
                if runtime is not None:
                    runtime.wake()

    scheduler.add_job(
        jobs.job("reminders", remind),
        "interval",
        seconds=REMINDER_CHECK.total_seconds(),
        next_run_time=app.clock.now() + timedelta(seconds=30),
        id="reminders",
        name="event reminders",
        max_instances=1,
        coalesce=True,
    )


async def _poll_calendars(app: App) -> None:
    await poll_calendars(calendar_parts(app))


def _start_web(
    app: App,
    background: list[asyncio.Task[None]],
    wake: Callable[[], None] | None,
    telegram: TelegramRuntime | None = None,
    health: Health | None = None,
) -> uvicorn.Server | None:
    hook = None
    if telegram is not None and app.config.telegram.mode == "webhook":
        hook = (telegram.feed, telegram.webhook_secret)
    try:
        web_app = create_web_app(web_parts(app), wake, hook, health)
    except MailingError as error:
        log.warning("web pages off", reason=str(error))
        return None
    host, _, port = app.config.web.listen.rpartition(":")
    server = _QuietServer(
        uvicorn.Config(
            web_app,
            host=host.strip("[]"),
            port=int(port),
            log_level="warning",
            # uvicorn's own logging setup would print tracebacks unmasked and not as JSON:
            # its loggers go to ours instead (secrets masked, --log-json honoured).
            log_config=None,
            access_log=False,
            limit_concurrency=app.config.web.max_connections,
            lifespan="off",
            proxy_headers=False,  # the web app reads X-Forwarded-For itself (vestnesis.web.guard)
        )
    )
    background.append(asyncio.create_task(server.serve()))
    return server


class _QuietServer(uvicorn.Server):
    """uvicorn without its own signal handling: the service owns SIGINT and SIGTERM."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


class AlreadyRunningError(RuntimeError):
    """Another `vestnesis run` serves this data folder."""


SERVICE_LOCK = "service.lock"


@contextlib.contextmanager
def only_service(data_dir: Path) -> Iterator[None]:
    """Hold the data folder's service lock for the block; raise AlreadyRunningError when
    another process holds it. One service per data folder whatever the config says: two
    would send every broadcast and digest twice. The kernel drops the lock when the process
    dies, however it dies."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / SERVICE_LOCK
    with path.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip()
            who = f" (process {holder})" if holder.isdigit() else ""
            raise AlreadyRunningError(
                f"another `vestnesis run`{who} is already serving {data_dir}; "
                "stop it first (one service per data folder)"
            ) from None
        try:
            handle.seek(0)
            handle.truncate()
            handle.write(str(os.getpid()))
            handle.flush()
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)


def run_service(config: Config, clock: Clock) -> None:
    """Run until SIGINT or SIGTERM; a second signal stops at once. Raises AlreadyRunningError
    when another service holds the data folder."""

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        this = asyncio.current_task()

        def on_signal(signum: int) -> None:
            if stop.is_set():
                log.warning("second signal: stopping now")
                if this is not None:
                    this.cancel()
                return
            log.info("stopping", signal=signal.Signals(signum).name)
            stop.set()

        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, on_signal, signum)
        await serve(config, clock, stop)

    with only_service(config.association.data_dir), contextlib.suppress(asyncio.CancelledError):
        asyncio.run(main())
