"""Finding an event by the words of its name, whatever the question's language, inflection or
typos: an inverted index of title terms weighted by how rare they are."""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Callable, KeysView, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from rapidfuzz import fuzz, process

from storage import Event
from vestnesis.answering import glossary, vocabulary, words
from vestnesis.answering.tables import Tables, builtin

CROSS_LANGUAGE = 0.8  # a title word found only through its translation counts this much
OTHER_KIND_SHARE = 0.5
PREFIX = 4  # letters a word and a title word must share to be one word's forms
# An acronym ("AGM" for "Annual General Meeting 2027") has this many letters at least and at
# most; its term is marked so that it never meets an ordinary word's stem.
ACRONYM = (3, 8)
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


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
    complete: bool = False  # every naming word of the question is in it, some by translation


class TitleIndex:
    """Term → series, with each term's rarity, over every event title."""

    def __init__(
        self,
        events: Sequence[Event],
        tables: Tables | None = None,
        translations: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        """`translations`: title → the same title in other languages (from the configured
        translation backend), indexed as alternative names."""
        self._tables = tables = tables or builtin()
        translations = translations or {}
        grouped: dict[tuple[str, str], list[Event]] = {}
        for event in events:
            grouped.setdefault((event.calendar, event.uid), []).append(event)
        self.series = [Series(uid, cal, tuple(occ)) for (cal, uid), occ in grouped.items()]
        # Each series' names: its title, then its title in other languages.
        self._title_tokens: list[list[list[frozenset[str]]]] = []
        self._index: dict[str, set[int]] = {}
        for number, series in enumerate(self.series):
            titles = sorted({e.title for e in series.occurrences})
            names = [" ".join(titles)]
            names += [t for title in titles for t in translations.get(title, ()) if t.strip()]
            self._title_tokens.append([_name_tokens(name, tables) for name in names])
            # Kind words are indexed too ("Reading Promotion Seminar" is found by "lasīšanas"),
            # but only the naming words count towards how much of the title was asked for.
            for name in names:
                for terms in (
                    *_name_tokens(name, tables, phrases=True),
                    *_kind_tokens(name, tables),
                ):
                    for term in terms:
                        self._index.setdefault(term, set()).add(number)
            # Its acronyms name it whole: "the AGM" is the "Annual General Meeting 2027".
            for acronym in sorted({a for title in titles for a in acronyms(title, tables)}):
                self._title_tokens[-1].append([frozenset({acronym})])
                self._index.setdefault(acronym, set()).add(number)
        self._vocabulary = sorted(
            t for t in self._index if len(t) >= words.FUZZY_MIN_LENGTH and t[0] not in "~^"
        )
        self._sorted = sorted(t for t in self._index if t[0] not in "~^")
        self._cognates: dict[str, str] = {}
        for term in self._sorted:
            if len(term) >= PREFIX + 1:
                self._cognates.setdefault(cognate(term), term)
        # The kinds its events are, and those its title names ("LMBA stendas Vilniaus knygų
        # mugėje" is an exhibition stand at a fair: asked as the fair, it is this one).
        self._kinds = [
            {e.kind for e in series.occurrences if e.kind} | title_kinds(series, tables)
            for series in self.series
        ]
        self._numbers = {(s.calendar, s.uid): n for n, s in enumerate(self.series)}
        self._live_until = [
            max((e.end for e in s.occurrences if not e.cancelled), default=None)
            for s in self.series
        ]
        self._last_end = [max(e.end for e in s.occurrences) for s in self.series]
        self._count = max(1, len(self.series))

    def _over(self, number: int, now: datetime) -> bool:
        """Whether the series has nothing still on or to come (cancelled ones aside)."""
        until = self._live_until[number]
        return until is None or until <= now

    def series_of(self, calendar: str, uid: str) -> Series | None:
        """The series of an event, by its calendar and UID (None when not indexed)."""
        number = self._numbers.get((calendar, uid))
        return self.series[number] if number is not None else None

    def names_word(self, word: str) -> bool:
        """Whether `word` is one of the titles' own words (not a translation of one)."""
        terms = _terms(word, self._tables)
        return any(not t.startswith("~") and t in self._index for t in terms)

    def best(
        self,
        question_words: Sequence[str],
        skip: set[int],
        kind: str = "",
        now: datetime | None = None,
        past: bool = False,
        keep: Callable[[Series], bool] | None = None,
    ) -> TitleMatch | None:
        """The series whose title best covers the question's naming words (None if none);
        between equals, one still to come, or with `past` (a question in the past tense,
        "when was the researchers' night") one already over: last year's edition, not next
        year's of the same name. With `keep`, only the series it keeps are looked at."""
        tokens = [
            _terms(w, self._tables)
            for i, w in enumerate(question_words)
            if i not in skip and _names_something(w, self._tables, asked=True)
        ]
        if not tokens:
            return None
        weights: list[float] = []
        scores: dict[int, float] = {}
        found: dict[int, set[str]] = {}
        hits: dict[int, int] = {}
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
            for term in sorted(known, key=lambda t: (t.startswith("~"), t)):
                share = CROSS_LANGUAGE if term.startswith("~") else 1.0
                for number in self._index[term]:
                    if keep is not None and not keep(self.series[number]):
                        continue
                    found.setdefault(number, set()).add(term)
                    if number not in named:
                        named.add(number)
                        hits[number] = hits.get(number, 0) + 1
                        scores[number] = scores.get(number, 0.0) + weight * share
        if not scores:
            return None
        total = sum(weights)

        # Rank cheaply by (kind, score) first; only the leaders are looked at closely.
        pool: list[int] | dict[int, float] = scores
        if kind:
            family = self._tables.family(kind)
            pool = [number for number in scores if family & self._kinds[number]] or scores
            # Of the kind asked for first, unless another title answers far more of the
            # question ("viršūnių susitikimas" is a summit, whatever kind "susitikimas" is).
            if max(scores[n] for n in pool) < OTHER_KIND_SHARE * max(scores.values()):
                pool = scores
        top = round(max(scores[number] for number in pool), 6)
        family = self._tables.family(kind) if kind else frozenset()
        # All of these have the top score: of the kind asked for first; between equals, one
        # still to come (a cancelled event's rescheduled twin wins over it), then the most of
        # its title asked; the first of equals. (Each series' last live end is kept, so that
        # a word thousands of titles share costs little.)
        chosen: tuple[bool, bool, bool, float] | None = None
        chosen_number = -1
        for number in pool:
            if scores[number] < top - 1e-6 or round(scores[number], 6) != top:
                continue
            share = max(
                sum(1 for terms in name if terms & found[number]) / len(name)
                for name in self._title_tokens[number]
            )
            until = self._live_until[number]
            live = now is not None and until is not None and until > now
            # Of two editions neither on nor to come, the one that was to come (cancelled)
            # for a question about what is ahead ("is the boat trip still on").
            ahead = now is not None and self._last_end[number] > now
            rank = (bool(family & self._kinds[number]), live != past, ahead != past, share)
            if chosen is None or rank > chosen:
                chosen, chosen_number = rank, number
        if chosen is None:
            return None
        if now is not None and not chosen[1]:
            # Over when the question asks what is to come, or to come when it asks what was:
            # the same event under another language's title, a year apart ("when was the
            # open access week" of "Atvirosios prieigos savaitė 2026" and "Open Access Week
            # 2027"), when its title has every naming word asked.
            other = [
                number
                for number in pool
                if hits[number] == len(tokens)
                and bool(family & self._kinds[number]) == chosen[0]
                and self._over(number, now) == past
            ]
            if other:
                chosen_number = max(other, key=lambda n: (round(scores[n], 6), -n))
                share = max(
                    sum(1 for terms in name if terms & found[chosen_number]) / len(name)
                    for name in self._title_tokens[chosen_number]
                )
                chosen = (chosen[0], True, True, share)
                top = round(scores[chosen_number], 6)
        complete = hits[chosen_number] == len(tokens)
        return TitleMatch(self.series[chosen_number], top, top / total, chosen[3], complete)

    def unasked(self, match: TitleMatch, question_words: Sequence[str]) -> int:
        """How many naming words of the match's title (its own name) none of the question's
        words stands for."""
        number = self._numbers[(match.series.calendar, match.series.uid)]
        asked: set[str] = set()
        for word in question_words:
            terms = _terms(word, self._tables)
            asked |= terms & self._index.keys() or self._fuzzy(terms)
        return sum(1 for terms in self._title_tokens[number][0] if not terms & asked)

    def says(self, series: Series, word: str) -> bool:
        """Whether the series' title has the word (any form, another language's, a typo)."""
        number = self._numbers[(series.calendar, series.uid)]
        terms = _terms(word, self._tables)
        return any(
            number in self._index[t] for t in terms & self._index.keys() or self._fuzzy(terms)
        )

    @property
    def terms(self) -> KeysView[str]:
        """Every term of every title (stems and shared ~terms)."""
        return self._index.keys()

    def knows(self, word: str) -> bool:
        """Whether some title has the word (any form, another language's, or one typo off)."""
        terms = _terms(word, self._tables)
        return bool(terms & self._index.keys() or self._fuzzy(terms))

    def _prefixed(self, term: str) -> str | None:
        """A title term that begins with `term` or that `term` begins with, both at least
        PREFIX letters long: Lithuanian "mugė" and "mugėje" stem apart."""
        if len(term) < PREFIX or term[0] in "~^":
            return None
        at = bisect.bisect_left(self._sorted, term)
        if at < len(self._sorted) and self._sorted[at].startswith(term):
            return self._sorted[at]
        for end in range(len(term) - 1, PREFIX - 1, -1):
            if term[:end] in self._index:
                return term[:end]
        return None

    def _fuzzy(self, terms: frozenset[str]) -> set[str]:
        for term in sorted(terms, key=_longest_first):
            prefixed = self._prefixed(term)
            if prefixed is not None:
                return {prefixed}
        for term in sorted(terms, key=_longest_first):
            # A loanword spelled the other language's way: "comics" is "komiksų".
            spelled = self._cognates.get(cognate(term)) if len(term) >= PREFIX + 1 else None
            if spelled is not None:
                return {spelled}
        for term in sorted(terms, key=_longest_first):
            if len(term) < words.FUZZY_MIN_LENGTH or term[0] in "~^":
                continue
            hit = process.extractOne(
                term, self._vocabulary, scorer=fuzz.ratio, score_cutoff=words.FUZZY_SCORE
            )
            if hit is not None:
                return {hit[0]}
        return set()


def acronyms(title: str, tables: Tables) -> set[str]:
    """A title's acronyms as marked terms ("^agm"): the initials of its capitalised words
    ("Annual General Meeting 2027" → AGM), and of all its words but function words and
    numbers ("Latvijas Bibliotekāru biedrība" → LBB)."""
    found = set()
    named = [w for w in _WORD.findall(title) if not w.isdigit()]
    capitalised = [w for w in named if w[0].isupper()]
    content = [w for w in named if not vocabulary.is_stop(w.casefold(), tables)]
    for chosen in (capitalised, content):
        initials = words.fold("".join(w[0] for w in chosen))
        if ACRONYM[0] <= len(initials) <= ACRONYM[1] and initials.isalpha():
            found.add("^" + initials)
    return found


# English spellings of sounds that Latvian and Lithuanian write otherwise, in loanwords
# ("comics"/"komiksai", "technology"/"tehnoloģija", "podcast"/"podkāsts", "quiz"/"kvizs").
_SPELLINGS = (
    ("ph", "f"),
    ("th", "t"),
    ("ch", "h"),
    ("ck", "k"),
    ("qu", "kv"),
    ("x", "ks"),
    ("c", "k"),
    ("w", "v"),
    ("y", "i"),
    ("j", "i"),
)


def cognate(term: str) -> str:
    """A folded term spelled plainly, so that a loanword meets its other spelling; cut to its
    first six letters (endings differ across the languages)."""
    for written, said in _SPELLINGS:
        term = term.replace(written, said)
    return term[:6]


def title_kinds(series: Series, tables: Tables) -> set[str]:
    """The kind each of a series' titles names first in its own words (exactly, not by a
    typo; also in a case form the stemmers miss, "mugėje", at the fair, when the kind's
    names are one word each): "Meistarklase: grāmatas ilustrēšana" is a masterclass whatever
    its category says; "Seminārs par izstāžu veidošanu" is a seminar, not an exhibition."""
    return {
        kind
        for title in sorted({e.title for e in series.occurrences})
        if (kind := _first_kind(title, tables))
    }


@lru_cache(maxsize=65536)
def _first_kind(title: str, tables: Tables) -> str:
    one_word = tables.one_word_kinds
    title_words = words.tokens(title)
    for index, word in enumerate(title_words):
        hit = tables.kind_lexicon.at(title_words, index, fuzzy=False)
        if hit is not None:
            return hit.value
        said = next(
            (one_word[t] for t in sorted(glossary.terms(word, tables)) if t in one_word), ""
        )
        if said:
            return said
    return ""


@lru_cache(maxsize=65536)
def _phrased(title: str, tables: Tables) -> frozenset[int]:
    """The positions of the title's words that stand in a built-in kind's phrase of two
    words or more."""
    return frozenset(
        i
        for hit in tables.kind_lexicon.scan(words.tokens(title), fuzzy=False)
        if hit.length > 1 and not hit.value.startswith("category:")
        for i in hit.positions
    )


def _terms(word: str, tables: Tables) -> frozenset[str]:
    """A question word's terms, and the acronym it may be ("agm" → "^agm")."""
    terms = glossary.terms(word, tables)
    if ACRONYM[0] <= len(word) <= ACRONYM[1] and word.isalpha():
        return terms | {"^" + words.fold(word)}
    return terms


def _longest_first(term: str) -> tuple[int, str]:
    # Sets iterate in an order that changes between runs: sort fully, so that answers do not.
    return -len(term), term


def _names_something(word: str, tables: Tables, *, asked: bool = False) -> bool:
    """Whether a word can name an event: not a function word nor, in a title, a kind's word.
    `asked`: a question's word the kinds' finder left ("anniversary" of "the anniversary
    conference", "night" of "library night"): it says which event, whatever kind it names."""
    if word.isdigit():
        return len(word) == 4  # a year can tell two editions apart; other numbers cannot
    stems = words.stems(word)
    if asked:
        return not vocabulary.is_stop(word, tables)
    return not (vocabulary.is_stop(word, tables) or stems & tables.kind_stems)


def _kind_tokens(title: str, tables: Tables) -> list[frozenset[str]]:
    return [
        glossary.terms(w, tables)
        for w in words.tokens(title)
        if not vocabulary.is_stop(w, tables) and words.stems(w) & tables.kind_stems
    ]


def _name_tokens(title: str, tables: Tables, *, phrases: bool = False) -> list[frozenset[str]]:
    """The terms of the title's naming words; with `phrases`, those in a kind's phrase too
    (indexed, so that they find it, but not counted as its name)."""
    title_words = words.tokens(title)
    naming = [i for i, w in enumerate(title_words) if _names_something(w, tables)]
    # The words of a kind's whole phrase in the title ("Leļļu izrāde „Sprīdītis”") say what
    # it is, not which: its name is what else it has, when it has anything else.
    # (A calendar's own category as the title, "Bibliotēku nedēļa 2027", is its name.)
    phrased = _phrased(title, tables)
    named = [i for i in naming if i not in phrased]
    if not phrases and any(title_words[i].isalpha() for i in named):
        naming = named
    tokens = [
        glossary.terms(title_words[i], tables) | _compound_terms(title_words[i], tables)
        for i in naming
    ]
    return tokens or [glossary.terms(w, tables) for w in title_words] or [frozenset({"—"})]


COMPOUND_PART = 4  # letters each part of a compound has at least


def _compound_terms(word: str, tables: Tables) -> frozenset[str]:
    """The shared terms of a compound's two parts, when both belong to word groups:
    "bookbinding" is book and binding, so "grāmatu iesiešana" names it."""
    folded = words.fold(word)
    if len(folded) < 2 * COMPOUND_PART or not folded.isalpha():
        return frozenset()
    for cut in range(COMPOUND_PART, len(folded) - COMPOUND_PART + 1):
        left, right = folded[:cut], folded[cut:]
        shared = [
            {t for t in glossary.terms(part, tables) if t.startswith("~")} for part in (left, right)
        ]
        if all(shared):
            return frozenset(shared[0] | shared[1])
    return frozenset()
