"""The words of members' questions in lv, en and lt: what they ask about (concepts), words
that carry no name (stop words), and which language a question's words belong to."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from babel import Locale

from vestnesis import kinds, words

# Concept → phrases in any of the three languages (any inflection; typos are tolerated).
CONCEPTS: dict[str, tuple[str, ...]] = {
    "next": (
        "nākamais",
        "nākošais",
        "tuvākais",
        "nākamreiz",
        "drīzumā",
        "next",
        "nearest",
        "soonest",
        "kitas",
        "kita",
        "kitos",
        "kiti",
        "kitą",
        "kitų",
        "artimiausias",
        "sekantis",
        "ateinantis",
    ),
    "upcoming": (
        "gaidāmie",
        "gaidāmi",
        "plānotie",
        "plānoti",
        "paredzēti",
        "upcoming",
        "coming up",
        "scheduled",
        "būsimi",
        "planuojami",
        "numatyti",
        "kalendārs",
        "calendar",
        "kalendorius",
        "whats on",
        "what s on",
    ),
    "event": (
        "pasākums",
        "notikums",
        "norise",
        "aktivitāte",
        "event",
        "happening",
        "renginys",
        "įvykis",
    ),
    "when": ("kad", "cikos", "datums", "when", "date", "kada", "kelintą", "kuomet"),
    "where": ("kur", "vieta", "where", "venue", "location", "kurioje vietoje"),
    "cancel": (
        "atcelts",
        "atcelta",
        "atceļ",
        "cancelled",
        "canceled",
        "cancel",
        "atšauktas",
        "atšaukta",
        "atšauktas",
    ),
    "goal": (
        "mērķis",
        "mērķi",
        "misija",
        "goal",
        "goals",
        "aim",
        "aims",
        "objective",
        "objectives",
        "purpose",
        "mission",
        "tikslas",
        "tikslai",
        "paskirtis",
    ),
    "vision": ("vīzija", "redzējums", "vision", "vizija"),
    "values": ("vērtības", "values", "vertybės"),
    "motto": ("moto", "devīze", "sauklis", "motto", "slogan", "šūkis", "devizas"),
    "directions": (
        "darbības virzieni",
        "virziens",
        "virzieni",
        "prioritātes",
        "directions",
        "direction",
        "priorities",
        "areas of work",
        "lines of work",
        "veiklos kryptys",
        "kryptys",
        "kryptis",
        "prioritetai",
    ),
    "instruments": (
        "darbības instrumenti",
        "instrumenti",
        "rīki",
        "instruments",
        "tools",
        "means",
        "methods",
        "priemonės",
        "įrankiai",
        "instrumentai",
    ),
    "results": (
        "rezultāti",
        "rezultāts",
        "sasniegumi",
        "results",
        "outcomes",
        "achievements",
        "expected results",
        "rezultatai",
        "pasiekimai",
    ),
    "plan": (
        "plāns",
        "stratēģija",
        "attīstības plāns",
        "plan",
        "strategy",
        "planas",
        "strategija",
    ),
    "association": (
        "biedrība",
        "association",
        "draugija",
        "asociacija",
        "organizācija",
        "organisation",
        "organization",
        "organizacija",
    ),
    "about": ("par", "about", "apie", "regarding", "on the topic"),
}
PLAN_TOPICS = ("goal", "vision", "values", "motto", "directions", "instruments", "results")
# Latvian "kāds, kāda, kādi…" (which) fold and stem into Lithuanian "kada" (when).
FALSE_FRIEND_PREFIX = "kād"

# Function words of questions; they name nothing, so names are matched without them.
STOP_WORDS: dict[str, tuple[str, ...]] = {
    "lv": [
        "kad",
        "kur",
        "kas",
        "ko",
        "kā",
        "kāds",
        "kāda",
        "kādi",
        "kādas",
        "kādu",
        "kuri",
        "kura",
        "kurš",
        "kurā",
        "kurās",
        "kuros",
        "vai",
        "ir",
        "būs",
        "bija",
        "notiks",
        "notiek",
        "notika",
        "norisināsies",
        "norisinās",
        "par",
        "uz",
        "no",
        "un",
        "ar",
        "pie",
        "pēc",
        "līdz",
        "ap",
        "saka",
        "teikts",
        "raksta",
        "lūdzu",
        "man",
        "mums",
        "mūs",
        "es",
        "jūs",
        "jums",
        "tas",
        "tā",
        "tie",
        "tās",
        "šis",
        "šī",
        "šie",
        "cik",
        "gan",
        "arī",
        "vēl",
        "jau",
        "tikai",
        "kādā",
        "kurās",
        "sāksies",
        "sākas",
        "beigsies",
        "biedrības",
        "biedrībai",
        "pastāsti",
        "pasaki",
        "zini",
        "gribu",
        "vēlos",
        "uzzināt",
        "interesē",
        "dara",
        "darīs",
        "plānā",
        "plānu",
        "plāna",
        "sveiki",
        "kaut",
        "kautkas",
        "labdien",
        "čau",
        "paldies",
        "kādēļ",
        "kāpēc",
    ],
    "en": [
        "when",
        "where",
        "what",
        "which",
        "who",
        "whom",
        "how",
        "is",
        "are",
        "was",
        "were",
        "will",
        "be",
        "been",
        "being",
        "the",
        "a",
        "an",
        "of",
        "in",
        "on",
        "at",
        "to",
        "for",
        "from",
        "by",
        "with",
        "about",
        "does",
        "do",
        "did",
        "say",
        "says",
        "said",
        "tell",
        "me",
        "us",
        "you",
        "i",
        "please",
        "there",
        "any",
        "anything",
        "happen",
        "happens",
        "happening",
        "take",
        "takes",
        "place",
        "held",
        "hold",
        "going",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "and",
        "or",
        "hi",
        "hello",
        "thanks",
        "thank",
        "why",
        "can",
        "could",
        "would",
        "should",
        "s",
        "whats",
        "something",
        "anything",
        "our",
        "your",
        "their",
    ],
    "lt": [
        "kada",
        "kur",
        "kas",
        "ką",
        "kaip",
        "koks",
        "kokia",
        "kokie",
        "kokios",
        "kokį",
        "kurį",
        "kuris",
        "kuri",
        "kurie",
        "ar",
        "yra",
        "bus",
        "buvo",
        "vyks",
        "vyksta",
        "vyko",
        "įvyks",
        "apie",
        "į",
        "iš",
        "ir",
        "su",
        "prie",
        "po",
        "iki",
        "ant",
        "sako",
        "parašyta",
        "prašau",
        "man",
        "mums",
        "aš",
        "jūs",
        "jums",
        "tai",
        "tas",
        "ta",
        "tie",
        "tos",
        "šis",
        "ši",
        "šie",
        "kiek",
        "dar",
        "jau",
        "tik",
        "prasidės",
        "prasideda",
        "baigsis",
        "draugijos",
        "papasakok",
        "pasakyk",
        "žinai",
        "noriu",
        "norėčiau",
        "sužinoti",
        "domina",
        "daro",
        "darys",
        "plane",
        "planą",
        "plano",
        "sveiki",
        "kažkas",
        "nors",
        "d",
        "labas",
        "ačiū",
        "kodėl",
    ],
}


@cache
def concepts() -> words.Lexicon[str]:
    """The concept lexicon."""
    return words.Lexicon(
        (phrase, concept) for concept, phrases in CONCEPTS.items() for phrase in phrases
    )


def is_stop(word: str) -> bool:
    """A word that names nothing (its two-letter stems do not count: "oras" is not "or")."""
    folded = words.fold(word)
    return bool({s for s in words.stems(word) if len(s) >= 3 or s == folded} & stop_stems())


@cache
def stop_stems() -> frozenset[str]:
    """Stems of every stop word."""
    return frozenset(
        s for wordlist in STOP_WORDS.values() for w in wordlist for s in words.stems(w)
    )


@cache
def _language_words() -> dict[str, frozenset[str]]:
    votes: dict[str, set[str]] = {}

    def add(text: str, language: str) -> None:
        for token in words.tokens(text):
            votes.setdefault(words.fold(token), set()).add(language)

    for language, wordlist in STOP_WORDS.items():
        for word in wordlist:
            add(word, language)
    for language in STOP_WORDS:
        locale = Locale(language)
        for context in ("format", "stand-alone"):
            for name in locale.months[context]["wide"].values():
                add(name, language)
        for name in locale.days["format"]["wide"].values():
            add(name, language)
        for kind in kinds.KINDS:
            for name in kind.names.get(language, ()):
                add(name, language)
    extra = {
        "lv": "nākamie nākamās tuvākie tuvākā kursi apmācības mācības sanāksme sapulce notiks "
        "notiek gaidāmie gaidāmi nākamais nākamā nākamo tuvākais pasākumi pasākums pasākumu mērķis moto plāns "
        "biedrība decembrī janvārī februārī martā aprīlī maijā jūnijā jūlijā augustā "
        "septembrī oktobrī novembrī šodien rīt parīt nākamnedēļ šonedēļ nedēļā mēnesī "
        "virzieni instrumenti rezultāti semināri seminārs konferences",
        "en": "next events event goal goals motto plan association week month today tomorrow "
        "upcoming seminars conferences directions instruments results",
        "lt": "kiti kitos kitų kitame kitoje artimiausi artimiausia mokymai kursai renginių "
        "susitikimas susitikimai vyks vyksta įvyks būsimi kitas kita kitą artimiausias renginiai renginys renginių tikslas šūkis planas "
        "draugija gruodį sausį vasarį kovą balandį gegužę birželį liepą rugpjūtį rugsėjį "
        "spalį lapkritį šiandien rytoj poryt savaitę mėnesį kryptys priemonės rezultatai "
        "seminarai seminaras konferencijos",
    }
    for language, text in extra.items():
        add(text, language)
    return {word: frozenset(languages) for word, languages in votes.items()}


_LETTERS = {"lv": set("āēīūķļņģ"), "lt": set("ąęėįųū")}


def is_function_word(token: str) -> bool:
    """Whether the word is a question or function word of one of our languages (kad, kada,
    when, ir…), as opposed to a word that names something."""
    return words.fold(token) in _function_words()


@cache
def _function_words() -> frozenset[str]:
    return frozenset(
        words.fold(token)
        for wordlist in STOP_WORDS.values()
        for word in wordlist
        for token in words.tokens(word)
    )


def language_votes(question_words: Sequence[str]) -> dict[str, float]:
    """How strongly the words point at each language (known words, then letters)."""
    table = _language_words()
    votes = {"lv": 0.0, "en": 0.0, "lt": 0.0}
    for token in question_words:
        languages = table.get(words.fold(token), frozenset())
        for language in languages:
            votes[language] += 1.0 / len(languages)
        for language, letters in _LETTERS.items():
            if letters & set(token):
                votes[language] += 0.5
    return votes
