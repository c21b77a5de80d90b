"""Kinds of events, named in every language and recognised from titles, categories and
questions. The kinds themselves are data (tables.Tables: data/kinds.toml and the association's
own words file)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from vestnesis.answering import words
from vestnesis.answering.tables import Kind, Tables, builtin

if TYPE_CHECKING:
    KINDS: tuple[Kind, ...]  # see __getattr__

__all__ = ["KINDS", "Kind", "Named", "classify", "find", "name", "named"]


def __getattr__(attribute: str) -> tuple[Kind, ...]:
    # KINDS, the built-in kinds (read-only; e.g. for a board form's choice of kinds), read
    # from the data files at first use, not at import: a cold `vestnesis ask` that finds its
    # answer index kept has the word tables in it and parses no TOML (issue 18).
    if attribute == "KINDS":
        return builtin().kinds
    raise AttributeError(f"module {__name__!r} has no attribute {attribute!r}")


def name(key: str, language: str, *, plural: bool = False, tables: Tables | None = None) -> str:
    """The kind's name in `language` ('' for an unknown kind)."""
    found = (tables or builtin()).kind(key)
    if found is None or not found.names:
        return ""
    names = found.names.get(language) or found.names.get("en") or next(iter(found.names.values()))
    return names[1] if plural else names[0]


@dataclass(frozen=True)
class Named:
    """A kind's words for a sentence in one language.

    words: placeholder → form, for the catalog's texts to choose the case they need: kind
    (nominative), kind_genitive, kind_locative, kinds (plural nominative), kinds_genitive,
    and the nominative again as feminine_kind, plural_kind, feminine_plural_kind (the
    placeholder then names the agreement, "Tuvākā %(feminine_kind)s:").
    agreement: "", "feminine", "plural" or "feminine_plural": which of those texts fits."""

    words: dict[str, str]
    agreement: str


def named(key: str, language: str, *, tables: Tables | None = None) -> Named | None:
    """The kind's forms in `language`; None when the tables lack them (a calendar's own
    category, a kind from a words file without lv_forms/lt_forms): name it in brackets."""
    found = (tables or builtin()).kind(key)
    if found is None or language not in found.forms or language not in found.names:
        return None
    forms = found.forms[language]
    singular, plural = found.names[language]
    agreement = "_".join(
        part
        for part, present in (
            ("feminine", forms.gender == "feminine"),
            ("plural", forms.plural_only),
        )
        if present
    )
    words = {
        "kind": singular,
        "kind_genitive": forms.genitive,
        "kind_locative": forms.locative,
        "kinds": plural,
        "kinds_genitive": forms.plural_genitive,
        "feminine_kind": singular,
        "plural_kind": singular,
        "feminine_plural_kind": singular,
    }
    return Named(words, agreement)


# Kinds that only say people gather: after another kind ("book club meetings") the other one
# is what is asked for.
GATHERINGS = frozenset({"meeting"})


def find(
    text_words: Sequence[str], *, fuzzy: bool = True, tables: Tables | None = None
) -> tuple[str, set[int]]:
    """The first kind named in the words, and the positions of the words that named it."""
    table = tables or builtin()
    lexicon = table.kind_lexicon
    for index in range(len(text_words)):
        hit = lexicon.at(text_words, index, fuzzy=fuzzy)
        if hit is not None and not _exact(hit, text_words, table):
            continue
        if (
            hit is not None
            and not words.stems(text_words[index]) & words.union(_head_terms(hit.value, table))
            and table.concept_lexicon.at(text_words, index, fuzzy=False) is not None
        ):
            continue  # a word of our own, exactly ("paskirtis", purpose), is no kind's typo
        if hit is not None:
            after = hit.start + hit.length
            head = lexicon.at(text_words, after, fuzzy=fuzzy) if after < len(text_words) else None
            if head is not None and head.value in GATHERINGS and hit.value not in GATHERINGS:
                # "book club meetings", "grāmatu kluba tikšanās": a club meets; its meetings
                # are the club's, the kind is the club.
                return hit.value, head.positions | hit.positions
            if head is not None:
                # "reading contest", "lasīšanas konkurss", "skaitymo konkursas": the head noun
                # comes last in lv, en and lt; the kind before it only says what about, and
                # may name which one ("the anniversary conference" is the „… jubilejas
                # konference”): its words are left to name a title. (Two words of one kind,
                # "apbalvošanas ceremonija", are that kind's.)
                if head.value == hit.value:
                    return head.value, head.positions | hit.positions
                return head.value, head.positions
            return hit.value, hit.positions
    return "", set()


def _head_terms(key: str, tables: Tables) -> tuple[str, ...]:
    kind = tables.kind(key)
    return tuple(t for term in kind.all_terms for t in words.tokens(term)) if kind else ()


def _exact(hit: words.Found[str], text_words: Sequence[str], tables: Tables) -> bool:
    """A calendar's own category is matched by its words, never by a typo: "skaļā" (loud)
    is not "skola" (school)."""
    if not hit.value.startswith("category:"):
        return True
    kind = tables.kind(hit.value)
    known = words.union(kind.all_terms) if kind else frozenset()
    return all(words.stems(text_words[i]) & known for i in hit.positions)


def classify(title: str, categories: Sequence[str] = (), tables: Tables | None = None) -> str:
    """An event's kind from its categories, else its title ('' when none is named); of
    several ("Reading Promotion Seminar"), the one first in the tables."""
    table = tables or builtin()
    chosen = ""
    for text in (*categories, title):
        found = {hit.value for hit in table.kind_lexicon.scan(words.tokens(text), fuzzy=False)}
        if not found:
            continue
        kind = next(k.key for k in table.kinds if k.key in found)
        if not chosen:
            chosen = kind
        elif kind != chosen and kind in table.family(chosen):
            # The category says "Meeting", the title "Annual General Meeting": the narrower.
            return kind
    return chosen


def generic_stems(tables: Tables | None = None) -> frozenset[str]:
    """Every stem of every kind word: they say what an event is, not which one."""
    return (tables or builtin()).kind_stems
