"""The starter config and secrets file that `vestnesis init` writes for a new association."""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

_TEMPLATE = """\
# Vēstnesis configuration. Relative paths are taken from this file's folder.
# Secrets are not written here: they live in secrets.env next to this file (mode 600; the
# same file serves systemd's EnvironmentFile) or in environment variables, which win:
# VESTNESIS_WEB_SECRET, VESTNESIS_SMTP_USERNAME, VESTNESIS_SMTP_PASSWORD,
# VESTNESIS_TELEGRAM_TOKEN, VESTNESIS_TRANSLATION_API_KEY.
# `vestnesis check` tells what works and what is missing. Every key: config.example.toml.

[association]
name = {name}
short_name = ""                     # e.g. "LBB": used in subjects and the bot
website = ""                        # e.g. "https://bibliotekari.lv"
timezone = "Europe/Riga"
languages = ["lv", "en", "lt"]      # the first is the default for members
data_dir = {data_dir}               # the SQLite database and other state
# tagline = {{ lv = "…", en = "…", lt = "…" }}   # the subscribe page's words under its title

# One [[feeds]] table per news source: a unique name and `url` (or `path` for a file).
# `vestnesis feeds add URL` adds more from the command line.
[[feeds]]
name = "IFLA"
url = "https://www.ifla.org/feed/"
language = "en"

# [[feeds]]
# name = "LBB"
# url = "https://bibliotekari.lv/feed/"
# language = "lv"

# The events calendar members ask about and get reminders of (iCalendar: a URL or a file).
# [[calendars]]
# name = "Pasākumi"
# url = "https://example.org/events.ics"

# The association's plan in Markdown (its # headings are the sections members ask about).
[plan]
# path = "plan.md"

[events]
poll = "1h"                         # how often calendar URLs are read
digest_ahead = "14d"                # the weekly digest lists the events of the next 14 days
remind_days = 3                     # reminders this many days before, and on the day
remind_at = "08:00"

[schedule]
poll_feeds = "15m"
weekly_digest = "mon 09:00"         # in association.timezone

[digest]
review = "none"                     # none | board: the board approves a draft first
catch_up = "6d"                     # a week missed while the service was down goes out if this recent

[translation]
backend = "none"                    # none | deepl | libretranslate | argos

[telegram]
base_url = ""                       # empty: the public Bot API
board_user_ids = []                 # Telegram user ids of the board
chats = []                          # [{{ id = -100123, language = "lv" }}]

[email]
transport = "file"                  # file: messages go to data_dir/mail to look at; smtp: sent
from = ""                           # e.g. "LBB <info@bibliotekari.lv>"
smtp_host = "localhost"
smtp_port = 587
security = "starttls"               # none | starttls | tls

[web]
listen = "127.0.0.1:8080"           # behind the https proxy (see deploy/)
trusted_proxies = ["127.0.0.1"]     # the proxy whose X-Forwarded-For names the visitor
public_url = "http://127.0.0.1:8080"  # the https address members see, e.g. "https://news.example.org"

[logging]
format = "text"                     # text: key=value lines for people; json: JSON lines
"""

_SECRETS = """\
# Vēstnesis secrets, one NAME=value a line. Read by `vestnesis` next to the config and by
# systemd (EnvironmentFile=). Keep it private: chmod 600, owned by the service's user.
VESTNESIS_WEB_SECRET={web_secret}
# VESTNESIS_SMTP_USERNAME=
# VESTNESIS_SMTP_PASSWORD=
# VESTNESIS_TELEGRAM_TOKEN=
# VESTNESIS_TRANSLATION_API_KEY=
"""


def starter_config(name: str, data_dir: str = "data") -> str:
    """A commented starter config for an association of that name."""
    return _TEMPLATE.format(
        name=json.dumps(name, ensure_ascii=False),
        data_dir=json.dumps(data_dir, ensure_ascii=False),
    )


def write_secrets(path: Path) -> None:
    """Write a secrets file with a fresh web secret, readable by its owner only (0600 from
    the start: it is never briefly readable by others). Raises FileExistsError."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(_SECRETS.format(web_secret=secrets.token_urlsafe(32)))
