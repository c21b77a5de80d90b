"""The config tree: loading, validation messages that name the key, and secrets."""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from vestnesis.cli.main import cli
from vestnesis.config import ConfigError, config_path, load_config

ROOT = Path(__file__).resolve().parent.parent


def test_example_config_loads_with_sample_feeds() -> None:
    config = load_config(ROOT / "config.example.toml", {})
    assert [f.name for f in config.feeds] == ["LBB", "IFLA", "EBLIDA", "LBD"]
    assert all(Path(f.location).is_file() for f in config.feeds)
    assert config.schedule.poll_feeds == timedelta(minutes=15)
    assert str(config.schedule.weekly_digest) == "mon 09:00"
    assert config.association.data_dir == ROOT / "data"
    assert config.email.sender == "LBB <info@bibliotekari.lv>"


# A commented example line: `# key = value`, `# "key" = value` or `# [table]`.
_EXAMPLE = re.compile(r'^# ?((?:\[\[?[a-z_.\-]+\]\]?)|(?:"[^"]+"|[a-z_]+) = .+)$')


def test_every_example_in_the_example_config_is_accepted(tmp_path: Path) -> None:
    """Each commented example, switched on, is a value the validator accepts (a user who
    uncomments one gets a working config, not an error)."""
    text = (ROOT / "config.example.toml").read_text("utf-8")
    lines: list[str] = []
    switched = []
    where: dict[tuple[str, str], int] = {}  # (table, key) -> its line, so an example of
    table = ""  # another value for a key already set replaces that value
    for line in text.splitlines():
        match = _EXAMPLE.match(line)
        if match:
            switched.append(match.group(1))
            line = match.group(1)
        if line.startswith("["):
            table = f"{line.split(']')[0]}#{len(lines)}"  # each [[array]] entry is its own
        key = line.split("=")[0].strip() if "=" in line and not line.startswith("#") else None
        if key and (table, key) in where:
            lines[where[table, key]] = ""
        if key:
            where[table, key] = len(lines)
        lines.append(line)
    text = "\n".join(lines)
    # The chats example is written in the comment next to `chats = []`.
    chats = re.search(r"^chats = \[\]\s+# (\[.*\])$", text, re.MULTILINE)
    assert chats is not None
    text = text.replace(chats.group(0), f"chats = {chats.group(1)}")
    assert len(switched) >= 20  # the test really switched the examples on
    for name in ("examples", "dkim-private.pem", "relay-ca.pem"):
        source = ROOT / name
        target = tmp_path / name
        if source.exists():
            target.symlink_to(source)
        else:
            target.write_text("not a real key or certificate", "utf-8")
    path = tmp_path / "config.toml"
    path.write_text(text, "utf-8")
    config = load_config(path, {})
    assert config.telegram.board_chat == -100123
    assert config.telegram.base_url == "http://127.0.0.1:8081"
    assert config.telegram.chats[0].id == -100123
    assert config.telegram.routes[0].sources == ["IFLA", "EBLIDA"]
    assert config.email.per_hour == 2000


@pytest.mark.parametrize(
    "written",
    [
        "http://127.0.0.1:8081",
        "http://127.0.0.1:8081/",
        "http://127.0.0.1:8081/bot",
        "http://127.0.0.1:8081/bot/",
    ],
)
def test_telegram_base_url_with_or_without_bot(write_config, written: str) -> None:
    config = load_config(write_config(telegram={"base_url": written}), {})
    assert config.telegram.base_url == "http://127.0.0.1:8081"


def test_config_file_is_chosen_by_option_then_environment_then_default() -> None:
    env = {"VESTNESIS_CONFIG": "/etc/v.toml"}
    assert config_path("mine.toml", env) == Path("mine.toml")
    assert config_path(None, env) == Path("/etc/v.toml")
    assert config_path(None, {}) == Path("config.toml")


@pytest.mark.parametrize(
    ("feeds", "sections", "expected"),
    [
        (
            [
                {"name": "a", "url": "https://x.org/f"},
                {"name": "b", "url": "https://y.org/f"},
                {"name": "c", "url": "ftp://z.org/f"},
            ],
            {},
            "feeds[2].url: not an http(s) URL or readable path",
        ),
        ([{"name": "a", "path": "missing.xml"}], {}, "feeds[0].path: no readable file at"),
        ([{"name": "a"}], {}, "feeds[0]: give either url or path"),
        (
            [{"name": "a", "url": "https://x.org/1"}, {"name": "a", "url": "https://x.org/2"}],
            {},
            "feeds[1].name: 'a' is used twice",
        ),
        ([], {"telegram": {"tokn": "x"}}, "telegram.tokn: unknown key"),
        ([], {"schedule": {"poll_feeds": "soon"}}, "schedule.poll_feeds: 'soon' is not a duration"),
        ([], {"schedule": {"weekly_digest": "x"}}, "schedule.weekly_digest: 'x' is not"),
        ([], {"association": {"timezone": "Europe/Rīga"}}, "association.timezone: unknown"),
        ([], {"email": {"security": "ssl"}}, "email.security: Input should be 'none', 'starttls'"),
        ([], {"web": {"listen": "8080"}}, "web.listen: not a HOST:PORT address"),
        ([], {"fetch": {"max_bytes": "lots"}}, "fetch.max_bytes: 'lots' is not a size"),
    ],
)
def test_errors_name_the_key_and_the_problem(write_config, feeds, sections, expected) -> None:
    path = write_config(feeds, **sections)
    with pytest.raises(ConfigError) as caught:
        load_config(path, {})
    assert expected in str(caught.value)
    assert str(caught.value).startswith(str(path))


def test_every_problem_is_reported_at_once(write_config) -> None:
    path = write_config([{"name": "a", "url": "nope"}], telegram={"x": 1}, web={"listen": "?"})
    with pytest.raises(ConfigError) as caught:
        load_config(path, {})
    assert len(str(caught.value).splitlines()) == 3


def test_toml_syntax_and_missing_file_give_plain_messages(tmp_path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text("[association\nname = 'x'\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(broken, {})
    with pytest.raises(ConfigError, match=r"no such config file.*vestnesis init"):
        load_config(tmp_path / "absent.toml", {})


def test_cli_exits_non_zero_without_a_traceback(write_config) -> None:
    path = write_config([{"name": "bad", "url": "not a url"}])
    result = CliRunner().invoke(cli, ["--config", str(path), "feeds", "list"])
    assert result.exit_code == 2
    assert "feeds[0].url: not an http(s) URL or readable path" in result.output
    assert "Traceback" not in result.output


def test_secrets_come_from_the_environment_and_are_masked(write_config) -> None:
    path = write_config(telegram={"token": "from-file-123"})
    env = {
        "VESTNESIS_TELEGRAM_TOKEN": "123456:SECRET-TOKEN",
        "VESTNESIS_SMTP_PASSWORD": "hunter2-password",
        "VESTNESIS_WEB_SECRET": "web-signing-secret",
    }
    config = load_config(path, env)
    assert config.telegram.token.get_secret_value() == "123456:SECRET-TOKEN"
    text = repr(config) + str(config)
    for secret in env.values():
        assert secret not in text
    assert set(env.values()) | {config.webhook_secret()} == set(config.secrets())
    assert load_config(path, {}).telegram.token.get_secret_value() == "from-file-123"


async def test_request_logging_never_prints_a_token(server, write_config, capfd) -> None:
    from tests.conftest import running
    from tests.feedgen import numbered_items, rss
    from tests.feedserver import Route
    from vestnesis.common.logs import setup_logging

    token = "987654:TOKEN-IN-URL"
    server.routes[f"/bot{token}/feed"] = Route(body=rss(numbered_items(1)))
    path = write_config([{"name": "t", "url": server.url(f"/bot{token}/feed")}])
    config = load_config(path, {"VESTNESIS_TELEGRAM_TOKEN": token})
    setup_logging(level="DEBUG", secrets=config.secrets())
    try:
        async with running(config) as app:
            await app.poller.poll(await app.database.sources.active())
            logging.getLogger("vestnesis.test").info("fetched %s", server.url(f"/bot{token}/feed"))
    finally:
        logging.getLogger().handlers.clear()
    captured = capfd.readouterr()
    assert "fetched" in captured.err and "***" in captured.err
    assert token not in captured.err + captured.out
