"""`vestnesis digest …` as an operator uses it, on the sample data and local servers."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from storage import DigestRecord
from tests.conftest import sample_config
from tests.translation_servers import ApiServer, LibreTranslateBehaviour
from vestnesis.cli.main import cli
from vestnesis.common.durations import parse_weekly
from vestnesis.digest.weekly import send_decision
from vestnesis.service.run import draft_time

ROOT = Path(__file__).resolve().parent.parent
SEND = "2026-11-23T09:00"


def run(config: Path, *args: str):
    return CliRunner().invoke(cli, ["--config", str(config), *args], catch_exceptions=False)


@pytest.fixture
def polled(tmp_path) -> Path:
    config = sample_config(tmp_path)
    assert run(config, "feeds", "poll").exit_code == 0
    return config


def test_preview_in_three_languages(polled) -> None:
    lv = run(polled, "digest", "preview", "--lang", "lv", "--now", SEND).stdout
    assert lv.startswith("Subject: LBB nedēļas jaunumu apkopojums, 2026. gada 23. novembris")
    assert "9 ziņas" in lv and "== IFLA ==" in lv and "Oriģināls angļu valodā." in lv
    assert lv.index("== LBB ==") < lv.index("== IFLA ==") < lv.index("== EBLIDA ==")
    en = run(polled, "digest", "preview", "--lang", "en", "--now", SEND).stdout
    assert "9 news items" in en and "In Latvian." in en and "In Lithuanian." in en
    lt = run(polled, "digest", "preview", "--lang", "lt", "--now", SEND).stdout
    assert "9 naujienos" in lt and "Originalas latvių kalba." in lt
    assert "Biedrības attīstības un darba plāns" not in lv  # from 2020: not this week
    assert "Lasīt vairāk" not in lv  # the blog's "read more" link is not part of the summary


def test_preview_formats_and_files(polled, tmp_path, monkeypatch) -> None:
    telegram = run(polled, "digest", "preview", "--format", "telegram", "--now", SEND).stdout
    assert telegram.startswith("--- message 1/1, ") and "<b>LBB — nedēļas jaunumi</b>" in telegram
    out = tmp_path / "digest.html"
    written = run(polled, "digest", "preview", "--format", "html", "--out", str(out), "--now", SEND)
    assert "Wrote the lv digest (html)" in written.stderr
    assert out.read_text("utf-8").startswith("<!DOCTYPE html>")
    monkeypatch.setenv("BROWSER", "true")  # a "browser" that accepts the file and exits
    opened = run(polled, "digest", "preview", "--open", "--now", SEND)
    assert opened.exit_code == 0 and "Wrote the lv digest (html) to " in opened.stderr
    unknown = CliRunner().invoke(
        cli, ["--config", str(polled), "digest", "preview", "--lang", "de"]
    )
    assert unknown.exit_code == 2 and "'de' is not one of lv, en, lt" in unknown.output


def test_empty_week_says_so(polled) -> None:
    result = run(polled, "digest", "preview", "--now", "2027-03-01T09:00")
    assert result.exit_code == 0 and result.stdout == ""
    assert "Nothing new between 2027-02-22 09:00 and 2027-03-01 09:00: no digest." in result.stderr


def test_destination_filters_apply(tmp_path) -> None:
    config = sample_config(tmp_path)
    text = config.read_text("utf-8") + '[email.filter]\nexclude_sources = ["IFLA", "EBLIDA"]\n'
    config.write_text(text, "utf-8")
    run(config, "feeds", "poll")
    preview = run(config, "digest", "preview", "--lang", "en", "--now", SEND).stdout
    assert "== IFLA ==" not in preview and "== LBB ==" in preview and "5 news items" in preview


def test_http_backend_is_paid_once_and_failure_never_blocks(tmp_path) -> None:
    behaviour = LibreTranslateBehaviour()
    server = ApiServer(behaviour)
    try:
        config = sample_config(
            tmp_path, translation={"backend": "libretranslate", "url": server.url, "retries": 0}
        )
        run(config, "feeds", "poll")
        first = run(config, "digest", "preview", "--lang", "lv", "--now", SEND).stdout
        requests_after_first = len(server.requests)
        second = run(config, "digest", "preview", "--lang", "lv", "--now", SEND).stdout
        assert requests_after_first >= 2  # English and Lithuanian items
        assert len(server.requests) == requests_after_first  # all from the cache
        assert first == second
        assert "IFLA ⟨LV:publishes the Library Map of the World 2026 update⟩" in first
        assert "Mašīntulkojums no angļu valodas. Oriģināls: „IFLA publishes" in first

        behaviour.always_fail = True
        en = run(config, "digest", "preview", "--lang", "en", "--now", SEND)
        assert en.exit_code == 0
        assert "Translation unavailable just now; the original in Latvian." in en.stdout
    finally:
        server.stop()


def test_board_review_draft_approve_and_hold(polled) -> None:
    drafted = run(polled, "digest", "draft", "--now", SEND)
    assert drafted.stdout.strip() == "Digest for 2026-11-23 09:00: draft, 9 items."
    again = run(polled, "digest", "draft", "--now", SEND)
    assert again.stdout == drafted.stdout  # one draft per period
    assert "held, 9 items" in run(polled, "digest", "hold", "--now", SEND).stdout
    assert "approved, 9 items" in run(polled, "digest", "approve").stdout
    preview = run(polled, "digest", "preview", "--lang", "lv", "--now", SEND).stdout
    assert "9 ziņas" in preview  # the draft's items are what the preview shows
    none = CliRunner().invoke(
        cli, ["--config", str(polled), "digest", "approve", "--now", "2027-01-04T09:00"]
    )
    assert none.exit_code == 1 and "no draft waiting" in none.output


def record(status: str) -> DigestRecord:
    from datetime import UTC, datetime

    now = datetime(2026, 11, 23, tzinfo=UTC)
    return DigestRecord(1, now, now, status, now, None, None, None, (1,))


def test_send_decision_follows_the_board_and_the_default() -> None:
    assert send_decision(None, review="none", unreviewed="hold") == "send"
    assert send_decision(record("draft"), review="board", unreviewed="send") == "send"
    assert send_decision(record("draft"), review="board", unreviewed="hold") == "wait"
    assert send_decision(record("held"), review="board", unreviewed="send") == "wait"
    assert send_decision(record("approved"), review="board", unreviewed="hold") == "send"
    assert send_decision(record("sent"), review="board", unreviewed="send") == "done"


def test_drafts_are_prepared_the_lead_before_sending() -> None:
    assert str(draft_time(parse_weekly("mon 09:00"), timedelta(hours=24))) == "sun 09:00"
    assert str(draft_time(parse_weekly("mon 01:00"), timedelta(hours=3))) == "sun 22:00"
    assert str(draft_time(parse_weekly("wed 18:30"), timedelta(minutes=45))) == "wed 17:45"
