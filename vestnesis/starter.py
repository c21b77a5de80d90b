"""The starter config that `vestnesis init` writes for a new association."""

from __future__ import annotations

import json

_TEMPLATE = """\
# Vēstnesis configuration. Relative paths are taken from this file's folder.
# Secrets go in environment variables, never here: VESTNESIS_TELEGRAM_TOKEN,
# VESTNESIS_TRANSLATION_API_KEY, VESTNESIS_SMTP_USERNAME, VESTNESIS_SMTP_PASSWORD,
# VESTNESIS_WEB_SECRET. See config.example.toml in the project for every key.

[association]
name = {name}
short_name = ""
website = ""                        # e.g. "https://bibliotekari.lv"
timezone = "Europe/Riga"
languages = ["lv", "en", "lt"]      # the first is the default for members
data_dir = "data"

# One [[feeds]] table per news source: a unique name and `url` (or `path` for a file).
[[feeds]]
name = "IFLA"
url = "https://www.ifla.org/feed/"
language = "en"

# [[feeds]]
# name = "LBB"
# url = "https://bibliotekari.lv/feed/"
# language = "lv"

[schedule]
poll_feeds = "15m"
weekly_digest = "mon 09:00"

[translation]
backend = "none"                    # none | deepl | libretranslate | argos

[telegram]
base_url = ""
board_user_ids = []
chats = []

[email]
from = ""                           # e.g. "LBB <info@bibliotekari.lv>"
smtp_host = "localhost"
smtp_port = 587
security = "starttls"

[web]
listen = "127.0.0.1:8080"
public_url = "http://127.0.0.1:8080"
"""


def starter_config(name: str) -> str:
    """A commented starter config for an association of that name."""
    return _TEMPLATE.format(name=json.dumps(name, ensure_ascii=False))
