"""Month and weekday names in lv, lt and en, as Unicode CLDR gives them through Babel, kept in
data/calendar_names.json: reading them from Babel loads each language's whole locale data
(about 0.25 MB of pickle a language), which a cold `vestnesis ask` paid for on every start
(issue 18). tests/test_cldr.py checks that the file is exactly what the installed Babel gives;
after a Babel upgrade that changes a name, write it again with `python -m
vestnesis.answering.cldr`.

    months("lv")["format"]["wide"][12]   # 'decembris'
    days("lt")["format"]["wide"][0]      # 'pirmadienis' (Monday is 0)

The mappings keep Babel's order (days start on Sunday in some locales): callers that build
word tables from them get the same tables as from Babel.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

LANGUAGES = ("lv", "lt", "en")
FILE = "data/calendar_names.json"
# Name tables kept: months and days, each in both contexts and the widths the answerer reads.
WIDTHS = ("wide", "abbreviated")

Names = Mapping[str, Mapping[str, Mapping[int, str]]]  # context → width → number → name


def months(language: str) -> Names:
    """Month names (1 = January) by context ("format", "stand-alone") and width."""
    return _names()[language]["months"]


def days(language: str) -> Names:
    """Weekday names (0 = Monday) by context and width."""
    return _names()[language]["days"]


@cache
def _names() -> dict[str, dict[str, Names]]:
    # Beside this module (read as a plain file: importlib.resources' look-up of the package's
    # reader alone was about 0.01 s of a cold `ask`, issue 18).
    text = (Path(__file__).parent / FILE).read_text("utf-8")
    return _numbered(json.loads(text))


def _numbered(raw: dict[str, Any]) -> dict[str, dict[str, Names]]:
    return {
        language: {
            kind: {
                context: {
                    width: {int(number): name for number, name in names.items()}
                    for width, names in widths.items()
                }
                for context, widths in contexts.items()
            }
            for kind, contexts in kinds.items()
        }
        for language, kinds in raw.items()
    }


def from_babel() -> dict[str, dict[str, Names]]:
    """The same names read from the installed Babel (slow: loads each locale's data)."""
    from babel import Locale

    found: dict[str, dict[str, Names]] = {}
    for language in LANGUAGES:
        locale = Locale(language)
        found[language] = {
            kind: {
                context: {width: dict(table[context][width].items()) for width in WIDTHS}
                for context in ("format", "stand-alone")
            }
            for kind, table in (("months", locale.months), ("days", locale.days))
        }
    return found


def write(path: Path) -> None:
    """Write Babel's names to `path` (data/calendar_names.json), in Babel's order."""
    text = json.dumps(from_babel(), ensure_ascii=False, indent=1)
    path.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    write(Path(__file__).resolve().parent / FILE)
