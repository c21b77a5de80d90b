"""Kinds of events, named in every language and recognised from titles, categories and
questions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from vestnesis import words


@dataclass(frozen=True)
class Kind:
    """A kind of event: its key, its name (singular, plural) per language, and the words
    (any language, any case; several words make a phrase) that signal it."""

    key: str
    names: dict[str, tuple[str, str]]
    terms: tuple[str, ...]


# More specific kinds first: a "study trip" is found before anything a trip might share.
KINDS: tuple[Kind, ...] = (
    Kind(
        "study_trip",
        {
            "lv": ("pieredzes apmaiņas brauciens", "pieredzes apmaiņas braucieni"),
            "en": ("study trip", "study trips"),
            "lt": ("stažuotė", "stažuotės"),
        },
        (
            "pieredzes apmaiņas brauciens",
            "pieredzes brauciens",
            "mācību brauciens",
            "study trip",
            "study visit",
            "stažuotė",
            "pažintinė kelionė",
            "brauciens",
        ),
    ),
    Kind(
        "congress",
        {
            "lv": ("kongress", "kongresi"),
            "en": ("congress", "congresses"),
            "lt": ("kongresas", "kongresai"),
        },
        ("kongress", "congress", "kongresas"),
    ),
    Kind(
        "conference",
        {
            "lv": ("konference", "konferences"),
            "en": ("conference", "conferences"),
            "lt": ("konferencija", "konferencijos"),
        },
        ("konference", "conference", "konferencija", "symposium", "simpozijs", "simpoziumas"),
    ),
    Kind(
        "webinar",
        {
            "lv": ("vebinārs", "vebināri"),
            "en": ("webinar", "webinars"),
            "lt": ("vebinaras", "vebinarai"),
        },
        ("vebinārs", "webinar", "vebinaras", "tiešsaistes seminārs", "online seminar"),
    ),
    Kind(
        "seminar",
        {
            "lv": ("seminārs", "semināri"),
            "en": ("seminar", "seminars"),
            "lt": ("seminaras", "seminarai"),
        },
        ("seminārs", "seminar", "seminaras", "ievadseminārs"),
    ),
    Kind(
        "course",
        {"lv": ("kursi", "kursi"), "en": ("course", "courses"), "lt": ("kursai", "kursai")},
        (
            "kursi",
            "course",
            "kursai",
            "apmācības",
            "training",
            "mokymai",
            "mācības",
            "tālākizglītība",
            "profesionālā pilnveide",
        ),
    ),
    Kind(
        "workshop",
        {
            "lv": ("darbnīca", "darbnīcas"),
            "en": ("workshop", "workshops"),
            "lt": ("dirbtuvės", "dirbtuvės"),
        },
        ("darbnīca", "workshop", "dirbtuvės", "praktikums"),
    ),
    Kind(
        "festival",
        {
            "lv": ("festivāls", "festivāli"),
            "en": ("festival", "festivals"),
            "lt": ("festivalis", "festivaliai"),
        },
        ("festivāls", "festival", "festivalis"),
    ),
    Kind(
        "meeting",
        {
            "lv": ("sanāksme", "sanāksmes"),
            "en": ("meeting", "meetings"),
            "lt": ("susitikimas", "susitikimai"),
        },
        (
            "sanāksme",
            "meeting",
            "susitikimas",
            "sapulce",
            "kopsapulce",
            "sēde",
            "susirinkimas",
            "suvažiavimas",
            "posėdis",
            "assembly",
            "tikšanās",
        ),
    ),
    Kind(
        "lecture",
        {
            "lv": ("lekcija", "lekcijas"),
            "en": ("lecture", "lectures"),
            "lt": ("paskaita", "paskaitos"),
        },
        ("lekcija", "lecture", "paskaita", "talk", "priekšlasījums"),
    ),
    Kind(
        "contest",
        {
            "lv": ("konkurss", "konkursi"),
            "en": ("contest", "contests"),
            "lt": ("konkursas", "konkursai"),
        },
        ("konkurss", "contest", "konkursas", "competition", "sacensības"),
    ),
    Kind(
        "exhibition",
        {
            "lv": ("izstāde", "izstādes"),
            "en": ("exhibition", "exhibitions"),
            "lt": ("paroda", "parodos"),
        },
        ("izstāde", "exhibition", "paroda", "ekspozīcija"),
    ),
    Kind(
        "discussion",
        {
            "lv": ("diskusija", "diskusijas"),
            "en": ("discussion", "discussions"),
            "lt": ("diskusija", "diskusijos"),
        },
        (
            "diskusija",
            "discussion",
            "panel",
            "debates",
            "forums",
            "forum",
            "forumas",
            "apaļais galds",
        ),
    ),
    Kind(
        "excursion",
        {
            "lv": ("ekskursija", "ekskursijas"),
            "en": ("excursion", "excursions"),
            "lt": ("ekskursija", "ekskursijos"),
        },
        ("ekskursija", "excursion", "tour"),
    ),
    Kind(
        "award",
        {
            "lv": ("apbalvošana", "apbalvošanas"),
            "en": ("award ceremony", "award ceremonies"),
            "lt": ("apdovanojimai", "apdovanojimai"),
        },
        ("apbalvošana", "award", "awards", "apdovanojimai", "gada balva", "ceremony", "ceremonija"),
    ),
    Kind(
        "reading",
        {
            "lv": ("lasījumi", "lasījumi"),
            "en": ("reading", "readings"),
            "lt": ("skaitymai", "skaitymai"),
        },
        ("lasījumi", "readings", "skaitymai", "dzejas lasījumi"),
    ),
    Kind(
        "camp",
        {"lv": ("nometne", "nometnes"), "en": ("camp", "camps"), "lt": ("stovykla", "stovyklos")},
        ("nometne", "camp", "stovykla"),
    ),
)


def kind(key_: str) -> Kind | None:
    """The kind with that key."""
    return next((k for k in KINDS if k.key == key_), None)


def name(key_: str, language: str, *, plural: bool = False) -> str:
    """The kind's name in `language` ('' for an unknown kind)."""
    found = kind(key_)
    if found is None:
        return ""
    names = found.names.get(language) or found.names["en"]
    return names[1] if plural else names[0]


@cache
def _lexicon() -> words.Lexicon[str]:
    return words.Lexicon(
        (term, k.key)
        for k in KINDS
        for term in (*k.terms, *(n for p in k.names.values() for n in p))
    )


def find(text_words: Sequence[str], *, fuzzy: bool = True) -> tuple[str, set[int]]:
    """The first kind named in the words, and the positions of the words that named it."""
    for index in range(len(text_words)):
        hit = _lexicon().at(text_words, index, fuzzy=fuzzy)
        if hit is not None:
            return hit.value, hit.positions
    return "", set()


def classify(title: str, categories: Sequence[str] = ()) -> str:
    """An event's kind from its categories, else its title ('' when none is named); of
    several ("Reading Promotion Seminar"), the one first in KINDS."""
    for text in (*categories, title):
        found = {hit.value for hit in _lexicon().scan(words.tokens(text), fuzzy=False)}
        if found:
            return next(k.key for k in KINDS if k.key in found)
    return ""


@cache
def generic_stems() -> frozenset[str]:
    """Every stem of every kind word: they say what an event is, not which one."""
    return words.union(
        term for k in KINDS for term in (*k.terms, *(n for p in k.names.values() for n in p))
    )
