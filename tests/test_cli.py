"""The command line as an operator uses it."""

from __future__ import annotations

import json
import re
from pathlib import Path

from click.testing import CliRunner

from tests.feedgen import numbered_items, rss
from tests.feedserver import Route
from vestnesis.cli.main import cli

ROOT = Path(__file__).resolve().parent.parent


def invoke(config: Path, *args: str):
    return CliRunner().invoke(cli, ["--config", str(config), *args], catch_exceptions=False)


def test_init_writes_a_starter_config_and_database(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["init", "--name", "Lietuvos bibliotekininkų draugija"])
    assert result.exit_code == 0, result.output
    text = (tmp_path / "config.toml").read_text("utf-8")
    assert 'name = "Lietuvos bibliotekininkų draugija"' in text
    assert (tmp_path / "data" / "vestnesis.sqlite3").is_file()
    for section in ("[[calendars]]", "[plan]", "[events]", "[web]", "[email]", "[digest]"):
        assert section in text
    secrets = tmp_path / "secrets.env"
    assert secrets.stat().st_mode & 0o777 == 0o600
    assert re.search(r"^VESTNESIS_WEB_SECRET=\S{32,}$", secrets.read_text("utf-8"), re.M)
    check = CliRunner().invoke(cli, ["check"])
    assert "web secret             set (43 characters)" in check.output  # read from the file
    again = CliRunner().invoke(cli, ["init"])
    assert "exists; keeping it" in again.output
    assert "Lietuvos" in (tmp_path / "config.toml").read_text("utf-8")


def test_poll_and_list_on_the_sample_data(tmp_path) -> None:
    config = tmp_path / "config.toml"
    text = (ROOT / "config.example.toml").read_text("utf-8")
    config.write_text(text.replace('path = "examples/', f'path = "{ROOT}/examples/'), "utf-8")

    first = invoke(config, "feeds", "poll")
    assert first.exit_code == 0
    assert "LBB: 5 new" in first.stdout and "LBD: 3 new" in first.stdout
    # IFLA and EBLIDA carry one article in common: whichever is stored second links to it.
    assert first.stdout.count(", 1 already stored from another feed") == 1
    assert "4 sources: 14 new items; 0 unchanged; 0 failed." in first.stderr
    second = invoke(config, "feeds", "poll")
    assert second.output.count(": unchanged") == 4

    listed = invoke(config, "items", "list", "--json")
    rows = [json.loads(line) for line in listed.output.splitlines()]
    assert len(rows) == 14
    for row in rows:
        assert {"id", "source", "title", "summary", "url", "published", "language"} <= row.keys()
    assert {row["language"] for row in rows} == {"lv", "en", "lt"}
    assert rows == sorted(rows, key=lambda r: r["published"], reverse=True)

    only_lbd = invoke(config, "items", "list", "--source", "LBD", "--since", "2026-11-15", "--json")
    assert [json.loads(x)["source"] for x in only_lbd.output.splitlines()] == ["LBD", "LBD"]


def test_poll_reports_each_broken_source_in_one_line(server, write_config) -> None:
    server.routes["/good"] = Route(body=rss(numbered_items(3)))
    server.routes["/html"] = Route(body=b"<html><body>site</body></html>", content_type="text/html")
    server.routes["/err"] = Route(status=404, body=b"no")
    config = write_config(
        [
            {"name": "good", "url": server.url("/good")},
            {"name": "html", "url": server.url("/html")},
            {"name": "err", "url": server.url("/err")},
        ]
    )
    result = invoke(config, "feeds", "poll")
    lines = result.stdout.splitlines()
    assert "good: 3 new" in lines
    assert "err: failed: HTTP 404 Not Found" in lines
    assert any(line.startswith("html: failed: not a feed: got an HTML page") for line in lines)
    assert len(lines) == 3
    as_json = [json.loads(x) for x in invoke(config, "feeds", "poll", "--json").stdout.splitlines()]
    assert {r["source"]: r["status"] for r in as_json} == {
        "good": "unchanged",
        "html": "failed",
        "err": "failed",
    }
    health = invoke(config, "feeds", "list").stdout
    assert "err  [failing (2x)]" in health and "last error: HTTP 404 Not Found" in health


def test_add_remove_and_opml_round_trip(server, write_config, tmp_path) -> None:
    server.routes["/a"] = Route(body=rss(numbered_items(2)))
    server.routes["/b"] = Route(body=rss(numbered_items(1, prefix="b")))
    server.routes["/page"] = Route(body=b"<!doctype html><p>hi", content_type="text/html")
    config = write_config([])

    added = invoke(config, "feeds", "add", server.url("/a"), "--name", "Alpha", "--language", "lv")
    assert added.exit_code == 0 and "Added Alpha" in added.output
    refused = invoke(config, "feeds", "add", server.url("/page"))
    assert refused.exit_code == 1 and "not a feed" in refused.output
    duplicate = invoke(config, "feeds", "add", server.url("/a"), "--name", "Again")
    assert duplicate.exit_code == 1 and "already" in duplicate.output

    exported = invoke(config, "feeds", "export-opml").stdout
    assert 'xmlUrl="' + server.url("/a") + '"' in exported and 'language="lv"' in exported

    opml = tmp_path / "list.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><head/><body>'
        f'<outline text="Folder"><outline text="Beta" xmlUrl="{server.url("/b")}"/></outline>'
        f'<outline text="Alpha copy" xmlUrl="{server.url("/a")}"/>'
        "</body></opml>"
    )
    imported = invoke(config, "feeds", "import-opml", str(opml))
    assert "Imported 1 feeds" in imported.output and "1 skipped" in imported.output

    invoke(config, "feeds", "poll")
    assert len(invoke(config, "items", "list", "--json").stdout.splitlines()) == 3
    removed = invoke(config, "feeds", "remove", "Alpha")
    assert "Removed Alpha and its 2 items" in removed.output
    assert len(invoke(config, "items", "list", "--json").stdout.splitlines()) == 1
    assert invoke(config, "feeds", "remove", "Alpha").exit_code == 1


def test_config_feeds_cannot_be_removed_from_the_cli(server, write_config) -> None:
    server.routes["/c"] = Route(body=rss(numbered_items(1)))
    config = write_config([{"name": "Configured", "url": server.url("/c")}])
    result = invoke(config, "feeds", "remove", "Configured")
    assert result.exit_code == 1 and "remove its [[feeds]] entry there" in result.output


def test_bad_opml_and_unknown_source_are_clear(write_config, tmp_path) -> None:
    config = write_config([])
    bad = tmp_path / "bad.opml"
    bad.write_text("<html></html>")
    result = invoke(config, "feeds", "import-opml", str(bad))
    assert result.exit_code == 1 and "not OPML" in result.output
    assert "no source named 'nope'" in invoke(config, "items", "list", "--source", "nope").output


def test_backup_writes_a_copy_that_opens(server, write_config, tmp_path) -> None:
    import sqlite3

    server.routes["/a"] = Route(body=rss(numbered_items(2)))
    config = write_config([{"name": "A", "url": server.url("/a")}])
    invoke(config, "feeds", "poll")
    target = tmp_path / "copies" / "v.sqlite3"
    assert "Backed up the database" in invoke(config, "backup", str(target)).stdout
    with sqlite3.connect(target) as copy:
        assert copy.execute("SELECT COUNT(*) FROM items").fetchone()[0] == 2
    assert invoke(config, "backup", str(target)).exit_code == 1  # never overwrites


def test_a_new_feed_is_named_by_its_title_and_can_be_renamed(server, write_config) -> None:
    server.routes["/t"] = Route(body=rss(numbered_items(1), title="  LBB jaunumi\n  "))
    server.routes["/u"] = Route(body=rss(numbered_items(1, prefix="u"), title="Other"))
    server.routes["/c"] = Route(body=rss(numbered_items(1, prefix="c")))
    config = write_config([{"name": "Configured", "url": server.url("/c")}])
    added = invoke(config, "feeds", "add", server.url("/t"))
    assert added.exit_code == 0 and "Added LBB jaunumi:" in added.output  # not "127.0.0.1"
    unread = invoke(config, "feeds", "add", server.url("/u"), "--no-check")
    assert "Added 127.0.0.1:" in unread.output  # not read: the host names it
    renamed = invoke(config, "feeds", "rename", "LBB jaunumi", "LBB")
    assert renamed.exit_code == 0 and "Renamed LBB jaunumi to LBB." in renamed.output
    invoke(config, "feeds", "poll")
    assert "  LBB [en]  " in invoke(config, "items", "list").stdout
    taken = invoke(config, "feeds", "rename", "LBB", "127.0.0.1")
    assert taken.exit_code == 1 and "already exists" in taken.output
    configured = invoke(config, "feeds", "rename", "Configured", "X")
    assert (
        configured.exit_code == 1 and "change its name in its [[feeds]] entry" in configured.output
    )
    missing = invoke(config, "feeds", "rename", "Nope", "X")
    assert missing.exit_code == 1 and "no source named 'Nope'" in missing.output
    # A new name is kept on one line, as names from `feeds add` and OPML are.
    split = invoke(config, "feeds", "rename", "LBB", "LBB\nBcc:\u2028news\x00")
    assert split.exit_code == 0 and "Renamed LBB to LBB Bcc: news." in split.output
