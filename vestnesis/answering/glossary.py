"""Words that mean the same across Latvian, English and Lithuanian, so that a question in one
language finds event titles and plan text written in another. Each group becomes a shared
term ("~library") alongside the words' own stems; the groups are data (data/synonyms.toml,
the kinds, and the association's own words file)."""

from __future__ import annotations

from functools import lru_cache

from vestnesis.answering import words
from vestnesis.answering.tables import Tables, builtin

# A word no group knows by its stems belongs to the group of a group word that begins it, when
# that shared beginning is at least this long and leaves at most SUFFIX letters over: the
# stemmers miss some case forms ("zaļajām" is "zaļās", green).
PREFIX = 4
SUFFIX = 4


def terms(word: str, tables: Tables | None = None) -> frozenset[str]:
    """A word's stems and the shared terms of the groups it belongs to."""
    return _terms(word, tables or builtin())


@lru_cache(maxsize=65536)
def _terms(word: str, tables: Tables) -> frozenset[str]:
    own = words.stems(word)
    table = tables.synonym_table
    shared = {t for s in own for t in table.get(s, ())}
    folded = words.fold(word)
    if not shared and folded.isalpha() and len(folded) > PREFIX + 1:
        for end in range(len(folded) - 1, max(PREFIX, len(folded) - SUFFIX) - 1, -1):
            if folded[:end] in table:
                shared = set(table[folded[:end]])
                break
    return own | shared
