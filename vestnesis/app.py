"""The composition root: builds the edges from the config and wires them together."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, nullcontext
from dataclasses import dataclass
from typing import TYPE_CHECKING

import structlog

from feeds.fetch import Fetcher, FetchLimits, user_agent
from feeds.health import RetryPolicy
from feeds.language import COMMON_SOURCE_LANGUAGES, LanguageDetector
from feeds.translate.cached import CachedTranslator
from feeds.workers import ParseWorkers, default_workers
from storage import Database, SourceSpec
from vestnesis.common.clock import Clock
from vestnesis.common.logs import route_to_stdlib
from vestnesis.config import Config
from vestnesis.i18n import Catalogs
from vestnesis.sources.polling import Poller
from vestnesis.sources.translation import HTTP_BACKENDS, build_translator

if TYPE_CHECKING:
    import httpx

log = structlog.stdlib.get_logger("vestnesis.app")


@dataclass(frozen=True)
class App:
    """Everything a command or the service needs, built once from the config."""

    config: Config
    clock: Clock
    database: Database
    fetcher: Fetcher
    poller: Poller
    translator: CachedTranslator | None
    catalogs: Catalogs


def fetch_limits(config: Config) -> FetchLimits:
    """The fetch limits from `[fetch]`."""
    fetch = config.fetch
    return FetchLimits(
        connect_timeout=fetch.connect_timeout.total_seconds(),
        read_timeout=fetch.read_timeout.total_seconds(),
        total_timeout=fetch.total_timeout.total_seconds(),
        max_bytes=fetch.max_bytes,
        max_redirects=fetch.max_redirects,
        concurrency=fetch.concurrency,
        contact=config.association.website,
    )


def configured_sources(config: Config) -> list[SourceSpec]:
    """The `[[feeds]]` of the config as source specs."""
    return [SourceSpec(feed.name, feed.location, feed.language, "config") for feed in config.feeds]


def _http_client(config: Config) -> httpx.AsyncClient:
    """The translation backend's client (httpx is imported only when one is configured)."""
    import httpx

    return httpx.AsyncClient(
        timeout=config.translation.timeout.total_seconds(),
        headers={"User-Agent": user_agent(config.association.website)},
    )


@asynccontextmanager
async def open_app(config: Config, clock: Clock, *, writes: bool = True) -> AsyncIterator[App]:
    """Open the database (migrating it), sync the configured feeds, and build the poller.

    With `writes=False` (commands that only read) the database is opened read-only and the
    configured feeds are not synced: the service and the commands that change things do that
    (unless the database had to be created or migrated first, which writes anyway).
    """
    if not structlog.is_configured():
        # Used as a library (a bench, a script): events go where `logging` sends everything
        # else; structlog would print them to stdout otherwise. The CLI has set this up.
        route_to_stdlib(config.secrets())
    busy_wait = config.association.busy_wait.total_seconds()
    if not writes:
        database = await Database.open_read_only(config.database_path, busy_wait=busy_wait)
    else:
        database = await Database.open(config.database_path, busy_wait=busy_wait)
    try:
        if not database.read_only:
            sync = await database.sources.sync_configured(configured_sources(config), clock.now())
            for name in sync.disabled:
                log.info("feed no longer in the config; disabled, items kept", source=name)
        languages = (*config.association.languages, *COMMON_SOURCE_LANGUAGES)
        detector = LanguageDetector(languages)
        workers = config.fetch.parse_workers
        parser = ParseWorkers(
            workers=default_workers() if workers is None else workers,
            languages=languages,
            detector=detector,
        )
        policy = RetryPolicy(
            interval=config.schedule.poll_feeds,
            max_backoff=config.fetch.max_backoff,
            pause_after=config.fetch.pause_after,
        )
        # A client (and its TLS set-up, tens of milliseconds) only for a backend over HTTP.
        translation_client = (
            _http_client(config) if config.translation.backend in HTTP_BACKENDS else None
        )
        async with (
            Fetcher.open(fetch_limits(config)) as fetcher,
            translation_client or nullcontext(),
        ):
            translator = build_translator(config, translation_client, database, clock)
            poller = Poller(
                database=database,
                fetcher=fetcher,
                parser=parser,
                policy=policy,
                clock=clock,
                concurrency=config.fetch.concurrency,
            )
            try:
                yield App(config, clock, database, fetcher, poller, translator, Catalogs())
            finally:
                parser.close()
    finally:
        await database.close()
