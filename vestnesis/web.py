"""The members' web pages: subscribe, confirm, unsubscribe, preferences, and the archive."""

from __future__ import annotations

import hmac
import json
import secrets
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_date
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from mailer.render import EmailRenderer
from storage import Subscriber
from vestnesis.app import App
from vestnesis.archive_feed import ArchiveFeed
from vestnesis.asking import CALENDAR_PATH
from vestnesis.digests import digest_of, view_for
from vestnesis.events import public_feed
from vestnesis.i18n import presentation
from vestnesis.mailing import (
    confirm,
    member_data,
    subscribe,
    subscriber_from,
    tokens,
    unsubscribe,
)

HERE = Path(__file__).parent
CSRF_COOKIE = "vestnesis_csrf"
# Pages load nothing from elsewhere; the archive's email HTML carries inline styles.
PAGE_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
ARCHIVE_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; frame-ancestors 'none'"
)
ONE_CLICK = "List-Unsubscribe=One-Click"


WebhookFeed = Callable[[dict[str, Any]], Awaitable[None]]


def create_web_app(
    app: App,
    on_enqueued: Callable[[], None] | None = None,
    telegram: tuple[WebhookFeed, str] | None = None,
) -> Starlette:
    """The Starlette application over this Vēstnesis instance; `on_enqueued` is told when a
    page queued mail (the service wakes its courier)."""
    tokens(app)  # fail at start, not at the first request, when the secret is missing
    pages = Pages(app, on_enqueued or (lambda: None))
    routes = [
        Route("/", lambda request: RedirectResponse("/subscribe", status_code=303)),
        Route("/healthz", lambda request: PlainTextResponse("ok")),
        Route("/subscribe", pages.subscribe_form, methods=["GET"]),
        Route("/subscribe", pages.subscribe, methods=["POST"]),
        Route("/confirm/{token}", pages.confirm_form, methods=["GET"]),
        Route("/confirm/{token}", pages.confirm, methods=["POST"]),
        Route("/unsubscribe/{token}", pages.unsubscribe_form, methods=["GET"]),
        Route("/unsubscribe/{token}", pages.unsubscribe, methods=["POST"]),
        Route("/preferences/{token}", pages.preferences_form, methods=["GET"]),
        Route("/preferences/{token}", pages.preferences, methods=["POST"]),
        Route("/preferences/{token}/data.json", pages.data, methods=["GET"]),
        Route("/preferences/{token}/delete", pages.delete, methods=["POST"]),
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
    return web


def webhook(feed: WebhookFeed, secret: str) -> Callable[[Request], Awaitable[Response]]:
    """Telegram's webhook: only requests carrying our secret token are taken."""

    async def receive(request: Request) -> Response:
        sent = request.headers.get("x-telegram-bot-api-secret-token", "")
        if not hmac.compare_digest(sent.encode(), secret.encode()):
            return PlainTextResponse("forbidden", status_code=403)
        try:
            update = await request.json()
        except ValueError:
            return PlainTextResponse("not JSON", status_code=400)
        await feed(update)
        return PlainTextResponse("ok")

    return receive


class Pages:
    """Request handlers; every page is rendered in the reader's language."""

    def __init__(self, app: App, on_enqueued: Callable[[], None]) -> None:
        self.app = app
        self.on_enqueued = on_enqueued
        self.archive_rss = ArchiveFeed(app)
        self.env = Environment(
            loader=FileSystemLoader(HERE / "templates" / "web"),
            autoescape=select_autoescape(["html"]),
        )

    # --- subscribe ---------------------------------------------------------------------

    async def subscribe_form(self, request: Request) -> Response:
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
        language = self.language_of(request, str(form.get("language", "")))
        _ = self.t(request, language)
        if not self.csrf_ok(request, form):
            return self.expired(request, language)
        email, name = str(form.get("email", "")).strip(), str(form.get("name", "")).strip()
        result = await subscribe(
            self.app, email, language=language, source="web", name=name or None
        )
        if result.status == "sent":
            self.on_enqueued()
        if result.status == "invalid":
            error = _("Please check the address: it is not a valid email address.")
            return self.page(
                request,
                "subscribe.html",
                _("Subscribe to the weekly news"),
                language=language,
                email=email,
                name=name,
                error=error,
                status_code=422,
            )
        # The same answer whatever the address's state, so the page tells no one who is listed.
        return self.message(
            request,
            _("Check your inbox"),
            [
                _(
                    "If %(email)s can receive our news, a confirmation link is on its way. It is valid for 7 days.",
                    email=result.email,
                )
            ],
            language=language,
        )

    # --- confirm -----------------------------------------------------------------------

    async def confirm_form(self, request: Request) -> Response:
        member = await subscriber_from(self.app, "confirm", request.path_params["token"])
        language, _ = self.reader(request, member)
        if member is None:
            return self.invalid(request, language)
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
        member = await confirm(self.app, request.path_params["token"])
        language, _ = self.reader(request, member)
        if member is None:
            return self.invalid(request, language)
        preferences = tokens(self.app).issue("preferences", member.id, member.email)
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
        member = await subscriber_from(self.app, "unsubscribe", request.path_params["token"])
        language, _ = self.reader(request, member)
        if member is None:
            return self.invalid(request, language)
        return self.message(
            request,
            _("Unsubscribe"),
            [_("Stop the weekly news to %(email)s?", email=member.email)],
            language=language,
            action=request.url.path,
            action_label=_("Unsubscribe"),
        )

    async def unsubscribe(self, request: Request) -> Response:
        """RFC 8058 one-click (no cookies, the token is the proof) and the page's button."""
        body = (await request.body()).decode("utf-8", "replace")
        member = await unsubscribe(self.app, request.path_params["token"])
        if ONE_CLICK in body and "csrf=" not in body:
            status = 200 if member is not None else 404
            return PlainTextResponse(
                "unsubscribed" if member else "unknown link", status_code=status
            )
        language, _ = self.reader(request, member)
        if member is None:
            return self.invalid(request, language)
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
            link=f"/subscribe?lang={language}",
            link_label=_("Subscribe"),
        )

    # --- preferences and privacy -------------------------------------------------------

    async def preferences_form(
        self, request: Request, saved: bool = False, shown_in: str | None = None
    ) -> Response:
        token = request.path_params["token"]
        member = await subscriber_from(self.app, "preferences", token)
        language = shown_in or self.language_of(request, member.language if member else "")
        _ = self.t(request, language)
        if member is None:
            return self.invalid(request, language)
        leave = tokens(self.app).issue("unsubscribe", member.id, member.email)
        return self.page(
            request,
            "preferences.html",
            _("Your preferences"),
            language=language,
            email=member.email,
            token=token,
            member_language=member.language,
            weekly=member.weekly,
            reminders=member.reminders,
            saved=saved,
            unsubscribe_token=leave,
        )

    async def preferences(self, request: Request) -> Response:
        form = await request.form()
        member = await subscriber_from(self.app, "preferences", request.path_params["token"])
        if member is None:
            return self.invalid(request, self.language_of(request, ""))
        if not self.csrf_ok(request, form):
            return self.expired(request, member.language)
        language = str(form.get("language", member.language))
        if language not in self.app.config.association.languages:
            language = member.language
        await self.app.database.subscribers.set_preferences(
            member.id,
            language=language,
            weekly=form.get("weekly") == "1",
            reminders=form.get("reminders") == "1",
        )
        return await self.preferences_form(request, saved=True, shown_in=language)

    async def data(self, request: Request) -> Response:
        member = await subscriber_from(self.app, "preferences", request.path_params["token"])
        if member is None:
            return self.invalid(request, self.language_of(request, ""))
        body = json.dumps(await member_data(self.app, member), ensure_ascii=False, indent=2)
        return Response(
            body,
            media_type="application/json",
            headers={
                "Content-Disposition": 'attachment; filename="my-data.json"',
                "Cache-Control": "no-store",
            },
        )

    async def delete(self, request: Request) -> Response:
        form = await request.form()
        member = await subscriber_from(self.app, "preferences", request.path_params["token"])
        language, _ = self.reader(request, member)
        if member is None:
            return self.invalid(request, language)
        if not self.csrf_ok(request, form):
            return self.expired(request, language)
        await self.app.database.subscribers.delete(member.id)
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
        records = await self.app.database.digests.sent()
        digests = [
            {
                "id": r.id,
                "label": format_date(r.period_end.astimezone(self.zone), "long", locale=language),
            }
            for r in records
        ]
        return self.page(
            request, "archive.html", _("Past digests"), language=language, digests=digests
        )

    async def archive_digest(self, request: Request) -> Response:
        language = self.language_of(request, "")
        record = await self.app.database.digests.get(request.path_params["digest_id"])
        if record is None or record.status != "sent":
            return await self.not_found(request, None)
        digest = await digest_of(self.app, record)
        if digest is None:
            return await self.not_found(request, None)
        html = EmailRenderer().render(await view_for(self.app, digest, language)).html
        return HTMLResponse(html, headers={"Content-Security-Policy": ARCHIVE_POLICY})

    async def calendar(self, request: Request) -> Response:
        """The iCalendar feed of upcoming events, for members' calendar apps."""
        return Response(
            await public_feed(self.app),
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

    async def not_found(self, request: Request, _exc: Any) -> Response:
        language = self.language_of(request, "")
        _ = self.t(request, language)
        return self.message(request, _("Page not found"), [], language=language, status_code=404)

    # --- helpers -----------------------------------------------------------------------

    @property
    def zone(self):
        return self.app.config.association.zone

    def reader(self, request: Request, member: Subscriber | None) -> tuple[str, Callable[..., str]]:
        """The page's language (the member's, when known) and its translator."""
        language = self.language_of(request, member.language if member else "")
        return language, self.t(request, language)

    def language_of(self, request: Request, preferred: str) -> str:
        """?lang=, else the member's language, else the browser's, else the default."""
        languages = self.app.config.association.languages
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
        catalog = self.app.catalogs.get(language or self.language_of(request, ""))

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
        reader = presentation(self.app.config, language, self.app.catalogs)
        csrf = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(24)
        names = [
            (code, Locale(code).languages.get(code, code).capitalize())
            for code in self.app.config.association.languages
        ]
        html = self.env.get_template(template).render(
            _=self.t(request, language),
            language=language,
            title=title,
            csrf=csrf,
            association=reader.association,
            short_name=reader.short_name,
            website=reader.website,
            website_label=reader.website.split("://", 1)[-1].rstrip("/"),
            languages=names,
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
        secure = self.app.config.web.public_url.startswith("https://")
        response.set_cookie(
            CSRF_COOKIE, csrf, httponly=True, samesite="strict", secure=secure, path="/"
        )
        return response

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
        return bool(cookie) and hmac.compare_digest(cookie, sent)
