"""Finding an event by the words of its name, whatever the question's language, inflection or
typos: an inverted index of title terms weighted by how rare they are."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from rapidfuzz import fuzz, process

from storage import Event
from vestnesis import glossary, kinds, vocabulary, words

CROSS_LANGUAGE = 0.8  # a title word found only through its translation counts this much


@dataclass(frozen=True)
class Series:
    """Every occurrence of one event (one UID in one calendar), by start."""

    uid: str
    calendar: str
    occurrences: tuple[Event, ...]


@dataclass(frozen=True)
class TitleMatch:
    """A series a question names, and how much of the question its title accounts for."""

    series: Series
    score: float
    question_share: float
    title_share: float


class TitleIndex:
    """Term → series, with each term's rarity, over every event title."""

    def __init__(self, events: Sequence[Event]) -> None:
        grouped: dict[tuple[str, str], list[Event]] = {}
        for event in events:
            grouped.setdefault((event.calendar, event.uid), []).append(event)
        self.series = [Series(uid, cal, tuple(occ)) for (cal, uid), occ in grouped.items()]
        self._title_tokens: list[list[frozenset[str]]] = []
        self._index: dict[str, set[int]] = {}
        for number, series in enumerate(self.series):
            title = " ".join(sorted({e.title for e in series.occurrences}))
            tokens = _name_tokens(title)
            self._title_tokens.append(tokens)
            # Kind words are indexed too ("Reading Promotion Seminar" is found by "lasīšanas"),
            # but only the naming words count towards how much of the title was asked for.
            for terms in (*tokens, *_kind_tokens(title)):
                for term in terms:
                    self._index.setdefault(term, set()).add(number)
        self._vocabulary = [t for t in self._index if len(t) >= words.FUZZY_MIN_LENGTH]
        self._kinds = [{e.kind for e in series.occurrences if e.kind} for series in self.series]
        self._count = max(1, len(self.series))

    def names_word(self, word: str) -> bool:
        """Whether `word` is one of the titles' own words (not a translation of one)."""
        return any(not t.startswith("~") and t in self._index for t in glossary.terms(word))

    def best(
        self,
        question_words: Sequence[str],
        skip: set[int],
        kind: str = "",
        now: datetime | None = None,
    ) -> TitleMatch | None:
        """The series whose title best covers the question's naming words (None if none)."""
        tokens = [
            glossary.terms(w)
            for i, w in enumerate(question_words)
            if i not in skip and _names_something(w)
        ]
        if not tokens:
            return None
        weights: list[float] = []
        scores: dict[int, float] = {}
        found: dict[int, set[str]] = {}
        for terms in tokens:
            known = terms & self._index.keys() or self._fuzzy(terms)
            frequency = min((len(self._index[t]) for t in known), default=0)
            weight = (
                math.log(1 + self._count / frequency) if frequency else math.log(2 + self._count)
            )
            weights.append(weight)
            named: set[int] = set()  # a question word counts once per title
            # The word itself before its translation: "valdes" names "valdes sēde" more
            # surely than "Council Meeting", which it only means.
            for term in sorted(known, key=lambda t: t.startswith("~")):
                share = CROSS_LANGUAGE if term.startswith("~") else 1.0
                for number in self._index[term]:
                    found.setdefault(number, set()).add(term)
                    if number not in named:
                        named.add(number)
                        scores[number] = scores.get(number, 0.0) + weight * share
        if not scores:
            return None
        total = sum(weights)

        # Rank cheaply by (kind, score) first; only the leaders are looked at closely.
        def key(number: int) -> tuple[bool, float]:
            return kind in self._kinds[number], round(scores[number], 6)

        top = max(key(number) for number in scores)
        best: TitleMatch | None = None
        for number in scores:
            if key(number) != top:
                continue
            title = self._title_tokens[number]
            covered = sum(1 for terms in title if terms & found[number])
            match = TitleMatch(self.series[number], top[1], top[1] / total, covered / len(title))
            if best is None or _rank(match, kind, now) > _rank(best, kind, now):
                best = match
        return best

    def _fuzzy(self, terms: frozenset[str]) -> set[str]:
        for term in sorted(terms, key=len, reverse=True):
            if len(term) < words.FUZZY_MIN_LENGTH or term.startswith("~"):
                continue
            hit = process.extractOne(
                term, self._vocabulary, scorer=fuzz.ratio, score_cutoff=words.FUZZY_SCORE
            )
            if hit is not None:
                return {hit[0]}
        return set()


def _rank(match: TitleMatch, kind: str, now: datetime | None) -> tuple[bool, float, bool, float]:
    """Of the kind asked for first, then the most of the question covered; between equals,
    one still to come (a cancelled event's rescheduled twin wins over it)."""
    occurrences = match.series.occurrences
    same_kind = bool(kind) and any(e.kind == kind for e in occurrences)
    live = now is not None and any(e.end > now and not e.cancelled for e in occurrences)
    return same_kind, round(match.score, 6), live, match.title_share


def _names_something(word: str) -> bool:
    if word.isdigit():
        return len(word) == 4  # a year can tell two editions apart; other numbers cannot
    stems = words.stems(word)
    return not (vocabulary.is_stop(word) or stems & kinds.generic_stems())


def _kind_tokens(title: str) -> list[frozenset[str]]:
    return [
        glossary.terms(w)
        for w in words.tokens(title)
        if not vocabulary.is_stop(w) and words.stems(w) & kinds.generic_stems()
    ]


def _name_tokens(title: str) -> list[frozenset[str]]:
    tokens = [glossary.terms(w) for w in words.tokens(title) if _names_something(w)]
    return tokens or [glossary.terms(w) for w in words.tokens(title)] or [frozenset({"—"})]
