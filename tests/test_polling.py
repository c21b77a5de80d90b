"""Polling real HTTP: conditional GET, failures of every kind, cleaning and deduplication."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler

import pytest

from tests.conftest import NOW, running
from tests.feedgen import numbered_items, rss
from tests.feedserver import Route


async def poll_all(config, now=NOW):
    async with running(config, now) as app:
        reports = await app.poller.poll(await app.database.sources.active())
        stored = await app.database.items.list()
    return {r.source: r for r in reports}, stored


async def test_second_poll_gets_304_and_stores_nothing(server, make_config):
    server.routes["/feed"] = Route(body=rss(numbered_items(5)))
    config = make_config([{"name": "A", "url": server.url("/feed")}])

    first, stored = await poll_all(config)
    second, again = await poll_all(config)

    assert first["A"].status == "new" and first["A"].new == 5
    assert second["A"].status == "unchanged" and second["A"].new == 0
    assert len(again) == len(stored) == 5
    conditional = server.hits("/feed")[1].headers
    assert conditional.get("If-None-Match", "").startswith('"')
    assert "Vestnesis/" in conditional["User-Agent"]


async def test_last_modified_is_used_when_there_is_no_etag(server, make_config):
    stamp = "Fri, 20 Nov 2026 10:00:00 GMT"
    server.routes["/lm"] = Route(body=rss(numbered_items(2)), etag=False, last_modified=stamp)
    config = make_config([{"name": "A", "url": server.url("/lm")}])
    await poll_all(config)
    second, _ = await poll_all(config)
    assert second["A"].status == "unchanged"
    assert server.hits("/lm")[1].headers["If-Modified-Since"] == stamp


async def test_unchanged_body_without_validators_is_not_reparsed(server, make_config):
    server.routes["/plain"] = Route(body=rss(numbered_items(3)), etag=False)
    config = make_config([{"name": "A", "url": server.url("/plain")}])
    await poll_all(config)
    second, _ = await poll_all(config)
    assert second["A"].status == "unchanged" and second["A"].seen == 0


async def test_redirects_are_followed_and_loops_reported(server, make_config):
    server.routes["/old"] = Route(redirect_to="/older", status=301)
    server.routes["/older"] = Route(redirect_to="/feed", status=302)
    server.routes["/feed"] = Route(body=rss(numbered_items(2)))
    server.routes["/loop-a"] = Route(redirect_to="/loop-b")
    server.routes["/loop-b"] = Route(redirect_to="/loop-a")
    config = make_config(
        [
            {"name": "moved", "url": server.url("/old")},
            {"name": "loop", "url": server.url("/loop-a")},
        ]
    )
    reports, stored = await poll_all(config)
    assert reports["moved"].new == 2
    assert reports["loop"].status == "failed"
    assert "redirect" in reports["loop"].error
    assert len(stored) == 2


async def test_gzip_responses_are_decoded(server, make_config):
    server.routes["/gz"] = Route(body=rss(numbered_items(3)), gzip=True)
    reports, _ = await poll_all(make_config([{"name": "gz", "url": server.url("/gz")}]))
    assert reports["gz"].new == 3
    assert "gzip" in server.hits("/gz")[0].headers.get("Accept-Encoding", "")


async def test_server_error_fails_only_that_source(server, make_config):
    server.routes["/ok"] = Route(body=rss(numbered_items(2)))
    server.routes["/boom"] = Route(body=b"oops", status=500, content_type="text/plain")
    config = make_config(
        [{"name": "ok", "url": server.url("/ok")}, {"name": "boom", "url": server.url("/boom")}]
    )
    reports, stored = await poll_all(config)
    assert reports["boom"].status == "failed"
    assert reports["boom"].error == "HTTP 500 Internal Server Error"
    assert reports["ok"].new == 2 and len(stored) == 2


async def test_slow_server_hits_the_read_timeout(server, make_config):
    server.routes["/slow"] = Route(body=rss(numbered_items(1)), delay=2.5)
    server.routes["/fast"] = Route(body=rss(numbered_items(1), title="fast"))
    config = make_config(
        [{"name": "slow", "url": server.url("/slow")}, {"name": "fast", "url": server.url("/fast")}]
    )
    started = time.monotonic()
    reports, _ = await poll_all(config)
    assert reports["slow"].status == "failed"
    assert "stopped answering" in reports["slow"].error
    assert reports["fast"].new == 1
    assert time.monotonic() - started < 2.4  # gave up at the 1 s read timeout


async def test_html_page_is_not_a_feed(server, make_config):
    page = b"<!DOCTYPE html><html><head><title>Site</title></head><body>Hi</body></html>"
    server.routes["/site"] = Route(body=page, content_type="text/html; charset=utf-8")
    reports, stored = await poll_all(make_config([{"name": "site", "url": server.url("/site")}]))
    assert reports["site"].status == "failed"
    assert reports["site"].error.startswith("not a feed: got an HTML page")
    assert stored == []


async def test_malformed_xml_salvages_entries_and_warns(server, make_config):
    broken = rss(numbered_items(3)).replace(b"</channel></rss>", b"<item><title>cut")
    server.routes["/broken"] = Route(body=broken)
    server.routes["/garbage"] = Route(body=b"<<<this is not xml", content_type="text/xml")
    config = make_config(
        [
            {"name": "broken", "url": server.url("/broken")},
            {"name": "garbage", "url": server.url("/garbage")},
        ]
    )
    reports, stored = await poll_all(config)
    assert reports["broken"].status == "new" and reports["broken"].new >= 3
    assert "malformed XML" in reports["broken"].warning
    assert reports["garbage"].status == "failed" and "invalid XML" in reports["garbage"].error
    assert {item.title for item in stored} >= {"Story number 0", "Story number 2"}


async def test_windows_1257_feed_is_decoded(server, make_config):
    items = [
        {
            "title": "Bibliotekų savaitė ir Šiaulių kūrybinės dirbtuvės",
            "link": "https://lbd.example/1",
            "description": "Žiemos renginiai bibliotekose: ąčęėįšųūž.",
        }
    ]
    body = rss(items, language="lt", encoding="windows-1257")
    assert "Š".encode("windows-1257") in body
    server.routes["/lt"] = Route(body=body, content_type="application/rss+xml")
    _, stored = await poll_all(make_config([{"name": "lt", "url": server.url("/lt")}]))
    assert stored[0].title == "Bibliotekų savaitė ir Šiaulių kūrybinės dirbtuvės"
    assert stored[0].summary == "Žiemos renginiai bibliotekose: ąčęėįšųūž."


async def test_oversized_response_is_refused_while_streaming(server, make_config):
    huge = rss(numbered_items(1)) + b"<!--" + b"x" * 3_000_000 + b"-->"
    server.routes["/declared"] = Route(body=huge)
    server.routes["/chunked"] = Route(body=huge, lie_about_length=True)
    config = make_config(
        [
            {"name": "declared", "url": server.url("/declared")},
            {"name": "chunked", "url": server.url("/chunked")},
        ],
        fetch={"max_bytes": "1MB", "read_timeout": "2s"},
    )
    reports, stored = await poll_all(config)
    for name in ("declared", "chunked"):
        assert reports[name].status == "failed"
        assert reports[name].error == "larger than the 1 MB limit"
    assert stored == []


async def test_gzip_bomb_is_capped_after_decompression(server, make_config):
    bomb = rss(numbered_items(1)).replace(b"</rss>", b"</rss>" + b" " * 5_000_000)
    server.routes["/bomb"] = Route(body=bomb, gzip=True)
    config = make_config([{"name": "bomb", "url": server.url("/bomb")}], fetch={"max_bytes": "1MB"})
    reports, _ = await poll_all(config)
    assert reports["bomb"].error == "larger than the 1 MB limit"


async def test_hostile_html_never_reaches_storage(server, make_config):
    items = [
        {
            "title": (
                "&lt;script&gt;alert('t')&lt;/script&gt;"
                "Semināru &lt;b&gt;cikls&lt;/b&gt; &amp;amp; diskusija"
            ),
            "link": "https://lbb.example/a",
            "description": (
                "<![CDATA[<p onclick='steal()'>Teksts <a href='javascript:alert(1)'>saite</a>"
                "<img src='https://track.example/p.gif' width='1' height='1'>"
                "<style>p{color:red}</style><script>document.cookie</script>"
                "<iframe src='https://evil.example'>x</iframe>&nbsp;beigas &#8211; labi.</p>]]>"
            ),
        }
    ]
    server.routes["/hostile"] = Route(body=rss(items, language="lv"))
    _, stored = await poll_all(make_config([{"name": "h", "url": server.url("/hostile")}]))
    item = stored[0]
    assert item.title == "Semināru cikls & diskusija"
    assert item.summary == "Teksts saite beigas – labi."
    for text in (item.title, item.summary):
        for marker in ("<", ">", "script", "javascript", "onclick", "track.example", "&amp;"):
            assert marker not in text


async def test_items_without_guid_keep_a_stable_identity(server, make_config):
    no_guid = [
        {"title": "Linked only", "link": "https://example.org/linked"},
        {"title": "Nothing but text", "description": "No link and no guid at all."},
    ]
    server.routes["/noguid"] = Route(body=rss(no_guid), etag=False)
    config = make_config([{"name": "n", "url": server.url("/noguid")}])
    first, _ = await poll_all(config)
    # The same entries with a changed byte elsewhere must not come back as new.
    server.routes["/noguid"] = Route(body=rss(no_guid, title="Renamed feed"), etag=False)
    second, again = await poll_all(config)
    assert first["n"].new == 2
    assert second["n"].new == 0 and second["n"].seen == 2
    assert len(again) == 2


async def test_same_article_in_two_feeds_is_one_item(server, make_config):
    article = {
        "title": "Joint statement on libraries and the 2030 Agenda",
        "description": "IFLA and EBLIDA call on governments.",
        "pubDate": "Tue, 17 Nov 2026 09:00:00 GMT",
    }
    first = {**article, "link": "https://www.ifla.org/news/joint/?utm_source=rss", "guid": "ifla-1"}
    second = {**article, "link": "http://ifla.org/news/joint", "guid": "eblida-99"}
    textual = {"title": "Same text, no link", "description": "Identical words in both feeds."}
    server.routes["/ifla"] = Route(body=rss([first, textual]))
    server.routes["/eblida"] = Route(body=rss([second, textual]))
    config = make_config(
        [
            {"name": "IFLA", "url": server.url("/ifla")},
            {"name": "EBLIDA", "url": server.url("/eblida")},
        ]
    )
    reports, stored = await poll_all(config)
    assert sorted(item.title for item in stored) == [
        "Joint statement on libraries and the 2030 Agenda",
        "Same text, no link",
    ]
    assert reports["IFLA"].new + reports["EBLIDA"].new == 2
    assert reports["IFLA"].duplicates + reports["EBLIDA"].duplicates == 2


async def test_empty_feed_is_fine_and_stores_nothing(server, make_config):
    server.routes["/empty"] = Route(body=rss([]))
    reports, stored = await poll_all(make_config([{"name": "e", "url": server.url("/empty")}]))
    assert reports["e"].status == "unchanged" and reports["e"].error is None
    assert stored == []


async def test_connection_refused_is_reported(make_config):
    config = make_config([{"name": "gone", "url": "http://127.0.0.1:9/feed"}])
    reports, _ = await poll_all(config)
    assert reports["gone"].status == "failed"
    assert reports["gone"].error.startswith("could not connect")


async def test_failures_back_off_exponentially_then_pause(server, make_config):
    server.routes["/down"] = Route(body=b"", status=503, content_type="text/plain")
    config = make_config(
        [{"name": "down", "url": server.url("/down")}],
        schedule={"poll_feeds": "10m"},
        fetch={"pause_after": 3, "read_timeout": "1s"},
    )
    delays = []
    now = NOW
    for _ in range(3):
        async with running(config, now) as app:
            source = (await app.database.sources.list())[0]
            report = await app.poller.poll_one(source)
            source = (await app.database.sources.list())[0]
        delays.append(source.next_attempt - now)
        now = source.next_attempt
    assert delays == [timedelta(minutes=10), timedelta(minutes=20), timedelta(minutes=40)]
    assert report.paused and source.paused and source.error_count == 3
    async with running(config, now) as app:
        assert await app.database.sources.due(now + timedelta(days=30)) == []
        assert await app.database.sources.resume("down")
        assert [s.name for s in await app.database.sources.due(now)] == ["down"]


async def test_retry_after_from_the_server_is_honoured(server, make_config):
    server.routes["/busy"] = Route(status=429, headers={"Retry-After": "7200"}, body=b"slow down")
    config = make_config([{"name": "busy", "url": server.url("/busy")}])
    async with running(config) as app:
        await app.poller.poll(await app.database.sources.active())
        source = await app.database.sources.get("busy")
    assert source.next_attempt - NOW == timedelta(hours=2)
    assert source.last_error == "HTTP 429 Too Many Requests"


async def test_concurrency_is_bounded(server, make_config):
    active = 0
    peak = 0
    import threading

    lock = threading.Lock()
    body = rss(numbered_items(1))

    def handler(request: BaseHTTPRequestHandler) -> None:
        nonlocal active, peak
        with lock:
            active += 1
            peak = max(peak, active)
        time.sleep(0.2)
        with lock:
            active -= 1
        request.send_response(200)
        request.send_header("Content-Type", "application/rss+xml")
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)

    feeds = []
    for n in range(8):
        server.routes[f"/c{n}"] = Route(handler=handler)
        feeds.append({"name": f"c{n}", "url": server.url(f"/c{n}")})
    config = make_config(feeds, fetch={"concurrency": 3, "read_timeout": "2s"})
    reports, _ = await poll_all(config)
    assert all(r.status != "failed" for r in reports.values())
    assert peak == 3


async def test_future_and_missing_dates_count_from_first_sight(server, make_config):
    items = [
        {
            "title": "From the future",
            "link": "https://x.org/f",
            "pubDate": "Mon, 01 Jan 2035 00:00:00 GMT",
        },
        {"title": "Undated", "link": "https://x.org/u"},
        {"title": "Dated", "link": "https://x.org/d", "pubDate": "Thu, 19 Nov 2026 08:00:00 +0200"},
    ]
    server.routes["/dates"] = Route(body=rss(items))
    _, stored = await poll_all(make_config([{"name": "d", "url": server.url("/dates")}]))
    published = {item.title: item.published for item in stored}
    assert published["From the future"] == NOW
    assert published["Undated"] == NOW
    assert published["Dated"].isoformat() == "2026-11-19T06:00:00+00:00"


async def test_language_comes_from_config_feed_or_detection(server, make_config):
    lv = {
        "title": "Bibliotēku nedēļa notiks aprīlī visās Latvijas bibliotēkās",
        "link": "https://x/lv",
    }
    server.routes["/declared"] = Route(body=rss([lv], language="lv-LV"))
    server.routes["/undeclared"] = Route(
        body=rss(
            [{**lv, "link": "https://x/lv2", "title": lv["title"] + " un novados"}], language=None
        )
    )
    config = make_config(
        [
            {"name": "declared", "url": server.url("/declared")},
            {"name": "undeclared", "url": server.url("/undeclared")},
        ]
    )
    _, stored = await poll_all(config)
    assert {item.source_name: item.language for item in stored} == {
        "declared": "lv",
        "undeclared": "lv",
    }


async def test_many_sources_poll_concurrently_on_one_connection(server, make_config):
    feeds = []
    for n in range(30):
        server.routes[f"/f{n}"] = Route(body=rss(numbered_items(5, prefix=f"s{n}")))
        feeds.append({"name": f"f{n}", "url": server.url(f"/f{n}")})
    reports, stored = await poll_all(make_config(feeds))
    assert sum(r.new for r in reports.values()) == 150
    assert len(stored) == 150
    await asyncio.sleep(0)


class TickingClock:
    """A clock that moves on a little every time it is read, as a real pass takes time."""

    def __init__(self, moment, step=timedelta(milliseconds=700)) -> None:
        self.moment = moment
        self.step = step

    def now(self):
        self.moment += self.step
        return self.moment


@pytest.mark.parametrize("interval", [1, 15])
async def test_sources_are_polled_on_their_schedule_tick_after_tick(server, make_config, interval):
    from vestnesis.service.run import DUE_CHECK, poll_due_sources

    for name in ("a", "b", "flaky"):
        server.routes[f"/{name}"] = Route(body=rss(numbered_items(3, prefix=name)))
    config = make_config(
        [{"name": n, "url": server.url(f"/{n}")} for n in ("a", "b", "flaky")],
        schedule={"poll_feeds": f"{interval}m"},
    )
    start = NOW + timedelta(seconds=0.4)  # checks run a little late, and not on the second
    clock = TickingClock(start)
    polled: dict[str, list[int]] = {"a": [], "b": [], "flaky": []}
    ticks = 60 * interval + 30
    async with running(config, clock=clock) as app:
        for tick in range(ticks):
            clock.moment = start + tick * DUE_CHECK
            if tick == 20 * interval:  # three failures in a row, then back
                server.routes["/flaky"] = Route(body=b"", status=503, content_type="text/plain")
            if tick == 27 * interval:
                server.routes["/flaky"] = Route(body=rss(numbered_items(3, prefix="flaky")))
            before = {s.name: s.last_attempt for s in await app.database.sources.list()}
            await poll_due_sources(app)
            for source in await app.database.sources.list():
                if source.last_attempt != before[source.name]:
                    polled[source.name].append(tick)
    for name in ("a", "b"):
        gaps = {b - a for a, b in zip(polled[name], polled[name][1:], strict=False)}
        assert gaps == {interval}, (name, polled[name])
        assert len(polled[name]) == ticks // interval + (ticks % interval > 0)
    flaky = [b - a for a, b in zip(polled["flaky"], polled["flaky"][1:], strict=False)]
    # On time until the failures, backing off 1, 2, 4 intervals, then on time again.
    assert flaky[:20] == [interval] * 20
    assert flaky[20:23] == [interval, 2 * interval, 4 * interval]
    assert set(flaky[23:]) == {interval}


async def test_a_recovered_source_starts_its_schedule_afresh(server, make_config):
    server.routes["/f"] = Route(body=b"", status=503, content_type="text/plain")
    config = make_config([{"name": "f", "url": server.url("/f")}], schedule={"poll_feeds": "15m"})
    async with running(config, NOW) as app:
        for _ in range(3):
            await app.poller.poll(await app.database.sources.active())
        failed = await app.database.sources.get("f")
    assert failed.next_attempt - NOW == timedelta(minutes=60)  # backing off
    server.routes["/f"] = Route(body=rss(numbered_items(2)))
    later = NOW + timedelta(minutes=5)
    async with running(config, later) as app:  # polled by hand before the back-off ends
        await app.poller.poll(await app.database.sources.active())
        source = await app.database.sources.get("f")
    assert source.error_count == 0 and source.next_attempt == later + timedelta(minutes=15)
