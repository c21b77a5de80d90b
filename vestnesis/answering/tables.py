"""The answerer's word tables: the built-in data files beside this module (data/*.toml) and,
merged over them, an association's own words file (kinds, synonyms, towns, plan topics, question
words). Read-only once loaded; the lexicons built from them are computed once per Tables."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from vestnesis.answering import cldr, words

LANGUAGES = ("lv", "en", "lt")
_FILES = ("kinds", "concepts", "languages", "synonyms", "towns")


class WordsError(ValueError):
    """A words file that cannot be read or has the wrong shape; the message is one line."""


GENDERS = ("masculine", "feminine")


@dataclass(frozen=True)
class Forms:
    """What a sentence needs to name a kind in Latvian or Lithuanian besides its names:
    its gender ("masculine"/"feminine"), whether the noun is used only in the plural ("kursi",
    "dirbtuvės": its names are then plural), and its genitive, locative and plural genitive."""

    gender: str
    genitive: str
    locative: str
    plural_genitive: str
    plural_only: bool = False


@dataclass(frozen=True)
class Kind:
    """A kind of event: its key, its name (singular, plural) per language, the words
    (any language, any case; several words make a phrase) that signal it, and per language
    the grammar its name needs in a sentence (lv, lt; none for a kind named only in brackets)."""

    key: str
    names: Mapping[str, tuple[str, str]]
    terms: tuple[str, ...]
    forms: Mapping[str, Forms] = field(default_factory=dict)
    # The wider kind this one is a sort of ("general_meeting" is a "meeting"): asking for the
    # wider kind finds this one's events too.
    parent: str = ""

    @property
    def all_terms(self) -> tuple[str, ...]:
        """Its terms and its names in every language."""
        return (*self.terms, *(n for pair in self.names.values() for n in pair))


@dataclass(frozen=True, eq=False)
class Tables:
    """Every word table the answerer reads.

    kinds: most specific first; concepts: concept → phrases (plan topics included);
    topics: the concepts that are plan topics, in order of preference; stop: language →
    function words; markers: language → more words that tell the language; synonyms:
    groups of words meaning the same across languages; towns: groups of one town's names
    and case forms; tense: "past"/"future" → words that set a question's tense; ordinals:
    a number ("2") → its ordinal words ("second", "otrā", "antrasis")."""

    kinds: tuple[Kind, ...]
    concepts: Mapping[str, tuple[str, ...]]
    topics: tuple[str, ...]
    stop: Mapping[str, tuple[str, ...]]
    markers: Mapping[str, tuple[str, ...]]
    synonyms: tuple[tuple[str, ...], ...]
    towns: tuple[tuple[str, ...], ...] = ()
    tense: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    ordinals: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Words that open a yes-or-no question ("vai", "ar", "is"), by language.
    yes_no: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # What a question word asks ("why", "how", "who") → its words in every language.
    interrogatives: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Language → topic → words that name the topic in that language only (lv "nauda",
    # money, is lt "nauda", benefit).
    language_topics: Mapping[str, Mapping[str, tuple[str, ...]]] = field(default_factory=dict)
    # A topic the plan has no heading for → the nearest topics, in order, whose heading
    # answers it ("mission" by the goal).
    topic_fallback: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    source: str = field(default="built-in", compare=False)

    @classmethod
    def load(cls, path: Path | None = None) -> Tables:
        """The built-in tables, with the words file at `path` merged over them.

        Raises WordsError (one line) for an unreadable file or a wrong shape."""
        if path is None:
            return builtin()
        try:
            extra = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as error:
            raise WordsError(f"words file {path}: cannot read ({error})") from error
        except tomllib.TOMLDecodeError as error:
            raise WordsError(f"words file {path}: not TOML ({error})") from error
        return _merge(builtin(), extra, str(path))

    def with_kinds(self, extra: Sequence[Kind]) -> Tables:
        """These tables with more kinds, tried after the known ones (a calendar's own
        categories)."""
        if not extra:
            return self
        return replace(self, kinds=(*self.kinds, *extra))

    def kind(self, key: str) -> Kind | None:
        """The kind with that key."""
        return self._kinds_by_key.get(key)

    @cached_property
    def _kinds_by_key(self) -> dict[str, Kind]:
        return {k.key: k for k in self.kinds}

    def family(self, key: str) -> frozenset[str]:
        """The kind and every kind that is a sort of it (its children, theirs…)."""
        return self._families.get(key, frozenset({key}))

    @cached_property
    def _families(self) -> dict[str, frozenset[str]]:
        found: dict[str, set[str]] = {k.key: {k.key} for k in self.kinds}
        for kind in self.kinds:
            seen = {kind.key}
            parent = kind.parent
            while parent and parent not in seen:
                found.setdefault(parent, {parent}).add(kind.key)
                seen.add(parent)
                wider = self._kinds_by_key.get(parent)
                parent = wider.parent if wider else ""
        return {key: frozenset(keys) for key, keys in found.items()}

    @cached_property
    def kind_lexicon(self) -> words.Lexicon[str]:
        """Every kind's terms and names → its key."""
        return words.Lexicon(
            ((term, k.key) for k in self.kinds for term in k.all_terms), self.typo_stems
        )

    @cached_property
    def kind_stems(self) -> frozenset[str]:
        """Every stem of every kind word: they say what an event is, not which one. Of a
        phrase ("gada balva", "book launch", "pieredzes apmaiņas brauciens") only its last
        word, the head noun in lv, en and lt: "gada" (year's) and "book" still name things."""
        return words.union(
            head for k in self.kinds for term in k.all_terms for head in self._head(term)
        )

    @cached_property
    def one_word_kinds(self) -> dict[str, str]:
        """A kind's shared term ("~fair") → its key, for the kinds named by one word in every
        language (their word in any case form names them)."""
        return {
            "~" + words.fold(k.key): k.key
            for k in self.kinds
            if all(" " not in name for pair in k.names.values() for name in pair)
        }

    @cached_property
    def concept_lexicon(self) -> words.Lexicon[str]:
        """Every concept's phrases → the concept."""
        return words.Lexicon(
            ((phrase, concept) for concept, phrases in self.concepts.items() for phrase in phrases),
            self.typo_stems,
        )

    @cached_property
    def concept_words(self) -> dict[str, frozenset[str]]:
        """Concept → the folded words of its phrases, as written."""
        return {
            concept: frozenset(words.fold(t) for p in phrases for t in words.tokens(p))
            for concept, phrases in self.concepts.items()
        }

    @cached_property
    def concept_stems(self) -> dict[str, frozenset[str]]:
        """Concept → the stems of its phrases' words."""
        return {concept: words.union(phrases) for concept, phrases in self.concepts.items()}

    @cached_property
    def typo_stems(self) -> frozenset[str]:
        """Stems of English question and kind words, known despite one typo ("nexr", "whn",
        "evnts"): a Latvian or Lithuanian word one letter off is usually another form."""
        english = [
            *self.stop.get("en", ()),
            *self.markers.get("en", ()),
            *(n for k in self.kinds for n in k.names.get("en", ())),
        ]
        return words.union(w for w in english if len(w) >= 3)

    @cached_property
    def english_stop_words(self) -> tuple[str, ...]:
        """English question and function words of four letters or more, sorted."""
        return tuple(
            sorted({words.fold(w) for w in self.stop.get("en", ()) if len(w) >= 4 and w.isalpha()})
        )

    @cached_property
    def stop_stems(self) -> frozenset[str]:
        """Stems of every stop word."""
        return frozenset(
            s for wordlist in self.stop.values() for w in wordlist for s in words.stems(w)
        )

    @cached_property
    def function_words(self) -> frozenset[str]:
        """Folded question and function words of every language (kad, kada, when, ir…)."""
        return frozenset(
            words.fold(token)
            for wordlist in self.stop.values()
            for word in wordlist
            for token in words.tokens(word)
        )

    @cached_property
    def synonym_table(self) -> dict[str, frozenset[str]]:
        """Stem → the shared terms ("~library") of the groups it belongs to (kinds and towns
        are groups too)."""
        table: dict[str, set[str]] = {}
        # A kind's one-word names and terms: a phrase's head alone ("night" of "board game
        # night", "vakars" of "kino vakars") means no more than itself.
        kind_groups = [
            (
                k.key,
                *(n for pair in k.names.values() for n in pair if " " not in n.strip()),
                *(t for t in k.terms if " " not in t),
            )
            for k in self.kinds
        ]
        for group in (*self.synonyms, *self.towns, *kind_groups):
            term = "~" + words.fold(group[0])
            for word in group:
                # Of a phrase ("socialiniai tinklai", social media), its head noun, the last
                # word but function words ("meet the"): "tinklą" alone is a network, not a
                # way to communicate.
                for stem in words.union(self._head(word)):
                    if len(stem) >= 3:
                        table.setdefault(stem, set()).add(term)
        return {stem: frozenset(terms) for stem, terms in table.items()}

    def _head(self, phrase: str) -> list[str]:
        """A phrase's head noun: its last word that is not a function word, or, when a
        preposition joins two nouns ("tikšanās ar autoru", "meet the author", "susitikimas
        su rašytoju"), the last word before it."""
        tokens = words.tokens(phrase)
        joined = next(
            (
                i
                for i, t in enumerate(tokens)
                if 0 < i < len(tokens) - 1 and words.fold(t) in self.function_words
            ),
            None,
        )
        if joined is not None:
            tokens = tokens[:joined]
        named = [t for t in tokens if words.fold(t) not in self.function_words]
        return (named or tokens)[-1:]

    @cached_property
    def ordinal_lexicon(self) -> words.Lexicon[str]:
        """Ordinal words ("fourth", "ceturtā", "ketvirtas") → the number they stand for."""
        return words.Lexicon(
            (phrase, number) for number, phrases in self.ordinals.items() for phrase in phrases
        )

    @cached_property
    def language_words(self) -> dict[str, frozenset[str]]:
        """Folded word → the languages it belongs to (stop words, markers, kind names, and
        month and weekday names)."""
        votes: dict[str, set[str]] = {w: set(ls) for w, ls in _calendar_words().items()}

        def add(text: str, language: str) -> None:
            for token in words.tokens(text):
                votes.setdefault(words.fold(token), set()).add(language)

        for table in (self.stop, self.markers):
            for language, wordlist in table.items():
                for word in wordlist:
                    add(word, language)
        for kind in self.kinds:
            for language, pair in kind.names.items():
                for name in pair:
                    add(name, language)
        return {word: frozenset(languages) for word, languages in votes.items()}

    @cached_property
    def language_spellings(self) -> dict[str, frozenset[str]]:
        """Lower-case word as written, diacritics kept → the languages that write it so
        ("kada" is Lithuanian; Latvian writes "kāda")."""
        votes: dict[str, set[str]] = {}
        for table in (self.stop, self.markers):
            for language, wordlist in table.items():
                for word in wordlist:
                    for token in words.tokens(word):
                        votes.setdefault(token, set()).add(language)
        for kind in self.kinds:
            for language, pair in kind.names.items():
                for name in pair:
                    for token in words.tokens(name):
                        votes.setdefault(token, set()).add(language)
        return {word: frozenset(languages) for word, languages in votes.items()}

    @cached_property
    def tense_words(self) -> dict[str, frozenset[str]]:
        """ "past"/"future" → the folded words that say so."""
        return {t: frozenset(words.fold(w) for w in ws) for t, ws in self.tense.items()}

    @cached_property
    def word_groups(self) -> dict[str, frozenset[str]]:
        """A word group's word as written (folded) → the shared terms of its groups."""
        groups: dict[str, set[str]] = {}
        for group in self.synonyms:
            term = "~" + words.fold(group[0])
            for word in group:
                groups.setdefault(words.fold(word), set()).add(term)
        return {word: frozenset(terms) for word, terms in groups.items()}

    @cached_property
    def yes_no_words(self) -> frozenset[str]:
        """Folded words that open a yes-or-no question, of every language."""
        return frozenset(words.fold(w) for ws in self.yes_no.values() for w in ws)

    @cached_property
    def interrogative_meanings(self) -> dict[str, frozenset[str]]:
        """Folded question word → what it asks ("kas" asks who and what)."""
        meanings: dict[str, set[str]] = {}
        for meaning, phrases in self.interrogatives.items():
            for phrase in phrases:
                meanings.setdefault(words.fold(phrase), set()).add(meaning)
        return {word: frozenset(asked) for word, asked in meanings.items()}

    def topic_stems(self, language: str) -> dict[str, frozenset[str]]:
        """The stems of the words naming a topic in `language` only: stem → topics."""
        return self._topic_stems.get(language, {})

    @cached_property
    def _topic_stems(self) -> dict[str, dict[str, frozenset[str]]]:
        by_language: dict[str, dict[str, frozenset[str]]] = {}
        for language, topics in self.language_topics.items():
            found: dict[str, set[str]] = {}
            for topic, phrases in topics.items():
                for phrase in phrases:
                    for stem in words.stems(phrase):
                        found.setdefault(stem, set()).add(topic)
            by_language[language] = {stem: frozenset(t) for stem, t in found.items()}
        return by_language

    @cached_property
    def town_words(self) -> frozenset[str]:
        """Every configured town's names and case forms, lower case, with and without
        diacritics."""
        return frozenset(
            form
            for group in self.towns
            for name in group
            for form in (name.casefold(), words.fold(name))
        )

    @cached_property
    def town_terms(self) -> frozenset[str]:
        """The shared terms of the configured towns."""
        return frozenset("~" + words.fold(group[0]) for group in self.towns)


@cache
def _calendar_words() -> dict[str, frozenset[str]]:
    """Month and weekday names (CLDR's, cldr.py): folded word → its languages."""
    votes: dict[str, set[str]] = {}
    for language in LANGUAGES:
        months = cldr.months(language)
        names = [
            *(n for c in ("format", "stand-alone") for n in months[c]["wide"].values()),
            *cldr.days(language)["format"]["wide"].values(),
        ]
        for name in names:
            for token in words.tokens(name):
                votes.setdefault(words.fold(token), set()).add(language)
    return {word: frozenset(languages) for word, languages in votes.items()}


@cache
def builtin() -> Tables:
    """The tables shipped in data/*.toml."""
    data = {name: _read_builtin(name) for name in _FILES}
    kinds = tuple(_kind(entry, "built-in kinds") for entry in data["kinds"]["kind"])
    topics = data["concepts"]["topic"]
    return Tables(
        kinds=kinds,
        concepts={**_phrases(data["concepts"]["concept"]), **_phrases(topics)},
        topics=tuple(topics),
        stop=_phrases(data["languages"]["stop"]),
        markers=_by_language(data["languages"]["marker"]),
        synonyms=tuple(tuple(g) for g in data["synonyms"]["groups"]),
        towns=tuple(tuple(g) for g in data["towns"]["groups"]),
        tense=_phrases(data["concepts"]["tense"]),
        ordinals=_phrases(data["concepts"]["ordinal"]),
        yes_no=_phrases(data["languages"]["yes_no"]),
        interrogatives=_phrases(data["concepts"]["interrogative"]),
        language_topics={
            language: _phrases(table)
            for language, table in data["concepts"]["language_topic"].items()
        },
        topic_fallback=_phrases(data["concepts"]["topic_fallback"]),
    )


def _read_builtin(name: str) -> dict[str, Any]:
    text = (Path(__file__).parent / "data" / f"{name}.toml").read_text("utf-8")  # as cldr.py
    return tomllib.loads(text)


def _phrases(table: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    return {key: tuple(value) for key, value in table.items()}


def _by_language(table: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    """Lists keyed "lv", "lv_topics"… joined per language (the part before "_")."""
    joined: dict[str, tuple[str, ...]] = {}
    for key, value in table.items():
        language = key.split("_")[0]
        joined[language] = (*joined.get(language, ()), *value)
    return joined


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise WordsError(f"{where}: expected a list of words")
    return tuple(value)


def _kind(entry: Any, where: str) -> Kind:
    if not isinstance(entry, dict) or not isinstance(entry.get("key"), str):
        raise WordsError(f"{where}: each [[kind]] needs a key")
    key = entry["key"]
    names: dict[str, tuple[str, str]] = {}
    for language in LANGUAGES:
        if language in entry:
            found = _strings(entry[language], f"{where}, kind {key}, {language}")
            names[language] = (found[0], found[1] if len(found) > 1 else found[0])
    unknown = set(entry) - {
        "key",
        "terms",
        "parent",
        *LANGUAGES,
        *(f"{lang}_forms" for lang in LANGUAGES),
    }
    if unknown:
        raise WordsError(f"{where}, kind {key}: unknown field {sorted(unknown)[0]}")
    terms = (
        _strings(entry.get("terms", []), f"{where}, kind {key}, terms") if "terms" in entry else ()
    )
    forms = {
        language: _forms(entry[f"{language}_forms"], f"{where}, kind {key}, {language}_forms")
        for language in LANGUAGES
        if f"{language}_forms" in entry
    }
    if "en" in names and "en" not in forms:
        # English names serve every case: "the next seminar", "no seminars".
        singular, plural = names["en"]
        forms["en"] = Forms("", singular, singular, plural)
    parent = entry.get("parent", "")
    if not isinstance(parent, str):
        raise WordsError(f"{where}, kind {key}: parent must be a kind's key")
    return Kind(key, names, terms, forms, parent)


def _forms(value: Any, where: str) -> Forms:
    """A kind's `lv_forms`/`lt_forms` table."""
    cases = ("genitive", "locative", "plural_genitive")
    if not isinstance(value, dict):
        raise WordsError(f"{where}: expected a table {{ gender = ..., {', '.join(cases)} }}")
    unknown = set(value) - {"gender", "plural_only", *cases}
    if unknown:
        raise WordsError(f"{where}: unknown field {sorted(unknown)[0]}")
    if value.get("gender") not in GENDERS:
        raise WordsError(f"{where}: gender must be one of {', '.join(GENDERS)}")
    missing = [case for case in cases if not (isinstance(value.get(case), str) and value[case])]
    if missing:
        raise WordsError(f"{where}: {missing[0]} is missing")
    if not isinstance(value.get("plural_only", False), bool):
        raise WordsError(f"{where}: plural_only must be true or false")
    return Forms(
        value["gender"],
        value["genitive"],
        value["locative"],
        value["plural_genitive"],
        value.get("plural_only", False),
    )


def _merge(base: Tables, extra: Mapping[str, Any], source: str) -> Tables:
    """`extra` (a words file) over `base`: a kind with a known key adds terms and replaces
    the names it gives; a new kind is tried before the built-in ones (it is the association's
    own, and usually more specific)."""
    known = {
        "kind",
        "synonyms",
        "towns",
        "topics",
        "concepts",
        "stop",
        "topic_fallback",
        "language_topic",
    }
    unknown = set(extra) - known
    if unknown:
        raise WordsError(f"words file {source}: unknown section [{sorted(unknown)[0]}]")
    entries = extra.get("kind", [])
    if not isinstance(entries, list):
        raise WordsError(f"words file {source}: [[kind]] must be a list of tables")
    merged = {k.key: k for k in base.kinds}
    new: list[Kind] = []
    for entry in entries:
        kind = _kind(entry, f"words file {source}")
        old = merged.get(kind.key)
        if old is None:
            new.append(kind)
            merged[kind.key] = kind
        else:
            # New names without new forms: the built-in forms belong to the old names.
            forms = {lang: f for lang, f in old.forms.items() if lang not in kind.names}
            merged[kind.key] = Kind(
                kind.key,
                {**old.names, **kind.names},
                (*old.terms, *kind.terms),
                {**forms, **kind.forms},
                kind.parent or old.parent,
            )
    kinds = (*new, *(merged[k.key] for k in base.kinds))
    concepts = dict(base.concepts)
    topics = list(base.topics)
    for section, is_topic in (("concepts", False), ("topics", True)):
        table = extra.get(section, {})
        if not isinstance(table, dict):
            raise WordsError(f"words file {source}: [{section}] must be a table")
        for key, value in table.items():
            concepts[key] = (*concepts.get(key, ()), *_strings(value, f"[{section}] {key}"))
            if is_topic and key not in topics:
                topics.append(key)
    stop = dict(base.stop)
    for language, value in dict(extra.get("stop", {})).items():
        stop[language] = (*stop.get(language, ()), *_strings(value, f"[stop] {language}"))
    fallback = dict(base.topic_fallback)
    table = extra.get("topic_fallback", {})
    if not isinstance(table, dict):
        raise WordsError(f"words file {source}: [topic_fallback] must be a table")
    for key, value in table.items():
        fallback[key] = _strings(value, f"[topic_fallback] {key}")
    by_language = {language: dict(topics) for language, topics in base.language_topics.items()}
    table = extra.get("language_topic", {})
    if not isinstance(table, dict) or not all(isinstance(t, dict) for t in table.values()):
        raise WordsError(
            f"words file {source}: [language_topic.LANGUAGE] must be tables of topic = [words]"
        )
    for language, topics in table.items():
        own = by_language.setdefault(language, {})
        for key, value in topics.items():
            own[key] = (*own.get(key, ()), *_strings(value, f"[language_topic.{language}] {key}"))
    groups = [_strings(g, "synonyms") for g in _groups(extra, "synonyms", source)]
    towns = [_strings(g, "towns") for g in _groups(extra, "towns", source)]
    return Tables(
        kinds=kinds,
        concepts=concepts,
        topics=tuple(topics),
        stop=stop,
        markers=base.markers,
        synonyms=(*base.synonyms, *groups),
        towns=(*base.towns, *towns),
        tense=base.tense,
        ordinals=base.ordinals,
        yes_no=base.yes_no,
        interrogatives=base.interrogatives,
        language_topics=by_language,
        topic_fallback=fallback,
        source=source,
    )


def _groups(extra: Mapping[str, Any], name: str, source: str) -> list[Any]:
    table = extra.get(name, {})
    if not isinstance(table, dict):
        raise WordsError(f"words file {source}: [{name}] must be a table with groups = [...]")
    groups = table.get("groups", [])
    if not isinstance(groups, list):
        raise WordsError(f"words file {source}: [{name}] groups must be a list of lists")
    return groups
