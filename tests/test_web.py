"""The members' web pages: the whole subscribe, confirm, preferences, unsubscribe cycle."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import feedparser
import httpx
import pytest

from tests.conftest import running, sample_config
from tests.smtpserver import MailServer
from vestnesis.config import load_config
from vestnesis.mailing.email_list import enqueue_digest
from vestnesis.web.pages import create_web_app
from vestnesis.wiring.parts import email_delivery, mailing_parts, web_parts

SECRET = {"VESTNESIS_WEB_SECRET": "a-long-enough-test-secret"}
NOW = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
BASE = "https://vestnesis.example"


@pytest.fixture
def mail():
    server = MailServer().start()
    yield server
    server.stop()


@pytest.fixture
def config(tmp_path, mail):
    settings = {
        "from": "LBB <info@bibliotekari.lv>",
        "smtp_host": "127.0.0.1",
        "smtp_port": mail.port,
        "security": "none",
    }
    return load_config(sample_config(tmp_path, email=settings, web={"public_url": BASE}), SECRET)


def client_for(app, on_enqueued=None) -> httpx.AsyncClient:
    web = create_web_app(web_parts(app), on_enqueued)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=web), base_url=BASE)


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def path_of(url: str) -> str:
    return url.removeprefix(BASE)


async def test_subscribe_confirm_preferences_unsubscribe(config, mail) -> None:
    woken = []
    async with running(config, NOW) as app, client_for(app, lambda: woken.append(1)) as web:
        form = await web.get("/subscribe?lang=lv")
        assert form.status_code == 200 and '<html lang="lv">' in form.text
        assert '<label for="email">E-pasta adrese</label>' in form.text
        assert "default-src 'none'" in form.headers["content-security-policy"]
        assert "samesite=strict" in form.headers["set-cookie"].lower()
        assert not re.search(
            r'(src|href)="https?://(?!bibliotekari\.lv)', form.text
        )  # nothing third-party

        refused = await web.post("/subscribe", data={"email": "a@example.lv", "csrf": "forged"})
        assert refused.status_code == 403

        sent = await web.post(
            "/subscribe",
            data={"email": "Ilze@Example.LV", "language": "lt", "csrf": csrf_of(form.text)},
        )
        assert sent.status_code == 200 and "Patikrinkite savo el. paštą" in sent.text
        assert woken == [1]  # the service's courier is told to send the confirmation now
        await email_delivery(app).drain()
        [confirmation] = mail.received
        text = confirmation.message.get_body(("plain",)).get_content()
        confirm_url = re.search(rf"{BASE}/confirm/\S+", text).group(0)

        page = await web.get(path_of(confirm_url))
        assert "Patvirtinkite prenumeratą" in page.text
        assert (await app.database.subscribers.by_email("ilze@example.lv")).status == "pending"
        done = await web.post(path_of(confirm_url))
        assert "Prenumerata patvirtinta" in done.text
        member = await app.database.subscribers.by_email("ilze@example.lv")
        assert member.status == "confirmed" and member.language == "lt" and member.source == "web"

        preferences_url = re.search(r'href="(/preferences/[^"?]+)', done.text).group(1)
        prefs = await web.get(preferences_url)
        assert "Jūsų nustatymai" in prefs.text
        assert 'name="lang" value="lt"' in prefs.text
        saved = await web.post(
            preferences_url, data={"language": "en", "lang": "lt", "csrf": csrf_of(prefs.text)}
        )
        # The page stays in the language it was read in, though the news now come in English.
        assert '<html lang="lt">' in saved.text and "Išsaugota." in saved.text
        member = await app.database.subscribers.by_email("ilze@example.lv")
        assert member.language == "en" and not member.weekly  # the box was left unticked
        assert not member.reminders
        again = await web.post(
            preferences_url,
            data={"language": "en", "weekly": "1", "reminders": "1", "csrf": csrf_of(saved.text)},
        )
        assert 'name="reminders" value="1" checked' in again.text and "Saved." in again.text
        same = await web.post(
            preferences_url,
            data={"language": "en", "weekly": "1", "reminders": "1", "csrf": csrf_of(saved.text)},
        )
        assert "Saved." not in same.text and "Nothing changed" in same.text
        member = await app.database.subscribers.by_email("ilze@example.lv")
        assert member.weekly and member.reminders
        assert [m.email for m in await app.database.subscribers.reminded()] == [member.email]

        export = await web.get(preferences_url + "/data.json")
        assert export.headers["content-disposition"].startswith("attachment")
        assert json.loads(export.text)["email"] == "ilze@example.lv"

        leave = re.search(r'href="(/unsubscribe/[^"?]+)', saved.text).group(1)
        # An unsubscribe link (never expiring, in every mail's headers) never leads on to the
        # preferences, where the member's data can be read or erased.
        peek = await web.get(leave + "/again")
        assert "Already confirmed" in peek.text and "/preferences/" not in peek.text
        posted = await web.post(leave + "/again", data={"csrf": csrf_of(saved.text)})
        assert "/preferences/" not in posted.text
        ask = await web.get(leave)
        assert ask.text.count("<button") == 1
        gone = await web.post(leave, data={"csrf": csrf_of(ask.text)})
        assert "You are unsubscribed" in gone.text
        assert (await app.database.subscribers.by_email("ilze@example.lv")).status == "unsubscribed"

        # Each link used a second time says where the member stands.
        twice = await web.get(leave)
        assert "Already unsubscribed" in twice.text and "Subscribe again" in twice.text
        assert "Already unsubscribed" in (await web.post(leave, data={"csrf": "x"})).text
        old_confirm = await web.get(path_of(confirm_url))
        assert "Already unsubscribed" in old_confirm.text  # no confirming a member who left
        assert (await web.post(path_of(confirm_url))).text.count("Already unsubscribed") == 2

        # The preferences page after unsubscribing: no ticked boxes that save nothing, but a
        # way back that asks for a fresh confirmation (double opt-in).
        after = await web.get(preferences_url + "?lang=en")
        assert "You are unsubscribed: ilze@example.lv gets no news from us." in after.text
        assert 'name="weekly"' not in after.text and "Subscribe again" in after.text
        back = await web.post(
            preferences_url + "/again", data={"csrf": csrf_of(after.text), "lang": "lv"}
        )
        assert '<html lang="lv">' in back.text and "Pārbaudiet savu e-pastu" in back.text
        # The result page's language links open a page, not a 404 (the address only took POST).
        switch = re.search(r'href="(\?lang=en)"', back.text).group(1)
        english = await web.get(preferences_url + "/again" + switch)
        assert english.status_code == 200 and '<html lang="en">' in english.text
        assert "Your subscription is waiting for confirmation" in english.text
        assert (await app.database.subscribers.by_email("ilze@example.lv")).status == "pending"
        await email_delivery(app).drain()
        second = mail.received[-1].message.get_body(("plain",)).get_content()
        again_url = re.search(rf"{BASE}/confirm/\S+", second).group(0)
        await web.post(path_of(again_url))
        used = await web.get(path_of(again_url))
        assert "Already confirmed" in used.text and "this link was used before" in used.text
        assert (await app.database.subscribers.by_email("ilze@example.lv")).status == "confirmed"

        # Erasing everything asks on a second page first.
        ask_delete = await web.get(preferences_url + "/delete?lang=en")
        assert "Delete all your data?" in ask_delete.text and "Keep my data" in ask_delete.text
        assert await app.database.subscribers.by_email("ilze@example.lv") is not None
        unconfirmed = await web.post(
            preferences_url + "/delete", data={"csrf": csrf_of(ask_delete.text)}
        )
        assert "Delete all your data?" in unconfirmed.text
        assert await app.database.subscribers.by_email("ilze@example.lv") is not None
        erased = await web.post(
            preferences_url + "/delete",
            data={"csrf": csrf_of(ask_delete.text), "confirm": "yes", "lang": "en"},
        )
        assert "Your data has been deleted" in erased.text
        assert await app.database.subscribers.by_email("ilze@example.lv") is None


async def test_the_tagline_comes_from_the_config(tmp_path) -> None:
    tagline = {"lv": "Reizi nedēļā — LBB, IFLA un EBLIDA jaunumi.", "en": "IFLA and EBLIDA news."}
    sender = {"from": "LBB <info@bibliotekari.lv>"}
    path = sample_config(
        tmp_path, association={"tagline": tagline}, email=sender, web={"public_url": BASE}
    )
    async with running(load_config(path, SECRET), NOW) as app, client_for(app) as web:
        assert tagline["lv"] in (await web.get("/subscribe?lang=lv")).text
        assert tagline["en"] in (await web.get("/subscribe?lang=en")).text
        assert tagline["lv"] in (await web.get("/subscribe?lang=lt")).text  # the first language
    plain = sample_config(
        tmp_path / "plain" if (tmp_path / "plain").mkdir() is None else tmp_path, email=sender
    )
    async with running(load_config(plain, SECRET), NOW) as app, client_for(app) as web:
        page = (await web.get("/subscribe?lang=en")).text
        assert "Once a week: the news of LBB, in your language." in page and "IFLA" not in page


async def test_invalid_address_and_links(config) -> None:
    async with running(config, NOW) as app, client_for(app) as web:
        form = await web.get("/subscribe", headers={"Accept-Language": "lt-LT,lt;q=0.9,en;q=0.5"})
        assert '<html lang="lt">' in form.text
        bad = await web.post(
            "/subscribe", data={"email": "nope@", "csrf": csrf_of(form.text), "language": "lv"}
        )
        assert bad.status_code == 422 and 'aria-invalid="true"' in bad.text
        assert "Lūdzu, pārbaudiet adresi" in bad.text
        # The error comes first in the title, the field takes the focus, the choice is kept.
        title = re.search(r"<title>(.*)</title>", bad.text).group(1)
        assert title.startswith("Lūdzu, pārbaudiet adresi")
        assert re.search(r'<input type="email"[^>]* autofocus>', bad.text)
        assert re.search(r'value="lv" checked', bad.text)


async def test_the_page_language_survives_every_form_post(config) -> None:
    async with running(config, NOW) as app, client_for(app) as web:
        form = await web.get("/subscribe?lang=en")
        actions = re.findall(r'<form method="post" action="([^"]+)"', form.text)
        assert actions == ["/subscribe?lang=en"]
        # A Latvian name on an English page is marked as Latvian for screen readers.
        assert '<a class="name" href="/subscribe?lang=en" lang="lv">' in form.text
        sent = await web.post(
            actions[0],
            data={"email": "rita@example.lt", "language": "lt", "csrf": csrf_of(form.text)},
        )
        assert '<html lang="en">' in sent.text and "Check your inbox" in sent.text
        member = await app.database.subscribers.by_email("rita@example.lt")
        assert member.language == "lt"  # the news in the chosen language, the page in English
        latvian = await web.get("/subscribe?lang=lv")
        assert '<a class="name" href="/subscribe?lang=lv">' in latvian.text
        for path in ("/confirm/forged.token", "/unsubscribe/x", "/preferences/y"):
            page = await web.get(path + "?lang=en")
            assert page.status_code == 404 and "This link is not valid" in page.text
        missing = await web.get("/no/such/page?lang=en")
        assert missing.status_code == 404 and "Page not found" in missing.text


async def test_one_click_unsubscribe_and_the_archive(config, mail) -> None:
    async with running(config, NOW) as app, client_for(app) as web:
        await app.poller.poll(await app.database.sources.active())
        await app.database.subscribers.add(
            "a@example.lv", name=None, language="lv", source="import", confirmed=True, now=NOW
        )
        await enqueue_digest(mailing_parts(app), NOW)
        await email_delivery(app).drain()
        [digest] = mail.received
        one_click = digest.message["List-Unsubscribe"].split(",")[0].strip(" <>")
        # What a mailbox provider sends: a bare POST, no cookies, no form token.
        bare = client_for(app)  # a client of its own: none of the pages' cookies
        response = await bare.post(
            path_of(one_click),
            content=b"List-Unsubscribe=One-Click",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert response.status_code == 200
        assert (await app.database.subscribers.by_email("a@example.lv")).status == "unsubscribed"

        html = digest.message.get_body(("html",)).get_content()
        archive_url = re.search(rf"{BASE}/archive/\d+\?lang=lv", html).group(0)
        page = await web.get(path_of(archive_url))
        assert page.status_code == 200 and "LBB — nedēļas jaunumi" in page.text
        # The site's page: header, language switcher, main, a way back and a way in; nothing
        # that only a subscriber's own copy says.
        assert '<nav class="languages"' in page.text and '<main id="content">' in page.text
        assert '<a href="/archive?lang=lv">' in page.text
        assert '<a href="/subscribe?lang=lv">Pieteikties nedēļas jaunumiem</a>' in page.text
        for private in (
            "Atteikties no abonēšanas",
            "Šī adrese ir pieteikta",
            "/unsubscribe/",
            "/preferences/",
        ):
            assert private not in page.text
        assert "unsafe-inline" not in page.headers["content-security-policy"]
        english = await web.get(path_of(archive_url).replace("lang=lv", "lang=en"))
        assert "LBB — news of the week" in english.text
        listing = await web.get("/archive?lang=lv")
        assert "2026. gada 23. novembris" in listing.text
        for language, label in (("lt", "2026 m. lapkričio 23 d."), ("en", "23 November 2026")):
            assert label in (await web.get(f"/archive?lang={language}")).text  # en-GB, not US
        feed = feedparser.parse((await web.get("/archive/feed.xml?lang=lv")).content)
        assert feed.bozo == 0 and len(feed.entries) == 1
        assert feed.entries[0].title == "LBB nedēļas jaunumu apkopojums, 2026. gada 23. novembris"


async def test_the_events_calendar_feed_is_public_and_linked(config) -> None:
    from feeds.ics import parse_calendar
    from vestnesis.events.calendar import poll_calendars
    from vestnesis.wiring.calendars import calendar_parts

    async with running(config) as app, client_for(app) as web:
        await poll_calendars(calendar_parts(app))
        page = await web.get("/subscribe?lang=lv")
        assert 'href="/events.ics"' in page.text and "Pasākumu kalendārs" in page.text
        feed = await web.get("/events.ics")
        assert feed.status_code == 200
        assert feed.headers["content-type"].startswith("text/calendar")
        now = datetime(2026, 11, 22, tzinfo=UTC)
        parsed = parse_calendar(
            feed.content, zone=UTC, start=now, end=datetime(2028, 1, 1, tzinfo=UTC)
        )
        titles = {e.title for e in parsed.events}
        assert "CoBAL kongress 2027" in titles
        assert "LBB Gada balvas pasniegšana" not in titles  # already past
        assert any(e.cancelled and e.title == "LBB valdes sēde" for e in parsed.events)


async def test_mailing_list_members_who_opted_in_get_event_reminders(config, mail) -> None:
    from vestnesis.events.calendar import poll_calendars
    from vestnesis.service.reminders import send_reminders
    from vestnesis.wiring.calendars import calendar_parts
    from vestnesis.wiring.parts import reminder_parts

    async with running(config, NOW) as app:  # 2026-11-23 09:00 in Riga
        await poll_calendars(calendar_parts(app))
        for address, reminders in (("ilze@example.lv", True), ("juris@example.lv", False)):
            member, _new = await app.database.subscribers.add(
                address, name=None, language="lv", source="cli", confirmed=True, now=app.clock.now()
            )
            await app.database.subscribers.set_preferences(
                member.id, language="lv", weekly=True, reminders=reminders
            )
        assert await send_reminders(reminder_parts(app)) == 1
        report = await email_delivery(app).drain()
        assert report.sent == 1
        [received] = mail.received
        message = received.message
        assert message["To"] == "ilze@example.lv"
        assert "Drīzumā: Vebinārs" in message["Subject"]
        body = message.get_body(("plain",)).get_content()
        assert "Kad: ceturtdien, 26. novembrī, plkst. 11.00–12.00" in body
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


async def test_subscribing_while_email_from_is_unset_says_the_list_is_off(tmp_path) -> None:
    config = load_config(sample_config(tmp_path, web={"public_url": BASE}), SECRET)
    async with running(config, NOW) as app, client_for(app) as web:
        form = await web.get("/subscribe?lang=lv")
        assert form.status_code == 503 and "Vēstkopa ir izslēgta" in form.text
        posted = await web.post("/subscribe", data={"email": "a@example.lv", "language": "lt"})
        assert posted.status_code == 503
        assert "Naujienlaiškis išjungtas" in posted.text
        assert "Draugija dar nenustatė el. laiškų siuntimo." in posted.text
        assert await app.database.subscribers.list() == []


async def test_a_non_ascii_mailbox_name_is_refused_in_words(config) -> None:
    async with running(config, NOW) as app, client_for(app) as web:
        form = await web.get("/subscribe?lang=lv")
        answer = await web.post(
            "/subscribe",
            data={"email": "jānis@example.lv", "language": "lv", "csrf": csrf_of(form.text)},
        )
        assert answer.status_code == 422
        assert "pirms @ ir tikai burti a–z" in answer.text
