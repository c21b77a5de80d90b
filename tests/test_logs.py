"""Structured logs through structlog: key=value and JSON lines, our events and other
libraries' lines through one renderer, and no secret in any of them, at any level."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
import structlog
from click.testing import CliRunner

from tests.conftest import sample_config
from vestnesis.common.logs import route_to_stdlib, setup_logging
from vestnesis.config import ConfigError, load_config

# A secret with characters that URL-quoting and JSON-escaping change.
SECRET = '123456:AA-tok"en/with space\\ā'
FORMS = (SECRET, quote(SECRET, safe=""), json.dumps(SECRET)[1:-1])
LEVELS = ("debug", "info", "warning", "error", "critical")

Logs = Callable[..., io.StringIO]


@pytest.fixture
def logs() -> Iterator[Logs]:
    """`logs(json_lines=…)`: our handler at DEBUG writing to a buffer; the root logger and
    structlog are put back afterwards."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level

    def install(*, json_lines: bool = False) -> io.StringIO:
        stream = io.StringIO()
        setup_logging(level="DEBUG", json_lines=json_lines, secrets=[SECRET], stream=stream)
        return stream

    yield install
    root.handlers[:] = handlers
    root.setLevel(level)
    route_to_stdlib()


def _no_secret(text: str) -> None:
    for form in FORMS:
        assert form not in text, f"{form!r} in {text!r}"
    assert "***" in text


def _json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


def test_an_event_is_one_key_value_line_with_its_fields(logs: Logs) -> None:
    stream = logs()
    structlog.stdlib.get_logger("vestnesis.test").info(
        "digest sent", items=3, language="lv", reason="two words", ok=True
    )
    [line] = stream.getvalue().splitlines()
    assert line.startswith("time=20") and line.endswith("Z" + line.split("Z", 1)[1])
    assert ' level=info logger=vestnesis.test message="digest sent"' in line
    assert line.endswith('items=3 language=lv reason="two words" ok=true')


def test_an_event_is_one_json_object_with_its_fields(logs: Logs) -> None:
    stream = logs(json_lines=True)
    structlog.stdlib.get_logger("vestnesis.test").warning("feed failed", source="LBB", n=2)
    [entry] = _json_lines(stream.getvalue())
    assert list(entry) == ["time", "level", "logger", "message", "source", "n"]
    assert entry["level"] == "warning" and entry["logger"] == "vestnesis.test"
    assert entry["message"] == "feed failed" and entry["n"] == 2
    assert entry["time"].endswith("Z")


@pytest.mark.parametrize("json_lines", [False, True], ids=["key=value", "json"])
def test_a_library_s_line_goes_through_the_same_renderer(logs: Logs, json_lines: bool) -> None:
    stream = logs(json_lines=json_lines)
    logging.getLogger("uvicorn.error").warning("Invalid HTTP request from %s", "10.0.0.1")
    text = stream.getvalue()
    if json_lines:
        [entry] = _json_lines(text)
        assert entry["logger"] == "uvicorn.error" and entry["level"] == "warning"
        assert entry["message"] == "Invalid HTTP request from 10.0.0.1"
    else:
        assert (
            'level=warning logger=uvicorn.error message="Invalid HTTP request from 10.0.0.1"'
            in (text)
        )


@pytest.mark.parametrize("json_lines", [False, True], ids=["key=value", "json"])
@pytest.mark.parametrize("level", LEVELS)
def test_a_secret_in_an_event_value_is_masked_at_every_level(
    logs: Logs, json_lines: bool, level: str
) -> None:
    stream = logs(json_lines=json_lines)
    log = structlog.stdlib.get_logger("vestnesis.test")
    getattr(log, level)(f"called with {SECRET}", token=SECRET, nested={"inner": [SECRET]})
    text = stream.getvalue()
    _no_secret(text)
    assert f"level={level}" in text or f'"level": "{level}"' in text


@pytest.mark.parametrize("json_lines", [False, True], ids=["key=value", "json"])
def test_a_secret_as_a_key_is_masked(logs: Logs, json_lines: bool) -> None:
    stream = logs(json_lines=json_lines)
    structlog.stdlib.get_logger("vestnesis.test").info("lookup", **{SECRET: 1})
    _no_secret(stream.getvalue())


def test_a_key_with_a_space_still_gives_its_line(logs: Logs) -> None:
    stream = logs()
    structlog.stdlib.get_logger("vestnesis.test").info("odd key", **{"two words": 1})
    assert stream.getvalue().rstrip().endswith('message="odd key" two_words=1')


@pytest.mark.parametrize("json_lines", [False, True], ids=["key=value", "json"])
def test_a_secret_in_a_url_is_masked_in_every_form(logs: Logs, json_lines: bool) -> None:
    stream = logs(json_lines=json_lines)
    log = structlog.stdlib.get_logger("vestnesis.test")
    url = f"https://api.telegram.org/bot{quote(SECRET, safe='')}/getMe"
    log.info("request", url=url, raw=f"https://example.org/{SECRET}?x=1")
    log.info("as JSON", body=json.dumps({"token": SECRET}))
    text = stream.getvalue()
    _no_secret(text)
    assert "https://api.telegram.org/bot***/getMe" in text


@pytest.mark.parametrize("json_lines", [False, True], ids=["key=value", "json"])
def test_a_secret_in_an_exception_is_masked_in_the_traceback(logs: Logs, json_lines: bool) -> None:
    stream = logs(json_lines=json_lines)
    log = structlog.stdlib.get_logger("vestnesis.test")
    try:
        raise ValueError(f"GET https://api.telegram.org/bot{SECRET}/getMe failed")
    except ValueError:
        log.exception("request failed", attempt=1)
    log.error("given", exc_info=RuntimeError(quote(SECRET, safe="")))
    text = stream.getvalue()
    _no_secret(text)
    assert "Traceback (most recent call last)" in text
    if json_lines:
        first, second = _json_lines(text)
        assert "ValueError: GET https://api.telegram.org/bot***/getMe" in first["exception"]
        assert second["exception"] == "RuntimeError: ***"
    else:
        assert "\nValueError: GET https://api.telegram.org/bot***/getMe failed" in text


@pytest.mark.parametrize("json_lines", [False, True], ids=["key=value", "json"])
def test_a_secret_in_a_library_s_line_and_traceback_is_masked(logs: Logs, json_lines: bool) -> None:
    stream = logs(json_lines=json_lines)
    library = logging.getLogger("telegram.ext.Updater")
    for level in LEVELS:
        getattr(library, level)("POST %s", f"https://api.telegram.org/bot{SECRET}/getUpdates")
    try:
        raise ConnectionError(json.dumps({"url": quote(SECRET, safe=""), "t": SECRET}))
    except ConnectionError:
        library.exception("network error")
    text = stream.getvalue()
    _no_secret(text)
    assert text.count("getUpdates") == len(LEVELS)
    assert "ConnectionError" in text


def test_events_reach_logging_records_masked_without_our_handler(caplog) -> None:
    """Before `setup_logging` (a test, a library user) events are ordinary `logging` records,
    and the structlog processor has masked them already."""
    route_to_stdlib([SECRET])
    try:
        with caplog.at_level(logging.INFO, logger="vestnesis"):
            structlog.stdlib.get_logger("vestnesis.test").info("token seen", token=SECRET)
    finally:
        route_to_stdlib()
    [record] = caplog.records
    assert record.msg["message"] == "token seen" and record.msg["token"] == "***"  # type: ignore[index]


def test_the_logging_format_is_a_config_key(tmp_path: Path) -> None:
    path = sample_config(tmp_path, logging={"format": "json"})
    assert load_config(path, {}).logging.format == "json"
    assert load_config(sample_config(tmp_path), {}).logging.format == "text"
    with pytest.raises(ConfigError, match=r"logging\.format"):
        load_config(sample_config(tmp_path, logging={"format": "xml"}), {})


@pytest.mark.parametrize(
    ("format_", "flag", "json_lines"),
    [("text", False, False), ("json", False, True), ("text", True, True)],
)
def test_the_command_line_writes_the_configured_format(
    tmp_path: Path, format_: str, flag: bool, json_lines: bool
) -> None:
    from vestnesis.cli.main import cli

    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    path = sample_config(tmp_path, logging={"format": format_})
    arguments = ["--config", str(path), "--log-level", "INFO", *(["--log-json"] if flag else [])]
    try:
        result = CliRunner().invoke(cli, [*arguments, "feeds", "list"], catch_exceptions=False)
        assert result.exit_code == 0
        [handler] = root.handlers
        stream = io.StringIO()
        handler.setStream(stream)  # type: ignore[attr-defined]
        structlog.stdlib.get_logger("vestnesis.test").info("configured", format=format_)
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
        route_to_stdlib()
    line = stream.getvalue().strip()
    if json_lines:
        assert json.loads(line)["message"] == "configured"
    else:
        assert "message=configured format=" in line and not line.startswith("{")
