"""Feed content people really meet: stray bytes, impossible and foreign dates, shared guids,
tags mentioned in plain text, and entries whose only link is a file."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from click.testing import CliRunner

from feeds.normalise import Context, normalise
from feeds.parse import parse_feed
from storage.timefmt import from_db, to_db
from tests.conftest import NOW
from tests.feedserver import Route
from vestnesis.cli.main import cli

CASES = Path(__file__).parent / "fixtures" / "cases"


def items_of(document: bytes, headers: dict[str, str] | None = None, now: datetime = NOW):
    parsed = parse_feed(document, base_url="https://feeds.example/feed", headers=headers)
    context = Context(now=now, source_language=None, feed_language=parsed.language, detector=None)
    items, _ = normalise(parsed.entries, context)
    return parsed, items


def invoke(config: Path, *args: str):
    return CliRunner().invoke(cli, ["--config", str(config), *args], catch_exceptions=False)


# --- encodings -----------------------------------------------------------------------------


def test_one_stray_byte_keeps_the_declared_utf8_and_warns() -> None:
    parsed, items = items_of((CASES / "feed-stray-byte.xml").read_bytes())
    by_title = {item.title: item for item in items}
    assert set(by_title) == {"Lietuvos kolegų vizitas", "Bibliotēku nedēļa Rēzeknē"}
    assert by_title["Bibliotēku nedēļa Rēzeknē"].summary == "Lasītāji gaidīti ķēķī un zālē."
    assert by_title["Lietuvos kolegų vizitas"].summary == "Sveiki atvyk\ufffdę į Rygą."
    assert parsed.warning == "1 invalid byte for its encoding utf-8 replaced with U+FFFD"


def test_a_stray_byte_is_repaired_whatever_charset_is_declared_in_http() -> None:
    document = "<rss version='2.0'><channel><title>Ziņas</title><item><title>Rīga \x00</title>"
    body = document.encode("utf-8").replace(b"\x00", b"\xff") + b"</item></channel></rss>"
    parsed, items = items_of(body, {"Content-Type": "application/rss+xml; charset=UTF-8"})
    assert parsed.title == "Ziņas"
    assert items[0].title == "Rīga \ufffd"
    assert parsed.warning and "1 invalid byte" in parsed.warning


def test_a_feed_wholly_in_another_charset_is_still_read_by_detection() -> None:
    document = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>'
        "<item><title>Café crème brûlée à la française</title></item></channel></rss>"
    ).encode("latin-1")
    parsed, items = items_of(document)
    assert items[0].title == "Café crème brûlée à la française"
    assert "U+FFFD" not in (parsed.warning or "")


def test_a_valid_document_is_untouched() -> None:
    parsed, items = items_of(
        '<rss version="2.0"><channel><item><title>Ķēķis</title></item></channel></rss>'.encode()
    )
    assert parsed.warning is None and items[0].title == "Ķēķis"


# --- dates ---------------------------------------------------------------------------------


def test_an_impossible_date_counts_as_missing_and_every_time_round_trips() -> None:
    _, items = items_of((CASES / "feed-year-0001.xml").read_bytes())
    published = {item.title: item.published for item in items}
    assert published["Catalogue release 4.3"] == NOW
    assert published["Catalogue release 4.2"] == datetime(2026, 11, 16, 10, tzinfo=UTC)
    for moment in (datetime(1, 1, 1, tzinfo=UTC), datetime(999, 12, 31, 23, 59, 59, tzinfo=UTC)):
        assert from_db(to_db(moment)) == moment
    assert to_db(datetime(1, 1, 1, tzinfo=UTC)) == "0001-01-01T00:00:00Z"


def test_zero_and_epoch_dates_count_as_missing() -> None:
    for written in (
        "0000-00-00T00:00:00Z",
        "1970-01-01T00:00:00Z",
        "Thu, 01 Jan 1970 00:00:00 GMT",
    ):
        document = (
            '<rss version="2.0"><channel><item><title>t</title>'
            f"<pubDate>{written}</pubDate></item></channel></rss>"
        )
        _, items = items_of(document.encode())
        assert items[0].published == NOW, written


def test_items_list_works_after_a_year_one_feed_is_polled(server, write_config) -> None:
    server.routes["/feed"] = Route(body=(CASES / "feed-year-0001.xml").read_bytes())
    config = write_config([{"name": "changes", "url": server.url("/feed")}])
    assert "changes: 2 new" in invoke(config, "feeds", "poll").stdout
    listed = invoke(config, "items", "list", "--json")
    assert listed.exit_code == 0
    titles = [json.loads(line)["title"] for line in listed.stdout.splitlines()]
    assert sorted(titles) == ["Catalogue release 4.2", "Catalogue release 4.3"]


def test_a_database_with_an_unreadable_stored_time_is_repaired(tmp_path, write_config) -> None:
    """Items stored by earlier versions as '1-01-01T00:00:00Z' read back as when first seen."""
    config = write_config([])
    assert invoke(config, "feeds", "list").exit_code == 0
    database = tmp_path / "data" / "vestnesis.sqlite3"
    with sqlite3.connect(database) as raw:
        raw.execute(
            "INSERT INTO sources (name, location, origin, created_at) "
            "VALUES ('old', 'https://x.example/feed', 'cli', '2026-01-01T00:00:00Z')"
        )
        raw.execute(
            "INSERT INTO items (source_id, title, summary, content_key, published, fetched_at) "
            "VALUES (1, 'Old release', '', 'k', '1-01-01T00:00:00Z', '2026-11-20T08:00:00Z')"
        )
        raw.execute("PRAGMA user_version = 8")  # the version before the repair
    listed = invoke(config, "items", "list", "--json")
    assert listed.exit_code == 0, listed.output
    assert json.loads(listed.stdout)["published"] == "2026-11-20T08:00:00Z"


def test_dates_written_in_other_languages_are_read() -> None:
    cases = {
        ("de", "Mi, 4. Feb 2026"): datetime(2026, 2, 4, tzinfo=UTC),
        ("lv", "2026. gada 5. februāris"): datetime(2026, 2, 5, tzinfo=UTC),
        ("lt", "2026 m. vasario 6 d."): datetime(2026, 2, 6, tzinfo=UTC),
        ("fr", "mardi 10 février 2026 14:30"): datetime(2026, 2, 10, 14, 30, tzinfo=UTC),
    }
    for (language, written), expected in cases.items():
        document = (
            f'<rss version="2.0"><channel><language>{language}</language>'
            f"<item><title>t</title><pubDate>{written}</pubDate></item></channel></rss>"
        )
        _, items = items_of(document.encode())
        assert items[0].published == expected, written


def test_a_foreign_date_is_read_without_a_declared_language() -> None:
    document = (
        '<rss version="2.0"><channel><item><title>t</title>'
        "<pubDate>Mi, 4. Feb 2026 10:15:00 +0100</pubDate></item></channel></rss>"
    )
    _, items = items_of(document.encode())
    assert items[0].published == datetime(2026, 2, 4, 9, 15, tzinfo=UTC)


def test_words_that_are_not_a_date_count_as_missing() -> None:
    for written in ("soon", "Februar", "x" * 500):
        document = (
            '<rss version="2.0"><channel><item><title>t</title>'
            f"<pubDate>{written}</pubDate></item></channel></rss>"
        )
        _, items = items_of(document.encode())
        assert items[0].published == NOW, written


# --- identity ------------------------------------------------------------------------------


def test_a_guid_shared_within_one_document_is_not_an_identity(server, write_config) -> None:
    server.routes["/feed"] = Route(body=(CASES / "feed-shared-guid.xml").read_bytes())
    config = write_config([{"name": "town", "url": server.url("/feed")}])
    assert "town: 3 new" in invoke(config, "feeds", "poll").stdout
    listed = invoke(config, "items", "list", "--json")
    titles = {json.loads(line)["title"] for line in listed.stdout.splitlines()}
    assert titles == {"Story hour for children", "Board games evening", "Holiday opening hours"}
    server.routes["/feed"] = Route(body=(CASES / "feed-shared-guid.xml").read_bytes() + b"\n")
    again = invoke(config, "feeds", "poll")
    assert "town: unchanged" in again.stdout


# --- text and links ------------------------------------------------------------------------


def test_plain_text_that_mentions_a_tag_keeps_its_words() -> None:
    document = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Web</title>
<entry><id>a</id><title type="text">Using the &lt;aside&gt; element</title>
<summary type="text">Put notes in &lt;aside&gt; and quotes in &lt;blockquote&gt;; 3 &lt; 4.</summary>
<updated>2026-11-20T10:00:00Z</updated></entry>
<entry><id>b</id><title type="html">&lt;b&gt;Bold&lt;/b&gt; news</title>
<summary type="html">&lt;p&gt;Real &lt;em&gt;markup&lt;/em&gt;&lt;/p&gt;&lt;script&gt;x()&lt;/script&gt;</summary>
<updated>2026-11-20T10:00:00Z</updated></entry>
</feed>"""
    _, items = items_of(document)
    by_key = {item.entry_key.rsplit("/", 1)[-1]: item for item in items}
    assert by_key["a"].title == "Using the <aside> element"
    assert by_key["a"].summary == "Put notes in <aside> and quotes in <blockquote>; 3 < 4."
    assert by_key["b"].title == "Bold news"
    assert by_key["b"].summary == "Real markup"


def test_an_rss_title_that_mentions_a_tag_keeps_its_words() -> None:
    document = b"""<rss version="2.0"><channel><title>Web</title>
<item><title>Why &lt;table&gt; layouts are back</title><link>https://w.example/1</link>
<description>&lt;p&gt;A &lt;strong&gt;long&lt;/strong&gt; read.&lt;/p&gt;</description></item>
</channel></rss>"""
    _, items = items_of(document)
    assert items[0].title == "Why <table> layouts are back"
    assert items[0].summary == "A long read."


def test_an_enclosure_is_the_link_when_there_is_no_other_and_says_what_it_is() -> None:
    document = """<rss version="2.0"><channel><title>Bulletin</title>
<item><title>Biletens Nr. 11</title><guid isPermaLink="false">b11</guid>
<description>Novembra numurs.</description>
<enclosure url="https://lbb.example/files/biletens-11.pdf" length="1258291"
 type="application/pdf"/></item>
<item><title>Podkāsts: 5. sērija</title><guid isPermaLink="false">p5</guid>
<enclosure url="/audio/5.mp3" length="35651584" type="audio/mpeg"/></item>
<item><title>Ar saiti</title><link>https://lbb.example/zinas/7</link>
<description>Teksts.</description>
<enclosure url="https://lbb.example/files/7.pdf" length="1000" type="application/pdf"/></item>
</channel></rss>""".encode()
    _, items = items_of(document)
    by_title = {item.title: item for item in items}
    bulletin = by_title["Biletens Nr. 11"]
    assert bulletin.url == "https://lbb.example/files/biletens-11.pdf"
    assert bulletin.summary == "Novembra numurs.\n📎 PDF, 1.2 MB"
    episode = by_title["Podkāsts: 5. sērija"]
    assert episode.url == "https://feeds.example/audio/5.mp3"
    assert episode.summary == "🎧 MP3, 34 MB"
    linked = by_title["Ar saiti"]
    assert linked.url == "https://lbb.example/zinas/7" and linked.summary == "Teksts."
