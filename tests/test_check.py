"""`vestnesis check` against a real SMTP server with AUTH and the fake Bot API."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.botapi import BOT, TOKEN, BotApi
from tests.conftest import sample_config
from tests.smtpserver import MailServer, self_signed
from vestnesis.cli.main import cli

SECRET = "a-long-enough-test-secret"


@pytest.fixture
def relay(tmp_path):
    cert, key = self_signed(tmp_path)
    server = MailServer(tls=(cert, key), credentials=("lbb", "right-password")).start()
    server.cert = cert
    yield server
    server.stop()


@pytest.fixture
def bot_api():
    api = BotApi()
    yield api
    api.stop()


def config_for(tmp_path: Path, relay: MailServer, api: BotApi, public_url: str) -> Path:
    email = {
        "from": "LBB <info@bibliotekari.lv>",
        "smtp_host": "127.0.0.1",
        "smtp_port": relay.port,
        "security": "starttls",
        "username": "lbb",
        "ca_file": str(relay.cert),  # the relay's certificate is self-signed
    }
    telegram = {"base_url": api.base_url.removesuffix("/bot")}
    return sample_config(tmp_path, email=email, telegram=telegram, web={"public_url": public_url})


def check(config: Path, **env: str):
    return CliRunner(env={"VESTNESIS_WEB_SECRET": SECRET, **env}).invoke(
        cli, ["--config", str(config), "check"]
    )


def test_check_finds_a_wrong_smtp_password_and_an_http_public_url(tmp_path, relay, bot_api):
    config = config_for(tmp_path, relay, bot_api, "http://news.example.org")
    result = check(
        config, VESTNESIS_SMTP_PASSWORD="Wr0ng-Pa55", VESTNESIS_TELEGRAM_TOKEN="123456:BAD-XYZ"
    )
    assert result.exit_code == 1
    lines = {line.split()[1]: line for line in result.stdout.splitlines()}
    assert lines["smtp"].startswith("FAIL") and "refused the login: 535" in lines["smtp"]
    assert next(line for line in result.stdout.splitlines() if "web secret" in line)[:2] == "ok"
    public = next(line for line in result.stdout.splitlines() if "public_url" in line)
    assert public.startswith("warn") and "http://news.example.org is not https" in public
    assert lines["telegram"].startswith("FAIL") and "refused the token (404" in lines["telegram"]
    assert "Wr0ng-Pa55" not in result.output and "BAD-XYZ" not in result.output  # no secrets
    assert "feed LBB" in result.stdout and "calendar LBB" in result.stdout
    assert "checks: 2 failed" in result.stderr


def test_check_passes_on_a_good_setup(tmp_path, relay, bot_api):
    config = config_for(tmp_path, relay, bot_api, "https://news.example.org")
    result = check(config, VESTNESIS_SMTP_PASSWORD="right-password", VESTNESIS_TELEGRAM_TOKEN=TOKEN)
    assert "FAIL" not in result.stdout, result.stdout
    lines = {line.split()[1]: line for line in result.stdout.splitlines()}
    assert "logged in" in lines["smtp"]
    assert lines["telegram"].startswith("ok") and f"@{BOT['username']}" in lines["telegram"]
    assert "STARTTLS, logged in" in lines["smtp"]
    # the only warning: no translation backend
    warned = [line.split()[1] for line in result.stdout.splitlines() if line.startswith("warn")]
    assert warned == ["translation"]
    assert result.exit_code == 0


def test_secrets_can_live_in_a_private_file_next_to_the_config(tmp_path, relay, bot_api):
    config = config_for(tmp_path, relay, bot_api, "https://news.example.org")
    secrets = tmp_path / "secrets.env"
    secrets.write_text(
        f"# for systemd's EnvironmentFile too\nVESTNESIS_SMTP_PASSWORD=right-password\n"
        f"VESTNESIS_TELEGRAM_TOKEN='{TOKEN}'\n",
        "utf-8",
    )
    os.chmod(secrets, 0o644)
    loose = CliRunner().invoke(cli, ["--config", str(config), "check"])
    assert loose.exit_code == 2 and "other users may read these secrets" in loose.output
    os.chmod(secrets, 0o600)
    result = check(config)
    assert "logged in" in result.stdout and "FAIL" not in result.stdout, result.stdout
    assert "secrets file" in result.stdout
    # A variable that is set wins over the file.
    overridden = check(config, VESTNESIS_SMTP_PASSWORD="wrong")
    assert overridden.exit_code == 1 and "refused the login" in overridden.stdout
