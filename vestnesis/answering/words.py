"""Words as the question answerer compares them: tokens, diacritic folding, stems in lv, lt
and en, and typo-tolerant matching. Latvian and Lithuanian are inflected, so a word is known
by the set of its folded stems in each language."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Generic, TypeVar

import snowballstemmer
from LatvianStemmer import stem as latvian_stem
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
_COMBINING = re.compile(r"[\u0300-\u036f]")
_LITHUANIAN = snowballstemmer.stemmer("lithuanian")
_ENGLISH = snowballstemmer.stemmer("english")
# Below this length a typo changes the word too much to guess; above it, one or two may.
FUZZY_MIN_LENGTH = 5
FUZZY_SCORE = 84.0
# Short words ("nexr", "whn", "evnts") are known despite one typo (a letter wrong, missing,
# extra or swapped) when they are at least this long.
SHORT_TYPO_LENGTH = 3


# Lithuanian and Latvian definite (pronominal) adjective endings and the plain ending each
# stands for ("žaliąsias" → "žalias", "zaļajām" → "zaļām"): the stemmers know the plain forms.
_PRONOMINAL = tuple(
    sorted(
        {
            "uosiuose": "uose",
            "osiomis": "omis",
            "iesiems": "iems",
            "aisiais": "ais",
            "uosius": "us",
            "osioms": "oms",
            "osiose": "ose",
            "ąsias": "as",
            "ajame": "ame",
            "ojoje": "oje",
            "osios": "os",
            "asis": "as",
            "ajam": "am",
            "ajai": "ai",
            "ąjį": "ą",
            "ųjų": "ų",
            "ąją": "ą",
            "uoju": "u",
            "ieji": "i",
            "ajiem": "iem",
            "ajām": "ām",
            "ajās": "ās",
            "ajos": "os",
        }.items(),
        key=lambda pair: -len(pair[0]),
    )
)


# The last letters of a Latvian -tis/-dis noun → its stem in the other cases (folded: š → s).
_MUTATED = {"tis": "s", "dis": "z"}


def _plain_adjective(word: str) -> str:
    """A Lithuanian or Latvian definite adjective in its plain form, else the word itself."""
    for ending, plain in _PRONOMINAL:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)] + plain
    return word


def fold(word: str) -> str:
    """Lower case without diacritics: 'Nākamais' → 'nakamais'."""
    return _COMBINING.sub("", unicodedata.normalize("NFKD", word.casefold()))


def tokens(text: str) -> list[str]:
    """The words of `text`, lower-cased, diacritics kept."""
    return [t.casefold() for t in _TOKEN.findall(text)]


@lru_cache(maxsize=131072)
def stems(word: str) -> frozenset[str]:
    """The folded stems of a (lower-case) word in Latvian, Lithuanian and English."""
    found = {fold(word)}
    if word.isalpha():
        found.add(fold(latvian_stem(word)))
        found.add(fold(_LITHUANIAN.stemWord(word)))
        found.add(fold(_ENGLISH.stemWord(fold(word))))
        plain = _plain_adjective(word)
        if plain != word:
            found.add(fold(plain))
            found.add(fold(_LITHUANIAN.stemWord(plain)))
            found.add(fold(latvian_stem(plain)))
    folded = fold(word)
    if len(folded) >= 6 and folded[-3:] in _MUTATED:
        # Latvian nouns in -tis/-dis change the consonant in most cases ("Sprīdītis",
        # "Sprīdīša"; "briedis", "brieža"): the changed stem names the same word.
        found.add(folded[:-3] + _MUTATED[folded[-3:]])
    # A stemmer that cuts a longer word to three letters ("kursi" → "kur") loses its meaning.
    return frozenset(s for s in found if s and (len(s) >= 4 or len(word) <= 4 or s == folded))


def similar(a: str, b: str) -> bool:
    """Folded stems close enough to be the same word with a typo."""
    if a == b:
        return True
    if min(len(a), len(b)) < FUZZY_MIN_LENGTH or a[0] != b[0]:
        return False
    return fuzz.ratio(a, b) >= FUZZY_SCORE


def matches(word: str, known: frozenset[str], typos: frozenset[str] = frozenset()) -> bool:
    """Whether a word's stems equal (or, being long enough, nearly equal) one of `known`;
    the stems in `typos` are also matched despite one typo however short they are."""
    mine = stems(word)
    if mine & known:
        return True
    if any(similar(a, b) for a in mine for b in known):
        return True
    return any(_one_typo_apart(a, b) for a in mine for b in known & typos)


def phrase_at(
    words: Sequence[str],
    index: int,
    phrase: Sequence[frozenset[str]],
    typos: frozenset[str] = frozenset(),
) -> bool:
    """Whether `phrase` (stem sets, word by word) starts at words[index]."""
    if index + len(phrase) > len(words):
        return False
    return all(matches(words[index + i], part, typos) for i, part in enumerate(phrase))


def stem_sets(text: str) -> tuple[frozenset[str], ...]:
    """Each word of a phrase as its stem set."""
    return tuple(stems(t) for t in tokens(text))


def union(words: Iterable[str]) -> frozenset[str]:
    """All stems of several words (for a concept named by synonyms)."""
    return frozenset(s for w in words for t in tokens(w) for s in stems(t))


T = TypeVar("T")


@dataclass(frozen=True)
class Found(Generic[T]):
    """A phrase found in a question: its value and which words it took."""

    value: T
    start: int
    length: int

    @property
    def positions(self) -> set[int]:
        """The indexes of the words it took."""
        return set(range(self.start, self.start + self.length))


class Lexicon(Generic[T]):
    """Phrases (in any language and inflection) that stand for values; finds them in a
    question's words, exactly by stem or, for longer words, despite a typo."""

    def __init__(
        self, entries: Iterable[tuple[str, T]], typos: frozenset[str] = frozenset()
    ) -> None:
        """`typos`: stems of short words known despite one typo ("nexr" for "next"): English
        ones, whose typos are not another inflection of some Latvian or Lithuanian word."""
        self._typos = typos
        self._by_first: dict[str, list[tuple[tuple[frozenset[str], ...], T]]] = {}
        for text, value in entries:
            phrase = stem_sets(text)
            if not phrase:
                continue
            for first in phrase[0]:
                self._by_first.setdefault(first, []).append((phrase, value))
        for candidates in self._by_first.values():
            candidates.sort(key=lambda entry: -len(entry[0]))
        # By first letter too: a typo is not a longer word's tail ("komisija", a
        # commission, is not "misija", a mission; "revīzija", an audit, not "vīzija").
        self._long_keys: dict[str, list[str]] = {}
        for key in sorted(self._by_first):
            if len(key) >= FUZZY_MIN_LENGTH:
                self._long_keys.setdefault(key[0], []).append(key)
        # By first letter: a typo is never looked for in the first letter.
        self._short_keys: dict[str, list[str]] = {}
        for key in sorted(self._by_first):
            if key in typos and SHORT_TYPO_LENGTH + 1 <= len(key) < FUZZY_MIN_LENGTH + 2:
                self._short_keys.setdefault(key[0], []).append(key)

    def at(self, text_words: Sequence[str], index: int, *, fuzzy: bool = True) -> Found[T] | None:
        """The longest phrase starting at text_words[index]."""
        best: Found[T] | None = None
        for phrase, value in self._candidates(text_words[index], fuzzy):
            if (best is None or len(phrase) > best.length) and phrase_at(
                text_words, index, phrase, self._typos
            ):
                best = Found(value, index, len(phrase))
        return best

    def scan(
        self, text_words: Sequence[str], *, fuzzy: bool = True, taken: set[int] | None = None
    ) -> list[Found[T]]:
        """Every phrase in the words, left to right, not overlapping each other or `taken`."""
        found: list[Found[T]] = []
        blocked = set(taken or ())
        index = 0
        while index < len(text_words):
            hit = None if index in blocked else self.at(text_words, index, fuzzy=fuzzy)
            if hit is not None and not (hit.positions & blocked):
                found.append(hit)
                blocked |= hit.positions
                index += hit.length
            else:
                index += 1
        return found

    def _candidates(self, word: str, fuzzy: bool) -> list[tuple[tuple[frozenset[str], ...], T]]:
        # Sorted: a set's order changes between runs, and the answer must not.
        mine = sorted(stems(word), key=lambda s: (-len(s), s))
        candidates = [c for s in mine for c in self._by_first.get(s, ())]
        if candidates or not fuzzy:
            return candidates
        for s in mine:
            if len(s) < FUZZY_MIN_LENGTH:
                continue
            hit = process.extractOne(
                s, self._long_keys.get(s[0], ()), scorer=fuzz.ratio, score_cutoff=FUZZY_SCORE
            )
            if hit is not None:
                candidates.extend(self._by_first[hit[0]])
        if candidates:
            return candidates
        for s in mine:
            if len(s) < SHORT_TYPO_LENGTH or len(s) >= FUZZY_MIN_LENGTH + 2:
                continue
            near = one_typo(s, self._short_keys.get(s[0], ()))
            if near is not None:
                return list(self._by_first[near])
        return candidates


def one_typo(word: str, known: Sequence[str]) -> str | None:
    """The first of `known` (sorted) one typo away from `word`, both at least four letters
    long, or a three-letter word missing one letter of a four-letter one ("whn" → "when");
    None when there is none or two are equally near."""
    found = [k for k in known if _one_typo_apart(word, k)]
    return found[0] if len(found) == 1 else None


def _one_typo_apart(word: str, known: str) -> bool:
    return (
        abs(len(known) - len(word)) <= 1
        and min(len(known), len(word)) >= SHORT_TYPO_LENGTH
        and max(len(known), len(word)) >= SHORT_TYPO_LENGTH + 1
        and (len(word) > SHORT_TYPO_LENGTH or len(known) == len(word) + 1)
        and known[0] == word[0]
        and OSA.distance(word, known, score_cutoff=1) <= 1
    )
