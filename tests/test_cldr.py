"""The month and weekday names kept in vestnesis/answering/data/calendar_names.json are exactly
what the installed Babel gives, in its order (the word tables built from them must not change
with where they are read from); after a Babel upgrade that changes one, `python -m
vestnesis.answering.cldr` writes the file again."""

from __future__ import annotations

import json
from pathlib import Path

from vestnesis.answering import cldr


def _ordered(value: object) -> object:
    """Nested mappings as lists of pairs, so that comparing them compares their order too."""
    if isinstance(value, dict):
        return [(key, _ordered(item)) for key, item in value.items()]
    return value


def test_the_kept_names_are_babels_in_babels_order() -> None:
    kept = cldr._names()
    assert _ordered(kept) == _ordered(cldr.from_babel())
    assert cldr.months("lv")["format"]["wide"][12] == "decembris"
    assert cldr.months("lt")["format"]["wide"][12] == "gruodžio"
    assert cldr.days("en")["format"]["wide"][0] == "Monday"


def test_the_file_is_what_the_writer_writes(tmp_path) -> None:
    written = tmp_path / "names.json"
    cldr.write(written)
    shipped = Path(cldr.__file__).parent / cldr.FILE
    assert json.loads(written.read_text("utf-8")) == json.loads(shipped.read_text("utf-8"))
    assert written.read_text("utf-8") == shipped.read_text("utf-8")
