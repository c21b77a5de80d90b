"""The members' web pages: subscribe, confirm, unsubscribe, preferences, and the archive.

They take the parts they use (`WebParts`: the mailing list's, the digest's and the
calendar's parts, the archive and member stores as Protocols, the catalogs), built from the
app by the composition root (`vestnesis.wiring`)."""

from __future__ import annotations

import functools
import hmac
import json
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qs
from zoneinfo import ZoneInfo

import structlog
from babel import Locale
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp

from storage import DigestRecord, Subscriber
from vestnesis.common import dates
from vestnesis.common.health import Health
from vestnesis.digest.weekly import DigestParts, record_view
from vestnesis.events.asking import CALENDAR_PATH
from vestnesis.events.calendar import CalendarParts, public_feed
from vestnesis.i18n import Catalogs
from vestnesis.mailing.email_list import (
    MailingError,
    MailingParts,
    confirm,
    confirmations_exhausted,
    identity,
    member_data,
    normalise_address,
    subscribe,
    subscriber_from,
    tokens,
    unsubscribe,
)
from vestnesis.web.archive_feed import ArchiveFeed
from vestnesis.web.guard import ClientLimiter, guarded

log = structlog.stdlib.get_logger("vestnesis.web")
HERE = Path(__file__).parent
CSRF_COOKIE = "vestnesis_csrf"
# Pages load nothing from elsewhere.
PAGE_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
ONE_CLICK = "List-Unsubscribe=One-Click"
GONE = ("unsubscribed", "bounced")  # members who get nothing until they subscribe again
AGAIN_FROM = ("confirm", "unsubscribe", "preferences")  # links that may carry "subscribe again"


WebhookFeed = Callable[[dict[str, Any]], Awaitable[None]]


class Archive(Protocol):
    """The sent digests the archive shows (`storage.DigestStore`)."""

    async def archive_stamp(self) -> tuple[str, datetime | None]: ...

    async def sent(self, limit: int = 100) -> list[DigestRecord]: ...

    async def get(self, digest_id: int) -> DigestRecord | None: ...


class MemberChoices(Protocol):
    """What a member changes on their preferences page (`storage.SubscriberStore`)."""

    async def set_preferences(
        self, subscriber_id: int, *, language: str, weekly: bool, reminders: bool = False
    ) -> None: ...

    async def delete(self, subscriber_id: int) -> bool: ...


@dataclass(frozen=True)
class WebParts:
    """What the members' pages use: the mailing list (its settings are the `[association]`,
    `[email]` and `[web]` sections, its clock the pages' clock), the digest for the archive,
    the calendar for its feed, the stores below, and the catalogs."""

    mailing: MailingParts
    digest: DigestParts
    calendar: CalendarParts
    archive: Archive
    members: MemberChoices
    catalogs: Catalogs


def _health_response(health: Health | None) -> PlainTextResponse:
    if health is None or health.healthy:
        return PlainTextResponse("ok")
    return PlainTextResponse(health.report(), status_code=503)


def create_web_app(
    parts: WebParts,
    on_enqueued: Callable[[], None] | None = None,
    telegram: tuple[WebhookFeed, str] | None = None,
    health: Health | None = None,
) -> ASGIApp:
    """The web application over this Vēstnesis instance, behind the body caps of
    `vestnesis.web.guard`; `on_enqueued` is told when a page queued mail (the service wakes its
    courier). /healthz answers 200 "ok", or 503 "unhealthy" and a line per failing part of the
    service when `health` says so."""
    # Fail at start, not at the first request, when the secret is missing.
    tokens(parts.mailing.settings.web, parts.mailing.clock)
    pages = Pages(parts, on_enqueued or (lambda: None))
    routes = [
        Route("/", lambda request: RedirectResponse("/subscribe", status_code=303)),
        Route("/healthz", lambda request: _health_response(health)),
        Route("/subscribe", pages.subscribe_form, methods=["GET"]),
        Route("/subscribe", pages.subscribe, methods=["POST"]),
        Route("/confirm/{token}", pages.confirm_form, methods=["GET"]),
        Route("/confirm/{token}", pages.confirm, methods=["POST"]),
        Route("/unsubscribe/{token}", pages.unsubscribe_form, methods=["GET"]),
        Route("/unsubscribe/{token}", pages.unsubscribe, methods=["POST"]),
        Route("/preferences/{token}", pages.preferences_form, methods=["GET"]),
        Route("/preferences/{token}", pages.preferences, methods=["POST"]),
        Route("/preferences/{token}/data.json", pages.data, methods=["GET"]),
        Route("/preferences/{token}/delete", pages.delete_form, methods=["GET"]),
        Route("/preferences/{token}/delete", pages.delete, methods=["POST"]),
        Route("/{purpose:str}/{token}/again", pages.again_page, methods=["GET"]),
        Route("/{purpose:str}/{token}/again", pages.again, methods=["POST"]),
        Route("/archive", pages.archive, methods=["GET"]),
        Route("/archive/feed.xml", pages.archive_feed, methods=["GET"]),
        Route(CALENDAR_PATH, pages.calendar, methods=["GET"]),
        Route("/archive/{digest_id:int}", pages.archive_digest, methods=["GET"]),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    if telegram is not None:
        routes.append(Route("/telegram/webhook", webhook(*telegram), methods=["POST"]))
    web = Starlette(routes=routes)
    web.add_exception_handler(404, pages.not_found)
    web.add_exception_handler(Exception, pages.server_error)
    settings = parts.mailing.settings.web
    return guarded(
        web,
        form_limit=settings.max_form_body,
        webhook_limit=settings.max_webhook_body,
        proxies=settings.trusted_proxies,
        deadline=settings.body_timeout.total_seconds(),
    )


def webhook(feed: WebhookFeed, secret: str) -> Callable[[Request], Awaitable[Response]]:
    """Telegram's webhook: only requests carrying our secret token are taken."""

    async def receive(request: Request) -> Response:
        sent = request.headers.get("x-telegram-bot-api-secret-token", "")
        if not hmac.compare_digest(sent.encode(), secret.encode()):
            return PlainTextResponse("forbidden", status_code=403)
        try:
            update = await request.json()
        except (ValueError, RecursionError):
            return PlainTextResponse("not JSON", status_code=400)
        if not isinstance(update, dict) or not isinstance(update.get("update_id"), int):
            return PlainTextResponse("not a Telegram update", status_code=400)
        try:
            await feed(update)
        except (TypeError, ValueError, KeyError, RecursionError):
            return PlainTextResponse("not a Telegram update", status_code=400)
        return PlainTextResponse("ok")

    return receive


class Pages:
    """Request handlers; every page is rendered in the reader's language."""

    def __init__(self, parts: WebParts, on_enqueued: Callable[[], None]) -> None:
        self.parts = parts
        self.mailing = parts.mailing
        self.settings = parts.mailing.settings
        self.clock = parts.mailing.clock
        self.on_enqueued = on_enqueued
        self.clients = ClientLimiter(
            self.settings.web.subscribe_per_client_per_hour, self.clock.now
        )
        association = self.settings.association
        self.archive_rss = ArchiveFeed(
            parts.archive,
            functools.partial(record_view, parts.digest),
            public_url=self.settings.web.public_url,
            title=association.short_name or association.name,
        )
        self.env = Environment(
            loader=FileSystemLoader(HERE / "templates"),
            autoescape=select_autoescape(["html"]),
        )

    # --- subscribe ---------------------------------------------------------------------

    async def subscribe_form(self, request: Request) -> Response:
        if not self.mailing_on():
            return self.mailing_off(request, self.language_of(request, ""))
        return self.page(
            request,
            "subscribe.html",
            self.t(request)("Subscribe to the weekly news"),
            email="",
            name="",
            error=None,
        )

    async def subscribe(self, request: Request) -> Response:
        form = await request.form()
        # The page stays in the language it was shown in (?lang= in the form's action); the
        # news come in the language the reader chose on it.
        chosen = str(form.get("language", ""))
        shown = self.language_of(request, chosen)
        language = chosen if chosen in self.settings.association.languages else shown
        _ = self.t(request, shown)
        if not self.mailing_on():
            return self.mailing_off(request, shown)
        if not self.csrf_ok(request, form):
            return self.expired(request, shown)
        raw, name = str(form.get("email", "")).strip(), str(form.get("name", "")).strip()
        try:
            email = normalise_address(raw)
        except ValueError as problem:
            error = _("Please check the address: it is not a valid email address.")
            if "ASCII" in str(problem):
                error = _(
                    "Please use an address with only the letters a–z before the @: "
                    "most mail servers cannot deliver to this one."
                )
            return self.page(
                request,
                "subscribe.html",
                _("Subscribe to the weekly news"),
                language=shown,
                chosen=language,
                email=raw,
                name=name,
                error=error,
                status_code=422,
            )
        client = request.client.host if request.client else ""
        if not self.clients.allow(client) or await confirmations_exhausted(self.mailing):
            log.warning("subscribe form limited", client=client)
            return self.message(
                request,
                _("Too many requests"),
                [_("We have received many subscription requests. Please try again in an hour.")],
                language=shown,
                status_code=429,
            )
        # The page is the same whatever the address's state, and it is sent before any of
        # the work: neither its text nor its timing tells who is on the list.
        response = self.check_inbox(request, email, shown)
        response.background = BackgroundTask(self._subscribe, email, language, name or None)
        return response

    async def _subscribe(self, email: str, language: str, name: str | None) -> None:
        try:
            result = await subscribe(
                self.mailing, email, language=language, source="web", name=name
            )
        except Exception as error:  # after the response: nobody else would hear of it
            log.error("subscribe failed", error=str(error))
            return
        if result.status == "sent":
            self.on_enqueued()

    # --- confirm -----------------------------------------------------------------------

    async def confirm_form(self, request: Request) -> Response:
        member = await subscriber_from(self.mailing, "confirm", request.path_params["token"])
        language, _ = self.reader(request, member)
        if member is None:
            return self.invalid(request, language)
        if member.status != "pending":
            return self.used(request, member, language)
        # A button, not a GET that confirms: mail scanners follow links by themselves.
        return self.message(
            request,
            _("Confirm your subscription"),
            [
                _(
                    "Press the button to start receiving the weekly news at %(email)s.",
                    email=member.email,
                )
            ],
            language=language,
            action=request.url.path,
            action_label=_("Confirm my subscription"),
        )

    async def confirm(self, request: Request) -> Response:
        form = await request.form()
        token = request.path_params["token"]
        before = await subscriber_from(self.mailing, "confirm", token)
        language = self.shown(request, form, before.language if before else "")
        _ = self.t(request, language)
        if before is None:
            return self.invalid(request, language)
        if before.status != "pending":
            return self.used(request, before, language)
        member = await confirm(self.mailing, token)
        if member is None:
            return self.invalid(request, language)
        preferences = tokens(self.settings.web, self.clock).issue(
            "preferences", member.id, member.email
        )
        return self.message(
            request,
            _("You are subscribed"),
            [_("Thank you! The next weekly digest will reach %(email)s.", email=member.email)],
            language=language,
            status=True,
            link=f"/preferences/{preferences}?lang={language}",
            link_label=_("Change your preferences"),
        )

    # --- unsubscribe -------------------------------------------------------------------

    async def unsubscribe_form(self, request: Request) -> Response:
        member = await subscriber_from(self.mailing, "unsubscribe", request.path_params["token"])
        language, _ = self.reader(request, member)
        if member is None:
            return self.invalid(request, language)
        if member.status in GONE:
            return self.used(request, member, language)
        return self.message(
            request,
            _("Unsubscribe"),
            [_("Stop sending the weekly news to %(email)s?", email=member.email)],
            language=language,
            action=request.url.path,
            action_label=_("Unsubscribe"),
        )

    async def unsubscribe(self, request: Request) -> Response:
        """RFC 8058 one-click (no cookies, the token is the proof) and the page's button."""
        # The token first: a forged link costs an HMAC, not a read of whatever was posted.
        token = request.path_params["token"]
        before = await subscriber_from(self.mailing, "unsubscribe", token)
        member = await unsubscribe(self.mailing, token) if before else None
        body = (await request.body()).decode("utf-8", "replace") if before else ""
        if ONE_CLICK in body and "csrf=" not in body:
            status = 200 if member is not None else 404
            return PlainTextResponse(
                "unsubscribed" if member else "unknown link", status_code=status
            )
        form = {key: values[-1] for key, values in parse_qs(body).items()}
        language = self.shown(request, form, member.language if member else "")
        _ = self.t(request, language)
        if member is None or before is None:
            return self.invalid(request, language)
        if before.status in GONE:
            return self.used(request, before, language)
        return self.message(
            request,
            _("You are unsubscribed"),
            [
                _(
                    "%(email)s will receive no more news from us. Changed your mind? Subscribe again at any time.",
                    email=member.email,
                )
            ],
            language=language,
            status=True,
            again=f"/unsubscribe/{token}/again",
        )

    async def again_page(self, request: Request) -> Response:
        """The address the "Subscribe again" button posts to, opened (its result page's
        language links lead here): where the member stands now; changes nothing."""
        purpose = request.path_params["purpose"]
        if purpose not in AGAIN_FROM:
            return await self.not_found(request, None)
        member = await subscriber_from(self.mailing, purpose, request.path_params["token"])
        language, _ = self.reader(request, member)
        if member is None:
            return self.invalid(request, language)
        return self.used(request, member, language, purpose=purpose)

    async def again(self, request: Request) -> Response:
        """Subscribe again from a member's own link (double opt-in: a confirmation first)."""
        form = await request.form()
        purpose = request.path_params["purpose"]
        if purpose not in AGAIN_FROM:
            return await self.not_found(request, None)
        member = await subscriber_from(self.mailing, purpose, request.path_params["token"])
        language = self.shown(request, form, member.language if member else "")
        _ = self.t(request, language)
        if member is None:
            return self.invalid(request, language)
        if not self.csrf_ok(request, form):
            return self.expired(request, language)
        if member.status == "confirmed":
            return self.used(request, member, language, purpose=purpose)
        await self._subscribe(member.email, member.language, member.name)
        return self.check_inbox(request, member.email, language, status=True)

    def check_inbox(
        self, request: Request, email: str, language: str, *, status: bool = False
    ) -> Response:
        """The page after a subscription request: the same whatever the address's state."""
        _ = self.t(request, language)
        return self.message(
            request,
            _("Check your inbox"),
            [
                _(
                    "If %(email)s can receive our news, a confirmation link is on its way. It is valid for 7 days.",
                    email=email,
                )
            ],
            language=language,
            status=status,
        )

    def used(
        self, request: Request, member: Subscriber, language: str, *, purpose: str = "confirm"
    ) -> Response:
        """A member's link used again: say truthfully where they stand, and what they can do.

        A link to the preferences (the member's data, erasure) is offered only from a link
        that grants as much: never from an unsubscribe link, which never expires and is in
        every mail's headers."""
        _ = self.t(request, language)
        if member.status == "confirmed":
            onward: dict[str, Any] = {}
            if purpose != "unsubscribe":
                preferences = tokens(self.settings.web, self.clock).issue(
                    "preferences", member.id, member.email
                )
                onward = {
                    "link": f"/preferences/{preferences}?lang={language}",
                    "link_label": _("Change your preferences"),
                }
            return self.message(
                request,
                _("Already confirmed"),
                [
                    _(
                        "%(email)s is already subscribed; this link was used before.",
                        email=member.email,
                    )
                ],
                language=language,
                status=True,
                **onward,
            )
        if member.status == "pending":
            return self.message(
                request,
                _("Confirm your subscription"),
                [_("Your subscription is waiting for confirmation: the link is in your inbox.")],
                language=language,
                status=True,
            )
        leave = tokens(self.settings.web, self.clock).issue("unsubscribe", member.id, member.email)
        return self.message(
            request,
            _("Already unsubscribed"),
            [
                _(
                    "%(email)s already receives no news from us. Changed your mind? Subscribe again below.",
                    email=member.email,
                )
            ],
            language=language,
            status=True,
            again=f"/unsubscribe/{leave}/again",
        )

    # --- preferences and privacy -------------------------------------------------------

    async def preferences_form(
        self, request: Request, saved: str | None = None, shown_in: str | None = None
    ) -> Response:
        """The member's settings; one who left sees that, and a way to subscribe again.
        `saved` is 'saved' or 'unchanged' after the form was sent."""
        token = request.path_params["token"]
        member = await subscriber_from(self.mailing, "preferences", token)
        language = shown_in or self.language_of(request, member.language if member else "")
        _ = self.t(request, language)
        if member is None:
            return self.invalid(request, language)
        leave = tokens(self.settings.web, self.clock).issue("unsubscribe", member.id, member.email)
        return self.page(
            request,
            "preferences.html",
            _("Your preferences"),
            language=language,
            email=member.email,
            token=token,
            member_status=member.status,
            gone=member.status in GONE,
            member_language=member.language,
            weekly=member.weekly,
            reminders=member.reminders,
            saved=saved,
            unsubscribe_token=leave,
        )

    async def preferences(self, request: Request) -> Response:
        form = await request.form()
        member = await subscriber_from(self.mailing, "preferences", request.path_params["token"])
        shown = self.shown(request, form, member.language if member else "")
        if member is None:
            return self.invalid(request, shown)
        if not self.csrf_ok(request, form):
            return self.expired(request, shown)
        if member.status in GONE:  # nothing to save for someone who gets nothing
            return await self.preferences_form(request, shown_in=shown)
        language = str(form.get("language", member.language))
        if language not in self.settings.association.languages:
            language = member.language
        weekly, reminders = form.get("weekly") == "1", form.get("reminders") == "1"
        if (language, weekly, reminders) == (member.language, member.weekly, member.reminders):
            return await self.preferences_form(request, saved="unchanged", shown_in=shown)
        await self.parts.members.set_preferences(
            member.id, language=language, weekly=weekly, reminders=reminders
        )
        return await self.preferences_form(request, saved="saved", shown_in=shown)

    async def data(self, request: Request) -> Response:
        member = await subscriber_from(self.mailing, "preferences", request.path_params["token"])
        if member is None:
            return self.invalid(request, self.language_of(request, ""))
        body = json.dumps(await member_data(self.mailing, member), ensure_ascii=False, indent=2)
        return Response(
            body,
            media_type="application/json",
            headers={
                "Content-Disposition": 'attachment; filename="my-data.json"',
                "Cache-Control": "no-store",
            },
        )

    async def delete_form(self, request: Request) -> Response:
        """The second page before erasing: what goes, and a button that does it."""
        token = request.path_params["token"]
        member = await subscriber_from(self.mailing, "preferences", token)
        language, _ = self.reader(request, member)
        if member is None:
            return self.invalid(request, language)
        return self.message(
            request,
            _("Delete all your data?"),
            [
                member.email,
                _(
                    "This removes your address and your delivery history at once. It cannot be undone."
                ),
            ],
            language=language,
            action=f"/preferences/{token}/delete",
            action_label=_("Yes, delete everything"),
            fields={"confirm": "yes"},
            link=f"/preferences/{token}?lang={language}",
            link_label=_("Keep my data"),
        )

    async def delete(self, request: Request) -> Response:
        form = await request.form()
        member = await subscriber_from(self.mailing, "preferences", request.path_params["token"])
        language = self.shown(request, form, member.language if member else "")
        _ = self.t(request, language)
        if member is None:
            return self.invalid(request, language)
        if not self.csrf_ok(request, form):
            return self.expired(request, language)
        if form.get("confirm") != "yes":  # only the confirmation page's button erases
            return await self.delete_form(request)
        await self.parts.members.delete(member.id)
        return self.message(
            request,
            _("Your data has been deleted"),
            [_("Nothing about %(email)s is stored any more.", email=member.email)],
            language=language,
            status=True,
        )

    # --- archive -----------------------------------------------------------------------

    async def archive(self, request: Request) -> Response:
        language = self.language_of(request, "")
        _ = self.t(request, language)
        records = await self.parts.archive.sent()
        digests = [
            {
                "id": r.id,
                "label": dates.long_date(r.period_end.astimezone(self.zone).date(), language),
            }
            for r in records
        ]
        return self.page(
            request, "archive.html", _("Past digests"), language=language, digests=digests
        )

    async def archive_digest(self, request: Request) -> Response:
        language = self.language_of(request, "")
        digest_id = request.path_params["digest_id"]
        if not 0 < digest_id < 2**63:  # SQLite's INTEGER; larger ids name nothing
            return await self.not_found(request, None)
        record = await self.parts.archive.get(digest_id)
        if record is None or record.status != "sent":
            return await self.not_found(request, None)
        # The site's page around the digest, without what only a subscriber's copy says
        # (why you receive it, unsubscribe, preferences).
        view = await record_view(self.parts.digest, record, language)
        if view is None:
            return await self.not_found(request, None)
        return self.page(request, "digest.html", view.subject, language=language, view=view)

    async def calendar(self, request: Request) -> Response:
        """The iCalendar feed of upcoming events, for members' calendar apps."""
        return Response(
            await public_feed(self.parts.calendar),
            media_type="text/calendar; charset=utf-8",
            headers={"Cache-Control": "public, max-age=900"},
        )

    async def archive_feed(self, request: Request) -> Response:
        """The archive as RSS; a reader that has the current feed gets 304 Not Modified."""
        language = self.language_of(request, "")
        feed = await self.archive_rss.get(language, self.t(request, language))
        headers = {**feed.headers(), "Vary": "Accept-Language"}
        if feed.unchanged_for(request.headers):
            return Response(status_code=304, headers=headers)
        return Response(feed.body, media_type="application/rss+xml; charset=utf-8", headers=headers)

    async def server_error(self, request: Request, exc: Exception) -> Response:
        """A bug: logged through the service's own (masked) logging, a plain page shown."""
        log.error("web request failed", exc_info=exc, path=request.url.path)
        language = self.language_of(request, "")
        _ = self.t(request, language)
        return self.message(
            request,
            _("Something went wrong on our side"),
            [_("Please try again later.")],
            language=language,
            status_code=500,
        )

    async def not_found(self, request: Request, _exc: Any) -> Response:
        language = self.language_of(request, "")
        _ = self.t(request, language)
        return self.message(request, _("Page not found"), [], language=language, status_code=404)

    # --- helpers -----------------------------------------------------------------------

    @property
    def zone(self) -> ZoneInfo:
        """The association's time zone."""
        return self.settings.association.zone

    def reader(self, request: Request, member: Subscriber | None) -> tuple[str, Callable[..., str]]:
        """The page's language (the member's, when known) and its translator."""
        language = self.language_of(request, member.language if member else "")
        return language, self.t(request, language)

    def shown(self, request: Request, form: Any, preferred: str) -> str:
        """The language of the page a form was sent from (its hidden `lang`), so the answer
        reads in the same language; else as `language_of`."""
        sent = str(form.get("lang", "")) if form is not None else ""
        if sent in self.settings.association.languages:
            return sent
        return self.language_of(request, preferred)

    def tagline(self, language: str) -> str:
        """The association's own words under the subscribe title (`association.tagline`)."""
        tagline = self.settings.association.tagline
        if isinstance(tagline, str):
            return tagline
        default = self.settings.association.default_language
        return tagline.get(language) or tagline.get(default, "")

    def language_of(self, request: Request, preferred: str) -> str:
        """?lang=, else the member's language, else the browser's, else the default."""
        languages = self.settings.association.languages
        asked = request.query_params.get("lang", "")
        if asked in languages:
            return asked
        if preferred in languages:
            return preferred
        for part in request.headers.get("accept-language", "").split(","):
            code = part.split(";")[0].strip().split("-")[0].lower()
            if code in languages:
                return code
        return languages[0]

    def t(self, request: Request, language: str | None = None) -> Callable[..., str]:
        catalog = self.parts.catalogs.get(language or self.language_of(request, ""))

        def translate(message: str, **values: Any) -> str:
            text = catalog.gettext(message)
            return text % values if values else text

        return translate

    def page(
        self,
        request: Request,
        template: str,
        title: str,
        *,
        language: str | None = None,
        status_code: int = 200,
        **context: Any,
    ) -> Response:
        language = language or self.language_of(request, "")
        reader = self.mailing.present(language)
        csrf = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(24)
        names = [
            (code, Locale(code).languages.get(code, code).capitalize())
            for code in self.settings.association.languages
        ]
        html = self.env.get_template(template).render(
            _=self.t(request, language),
            language=language,
            title=title,
            csrf=csrf,
            association=reader.association,
            # The name is in the association's own language: marked so on other pages.
            association_language=self.settings.association.default_language,
            short_name=reader.short_name,
            website=reader.website,
            website_label=reader.website.split("://", 1)[-1].rstrip("/"),
            languages=names,
            tagline=self.tagline(language),
            **context,
        )
        response = HTMLResponse(
            html,
            status_code=status_code,
            headers={
                "Content-Security-Policy": PAGE_POLICY,
                "X-Content-Type-Options": "nosniff",
                "Referrer-Policy": "no-referrer",
                "Cache-Control": "no-store",
            },
        )
        secure = self.settings.web.public_url.startswith("https://")
        response.set_cookie(
            CSRF_COOKIE, csrf, httponly=True, samesite="strict", secure=secure, path="/"
        )
        return response

    def mailing_on(self) -> bool:
        """Whether the mailing list can send (email.from is set)."""
        try:
            identity(self.settings)
        except MailingError:
            return False
        return True

    def mailing_off(self, request: Request, language: str) -> Response:
        """The page saying the list cannot take members until sending mail is set up."""
        _ = self.t(request, language)
        return self.message(
            request,
            _("The mailing list is off"),
            [
                _("The mailing list is not available just now."),
                _("The association has not set up sending mail yet. Please try again later."),
            ],
            language=language,
            status_code=503,
        )

    def message(
        self,
        request: Request,
        title: str,
        paragraphs: list[str],
        *,
        language: str,
        status_code: int = 200,
        **context: Any,
    ) -> Response:
        context.setdefault("action", None)
        context.setdefault("again", None)
        context.setdefault("fields", {})
        context.setdefault("link", None)
        context.setdefault("status", False)
        return self.page(
            request,
            "message.html",
            title,
            language=language,
            paragraphs=paragraphs,
            status_code=status_code,
            **context,
        )

    def invalid(self, request: Request, language: str) -> Response:
        _ = self.t(request, language)
        return self.message(
            request,
            _("This link is not valid"),
            [_("It may have expired or been copied incompletely. You can subscribe again below.")],
            language=language,
            status_code=404,
            link=f"/subscribe?lang={language}",
            link_label=_("Subscribe"),
        )

    def expired(self, request: Request, language: str) -> Response:
        _ = self.t(request, language)
        return self.message(
            request,
            _("The form expired. Please try again."),
            [],
            language=language,
            status_code=403,
            link=str(request.url.path),
            link_label=_("Subscribe"),
        )

    @staticmethod
    def csrf_ok(request: Request, form: Any) -> bool:
        cookie = request.cookies.get(CSRF_COOKIE, "")
        sent = str(form.get("csrf", ""))
        # As bytes: compare_digest refuses str with non-ASCII characters (a forged cookie).
        return bool(cookie) and hmac.compare_digest(cookie.encode(), sent.encode())
