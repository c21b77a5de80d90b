"""The words of members' questions in lv, en and lt: what they ask about (concepts), words
that carry no name (stop words), and which language a question's words belong to. The words
are data (tables.Tables); this module reads them."""

from __future__ import annotations

from collections.abc import Sequence

from vestnesis.answering import words
from vestnesis.answering.tables import Tables, builtin

# Latvian "kāds, kāda, kādi…" (which) fold and stem into Lithuanian "kada" (when).
FALSE_FRIEND_PREFIX = "kād"


def concepts(tables: Tables | None = None) -> words.Lexicon[str]:
    """The concept lexicon."""
    return (tables or builtin()).concept_lexicon


def plan_topics(tables: Tables | None = None) -> tuple[str, ...]:
    """The concepts that are plan topics."""
    return (tables or builtin()).topics


def is_stop(word: str, tables: Tables | None = None) -> bool:
    """A word that names nothing (its two-letter stems do not count: "oras" is not "or")."""
    folded = words.fold(word)
    table = tables or builtin()
    if folded in table.function_words:
        return True
    stems = {s for s in words.stems(word) if len(s) >= 3 or s == folded}
    if not stems & table.stop_stems:
        return False
    # A word of a shared group only stems like a function word: "pasakos" (tales) is not
    # "pasaki" (tell me).
    return not any(s in table.synonym_table for s in stems - table.stop_stems)


def is_function_word(token: str, tables: Tables | None = None) -> bool:
    """Whether the word is a question or function word of one of our languages (kad, kada,
    when, ir…), as opposed to a word that names something."""
    return words.fold(token) in (tables or builtin()).function_words


_LETTERS = {"lv": set("āēīūķļņģ"), "lt": set("ąęėįųū")}
# Letters only one of the two writes: a word with one is that language's spelling.
_OWN_LETTERS = {"lv": set("āēīķļņģ"), "lt": set("ąęėįų")}


def language_votes(question_words: Sequence[str], tables: Tables | None = None) -> dict[str, float]:
    """How strongly the words point at each language (known words, then letters)."""
    table = (tables or builtin()).language_words
    votes = {"lv": 0.0, "en": 0.0, "lt": 0.0}
    for token in question_words:
        languages = table.get(words.fold(token), frozenset())
        if not languages and is_misspelt_stop(token, tables):
            languages = frozenset({"en"})  # "nexr", "whn": English words, mistyped
        for language in languages:
            votes[language] += 1.0 / len(languages)
        for language, letters in _LETTERS.items():
            if letters & set(token):
                votes[language] += 0.5
    return votes


def spelling_votes(question_words: Sequence[str], tables: Tables | None = None) -> dict[str, int]:
    """How many words each language writes exactly so, diacritics and all (members often type
    without them: "kada bus" is Lithuanian as written, Latvian only with "kāda būs"); a word
    with a letter only one of Latvian and Lithuanian has ("leļļu", "lėlių") is that one's."""
    table = (tables or builtin()).language_spellings
    votes = {"lv": 0, "en": 0, "lt": 0}
    for index, word in enumerate(question_words):
        if word == "ir" and index <= 1:
            # Right after the question word "ir" is Latvian "is" ("kada ir misija"); the
            # Lithuanian "ir" is "and", which joins two words, and "is" is "yra".
            votes["lv"] += 2
            continue
        for language in table.get(word, ()):
            votes[language] += 1
        for language, letters in _OWN_LETTERS.items():
            if letters & set(word) and language not in table.get(word, ()):
                votes[language] += 1
    return votes


def is_misspelt_stop(word: str, tables: Tables | None = None) -> bool:
    """An English question or function word with one typo ("wat", "wen", "whta"), three
    letters or more, that is no word of its own among the stop words."""
    table = tables or builtin()
    folded = words.fold(word)
    if len(folded) < words.SHORT_TYPO_LENGTH or folded in table.function_words:
        return False
    return words.one_typo(folded, table.english_stop_words) is not None
