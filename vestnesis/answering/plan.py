"""The association's plan: a Markdown document split into sections by its headings, and
searched with BM25 over stems and cross-language terms."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from vestnesis.answering import glossary, words
from vestnesis.answering.tables import Tables, builtin

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_ITEM = re.compile(r"^\s*(?:[-*+•]|\d+[.)])\s+")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
MAX_LIST_ITEMS = 15  # items of a list given with the paragraph that introduces it
_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)")


@dataclass(frozen=True)
class Section:
    """A headed part of the plan: its heading as written, its level, and its paragraphs
    (list items are paragraphs of their own)."""

    heading: str
    level: int
    parent: str
    paragraphs: tuple[str, ...]

    @property
    def text(self) -> str:
        """The section's text, paragraph by paragraph."""
        return "\n".join(self.paragraphs)


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
    """Split a Markdown document into sections by its ATX headings (# … ######)."""
    sections: list[Section] = []
    stack: list[tuple[int, str]] = []
    heading, level = "", 0
    paragraphs: list[str] = []
    current: list[str] = []

    def close() -> None:
        if current:
            paragraphs.append(" ".join(current))
            current.clear()

    def flush() -> None:
        close()
        if heading or paragraphs:
            parent = next((h for lv, h in reversed(stack[:-1]) if lv < level), "")
            sections.append(Section(heading, level, parent, tuple(paragraphs)))

    for raw in markdown.splitlines():
        match = _HEADING.match(raw)
        if match:
            flush()
            level, heading, paragraphs = len(match.group(1)), _plain(match.group(2)), []
            stack = [(lv, h) for lv, h in stack if lv < level] + [(level, heading)]
            continue
        line = raw.strip()
        if not line:
            close()
        elif _ITEM.match(raw):
            close()
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


class PlanIndex:
    """BM25 over the plan's paragraphs (and headings), built once per plan."""

    def __init__(self, plan: Plan, tables: Tables | None = None) -> None:
        self.plan = plan
        self.tables = tables = tables or builtin()
        self._passages: list[tuple[Section, str]] = []
        corpus: list[list[str]] = []
        for section in plan.sections:
            for paragraph in section.paragraphs or (section.heading,):
                self._passages.append((section, paragraph))
                corpus.append(_terms(f"{section.heading} {paragraph}", tables))
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

    def known(self, term: str) -> bool:
        """Whether any paragraph has the term."""
        return term in self._document_frequency

    def rarity(self, term: str) -> float:
        """The share of paragraphs without the term (1.0 for a term found nowhere)."""
        count = self._document_frequency.get(term, 0)
        return 1.0 - count / max(1, len(self._passages))

    def search(self, query_terms: list[str], limit: int = 3) -> list[Passage]:
        """The best paragraphs for the terms, best first; nothing when no term occurs."""
        present = [t for t in query_terms if t in self._document_frequency]
        if not present or not self._passages:
            return []
        import numpy as np

        if self._bm25 is None:
            import bm25s

            self._bm25 = bm25s.BM25()
            self._bm25.index(self._corpus, show_progress=False)
        scores = self._bm25.get_scores(present)
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


def _terms(text: str, tables: Tables) -> list[str]:
    return [term for token in words.tokens(text) for term in sorted(glossary.terms(token, tables))]


def question_terms(question_words: list[str], tables: Tables | None = None) -> list[str]:
    """A question's words as BM25 query terms."""
    return [term for token in question_words for term in sorted(glossary.terms(token, tables))]
