"""The association's plan: a Markdown document split into sections by its headings, and
searched with BM25 over stems and cross-language terms."""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from vestnesis.answering import glossary, vocabulary, words
from vestnesis.answering.tables import Tables, builtin

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
# A setext heading's underline (CommonMark): "=" for the first level, "-" for the second.
_UNDERLINE = re.compile(r"^ {0,3}(=+|-+)\s*$")
# A line that is bold and nothing else, as documents converted from a word processor head
# their parts ("**Misija**", "__Finansējums__").
_BOLD_LINE = re.compile(r"^\s*(\*\*|__)(?P<text>[^*_].*?)\1\s*:?\s*$")
_RULE = re.compile(r"^ {0,3}([-*_])(\s*\1){2,}\s*$")
BOLD_HEADING_LENGTH = 90  # characters; a longer bold line is an emphasised sentence
_ITEM = re.compile(r"^\s*(?:[-*+•]|\d+[.)])\s+")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
HEADING_BONUS = 1.0  # of the best score, for a paragraph whose heading names every word asked
PHRASE_BONUS = 0.5  # of the best score, for a paragraph with two adjacent words asked side by side
MAX_LIST_ITEMS = 15  # items of a list given with the paragraph that introduces it
_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)")


@dataclass(frozen=True)
class Section:
    """A headed part of the plan: its heading as written, its level, and its paragraphs
    (list items are paragraphs of their own; `items` holds their positions)."""

    heading: str
    level: int
    parent: str
    paragraphs: tuple[str, ...]
    items: frozenset[int] = frozenset()

    @property
    def text(self) -> str:
        """The section's text, paragraph by paragraph, list items with their bullet ("• ")."""
        return "\n".join(
            f"• {p}" if number in self.items else p for number, p in enumerate(self.paragraphs)
        )


@dataclass(frozen=True)
class Plan:
    """The whole plan: its title (the first top-level heading) and its sections."""

    title: str
    sections: tuple[Section, ...]

    @property
    def main_sections(self) -> tuple[Section, ...]:
        """The sections one level below the title (or the top level when there is no title)."""
        levels = [s.level for s in self.sections if s.heading != self.title]
        top = min(levels, default=1)
        return tuple(s for s in self.sections if s.level == top and s.heading != self.title)


def parse_plan(markdown: str) -> Plan:
    """Split a Markdown document into sections by its headings: ATX (# … ######), setext
    (a line underlined with === or ---), and, in a document with no headings below its title,
    a bold line alone between blank lines, one level below it."""
    sections: list[Section] = []
    stack: list[tuple[int, str]] = []
    heading, level = "", 0
    paragraphs: list[str] = []
    items: set[int] = set()
    current: list[str] = []
    in_item = False
    atx_level = 0  # the level of the last # heading: a bold line heads a part below it
    lines = markdown.splitlines()
    # Bold lines head parts only in a document without headings below its title: where it
    # has "##" parts, a bold line inside one is an emphasised item of it (the LBB plan's
    # numbered goals).
    bold_heads = not any(
        (m := _HEADING.match(line)) and len(m.group(1)) > 1 for line in lines
    ) and not any(
        _UNDERLINE.match(line) and lines[i - 1].strip() for i, line in enumerate(lines) if i
    )

    def close() -> None:
        nonlocal in_item
        if current:
            if in_item:
                items.add(len(paragraphs))
            paragraphs.append(" ".join(current))
            current.clear()
        in_item = False

    def flush() -> None:
        close()
        if heading or paragraphs:
            parent = next((h for lv, h in reversed(stack[:-1]) if lv < level), "")
            sections.append(Section(heading, level, parent, tuple(paragraphs), frozenset(items)))

    def start(new_level: int, text: str) -> None:
        nonlocal level, heading, paragraphs, items, stack
        flush()
        level, heading, paragraphs, items = new_level, _plain(text), [], set()
        stack = [(lv, h) for lv, h in stack if lv < level] + [(level, heading)]

    for raw in lines:
        match = _HEADING.match(raw)
        if match:
            start(len(match.group(1)), match.group(2))
            atx_level = level
            continue
        underline = _UNDERLINE.match(raw)
        if underline and len(current) == 1 and not in_item and not raw.lstrip().startswith("|"):
            # "Misija\n------": the one line before it was the heading, not a paragraph.
            text = current.pop()
            start(1 if underline.group(1).startswith("=") else 2, text)
            atx_level = level
            continue
        bold = _BOLD_LINE.match(raw)
        if (
            bold
            and bold_heads
            and not current
            and len(bold.group("text")) <= BOLD_HEADING_LENGTH
            and not bold.group("text").rstrip().endswith(".")
        ):
            start(atx_level + 1 if atx_level else 2, bold.group("text").rstrip().rstrip(":"))
            continue
        line = raw.strip()
        if _RULE.match(raw) and not current:
            continue  # a thematic break ("---", "***") between parts says nothing
        if not line:
            close()
        elif _ITEM.match(raw):
            close()
            in_item = True
            current.append(_plain(_ITEM.sub("", raw, count=1)))
        else:
            current.append(_plain(line))
    flush()
    top = [s for s in sections if s.level == 1 and s.heading]
    title = top[0].heading if len(top) == 1 else ""
    return Plan(title, tuple(sections))


def _plain(text: str) -> str:
    return _EMPHASIS.sub("", _LINK.sub(r"\1", text)).strip()


@dataclass(frozen=True)
class Passage:
    """One paragraph of a section, as found by a search."""

    section: Section
    text: str
    score: float


# "Term – definition" at a paragraph's start or after a sentence: a glossary's entry.
_PARENTHESES = re.compile(r"\s*\([^)]*\)")
_SENTENCE_END = re.compile(r"[.!?](?:\s|$)")
_DEFINITION = re.compile(r"(?:^|(?<=[.;!?]\s))([^\s—–.;:][^—–.;:]{0,50}?)\s+[—–]\s+\S")


class PlanIndex:
    """BM25 over the plan's paragraphs (and headings), built once per plan."""

    def __init__(
        self,
        plan: Plan,
        tables: Tables | None = None,
        translations: Mapping[str, Sequence[str]] | None = None,
        language: str = "",
    ) -> None:
        """`translations`: a paragraph or heading → the same text in other languages (from
        the configured translation backend), searched as the paragraph's own words, so that
        a question in one language finds a plan written in another beyond the word groups.
        `language`: the plan's, as configured ("" to tell it from its words)."""
        self.plan = plan
        self._language = language
        self.tables = tables = tables or builtin()
        translations = translations or {}
        self._passages: list[tuple[Section, str]] = []
        corpus: list[list[str]] = []
        self._heading_terms: list[frozenset[str]] = []
        self._tokens: list[list[frozenset[str]]] = []
        for section in plan.sections:
            headings = [section.heading, *translations.get(section.heading, ())]
            heading_terms = frozenset(t for h in headings for t in _terms(h, tables))
            for paragraph in section.paragraphs or (section.heading,):
                self._passages.append((section, paragraph))
                texts = [
                    f"{section.heading} {paragraph}",
                    *translations.get(section.heading, ()),
                    *translations.get(paragraph, ()),
                ]
                corpus.append([t for text in texts for t in _terms(text, tables)])
                self._heading_terms.append(heading_terms)
                # One text after another; a pair side by side only within one of them.
                self._tokens.append(
                    [
                        glossary.terms(token, tables)
                        for text in texts
                        for token in (*words.tokens(text), "")
                    ]
                )
        self._document_frequency: dict[str, int] = {}
        for document in corpus:
            for term in set(document):
                self._document_frequency[term] = self._document_frequency.get(term, 0) + 1
        self._corpus = corpus
        # BM25 (bm25s, numpy) is built at the first plan question: an index read from disk, or
        # one that only ever answers about events, never loads them (vestnesis/answer_index.py).
        self._bm25: Any = None

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_bm25": None}

    def side_by_side(self, first: Sequence[str], second: Sequence[str]) -> bool:
        """Whether some paragraph has a word of `first`'s terms next to one of `second`'s."""
        pair = (set(first), set(second))
        return any(_side_by_side(tokens, *pair) for tokens in self._tokens)

    def known(self, term: str) -> bool:
        """Whether any paragraph has the term."""
        return term in self._document_frequency

    def rarity(self, term: str) -> float:
        """The share of paragraphs without the term (1.0 for a term found nowhere)."""
        count = self._document_frequency.get(term, 0)
        return 1.0 - count / max(1, len(self._passages))

    @cached_property
    def definitions(self) -> dict[str, Section]:
        """A glossary's terms ("PID – patvarus identifikatorius …", "Hakatons — divu dienu
        …"), folded, → the section that defines them: only of sections that define two or
        more, so that one sentence with a dash is not a glossary."""
        found: dict[str, Section] = {}
        for section in self.plan.sections:
            terms = [
                words.fold(_PARENTHESES.sub("", match.group(1)).strip())
                for paragraph in section.paragraphs
                for match in _DEFINITION.finditer(paragraph)
            ]
            # A glossary by its heading ("Vārdnīca", "Žodynėlis"), or a section made of
            # three or more definitions and nothing else: "Martā – kopsapulce. Septembrī –
            # konference." in a timeline is no glossary.
            named = "glossary" in {
                hit.value
                for hit in vocabulary.concepts(self.tables).scan(
                    words.tokens(section.heading), fuzzy=False
                )
            }
            sentences = sum(
                max(1, len(_SENTENCE_END.findall(paragraph))) for paragraph in section.paragraphs
            )
            if (named and terms) or (len(terms) >= 3 and len(terms) >= sentences):
                for term in terms:
                    found.setdefault(term, section)
        return found

    @cached_property
    def language(self) -> str:
        """The plan's language: as configured, else the one most of its words are in ("lv",
        "en" or "lt"; "" when none of its words tells)."""
        if self._language:
            return self._language
        tokens = [
            t
            for s in self.plan.sections
            for text in (s.heading, *s.paragraphs)
            for t in words.tokens(text)
        ]
        votes = vocabulary.language_votes(tokens, self.tables)
        best = max(sorted(votes), key=lambda language: votes[language])
        return best if votes[best] > 0 else ""

    def search(
        self,
        query_terms: list[str] | list[list[str]],
        limit: int = 3,
        weights: list[float] | None = None,
        adjacent: list[tuple[int, int]] | None = None,
    ) -> list[Passage]:
        """The best paragraphs for the terms, best first; nothing when no term occurs.

        Given one list of terms per question word, a word counts once per paragraph, by its
        best term: "bibliotekas" is not three words because a Latvian paragraph shares its
        stems as well as its meaning. `weights`: one per word (1.0 when None). A word found
        A section headed by every word asked comes first. `adjacent`: pairs of words (their
        indexes) that stand side by side in the question: a paragraph that has them side by
        side too ("membership fees" for "nario mokestis") is about that phrase."""
        groups = [q if isinstance(q, list) else [q] for q in query_terms]
        weighed = weights or [1.0] * len(groups)
        present = [
            ([t for t in g if t in self._document_frequency], weight)
            for g, weight in zip(groups, weighed, strict=True)
        ]
        # A word's meaning (its shared ~term) before its spelling: the spelling would rate a
        # paragraph in another language above one saying the same in the plan's own.
        present = [([t for t in g if t.startswith("~")] or g, w) for g, w in present if g]
        if not present or not self._passages:
            return []
        import numpy as np

        if self._bm25 is None:
            import bm25s

            self._bm25 = bm25s.BM25()
            self._bm25.index(self._corpus, show_progress=False)
        scores = np.zeros(len(self._passages))
        for group, weight in present:
            scores += weight * np.max([self._bm25.get_scores([t]) for t in group], axis=0)
        # A section whose heading names every word asked is about them: "Green libraries"
        # before a summary that mentions libraries three times.
        headed = np.array(
            [all(self._heading_terms[i] & set(g) for g, _ in present) for i in range(len(scores))]
        )
        scores += HEADING_BONUS * scores.max() * headed * (scores > 0)
        for first, second in adjacent or ():
            pair = (set(groups[first]), set(groups[second]))
            phrased = np.array([_side_by_side(tokens, *pair) for tokens in self._tokens])
            scores += PHRASE_BONUS * scores.max() * phrased
        order = np.argsort(-scores, kind="stable")[:limit]
        return [
            Passage(self._passages[i][0], self._whole(int(i)), float(scores[i]))
            for i in order
            if scores[i] > 0
        ]

    def _whole(self, index: int) -> str:
        """The paragraph, and when it introduces a list ("Pagrindiniai iššūkiai:") the list's
        items after it, so that an answer never stops before the list it announces."""
        section, text = self._passages[index]
        if not text.rstrip().endswith(":"):
            return text
        items = [text]
        for other, paragraph in self._passages[index + 1 : index + 1 + MAX_LIST_ITEMS]:
            if other is not section or paragraph.rstrip().endswith(":"):
                break
            items.append(f"• {paragraph}")
        return "\n".join(items)


def _side_by_side(tokens: list[frozenset[str]], first: set[str], second: set[str]) -> bool:
    """Whether a token with one of `first`'s terms is next to one with `second`'s."""
    return any(
        (a & first and b & second) or (a & second and b & first)
        for a, b in itertools.pairwise(tokens)
    )


def _terms(text: str, tables: Tables) -> list[str]:
    return [term for token in words.tokens(text) for term in sorted(glossary.terms(token, tables))]


def question_terms(question_words: list[str], tables: Tables | None = None) -> list[str]:
    """A question's words as BM25 query terms."""
    return [term for token in question_words for term in sorted(glossary.terms(token, tables))]
