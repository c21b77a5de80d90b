"""A cold `vestnesis ask` answers from what an earlier `ask` kept of the validated config
(vestnesis/kept_config.py), and validates the config again whenever anything it was
validated from may have changed: the same answers, the same errors."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import vestnesis.config
from tests.conftest import ROOT, sample_config
from vestnesis.cli.main import cli
from vestnesis.kept_config import KEPT_FILE, keep, read_kept

NOW = ("--now", "2026-11-23T09:00")
QUESTION = "Kad ir nākamais seminārs?"


def ask(config: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(
        cli, ["--config", str(config), "ask", *args, *NOW], env=env, catch_exceptions=False
    )


def kept_file(config: Path) -> Path:
    return config.parent / "data" / KEPT_FILE


def test_the_second_ask_answers_from_the_kept_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = sample_config(tmp_path)
    first = ask(config, QUESTION)
    assert first.exit_code == 0 and "Tuvākais seminārs:" in first.output
    kept = kept_file(config)
    assert kept.stat().st_mode & 0o777 == 0o600
    assert read_kept(config, os.environ) is not None

    def refuse(*args: object, **kwargs: object) -> object:
        raise AssertionError("the config was validated again")

    monkeypatch.setattr(vestnesis.config, "load_config", refuse)
    again = ask(config, QUESTION)
    assert again.exit_code == 0
    assert again.output == first.output
    plan = ask(config, "What is the motto?", "--json")
    assert json.loads(plan.output)["intent"] == "plan"


def test_a_changed_config_is_validated_again(tmp_path: Path) -> None:
    config = sample_config(tmp_path)
    assert ask(config, QUESTION).exit_code == 0
    config.write_text(config.read_text("utf-8") + "colour = 1\n", "utf-8")
    assert read_kept(config, os.environ) is None
    done = ask(config, QUESTION)
    assert done.exit_code == 2
    assert "unknown key" in done.output


def test_a_plan_file_gone_is_reported_as_before(tmp_path: Path) -> None:
    plan = tmp_path / "plan.md"
    shutil.copy(ROOT / "examples" / "plan.md", plan)
    config = sample_config(tmp_path, plan={"path": "plan.md"})
    assert ask(config, QUESTION).exit_code == 0
    plan.unlink()
    assert read_kept(config, os.environ) is None
    done = ask(config, QUESTION)
    assert done.exit_code == 2
    assert "plan.path: no readable file at" in done.output


def test_a_plan_link_pointed_elsewhere_is_followed(tmp_path: Path) -> None:
    first, second = tmp_path / "first.md", tmp_path / "second.md"
    first.write_text("# Plāns\n\nMoto: lasīt.\n", "utf-8")
    second.write_text("# Plāns\n\nMoto: rakstīt.\n", "utf-8")
    link = tmp_path / "plan.md"
    link.symlink_to(first)
    config = sample_config(tmp_path, plan={"path": "plan.md"})
    assert ask(config, QUESTION).exit_code == 0
    found = read_kept(config, os.environ)
    assert found is not None and found[0].plan_path == str(first)
    link.unlink()
    link.symlink_to(second)
    assert read_kept(config, os.environ) is None  # validated again: the plan is second.md


def test_an_edited_words_file_is_checked_again(tmp_path: Path) -> None:
    words = tmp_path / "words.toml"
    shutil.copy(ROOT / "examples" / "words.toml", words)
    config = sample_config(tmp_path, answers={"words": "words.toml"})
    assert ask(config, QUESTION).exit_code == 0
    assert read_kept(config, os.environ) is not None
    words.write_text("[kinds.broken\n", "utf-8")
    assert read_kept(config, os.environ) is None
    done = ask(config, QUESTION)
    assert done.exit_code == 2
    assert "answers.words" in done.output


def test_no_secret_is_kept_and_the_logs_still_mask_them(tmp_path: Path) -> None:
    config = sample_config(tmp_path, web={"secret": "web-secret-in-the-file-42"})
    env = {"VESTNESIS_TELEGRAM_TOKEN": "123456:token-from-the-environment"}
    assert ask(config, QUESTION, env=env).exit_code == 0
    text = kept_file(config).read_text("utf-8")
    assert "web-secret-in-the-file-42" not in text
    assert "token-from-the-environment" not in text
    found = read_kept(config, {**os.environ, **env})
    assert found is not None
    secrets = found[1]
    assert "web-secret-in-the-file-42" in secrets and env["VESTNESIS_TELEGRAM_TOKEN"] in secrets
    assert vestnesis.config.load_config(config, {**os.environ, **env}).secrets() == secrets
    # A secret variable set or unset since decides what validates: validated again.
    assert read_kept(config, os.environ) is None


def test_a_kept_file_others_may_write_is_not_used(tmp_path: Path) -> None:
    config = sample_config(tmp_path)
    assert ask(config, QUESTION).exit_code == 0
    kept_file(config).chmod(0o622)
    assert read_kept(config, os.environ) is None
    kept_file(config).chmod(0o600)
    assert read_kept(config, os.environ) is not None
    kept_file(config).write_text("{not json", "utf-8")
    assert read_kept(config, os.environ) is None
    assert ask(config, QUESTION).exit_code == 0  # validated, and kept again
    assert read_kept(config, os.environ) is not None


def test_nothing_is_kept_with_a_translation_backend(tmp_path: Path) -> None:
    config = sample_config(
        tmp_path, translation={"backend": "libretranslate", "url": "http://127.0.0.1:9"}
    )
    (tmp_path / "data").mkdir()
    text = config.read_bytes()
    checked: list[list[str]] = []
    validated = vestnesis.config.load_config(config, os.environ, checked=checked)
    assert ["folder", "data", str((tmp_path / "data").resolve())] in checked
    keep(validated, config, text, os.environ, checked)
    assert not kept_file(config).exists()
    plain = sample_config(tmp_path)  # the same file, now without the backend
    checked = []
    validated = vestnesis.config.load_config(plain, os.environ, checked=checked)
    keep(validated, plain, text, os.environ, checked)  # not the bytes validated: not kept
    assert not kept_file(config).exists()
    keep(validated, plain, plain.read_bytes(), os.environ, checked)
    assert read_kept(plain, os.environ) is not None


def test_a_config_with_windows_line_ends_is_kept_and_read_alike(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = sample_config(tmp_path)
    config.write_bytes(config.read_bytes().replace(b"\n", b"\r\n"))
    first = ask(config, QUESTION)
    assert first.exit_code == 0
    found = read_kept(config, os.environ)
    assert found is not None
    assert Path(found[0].database_path).parent == (tmp_path / "data").resolve()

    def refuse(*args: object, **kwargs: object) -> object:
        raise AssertionError("the config was validated again")

    monkeypatch.setattr(vestnesis.config, "load_config", refuse)
    assert ask(config, QUESTION).output == first.output


def test_a_changed_calendar_is_imported_before_the_answer(tmp_path: Path) -> None:
    """The kept config answers only while the calendars are as imported: a changed one is
    imported (the whole app, the config validated), then asked."""
    calendar = tmp_path / "events.ics"
    shutil.copy(ROOT / "examples" / "events.ics", calendar)
    config = sample_config(tmp_path, calendars=[{"name": "LBB", "path": "events.ics"}])
    first = ask(config, QUESTION)
    assert "Bibliotēkas un ilgtspējīga attīstība" in first.output
    assert read_kept(config, os.environ) is not None
    text = calendar.read_text("utf-8")
    calendar.write_text(text.replace("un ilgtspējīga attīstība", "un zaļā nākotne"), "utf-8")
    assert read_kept(config, os.environ) is not None  # the config is the same...
    changed = ask(config, QUESTION)
    assert changed.exit_code == 0
    assert "Bibliotēkas un zaļā nākotne" in changed.output  # ...the calendar was imported
