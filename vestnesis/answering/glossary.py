"""Words that mean the same across Latvian, English and Lithuanian, so that a question in one
language finds event titles and plan text written in another. Each group becomes a shared
term ("~library") alongside the words' own stems; the groups are data (data/synonyms.toml,
the kinds, and the association's own words file)."""

from __future__ import annotations

from vestnesis.answering import words
from vestnesis.answering.tables import Tables, builtin


def terms(word: str, tables: Tables | None = None) -> frozenset[str]:
    """A word's stems and the shared terms of the groups it belongs to."""
    own = words.stems(word)
    table = (tables or builtin()).synonym_table
    shared = {t for s in own for t in table.get(s, ())}
    return own | shared
