"""The Snowball stemmers in C (PyStemmer, which snowballstemmer uses when it is installed)
give exactly the stems of snowballstemmer's own pure-Python ones, on every word of the
question sets, the word tables and the catalogs: answers do not depend on which is loaded."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
import snowballstemmer  # type: ignore[import-untyped]
import Stemmer  # type: ignore[import-not-found]
from snowballstemmer.english_stemmer import EnglishStemmer  # type: ignore[import-untyped]
from snowballstemmer.lithuanian_stemmer import LithuanianStemmer  # type: ignore[import-untyped]

ROOT = Path(__file__).resolve().parent.parent
SOURCES = (
    ROOT / "tests" / "fixtures",
    ROOT / "vestnesis" / "answering" / "data",
    ROOT / "vestnesis" / "locale",
    ROOT / "examples",
)


def _words() -> list[str]:
    found: set[str] = set()
    for folder in SOURCES:
        for path in folder.rglob("*"):
            if path.suffix not in (".toml", ".md", ".ics", ".po", ".txt", ".json"):
                continue
            text = path.read_text(encoding="utf-8", errors="replace").casefold()
            found.update(re.findall(r"[^\W\d_]+", text))
    folded = {unicodedata.normalize("NFKD", w).encode("ascii", "ignore").decode() for w in found}
    return sorted(found | {w for w in folded if w})


def test_snowballstemmer_uses_the_c_stemmers() -> None:
    assert isinstance(snowballstemmer.stemmer("lithuanian"), Stemmer.Stemmer)


@pytest.mark.parametrize(
    ("language", "python"), [("lithuanian", LithuanianStemmer), ("english", EnglishStemmer)]
)
def test_the_c_stemmers_give_the_python_stems(language: str, python: type) -> None:
    words = _words()
    assert len(words) > 3000  # the check covers the real vocabulary
    fast, slow = Stemmer.Stemmer(language), python()
    differ = [w for w in words if fast.stemWord(w) != slow.stemWord(w)]
    assert differ == []
