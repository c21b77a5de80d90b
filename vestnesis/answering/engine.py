"""Question answering, pure: a question, the asker's language and the time give an Answer
resting on calendar events or plan sections. Nothing here does I/O."""

from __future__ import annotations

import bisect
import difflib
import itertools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, tzinfo
from functools import lru_cache

from feeds.language import LanguageDetector
from storage import Event
from vestnesis.answering import glossary, kinds, vocabulary, when, words
from vestnesis.answering.plan import Passage, Plan, PlanIndex, Section, question_terms
from vestnesis.answering.tables import Kind, Tables, builtin
from vestnesis.answering.titles import Series, TitleIndex, TitleMatch, title_kinds

LANGUAGES = ("lv", "en", "lt")
MAX_LISTED = 30  # a whole season of a busy calendar; beyond, "…and N more"
UPCOMING_DAYS = 31
PLACE_DAYS = 366
# A question whose naming words a title covers this much is about that event.
NAME_SHARE = 0.6
# A question of a kind whose other words a title of that kind covers this much names it.
SURE_NAME = 0.75
SHORT_QUESTION = 3
SPELT_ALIKE = 0.75  # two words this alike are one word in two languages ("hakatons")
MODIFIER_WEIGHT = 0.5  # a plan search word that modifies the next one ("membership" fee)
# Concepts of everyday questions (the weather) that neither the calendar nor the plan answers.
OFF_TOPIC = frozenset({"weather"})
# The topic's own words weigh more than the question's others in a search for a topic no
# heading names: the passage must be about the topic first.
TOPIC_WEIGHT = 2.0
LISTING = frozenset(
    {"event", "upcoming", "next"}
)  # concepts that ask for events  # words; fewer than this, the language detector is not asked


@dataclass(frozen=True)
class Knowledge:
    """The calendar and the plan, indexed once for many questions."""

    events: tuple[Event, ...]
    titles: TitleIndex
    plan: PlanIndex | None
    zone: tzinfo
    detector: LanguageDetector | None = None
    tables: Tables = field(default_factory=builtin)
    _starts: tuple[datetime, ...] = field(default=(), repr=False)
    # place → its town stems: keyed by the place, not the event, so that reading the kept
    # index hashes a few strings rather than 10,000 events (issue 18).
    _places: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)
    _all_places: frozenset[str] = frozenset()
    # kind → its series as (end, series) by first end ascending, by last end descending, by
    # last end of an occurrence still on descending.
    _kind_series: dict[str, tuple[tuple[tuple[datetime, Series], ...], ...]] = field(
        default_factory=dict, repr=False
    )
    # (calendar, uid) → the kinds its title names (titles.title_kinds).
    _named_kinds: dict[tuple[str, str], frozenset[str]] = field(default_factory=dict, repr=False)

    @classmethod
    def build(
        cls,
        events: Sequence[Event],
        plan: Plan | None,
        zone: tzinfo,
        detector: LanguageDetector | None = None,
        tables: Tables | None = None,
        translations: Mapping[str, Sequence[str]] | None = None,
        plan_translations: Mapping[str, Sequence[str]] | None = None,
        plan_language: str = "",
    ) -> Knowledge:
        """Index events (any order) and the plan; `tables` are the word tables (the built-in
        ones when None); `translations` maps an event title to the same title in other
        languages (the translation backend's, done at the edge), searched as other names;
        `plan_translations` maps a plan paragraph or heading to the same text in other
        languages, searched as its own words; `plan_language` is the plan's as configured
        ("" to tell it from the plan's words)."""
        tables = tables or builtin()
        ordered = tuple(sorted(events, key=lambda e: (e.start, e.title)))
        # A kind stored before a narrower one was known ("meeting" for an "Annual General
        # Meeting"): the narrower one, from the title.
        ordered = tuple(
            replace(e, kind=narrower)
            if e.kind
            and len(tables.family(e.kind)) > 1
            and (narrower := kinds.classify(e.title, (), tables)) in tables.family(e.kind)
            and narrower != e.kind
            else e
            for e in ordered
        )
        own = calendar_kinds(ordered, tables)
        if own:
            # The calendar's own categories ("Book presentation", "Skaitovų konkursas",
            # "Tikšanās ar autoru") are kinds too: questions can ask for them by the
            # calendar's word; one that says more than a known kind's word is a sort of it.
            tables = tables.with_kinds(own)
            keys = {k.terms[0]: k for k in own}
            ordered = tuple(
                replace(e, kind=keys[e.categories[0].strip()].key)
                if e.categories and e.categories[0].strip() in keys
                else e
                for e in ordered
            )
        places = {e.place: _town_stems(e.place, tables) for e in ordered if e.place}
        titles = TitleIndex(ordered, tables, translations)
        kind_series: dict[str, list[Series]] = {}
        # The kind a title names is the event's too when no category gave it one of the
        # tables' kinds ("Meistarklase: …" under "Ilustrācija" is a masterclass; "Library
        # Tech Talks" under "Webinar" stays a webinar).
        named_kinds = {
            (s.calendar, s.uid): frozenset(title_kinds(s, tables))
            for s in titles.series
            if all(not e.kind or e.kind.startswith("category:") for e in s.occurrences)
        }
        for series in titles.series:
            given = {e.kind for e in series.occurrences if e.kind}
            for key in sorted(given | named_kinds.get((series.calendar, series.uid), set())):
                kind_series.setdefault(key, []).append(series)
        return cls(
            events=ordered,
            titles=titles,
            plan=PlanIndex(plan, tables, plan_translations, plan_language)
            if plan is not None
            else None,
            zone=zone,
            detector=detector,
            tables=tables,
            _starts=tuple(e.start for e in ordered),
            _places=places,
            _all_places=frozenset(s for stems in places.values() for s in stems),
            _kind_series={key: _by_ends(found) for key, found in kind_series.items()},
            _named_kinds=named_kinds,
        )

    def names_a_place(self, word: str) -> bool:
        """Whether the word is (a form of) a word of some event's place, or a known town
        (data/towns.toml, the words file) where none is held."""
        stems = _place_stems(word, self.tables)
        return bool(stems & self._all_places or stems & self.tables.town_terms)

    def at(self, event: Event, word: str) -> bool:
        """Whether the event's place has the word."""
        return bool(_place_stems(word, self.tables) & self._places.get(event.place, frozenset()))

    def of_kind(self, event: Event, kind: str) -> bool:
        """Whether the event is of the kind or of a sort of it (a general meeting is a
        meeting)."""
        family = self.tables.family(kind)
        return (
            event.kind == kind
            or event.kind in family
            or bool(self._named_kinds.get((event.calendar, event.uid), frozenset()) & family)
        )

    def only_series(self, kind: str, now: datetime, past: bool) -> Series | None:
        """The one series of the kind (or a sort of it) still to come (already over when
        `past`), None when there are none or several. Looks at two series per kind at most:
        each kind's series are kept sorted by their first and last end."""

        def over(end: datetime) -> bool:
            return end <= now

        def to_come(end: datetime) -> bool:
            return end > now

        # Of those to come, the ones still on first: a cancelled meeting's rescheduled twin.
        orders: list[tuple[int, Callable[[datetime], bool]]] = (
            [(0, over)] if past else [(2, to_come), (1, to_come)]
        )
        keys = sorted(self.tables.family(kind))
        for order, holds in orders:
            found: dict[tuple[str, str], Series] = {}
            for key in keys:
                for entry in self._kind_series.get(key, ((), (), ()))[order]:
                    if not holds(entry[0]) or len(found) > 1:
                        break
                    found[(entry[1].calendar, entry[1].uid)] = entry[1]
            if found:
                return next(iter(found.values())) if len(found) == 1 else None
        return None

    def from_time(self, moment: datetime) -> Sequence[Event]:
        """Events starting at or after `moment` (by start), cheaply."""
        return self.events[bisect.bisect_left(self._starts, moment) :]


@dataclass(frozen=True)
class Answer:
    """What the answer rests on; wording it is vestnesis.answering.text's job."""

    intent: str
    language: str
    events: tuple[Event, ...] = ()
    sections: tuple[Section, ...] = ()
    passages: tuple[Passage, ...] = ()
    kind: str = ""
    period: when.Span | None = None
    topic: str = ""
    cancelled: tuple[Event, ...] = ()  # mentioned as called off, never offered
    more: int = 0  # events in the period beyond those listed
    subsections: tuple[Section, ...] = ()  # the headings under a plan section given whole
    asked_where: bool = False
    # A kind asked of a period that has none of it: the period's events of other kinds, so
    # that the answer says so rather than that the calendar is empty.
    others: tuple[Event, ...] = ()
    # A named period under way asked in the present ("kas vyksta rugpjūtį" on the 24th): its
    # events already over, worded as having taken place, beside those still to come.
    earlier: tuple[Event, ...] = ()
    earlier_more: int = 0  # days-gone events beyond those listed (the latest are listed)


def _decisive(votes: Mapping[str, float]) -> bool:
    """Whether one language leads the votes."""
    ranked = sorted(votes.values(), reverse=True)
    return ranked[0] > 0 and (len(ranked) == 1 or ranked[0] > ranked[1])


def answer(
    question: str, knowledge: Knowledge, now: datetime, language: str | None = None
) -> Answer:
    """Answer a member's question from the calendar and the plan."""
    text = question.strip()
    question_words = words.tokens(text)
    tables = knowledge.tables
    # The asker's language comes from their own words, not from an event title they name
    # ("Kada vyks Bibliotēku nedēļa?" is Lithuanian whatever the title's language).
    own = [
        w
        for w in question_words
        if vocabulary.is_function_word(w, tables) or not knowledge.titles.names_word(w)
    ]
    votes = vocabulary.language_votes(own, tables)
    if own != question_words and own and _decisive(votes):
        asker = detect_language(" ".join(own), own, knowledge.detector, language, tables)
    elif (
        own != question_words
        and language in LANGUAGES
        and (not own or votes.get(language, 0) == max(votes.values()))
    ):
        # Only a title, or question words several languages share ("kada bus"): the member's
        # own language, when it is one of them.
        asker = language
    else:
        asker = detect_language(text, question_words, knowledge.detector, language, tables)
    zone = knowledge.zone
    today = now.astimezone(zone).date()
    if any(
        hit.value in OFF_TOPIC
        for hit in vocabulary.concepts(tables).scan(question_words, fuzzy=False)
    ):
        return Answer("unknown", asker)
    chapter = _numbered_part(question_words, knowledge.plan)
    if chapter is not None:
        return Answer(
            "plan",
            asker,
            sections=(chapter,),
            topic="chapter",
            subsections=tuple(
                s for s in knowledge.plan.plan.sections if s.parent == chapter.heading
            )
            if knowledge.plan
            else (),
        )
    tense = _tense(question_words, tables)
    # A town is not a month, whatever it resembles: "Liepājā" (liepaja) is not July (liepa);
    # but a period's word as written is the period: "pernai" (last year) is not Pärnu.
    period_words = [
        ""
        if (knowledge.names_a_place(w) or w in tables.town_words) and not when.is_period_word(w)
        else w
        for w in question_words
    ]
    span, taken = when.find(text, period_words, today, tense)
    if span is not None:
        # A kind of several words that holds a period's word ("next summer school", "the
        # winter school"): the kind, not the season.
        _, whole_kind_words = kinds.find(question_words, tables=tables)
        if len(whole_kind_words) > 1 and whole_kind_words & taken:
            period_words = ["" if i in whole_kind_words else w for i, w in enumerate(period_words)]
            span, taken = when.find(text, period_words, today, tense)
    if span is None and any(w.isdigit() for w in question_words):
        span = when.parse_fallback(text, asker, today)
        taken = {i for i, w in enumerate(question_words) if w.isdigit()} if span else taken
    if (
        span is not None
        and tense == "past"
        and span.unit in ("week", "month", "year")
        and span.start <= today < span.end
    ):
        # "What was on earlier this month?", "kas notika šonedēļ", "kur vyko … 2027": from
        # the period's first day to today.
        first = {
            "week": today - timedelta(days=today.weekday()),
            "month": today.replace(day=1),
            "year": today.replace(month=1, day=1),
        }[span.unit]
        span = when.Span(first, today + timedelta(days=1), span.unit)
    kind, kind_words = kinds.find(
        [w if i not in taken else "" for i, w in enumerate(question_words)], tables=tables
    )
    taken |= kind_words
    defined = None if span is not None or kind else _defined_term(knowledge.plan, question_words)
    if defined is not None:
        # "Ko nozīmē PID?", "what is ORCID": the plan's glossary, where it defines the term.
        return Answer("plan", asker, sections=(defined,), topic="glossary")
    friends = {
        i for i, w in enumerate(question_words) if w.startswith(vocabulary.FALSE_FRIEND_PREFIX)
    }
    found = [
        hit
        for hit in vocabulary.concepts(tables).scan(question_words, taken=taken | friends)
        if not _stop_word_lookalike(hit, question_words, tables)
        and not _title_word_lookalike(hit, question_words, knowledge)
    ]
    found += _own_language_topics(question_words, taken | friends, found, asker, tables)
    # What is planned for a year is the plan's; for a season, a month, a week, what the
    # calendar holds then ("What is planned for spring 2028?").
    found = [
        words.Found(
            "plan" if span is None or span.unit == "year" else "event", hit.start, hit.length
        )
        if hit.value == "planned"
        else hit
        for hit in found
    ]
    concepts = {hit.value for hit in found}
    concept_words = {i for hit in found for i in hit.positions}
    # A topic word before a naming word modifies it when the plan has the two side by side
    # ("membership fee", "biedru nauda": the head noun comes last in lv, en and lt): the
    # question is about the fee, wherever the plan says it, not about the membership
    # section; its words are searched with the noun. ("vada tīklu", runs the network, is a
    # verb and its object: the plan does not say "runs network".)
    modifiers = {
        hit.value
        for hit in found
        if hit.value in tables.topics
        and knowledge.plan is not None
        and _modifies(hit, question_words, taken | concept_words, knowledge.plan)
    }
    concept_words -= {i for hit in found if hit.value in modifiers for i in hit.positions}
    taken |= concept_words
    asked_where = "where" in concepts

    plan = knowledge.plan
    topics = [c for c in tables.topics if c in concepts and c not in modifiers]
    in_title: set[str] = set()
    if topics and plan is not None:
        # "how is the partnership funded" of the partnership's plan: a word of the plan's
        # own title is the association, the topic is the other one; alone ("what does the
        # partnership do for students") it is no topic: the plan is searched.
        in_title = _title_words(plan, question_words, found)
        if len(topics) > 1:
            topics = [t for t in topics if t not in in_title] or topics
    cue = bool(kind or concepts & {"when", "where", "cancel", "event", "next", "upcoming"})
    if plan is not None and "plan" in concepts and not topics:
        year_part = _year_part(plan, question_words)
        if year_part is not None:
            # "ko darīsim 2027. gadā" of a plan with a part for each year ("B1. 2027: …").
            return _whole_section(asker, plan, year_part)
        searched = _plan_search(asker, plan, question_words, concept_words, concepts)
        if searched is not None:
            return searched
        if not cue and span is None:
            # "What does the plan say about digital skills?" of a plan that does not say: the
            # honest "I don't know", not a seminar that happens to be about them.
            return Answer("unknown", asker)
    if topics and plan is not None and not cue:
        if span is not None and _about_something_else(question_words, taken, knowledge, plan):
            # "krepšinio rungtynių rezultatai vakar": results of a basketball match.
            return Answer("unknown", asker)
        if (
            topics[0] in in_title
            and len(question_words) > SHORT_QUESTION
            # "Kokios yra draugijos plėtros kryptys?" of a plan titled "… plėtros kryptys"
            # whose parts are "1 kryptis", "2 kryptis": the title's last word says what the
            # document is, and its parts are the answer (the title's other words name the
            # association: "… partnerības darbības plāns").
            and not (
                _topic_headings(plan, topics[0])
                and _title_head_asked(plan, question_words, found, topics[0])
            )
        ):
            searched = _plan_search(asker, plan, question_words, concept_words, concepts)
            if searched is not None:
                return searched
        return _plan_topic(asker, plan, topics[0], question_words, concept_words, concepts)
    # "the next event in Vilnius": a town asked with a listing word filters by place, even
    # when some title names that town too.
    # ("the study trip to Tartu" names the trip whose title and place say Tartu.)
    listing_cue = bool(concepts & {"event", "upcoming", "next"})
    towns = {
        i
        for i, w in enumerate(question_words)
        if listing_cue and i not in taken and knowledge.names_a_place(w)
    }
    named = knowledge.titles.best(question_words, taken | towns, kind, now, tense == "past")
    # "izstāde Viļņā", "exhibition in Vilnius" ask where; "the Ventspils port books
    # exhibition", "Vilniaus knygų mugė" name a title that has the town in it.
    asked_towns = {
        i
        for i, w in enumerate(question_words)
        if i not in taken and knowledge.names_a_place(w) and _as_place(question_words, i)
    } - towns
    without: TitleMatch | None = None
    if named is not None and asked_towns:
        # "izstāde Viļņā" is not the exhibition *about* Vilnius held in Rīga: without the
        # town, does the question still name it? And "the reading marathon in Bauska" names
        # the marathon held there, whose title does not say Bauska.
        without = knowledge.titles.best(
            question_words, taken | asked_towns, kind, now, tense == "past"
        )
        if not _held_in(knowledge, named, question_words, asked_towns):
            named = without
        elif (
            without is not None
            and without.series == named.series
            and without.question_share > named.question_share
        ):
            named = without  # held there, and its title need not say so
    if named is not None and span and not _overlapping(named.series.occurrences, span, zone):
        # "children's events in December": the period decides, not a January title. But a
        # yes-or-no question of one event ("vai Koha lietotāju tikšanās februārī notiks", "is
        # the koha meetup in february still on") names the edition held then, whichever
        # language its title is in, when that title has every naming word asked.
        dated = (
            knowledge.titles.best(
                question_words,
                taken | towns,
                kind,
                now,
                tense == "past",
                keep=_held_within(span, zone),
            )
            if _yes_no(question_words, tables)
            else None
        )
        named = dated if dated is not None and dated.complete else None
    if (
        named is not None
        and span is not None
        and kind
        and _plural_kind(kind, [question_words[i] for i in kind_words], asker, tables)
    ):
        named = None  # "health literacy talks in October": talks, a list, whatever one is titled
    if named is not None and span is not None and _counts(question_words, found, concepts):
        named = None  # "how many ORCID consultations in November": its occurrences, listed
    if named is not None and span is not None and asked_towns and without is None:
        named = None  # "kas vyks Daugpilyje gegužę": the town is the place, not a title's word
    if named is not None and (
        _names_event(named, kind, cue, concepts, tables)
        or _names_across_languages(named, kind, question_words, taken | towns, knowledge)
    ):
        about = _plan_beyond_title(asker, knowledge, named.series, question_words, taken | towns)
        if about is not None:
            return about
        if "next" in concepts and tense != "past" and span is None:
            # "When is the next reading marathon?": the next one of those the title names.
            coming = [e for e in named.series.occurrences if e.start >= now and not e.cancelled]
            return Answer(
                "next_event",
                asker,
                events=tuple(coming[:1]),
                kind=kind,
                asked_where=asked_where,
            )
        return _by_name(asker, named.series, now, asked_where, span, zone)
    if topics and plan is not None:
        return _plan_topic(asker, plan, topics[0], question_words, concept_words, concepts)
    leftover = _unexplained(question_words, taken, tables)
    place = _place_filter(knowledge, leftover) if leftover else ""
    # Words naming something the calendar does not have ("the Baltic conference", "Kauno
    # knygų mugė"): better an honest "I don't know" than another event offered in its place.
    unknown_name = [w for w in leftover if not knowledge.names_a_place(w)]
    # Words the calendar has never used ("weather", "euro"): the question is about something
    # else (the plan, or nothing we know), whatever day, town or kind-like word it also holds.
    strange = [w for w in unknown_name if not _known(knowledge, w)]
    if strange and not concepts & LISTING:
        if concepts & {"when", "where"} and not concepts & {"plan", "association", "about"}:
            # Where something not in the calendar is: of a body the plan names ("kur
            # atrodas sekretariāts"), the plan says; when it happens, nothing we know.
            if (
                "where" in concepts
                and "when" not in concepts
                and tense != "future"
                and span is None
                and not kind
                and plan is not None
            ):
                searched = _plan_search(asker, plan, question_words, concept_words, concepts)
                if searched is not None:
                    return searched
            return Answer("unknown", asker)
        return _plan_or_unknown(asker, plan, question_words, concept_words, concepts)
    listing = bool(kind or place or concepts & {"event", "upcoming"})
    if (
        kind
        and span is not None
        and concepts & {"when", "where"}
        and not concepts & LISTING
        and not unknown_name
        and not _plural_kind(kind, [question_words[i] for i in kind_words], asker, tables)
    ):
        # "kur notika pagājušā gada vasaras skola", "when was the 2026 summer school": when
        # or where of the one event of the kind in the period names it.
        within = _in_period(asker, knowledge, now, span, kind, place, past=tense == "past")
        held = {(e.calendar, e.uid) for e in (*within.events, *within.cancelled)}
        if len(held) == 1:
            series = knowledge.titles.series_of(*next(iter(held)))
            if series is not None:
                return _by_name(asker, series, now, asked_where, span, zone)
    if span is not None and (listing or not leftover) and not (unknown_name and not listing):
        return _in_period(asker, knowledge, now, span, kind, place, past=tense == "past")
    if "upcoming" in concepts and "next" not in concepts:
        # "upcoming seminars", "gaidāmie semināri": a list, not the one next.
        days = PLACE_DAYS if kind or place else UPCOMING_DAYS
        period = when.Span(today, today + timedelta(days=days), "range")
        return _in_period(asker, knowledge, now, period, kind, place)
    if (
        kind
        and span is None
        and not unknown_name
        and not concepts & {"next", "upcoming", "event"}
        and _plural_kind(kind, [question_words[i] for i in kind_words], asker, tables)
    ):
        # "exhibitions", "kokios parodos vyksta", "seminars in Šiauliai": the coming ones.
        period = when.Span(today, today + timedelta(days=PLACE_DAYS), "range")
        return _in_period(asker, knowledge, now, period, kind, place)
    if kind and span is None and not unknown_name and not concepts & {"next", "upcoming", "event"}:
        # "Kad būs kopsapulce?", "when is the reading club", "the concert in Bauska": a kind
        # the calendar has one of (there) names that event.
        only = knowledge.only_series(kind, now, past=tense == "past")
        if only is not None and (not place or knowledge.at(only.occurrences[0], place)):
            return _by_name(asker, only, now, asked_where, None, zone)
    if (
        ("last" in concepts or tense == "past")
        and "next" not in concepts
        and span is None
        and not unknown_name
        and (kind or "event" in concepts)
    ):
        # "When was the last webinar?", "kad bija seminārs", "kada buvo paskutinis renginys":
        # the latest one over, never the next one; none: none took place this past year.
        latest = _latest(knowledge, now, kind, place)
        if latest is not None:
            return Answer("event_by_name", asker, events=(latest,), asked_where=asked_where)
        year = when.Span(today - timedelta(days=PLACE_DAYS), today, "range")
        return _in_period(asker, knowledge, now, year, kind, place, past=True)
    if "next" in concepts or (kind and not unknown_name):
        return _next(asker, knowledge, now, kind, asked_where, place)
    if (place or concepts & {"event", "upcoming"}) and not unknown_name:
        # A town's events are few: look further ahead for them than for everything.
        days = PLACE_DAYS if place else UPCOMING_DAYS
        period = when.Span(today, today + timedelta(days=days), "range")
        return _in_period(asker, knowledge, now, period, kind, place)
    if concepts & {"when", "where"} and not concepts & {"plan", "association", "about"}:
        return Answer("unknown", asker)  # a time or place asked of something not in the calendar
    return _plan_or_unknown(asker, plan, question_words, concept_words, concepts)


def _plan_beyond_title(
    language: str,
    knowledge: Knowledge,
    series: Series,
    question_words: list[str],
    taken: set[int],
) -> Answer | None:
    """The plan's answer when the question names more than the title and the plan has every
    word of it ("vai bērnu žūrija būs visos novados": the Jury's reach, which the plan sets,
    not the press conference titled „Bērnu žūrija 2027”); None otherwise."""
    plan = knowledge.plan
    if plan is None:
        return None
    asked = [
        w
        for w in _unexplained(question_words, taken, knowledge.tables)
        if not knowledge.names_a_place(w)
    ]
    beyond = [w for w in asked if not knowledge.titles.says(series, w)]
    if not beyond or any(
        not any(plan.known(t) for t in question_terms([w], plan.tables)) for w in asked
    ):
        return None
    return _plan_search(language, plan, question_words, taken, set())


def _by_ends(
    found: Sequence[Series],
) -> tuple[tuple[tuple[datetime, Series], ...], ...]:
    """Series by their first end ascending, their last end descending, and the last end of
    an occurrence not cancelled descending (those wholly cancelled left out)."""
    first = sorted(((min(e.end for e in s.occurrences), s) for s in found), key=_entry_key)
    last = sorted(((max(e.end for e in s.occurrences), s) for s in found), key=_entry_key)
    live = sorted(
        (
            (max(e.end for e in s.occurrences if not e.cancelled), s)
            for s in found
            if any(not e.cancelled for e in s.occurrences)
        ),
        key=_entry_key,
    )
    return tuple(first), tuple(reversed(last)), tuple(reversed(live))


def _entry_key(entry: tuple[datetime, Series]) -> tuple[datetime, str, str]:
    return entry[0], entry[1].calendar, entry[1].uid


def _latest(knowledge: Knowledge, now: datetime, kind: str, place: str) -> Event | None:
    """The last event (of the kind, at the place) that began before now and was not
    cancelled."""
    ahead = len(knowledge.events) - len(knowledge.from_time(now))
    for event in reversed(knowledge.events[:ahead]):
        if event.cancelled or (kind and not knowledge.of_kind(event, kind)):
            continue
        if place and not knowledge.at(event, place):
            continue
        return event
    return None


def _plural_kind(kind: str, asked: list[str], language: str, tables: Tables) -> bool:
    """Whether the kind was asked by its plural in the asker's language ("izstādes",
    "parodos", "seminars") where that differs from its singular (Latvian "seminārs" typed
    without diacritics is one seminar, not English "seminars")."""
    found = tables.kind(kind)
    if found is None or language not in found.names:
        return False
    singular, plural = (words.fold(n) for n in found.names[language])
    if not asked or singular == plural:
        return False
    # Only the last of the kind's words: one before another is a genitive that modifies it
    # ("apbalvošanas ceremonija", the award ceremony, is one ceremony).
    last = words.fold(asked[-1])
    if last == words.fold(plural.split()[-1]):
        return True
    # English makes any kind's word plural with -s ("talks" of a lecture's "talk").
    terms = {words.fold(t) for t in found.all_terms}
    return language == "en" and last.endswith("s") and (last[:-1] in terms or last[:-2] in terms)


def _headed_by_phrase(
    plan: PlanIndex, question_words: list[str], taken: set[int]
) -> Section | None:
    """The section whose heading has two naming words of the question side by side, in the
    question's order (not the plan's title)."""
    tables = plan.tables
    naming = [
        i
        for i, w in enumerate(question_words)
        if i not in taken and w.isalpha() and not vocabulary.is_stop(w, tables)
    ]
    pairs = [
        (glossary.terms(question_words[a], tables), glossary.terms(question_words[b], tables))
        for a, b in itertools.pairwise(naming)
        if b == a + 1
    ]
    title = _plan_title(plan)
    if title is not None:
        # The association's own words ("school libraries" of a school librarians' plan) are
        # in many headings and name none of them.
        own = _title_terms(plan)
        pairs = [(a, b) for a, b in pairs if not (a & own and b & own)]
    if not pairs:
        return None
    for section in plan.plan.sections:
        if section is title:
            continue
        heading = [glossary.terms(w, tables) for w in words.tokens(section.heading)]
        if any(
            first & one and second & other
            for first, second in pairs
            for one, other in itertools.pairwise(heading)
        ):
            return section
    return None


def _year_part(plan: PlanIndex, question_words: list[str]) -> Section | None:
    """The part of the plan headed by the year the question names ("B2. 2028: Readers on the
    move"), other than its title; a past year too (what was planned for it)."""
    years = [w for w in question_words if w.isdigit() and 2000 <= int(w) <= 2100]
    if len(years) != 1:
        return None
    year = years[0]
    title = _plan_title(plan)
    return next(
        (s for s in plan.plan.sections if s is not title and year in words.tokens(s.heading)),
        None,
    )


def _numbered_part(question_words: list[str], plan: PlanIndex | None) -> Section | None:
    """The plan section a question asks by its number ("what is in chapter 3", "kas ir 3.
    nodaļā", "3 skyrius"): the heading that begins with the number, or that has the word for
    chapter and the number."""
    if plan is None or not any(w.isdigit() for w in question_words):
        return None
    hits = vocabulary.concepts(plan.tables).scan(question_words, fuzzy=False)
    if not any(hit.value == "chapter" for hit in hits):
        return None
    number = next(w for w in question_words if w.isdigit())
    for section in plan.plan.sections:
        heading = words.tokens(section.heading)
        if heading[:1] == [number] or (
            number in heading[:3]
            and any(h.value == "chapter" for h in vocabulary.concepts(plan.tables).scan(heading))
        ):
            return section
    return None


def _modifies(
    hit: words.Found[str], question_words: list[str], taken: set[int], plan: PlanIndex
) -> bool:
    """Whether the phrase is followed by a naming word it modifies: one that is not a period,
    a kind, a concept or a function word, and that the plan has right after the phrase's
    last word."""
    after = hit.start + hit.length
    if after >= len(question_words) or after in taken:
        return False
    word = question_words[after]
    if not word.isalpha() or len(word) <= 2 or vocabulary.is_stop(word, plan.tables):
        return False
    last = question_words[after - 1]
    return plan.side_by_side(
        sorted(glossary.terms(last, plan.tables)), sorted(glossary.terms(word, plan.tables))
    )


def _plan_or_unknown(
    language: str,
    plan: PlanIndex | None,
    question_words: list[str],
    taken: set[int],
    concepts: set[str],
) -> Answer:
    """What the plan says about the question's words, else the honest "I don't know"."""
    if plan is not None:
        searched = _plan_search(language, plan, question_words, taken, concepts)
        if searched is not None:
            return searched
    return Answer("unknown", language)


def calendar_kinds(events: Sequence[Event], tables: Tables) -> list[Kind]:
    """Kinds for the calendar's own categories: the category's words as written, in every
    language (a calendar keeps one language per category). A category that names no known
    kind ("Grāmatu svētki", "Lasīšanas maratons") is a kind of its own, a sort of the kind
    its events' titles give when they all give the same one; one that says more than a known
    kind's word ("Tikšanās ar autoru" of "meeting") is a sort of that kind."""
    by_category: dict[str, list[Event]] = {}
    for event in events:
        if event.categories and event.categories[0].strip():
            by_category.setdefault(event.categories[0].strip(), []).append(event)
    aliases = _category_aliases(events, tables)
    found: dict[str, Kind] = {}
    for category in sorted(by_category):
        key = "category:" + words.fold(category)
        if key in found or not words.tokens(category):
            continue
        parent = _wider_kind(category, tables)
        if parent is None:
            continue  # a known kind's own word ("Seminārs", "Study visit")
        given = {e.kind for e in by_category[category] if e.kind}
        if len(given) > 1 or (given and parent and not given <= tables.family(parent)):
            continue  # events of several kinds: a topic or an audience, not a kind
        parent = parent or next(iter(given), "")
        pair = (category.lower(), category.lower())
        # The same kind in another language beside it ("Hakatons, Hackathon", "Dzejas
        # vakars, Poezijos vakaras"): the calendar's own translation names it too.
        also = sorted(
            {
                other.strip()
                for e in by_category[category]
                for other in e.categories[1:]
                if other.strip() and _same_words(category, other.strip(), tables)
            }
        )
        terms = (category, *_head_word(category, tables), *also, *aliases.get(category, ()))
        found[key] = Kind(key, {"lv": pair, "en": pair, "lt": pair}, terms, parent=parent)
    return [found[key] for key in sorted(found)]


def _category_aliases(events: Sequence[Event], tables: Tables) -> dict[str, tuple[str, ...]]:
    """A first category → the other categories that only ever come after it and name no
    known kind: the calendar's own translation of it ("Leļļu teātris, Puppet show";
    "Meistarklase, Meistriškumo klasė"), however many words each has. A category that also
    comes after another first one ("Bērniem", for children) is a topic, not a name."""
    after: dict[str, set[str]] = {}
    first = {e.categories[0].strip() for e in events if e.categories}
    for event in events:
        if not event.categories:
            continue
        for other in event.categories[1:]:
            after.setdefault(other.strip(), set()).add(event.categories[0].strip())
    aliases: dict[str, list[str]] = {}
    for other, leaders in sorted(after.items()):
        if (
            len(leaders) == 1
            and other
            and other not in first
            and words.tokens(other)
            # A known kind's own word is no translation; a phrase that only holds one
            # ("Reading circle" beside "Lasītāju pulciņš") is.
            and not any(
                hit.length == len(words.tokens(other))
                for hit in tables.kind_lexicon.scan(words.tokens(other), fuzzy=False)
            )
        ):
            aliases.setdefault(next(iter(leaders)), []).append(other)
    return {category: tuple(names) for category, names in aliases.items()}


def _same_words(first: str, second: str, tables: Tables) -> bool:
    """Whether two categories say the same in two languages: word for word, each pair
    in one shared word group or spelt alike ("hakatons", "hackathon")."""
    one, other = words.tokens(first), words.tokens(second)
    if not one or len(one) != len(other) or words.fold(first) == words.fold(second):
        return False
    return all(
        glossary.terms(a, tables) & glossary.terms(b, tables) - words.stems(a) - words.stems(b)
        or difflib.SequenceMatcher(None, words.fold(a), words.fold(b)).ratio() >= SPELT_ALIKE
        for a, b in zip(one, other, strict=True)
    )


def _head_word(category: str, tables: Tables) -> tuple[str, ...]:
    """The last word of a category of several ("maratons" of "Lasīšanas maratons"), which
    alone names it too, unless it is a question's own word ("pasākumi", events)."""
    tokens = words.tokens(category)
    if len(tokens) < 2 or vocabulary.is_stop(tokens[-1], tables) or len(tokens[-1]) < 4:
        return ()
    if any(hit.length == 1 for hit in tables.concept_lexicon.scan(tokens[-1:], fuzzy=False)):
        return ()
    return (tokens[-1],)


def _wider_kind(category: str, tables: Tables) -> str | None:
    """The known kind a category is a sort of ("Tikšanās ar autoru" of "meeting": it names
    more than the kind's word), "" when it names no known kind, None when it is no more
    than a known kind's word."""
    tokens = words.tokens(category)
    hits = tables.kind_lexicon.scan(tokens, fuzzy=False)
    if not hits:
        return ""
    covered = {i for hit in hits for i in hit.positions}
    rest = [
        w
        for i, w in enumerate(tokens)
        if i not in covered and not w.isdigit() and not vocabulary.is_stop(w, tables)
    ]
    return hits[0].value if rest else None


def detect_language(
    text: str,
    question_words: Sequence[str],
    detector: LanguageDetector | None,
    hint: str | None,
    tables: Tables | None = None,
) -> str:
    """The question's language: its known words, else the detector on longer texts, else the
    asker's own language."""
    votes = vocabulary.language_votes(question_words, tables)
    ranked = sorted(votes.items(), key=lambda kv: -kv[1])
    if ranked[0][1] > 0 and ranked[0][1] - ranked[1][1] >= 1.0:
        return ranked[0][0]
    if ranked[0][1] > 0 and ranked[0][1] - ranked[1][1] < 1.0:
        # Words two languages share once folded ("kada bus"): the one that writes them so.
        close = [lang for lang, vote in ranked if ranked[0][1] - vote < 1.0 and vote > 0]
        spelled = vocabulary.spelling_votes(question_words, tables)
        best = max(spelled[lang] for lang in close)
        leaders = [lang for lang in close if spelled[lang] == best]
        if len(close) > 1 and len(leaders) == 1 and best > 0:
            return leaders[0]
    if detector is not None and len(question_words) >= SHORT_QUESTION:
        detected = detector.detect(text)
        if detected in LANGUAGES:
            return detected
    if ranked[0][1] > ranked[1][1] and (hint is None or votes.get(hint, 0) < ranked[0][1]):
        return ranked[0][0]
    return hint if hint in LANGUAGES else "lv"


def _held_within(span: when.Span, zone: tzinfo) -> Callable[[Series], bool]:
    """Whether a series has an occurrence in the period, worked out once per series."""
    start, end = span.bounds(zone)
    seen: dict[tuple[str, str], bool] = {}

    def held(series: Series) -> bool:
        key = (series.calendar, series.uid)
        if key not in seen:
            seen[key] = any(e.start < end and e.end > start for e in series.occurrences)
        return seen[key]

    return held


def _overlapping(events: Sequence[Event], span: when.Span, zone: tzinfo) -> list[Event]:
    start, end = span.bounds(zone)
    return [e for e in events if e.start < end and e.end > start]


def _names_event(
    named: TitleMatch, kind: str, cue: bool, concepts: set[str], tables: Tables
) -> bool:
    if named.question_share < NAME_SHARE or named.score <= 0:
        return False
    if not cue and named.title_share < 0.6:
        # "Kas ir IFLA?" is not a question about the webinar "IFLA jaunumi".
        return False
    family = tables.family(kind)
    same_kind = any(e.kind in family for e in named.series.occurrences) or bool(
        title_kinds(named.series, tables) & family
    )
    if kind and not same_kind:
        # "the next seminar in Riga" should not be taken for a festival in Riga; but
        # "viršūnių susitikimas" (a summit) names the Summit, whatever kind "susitikimas" is.
        return named.title_share >= 0.99 or (
            named.question_share >= SURE_NAME and named.title_share >= 0.6
        )
    if kind and not concepts & {"next", "upcoming"} and named.question_share >= SURE_NAME:
        # "the annual meeting", "the autumn conference": every other word of the question is
        # in this one event's title.
        return True
    # Every naming word asked is in the title, some in another language ("samits" for the
    # "… Summit 2027"): as sure as when they are all in its own words.
    return named.title_share >= 0.3 or named.question_share >= 0.99 or named.complete


SECTION_NUMBER = re.compile(r"^\s*\d+(?:\.\d+)*\.\s+")
# Words before a town that make it the place asked ("in Kaunas", "uz Rīgu", "į Vilnių").
PLACE_WORDS = frozenset({"in", "at", "near", "around", "uz", "pie", "i", "prie", "netoli"})
# Locative endings (lv, lt): "Rīgā", "Talsos", "Cēsīs", "Kaune", "Vilniuje", "Šiauliuose".
LOCATIVE = ("ā", "ē", "ī", "ū", "os", "ās", "ēs", "īs", "ūs", "je", "uose", "ose", "e")


def _as_place(question_words: list[str], index: int) -> bool:
    """Whether a town is asked as the place (after "in", or in the locative), rather than
    as a word of a title ("Ventspils ostas grāmatas", "Vilniaus knygų mugė")."""
    before = words.fold(question_words[index - 1]) if index > 0 else ""
    return before in PLACE_WORDS or question_words[index].endswith(LOCATIVE)


def _names_across_languages(
    named: TitleMatch,
    kind: str,
    question_words: list[str],
    skip: set[int],
    knowledge: Knowledge,
) -> bool:
    """Whether a question of the event's own kind names it partly in another language: the
    title has at least half of its naming words asked, and each other naming word of the
    question is one the calendar never uses, no more of them than the title's words not
    asked ("the Ventspils port books exhibition" for "Izstāde „Ventspils ostas grāmatas”")."""
    if not kind or named.title_share < 0.5 or named.score <= 0:
        return False
    if not any(e.kind in knowledge.tables.family(kind) for e in named.series.occurrences):
        return False
    naming = [
        w
        for i, w in enumerate(question_words)
        if i not in skip
        and not w.isdigit()
        and len(w) > 1
        and not vocabulary.is_stop(w, knowledge.tables)
    ]
    strange = [w for w in naming if not _known(knowledge, w)]
    found = [w for w in naming if w not in strange]
    missing = knowledge.titles.unasked(named, naming)
    return bool(found) and 0 < len(strange) <= missing


def _by_name(
    language: str,
    series: Series,
    now: datetime,
    asked_where: bool,
    span: when.Span | None,
    zone: tzinfo,
) -> Answer:
    ahead = [e for e in series.occurrences if e.end > now]
    # "the IFLA webinar in February": that month's occurrence, even if it is cancelled.
    within = _overlapping(ahead, span, zone) if span else []
    if within:
        chosen = next((e for e in within if not e.cancelled), within[0])
        return Answer("event_by_name", language, events=(chosen,), asked_where=asked_where)
    live = next((e for e in ahead if not e.cancelled), None)
    chosen = live or (ahead[0] if ahead else series.occurrences[-1])
    return Answer(
        "event_by_name",
        language,
        events=(chosen,),
        cancelled=tuple(e for e in ahead[:1] if e.cancelled and e != chosen),
        asked_where=asked_where,
    )


def _held_in(
    knowledge: Knowledge, named: TitleMatch, question_words: list[str], towns: set[int]
) -> bool:
    """Whether the named event takes place in one of the question's towns."""
    return any(
        knowledge.at(event, question_words[i])
        for event in named.series.occurrences[:1]
        for i in towns
    )


def _stop_word_lookalike(hit: words.Found[str], question_words: list[str], tables: Tables) -> bool:
    """A function word that only shares a stem with a concept's word ("notiks", will take
    place, is not "notikums", an event)."""
    if hit.length != 1:
        return False
    word = question_words[hit.start]
    if vocabulary.is_stop(word, tables) and not words.stems(word) & tables.concept_stems.get(
        hit.value, frozenset()
    ):
        return True  # a function word one typo from a concept's word: "gali" (can), not "goal"
    if hit.value not in LISTING:
        return False
    exact = words.fold(word) in tables.concept_words.get(hit.value, frozenset())
    return not exact and vocabulary.is_stop(word, tables)


def _title_word_lookalike(
    hit: words.Found[str], question_words: list[str], knowledge: Knowledge
) -> bool:
    """A word of some event's title that only resembles a concept's word ("valdes", of the
    board, is not "values")."""
    if hit.length != 1:
        return False
    word = question_words[hit.start]
    tables = knowledge.tables
    # A word of a word group, as written, is that word, not another's typo or a word that
    # only stems alike ("data" is not "date"), unless it is the concept's own word or its
    # group is the concept's ("partnerystė" of partners).
    folded = words.fold(word)
    groups = tables.word_groups.get(folded, frozenset())
    concept_words = tables.concept_words.get(hit.value, frozenset())
    if groups and folded not in concept_words:
        concept_groups = {t for w in concept_words for t in tables.word_groups.get(w, ())}
        return not groups & concept_groups
    stems = words.stems(word)
    if stems & tables.concept_stems.get(hit.value, frozenset()):
        return False
    # By its stems and their groups, not by a group whose word only begins it: "pasākms" (a
    # typo of "pasākums", event) is not a case form of "pasaka" (a tale).
    table = tables.synonym_table
    own = stems | {t for s in stems for t in table.get(s, ())}
    return bool(own & knowledge.titles.terms)


def _tense(question_words: Sequence[str], tables: Tables) -> str:
    """ "past" or "future" when the question's words say so, else ""."""
    folded = {words.fold(w) for w in question_words}
    for tense in ("past", "future"):
        if folded & tables.tense_words.get(tense, frozenset()):
            return tense
    return ""


def _known(knowledge: Knowledge, word: str) -> bool:
    """Whether the calendar (titles, places) uses the word in any form."""
    return knowledge.titles.knows(word) or knowledge.names_a_place(word)


def _about_something_else(
    question_words: list[str], taken: set[int], knowledge: Knowledge, plan: PlanIndex
) -> bool:
    """Whether the question's naming words beside a topic's word are two or more, and none of
    them is a word the plan or the calendar uses in any language: the topic's word is then
    another matter's ("the match results yesterday", "the exchange rate in 2027"; asked
    with a period, as everyday questions are)."""
    other = _unexplained(question_words, taken, knowledge.tables)
    return len(other) >= 2 and not any(
        _known(knowledge, w) or any(plan.known(t) for t in question_terms([w], plan.tables))
        for w in other
    )


def _unexplained(question_words: list[str], taken: set[int], tables: Tables) -> list[str]:
    """Naming words the question has beyond periods, kinds and question words (an English
    question word with a typo, "wat", "wen", is one)."""
    return [
        w
        for i, w in enumerate(question_words)
        if i not in taken
        and len(w) > 1
        and not w.isdigit()
        and not vocabulary.is_stop(w, tables)
        and not vocabulary.is_misspelt_stop(w, tables)
    ]


def _place_filter(knowledge: Knowledge, leftover: list[str]) -> str:
    """The leftover word that names a place of some event ("Rīgā", "Vilniuje"), if any."""
    return next((w for w in leftover if knowledge.names_a_place(w)), "")


def _place_stems(text: str, tables: Tables) -> frozenset[str]:
    """A place's stems and the towns (data/towns.toml) its words are forms of: "Šauļos" is
    Šiauliai."""
    found: set[str] = set()
    for token in words.tokens(text):
        folded = words.fold(token)
        # A case form typed without diacritics ("Bauskeje", "Siauliuose") that the stemmers
        # do not cut: its ending off.
        for ending in _CASE_ENDINGS:
            if folded.endswith(ending) and len(folded) - len(ending) >= 4:
                found.add(folded[: -len(ending)])
                break
        for stem in words.stems(token):
            if len(stem) >= 4:
                found.add(stem)
            found |= tables.synonym_table.get(stem, frozenset()) & tables.town_terms
        if 3 <= len(folded) <= SHORT_PLACE:
            # A short name whose stems are too short to tell ("Ape", "Apē", "Apes"): the
            # word itself, and without a one-letter case ending.
            found.add("=" + folded)
            if len(folded) > 3 and folded[-1] in "aeisu":
                found.add("=" + folded[:-1])
    return frozenset(found)


SHORT_PLACE = 5  # letters of a place name short enough to be matched whole


# Case endings of town names, folded, longest first (lt locative, genitive; lv locative).
_CASE_ENDINGS = ("iuose", "uose", "eje", "oje", "yje", "ije", "os", "as", "ai", "e", "a", "i", "u")


def _town_stems(place: str, tables: Tables) -> frozenset[str]:
    """The stems of a place's one-word parts ("…, Mūkusalas iela 3, Rīga" → Rīga): towns and
    countries, not the "national" and "library" of an institution's name."""
    towns = [part for part in place.split(",") if len(words.tokens(part)) == 1]
    # A known town's word inside a longer part ("Tiešsaistē / nuotoliniu būdu (Zoom)").
    towns += [
        token
        for part in place.split(",")
        if len(words.tokens(part)) > 1
        for token in words.tokens(part)
        if any(
            tables.synonym_table.get(s, frozenset()) & tables.town_terms for s in words.stems(token)
        )
    ]
    return _place_stems(" ".join(towns), tables)


def _next(
    language: str,
    knowledge: Knowledge,
    now: datetime,
    kind: str,
    asked_where: bool,
    place: str = "",
) -> Answer:
    # An event already under way (a three-day congress on its second day) is not "next".
    called_off: Event | None = None
    for event in knowledge.from_time(now):
        if (kind and not knowledge.of_kind(event, kind)) or (
            place and not knowledge.at(event, place)
        ):
            continue
        if event.cancelled:
            called_off = called_off or event
            continue
        return Answer("next_event", language, events=(event,), kind=kind, asked_where=asked_where)
    if called_off is not None and (kind or place):
        # "Is the blood donation day in Daugavpils still happening?": the one there was is
        # cancelled, and saying so answers it; no other is offered in its place.
        return Answer("event_by_name", language, events=(called_off,), asked_where=asked_where)
    return Answer("next_event", language, kind=kind, asked_where=asked_where)


def _in_period(
    language: str,
    knowledge: Knowledge,
    now: datetime,
    span: when.Span,
    kind: str,
    place: str = "",
    past: bool = False,
) -> Answer:
    start, end = span.bounds(knowledge.zone)
    # Multi-day events that began before the period still count, so look back a while.
    earlier = knowledge.from_time(start - timedelta(days=62))
    chosen: list[Event] = []
    cancelled: list[Event] = []
    others: list[Event] = []
    # A period already over ("last week", "What was on in September?") lists what was on; so
    # does one asked in the past tense ("What was on earlier this month?"), up to now.
    floor = start if end <= now or past else max(start, now)
    # The days gone of a period named whole (a month, a range from a date gone) asked in
    # the present: what took place then is listed apart, as over.
    whole = not past and start < now < end and span.start < now.astimezone(knowledge.zone).date()
    gone: list[Event] = []
    for event in earlier:
        if event.start >= end or (past and event.start >= now):
            break
        if place and not knowledge.at(event, place):
            continue
        if event.end <= floor:
            if whole and event.end > start and (not kind or knowledge.of_kind(event, kind)):
                (cancelled if event.cancelled else gone).append(event)
            continue
        if kind and not knowledge.of_kind(event, kind):
            if not event.cancelled:
                others.append(event)
            continue
        (cancelled if event.cancelled else chosen).append(event)
    return Answer(
        "events_in_period",
        language,
        events=tuple(chosen[:MAX_LISTED]),
        kind=kind,
        period=span,
        cancelled=tuple(cancelled[:MAX_LISTED]),
        more=max(0, len(chosen) - MAX_LISTED) if chosen else max(0, len(others) - MAX_LISTED),
        others=() if chosen else tuple(others[:MAX_LISTED]),
        earlier=tuple(gone[-MAX_LISTED:]),
        earlier_more=max(0, len(gone) - MAX_LISTED),
    )


def _plan_topic(
    language: str,
    plan: PlanIndex,
    topic: str,
    question_words: list[str],
    taken: set[int],
    concepts: set[str],
) -> Answer:
    """The section whose heading names the topic; of several ("Strateginiai tikslai" and its
    "3 tikslas. Skaitanti mokykla"), the one whose heading shares most words with the question,
    then the higher one. A plan without a "mission" heading answers "mission" with its goal,
    and the other way round."""
    lexicon = vocabulary.concepts(plan.tables)
    for wanted in (topic, *plan.tables.topic_fallback.get(topic, ())):
        headed = _topic_headings(plan, wanted) or _topic_headings(plan, wanted, title=True)
        if headed:
            asked = (
                {w for w in question_words if w.isdigit()}
                | {
                    hit.value
                    for hit in plan.tables.ordinal_lexicon.scan(question_words, fuzzy=False)
                }
                | _lettered(question_words, wanted, lexicon)
            )
            chosen = max(
                headed,
                key=lambda entry: (
                    bool(asked & _numbered(entry[1].heading, wanted, lexicon)),
                    # "2. prioritāte: …": its own number is the priority's.
                    bool(asked & _numbered(entry[1].heading, wanted, lexicon, own=True)),
                    *_heading_rank(entry, question_words, plan),
                ),
            )[1]
            # (Its own numbering counted, the numbers are a superset of those without.)
            if not asked & _numbered(chosen.heading, wanted, lexicon, own=True):
                # "goal B open data" names goal B by its letter, whatever its parts say.
                part = _part_about(plan, chosen, wanted, question_words)
                shared = {
                    _heading_rank(entry, question_words, plan)[0]
                    for entry in headed
                    if entry[1].parent == chosen.parent
                }
                if part is not None:
                    chosen = part
                elif len(shared) == 1:  # no word of the question tells the parts apart
                    # "what are your priorities": the part that holds them all, when it is
                    # not the whole plan's title ("Ko mēs darīsim līdz 2028. gadam?" over
                    # "1. prioritāte …", "2. prioritāte …").
                    chosen = _holder(plan, chosen, headed) or chosen
            under = tuple(s for s in plan.plan.sections if s.parent == chosen.heading)
            return Answer("plan", language, sections=(chosen,), topic=topic, subsections=under)
    # No heading names it, but the topic is one a plan has: where the plan speaks of it in
    # any of the topic's words ("no kurienes nāk finansējums" of a plan whose "Resources"
    # say it "is funded by … grants"), the question's other words deciding between places.
    spoken = _topic_search(language, plan, topic, question_words)
    if spoken is not None:
        return spoken
    # Else what the plan says about the question's other words, if anything. Its own words
    # count: "nario mokestis" is found in the funding section; but only when the plan has
    # every word of the question ("Kiek kainuoja nario mokestis?" it does not say).
    return _plan_or_unknown(language, plan, question_words, set(), concepts)


def _topic_headings(plan: PlanIndex, topic: str, title: bool = False) -> list[tuple[int, Section]]:
    """The sections (with their place) whose heading names the topic, the plan's title not
    among them (it names the association, "… partnerības darbības plāns"); with `title`,
    only the title, when it does."""
    lexicon = vocabulary.concepts(plan.tables)
    own_title = _plan_title(plan)
    return [
        (number, section)
        for number, section in enumerate(plan.plan.sections)
        if (section is own_title) == title
        # A heading is written with care: its words, not a typo's lookalike ("Tīkla plāns",
        # the network's plan, has no "tikslas", goal).
        and (
            any(
                hit.value == topic
                for hit in lexicon.scan(words.tokens(section.heading), fuzzy=False)
            )
            or _compound_names(section.heading, topic, plan.tables)
            or _own_language_heading(section.heading, topic, plan)
        )
    ]


def _topic_search(
    language: str, plan: PlanIndex, topic: str, question_words: list[str]
) -> Answer | None:
    """The plan's passages that speak of the topic in its own words (any language), best
    matching the question's other words; None when the plan never uses them."""
    tables = plan.tables
    said = sorted(
        {
            t
            for w in tables.concept_words.get(topic, frozenset())
            if not vocabulary.is_stop(w, tables)
            for t in glossary.terms(w, tables)
            if plan.known(t)
        }
    )
    if not said:
        return None
    at_topic = {
        i
        for hit in vocabulary.concepts(tables).scan(question_words)
        if hit.value == topic
        for i in hit.positions
    }
    content = [i for i, w in enumerate(question_words) if not vocabulary.is_stop(w, tables)]
    if (
        content
        and content[-1] not in at_topic
        and not any(plan.known(t) for t in question_terms([question_words[content[-1]]], tables))
    ):
        # The head noun comes last (lv, en, lt): "How much is the membership fee?" asks of a
        # fee, and a plan that never says "fee" does not answer it in its members' words.
        return None
    others = [question_terms([question_words[i]], tables) for i in content if i not in at_topic]
    passages = [
        p
        for p in plan.search([said, *others], weights=[TOPIC_WEIGHT] + [1.0] * len(others))
        if _content_terms(words.tokens(p.text), tables) & set(said)
    ]
    if not passages:
        return None
    sections: list[Section] = []
    for passage in passages:
        if passage.score >= 0.6 * passages[0].score and passage.section not in sections:
            sections.append(passage.section)
    return Answer(
        "plan", language, sections=tuple(sections), passages=tuple(passages), topic="search"
    )


def _part_about(
    plan: PlanIndex, section: Section, topic: str, question_words: list[str]
) -> Section | None:
    """The part of the section that the question's other words are about ("the goal about
    dementia": the sub-goal whose text speaks of dementia), if one is."""
    tables = plan.tables
    parts = {s.heading for s in plan.plan.sections if s.parent == section.heading}
    if not parts:
        return None
    lexicon = vocabulary.concepts(tables)
    said = {i for hit in lexicon.scan(question_words) for i in hit.positions}
    general = _general_stems(tables)
    other = [
        w
        for i, w in enumerate(question_words)
        if i not in said
        and w.isalpha()  # a number says which part, and the headings have them
        and not tables.ordinal_lexicon.scan([w], fuzzy=False)
        and not vocabulary.is_stop(w, tables)
        and not words.stems(w) & general
        and any(plan.known(t) for t in question_terms([w], tables))
    ]
    if not other:
        return None
    for passage in plan.search([question_terms([w], tables) for w in other]):
        if passage.section.heading in parts:
            return passage.section
    return None


# Letters a compound's first part has at least ("virs" of "virsmērķis", the overall goal):
# fewer ("ko" of "komisija") and the word is another one that only ends alike.
COMPOUND_HEAD = 4


def _compound_names(heading: str, topic: str, tables: Tables) -> bool:
    """Whether a heading word is a compound ending in one of the topic's words ("Virsmērķis
    un apakšmērķi", "Pamatuzdevumi"): Latvian and Lithuanian join a noun to a word before."""
    ends = _word_stems_of(topic, tables)
    return any(
        (at := folded.find(end, COMPOUND_HEAD)) >= COMPOUND_HEAD
        and len(folded) - at - len(end) <= 2  # then only an ending
        for folded in (words.fold(token) for token in words.tokens(heading))
        for end in ends
    )


@lru_cache(maxsize=256)
def _word_stems_of(topic: str, tables: Tables) -> tuple[str, ...]:
    """The topic's one-word names of five letters or more, folded, their last letter cut
    (the ending differs: "mērķis", "apakšmērķi")."""
    names = (phrase.strip() for phrase in tables.concepts.get(topic, ()))
    return tuple(words.fold(name)[:-1] for name in names if " " not in name and len(name) >= 5)


@lru_cache(maxsize=16)
def _title_terms(plan: PlanIndex) -> frozenset[str]:
    """The terms of the plan title's words that are not function words (none without a
    title)."""
    title = _plan_title(plan)
    return frozenset(_content_terms(words.tokens(title.heading), plan.tables) if title else ())


def _plan_title(plan: PlanIndex) -> Section | None:
    """The plan's title: its first heading, when it is the only one of the top level and
    every other heading comes under it."""
    sections = plan.plan.sections
    if len(sections) < 2 or any(s.level <= sections[0].level for s in sections[1:]):
        return None
    return sections[0]


def _title_words(
    plan: PlanIndex, question_words: list[str], found: Sequence[words.Found[str]]
) -> set[str]:
    """The topics the question asks only by words of the plan's title."""
    title = _plan_title(plan)
    if title is None:
        return set()
    terms = _title_terms(plan)
    by_topic: dict[str, bool] = {}
    for hit in found:
        inside = all(glossary.terms(question_words[i], plan.tables) & terms for i in hit.positions)
        by_topic[hit.value] = by_topic.get(hit.value, True) and inside
    return {topic for topic, inside in by_topic.items() if inside}


def _title_head_asked(
    plan: PlanIndex, question_words: list[str], found: Sequence[words.Found[str]], topic: str
) -> bool:
    """Whether the question names the topic by the title's last word, what the document is
    ("kryptys" of "… plėtros kryptys 2028–2030")."""
    title = _plan_title(plan)
    if title is None:
        return False
    named = [
        t
        for t in words.tokens(title.heading)
        if t.isalpha() and not vocabulary.is_stop(t, plan.tables)
    ]
    if not named:
        return False
    head = glossary.terms(named[-1], plan.tables)
    return any(
        glossary.terms(question_words[i], plan.tables) & head
        for hit in found
        if hit.value == topic
        for i in hit.positions
    )


def _holder(
    plan: PlanIndex, chosen: Section, headed: Sequence[tuple[int, Section]]
) -> Section | None:
    """The section above the chosen one when it holds two or more of the headings that name
    the topic, and is not the plan's title."""
    if not chosen.parent:
        return None
    siblings = [s for _, s in headed if s.parent == chosen.parent]
    parent = next((s for s in plan.plan.sections if s.heading == chosen.parent), None)
    if len(siblings) < 2 or parent is None or parent is _plan_title(plan):
        return None
    return parent


def _numbered(heading: str, topic: str, lexicon: words.Lexicon[str], own: bool = False) -> set[str]:
    """The numbers a heading gives next to its topic word ("2.2. 2. prioritāte: …", "Goal 2:
    Reading", "3 tikslas"): "priority 2", "2 prioritetas", "kas ir 2. prioritāte" ask it.
    With `own`, its own numbering counts too ("2. prioritāte: …")."""
    # The heading's own numbering ("2.", "2.2.") is where it stands, not what it numbers.
    tokens = words.tokens(heading if own else SECTION_NUMBER.sub("", heading, count=1))
    at = {
        i for hit in lexicon.scan(tokens, fuzzy=False) if hit.value == topic for i in hit.positions
    }
    return {
        w
        for i, w in enumerate(tokens)
        if (w.isdigit() or _is_letter(w)) and (i - 1 in at or i + 1 in at)
    }


def _lettered(question_words: list[str], topic: str, lexicon: words.Lexicon[str]) -> set[str]:
    """The letters a question gives right after its topic word ("virziens B", "direction
    c", "kryptis A"): a plan that letters its parts the way others number them."""
    return {
        question_words[i + 1]
        for hit in lexicon.scan(question_words)
        if hit.value == topic
        for i in (max(hit.positions),)
        if i + 1 < len(question_words) and _is_letter(question_words[i + 1])
    }


def _is_letter(word: str) -> bool:
    return len(word) == 1 and word.isalpha()


def _heading_rank(
    entry: tuple[int, Section], question_words: list[str], plan: PlanIndex
) -> tuple[int, int, int]:
    """Most words shared with the question, then the higher heading, then the first."""
    number, section = entry
    tables = plan.tables
    # "the association's goals": every heading of its plan is the association's.
    general = _general_stems(tables)
    asked = _content_terms([w for w in question_words if not words.stems(w) & general], tables)
    shared = asked & _content_terms(words.tokens(section.heading), plan.tables)
    return len(shared), -section.level, -number


def _general_stems(tables: Tables) -> frozenset[str]:
    """The stems of the words for the association and its plan: every heading is theirs."""
    concepts = tables.concept_stems
    return concepts.get("association", frozenset()) | concepts.get("plan", frozenset())


def _content_terms(text_words: Sequence[str], tables: Tables) -> set[str]:
    """The terms (stems and shared ~terms) of the words that are not function words."""
    return {
        t
        for w in text_words
        if not vocabulary.is_stop(w, tables)
        for t in glossary.terms(w, tables)
    }


def _defined_term(plan: PlanIndex | None, question_words: list[str]) -> Section | None:
    """The section that defines the term the question asks the meaning of ("Ko nozīmē
    PID?", "what is ORCID", "ką reiškia FAIR principai"): the question has the term's words
    and, beside them, only question words and words for meaning; never a plan topic ("kāda
    ir misija"), asked otherwise (nor, by the caller, a period or a kind)."""
    if plan is None or not plan.definitions:
        return None
    tables = plan.tables
    meaning = tables.concept_words.get("meaning", frozenset())
    asked = [
        w
        for w in question_words
        if not vocabulary.is_stop(w, tables) and words.fold(w) not in meaning
    ]
    asks = any(words.fold(w) in meaning for w in question_words) or any(
        "what" in tables.interrogative_meanings.get(words.fold(w), ()) for w in question_words
    )
    if not asked or not asks:
        return None
    if any(
        hit.value in tables.topics and hit.value != "glossary"
        for hit in vocabulary.concepts(tables).scan(asked, fuzzy=False)
    ):
        return None
    for term, section in plan.definitions.items():
        own = [t for t in words.tokens(term) if not vocabulary.is_stop(t, tables)]
        own = own or words.tokens(term)
        if len(own) == len(asked) and all(
            words.fold(a) == t or glossary.terms(a, tables) & glossary.terms(t, tables)
            for a, t in zip(asked, own, strict=True)
        ):
            return section
    return None


def _counts(
    question_words: list[str], found: Sequence[words.Found[str]], concepts: set[str]
) -> bool:
    """Whether the question asks how many ("cik ORCID konsultāciju", "how many meetups"),
    not how long or how much it costs ("cik ilgi", "kiek kainuos")."""
    if "cost" in concepts:
        return False
    for hit in found:
        if hit.value == "count":
            after = max(hit.positions) + 1
            if after < len(question_words) and words.fold(question_words[after]) not in _HOW_LONG:
                return True
    return False


# "How long" after "how" ("cik ilgi", "kiek ilgai"): a duration, not a number of events.
_HOW_LONG = frozenset({"ilgi", "ilgai", "ilgu", "long", "laika", "laiko"})


def _yes_no(question_words: Sequence[str], tables: Tables) -> bool:
    """Whether the question opens with a word of a yes-or-no question ("vai", "ar", "is")."""
    return bool(question_words) and words.fold(question_words[0]) in tables.yes_no_words


def _own_language_topics(
    question_words: list[str],
    taken: set[int],
    found: Sequence[words.Found[str]],
    language: str,
    tables: Tables,
) -> list[words.Found[str]]:
    """The topics the question names by words that name them only in its own language
    ("no kurienes nāk nauda": lv "nauda" is money; lt "nauda" is benefit)."""
    used = taken | {i for hit in found for i in hit.positions}
    return [
        words.Found(topic, i, 1)
        for i, topic in _one_language_words(question_words, language, tables)
        if i not in used
    ]


def _own_language_heading(heading: str, topic: str, plan: PlanIndex) -> bool:
    """Whether a heading names the topic by a word that names it only in the plan's own
    language ("Nauda" of a Latvian plan)."""
    tokens = words.tokens(heading)
    return any(t == topic for _, t in _one_language_words(tokens, plan.language, plan.tables))


def _one_language_words(
    text_words: Sequence[str], language: str, tables: Tables
) -> list[tuple[int, str]]:
    """(position, topic) of the words that name a topic in `language` only, unless a noun
    stands before one: that makes it a sort of the thing ("biedra nauda", a membership fee,
    is asked wherever the plan says it, not the plan's funding)."""
    stems = tables.topic_stems(language) if language else {}
    return [
        (i, topic)
        for i, w in enumerate(text_words)
        if stems and (i == 0 or vocabulary.is_stop(text_words[i - 1], tables))
        for topic in sorted({t for stem in words.stems(w) for t in stems.get(stem, ())})
    ]


def _asked_heading(
    plan: PlanIndex, question_words: list[str], concepts: set[str]
) -> Section | None:
    """The heading written as the question asked ("Kāpēc šī karte" for "kodėl reikalingas šis
    planas", "Kas atbild" for "who is responsible for the plan?", "Ar ko mēs strādājam kopā?"
    for "with which organisations do you cooperate"): a question word asking the same opens
    it (or follows its preposition), and its other words are the question's (in any
    language, or words of a concept the question asks: "Cik tas maksās?" for "how much will
    it cost") or the plan's own name."""
    tables = plan.tables
    meanings = tables.interrogative_meanings
    asks = {m for w in question_words for m in meanings.get(words.fold(w), ())}
    if not asks or kinds.find(question_words, tables=tables)[0]:
        return None
    general = _general_stems(tables) | _title_terms(plan)
    lexicon = vocabulary.concepts(tables)

    def own(tokens: Sequence[str]) -> list[tuple[str, frozenset[str]]]:
        return [
            (w, terms)
            for w in tokens
            if not vocabulary.is_stop(w, tables) and words.fold(w) not in meanings
            if not (terms := glossary.terms(w, tables)) & general
        ]

    asked = own(question_words)
    asked_terms = {t for _, terms in asked for t in terms}
    names_plan = bool(concepts & {"plan", "association"}) or any(
        glossary.terms(w, tables) & general for w in question_words
    )
    chosen: tuple[tuple[int, int, int], Section] | None = None
    for number, section in enumerate(plan.plan.sections):
        tokens = words.tokens(SECTION_NUMBER.sub("", section.heading, count=1))
        opening = next(
            (
                i
                for i, t in enumerate(tokens[:2])
                if meanings.get(words.fold(t), frozenset()) & asks
            ),
            None,
        )
        if opening is None or all(vocabulary.is_stop(t, tables) for t in tokens[opening + 1 :]):
            continue  # a heading of a question word alone ("Kas?") answers nothing asked
        heading = own(tokens[opening + 1 :])
        # ("Cik tas maksās?": "cik maksās" is the concept, "tas" between says nothing.)
        bare = [t for t in tokens if words.fold(t) in meanings or not vocabulary.is_stop(t, tables)]
        covered = {
            words.fold(bare[i])
            for hit in lexicon.scan(bare, fuzzy=False)
            if hit.value in concepts and hit.value not in {"when", "where", "plan", "association"}
            for i in hit.positions
        }
        matched = sum(
            1 for word, terms in heading if terms & asked_terms or words.fold(word) in covered
        )
        said = {t for _, terms in heading for t in terms}
        unmatched = sum(1 for _, terms in asked if not terms & said)
        if unmatched > 1 or (heading and matched * 2 < len(heading)):
            continue
        if not heading and not names_plan:
            continue
        rank = (matched, -unmatched, -number)
        if chosen is None or rank > chosen[0]:
            chosen = (rank, section)
    return chosen[1] if chosen is not None else None


def _plan_search(
    language: str,
    plan: PlanIndex,
    question_words: list[str],
    taken: set[int],
    concepts: set[str],
) -> Answer | None:
    content = [
        w
        for i, w in enumerate(question_words)
        if i not in taken and not vocabulary.is_stop(w, plan.tables)
    ]
    about_plan = bool(concepts & {"plan", "association", "about"})
    about = _about_section(plan)
    asked = _asked_heading(plan, question_words, concepts)
    if asked is not None:
        return _whole_section(language, plan, asked)
    if not content:
        if about is not None and "association" in concepts and "plan" not in concepts:
            # "tell me about the association", "kas ir biedrība": its "Apie draugiją".
            return _whole_section(language, plan, about)
        if concepts & {"plan"}:
            return Answer("plan", language, sections=plan.plan.main_sections, topic="overview")
        return None
    title = _plan_title(plan)
    if (
        about is not None
        and title is not None
        and not concepts & {"plan"}
        and _content_terms(content, plan.tables) <= _title_terms(plan) | _general_stems(plan.tables)
    ):
        # "kas ir LUMBD", "what is the Latvian Library Association": the association's name
        # is the plan's title; what it is, its "About us" says.
        return _whole_section(language, plan, about)
    headed = _headed_by_phrase(plan, question_words, taken)
    if headed is not None:
        # "kiek kainuoja nario mokestis?" of a plan with "§ 4. Narystė ir nario mokestis": the
        # part headed by the very words asked, whatever else the question says.
        return _whole_section(language, plan, headed)
    terms = question_terms(content, plan.tables)
    known = [w for w in content if any(plan.known(t) for t in question_terms([w], plan.tables))]
    share = len(known) / len(content)
    rare = any(plan.rarity(t) >= 0.75 for t in terms if plan.known(t))
    if not (about_plan and known) and not (share >= 0.99 and rare):
        return None
    # The head noun weighs more than the word that modifies it: "nario mokestis" (a member's
    # fee) is asked of the fee, wherever the plan says it, more than of the members.
    positions = [
        i
        for i, w in enumerate(question_words)
        if i not in taken and not vocabulary.is_stop(w, plan.tables)
    ]
    weights = [
        MODIFIER_WEIGHT
        if positions[-1] == i + 1 and len(positions) > 1 and question_words[i].isalpha()
        else 1.0
        for i in positions
    ]
    adjacent = [
        (k, k + 1) for k in range(len(positions) - 1) if positions[k + 1] == positions[k] + 1
    ]
    passages = plan.search(
        [question_terms([w], plan.tables) for w in content], weights=weights, adjacent=adjacent
    )
    if "cost" in concepts:
        # "Kiek kainuoja nario mokestis?": where the plan gives an amount, or nothing.
        passages = [p for p in passages if any(c.isdigit() for c in p.text)]
    if not passages:
        return None
    best = passages[0].score
    kept = [p for p in passages if p.score >= 0.6 * best]
    # The title heads the whole plan and says nothing of its own: a part that has the
    # question's words is the answer ("What does LUMBD plan for research data?").
    kept = [p for p in kept if p.section is not title] or kept
    sections: list[Section] = []
    for passage in kept:
        if passage.section not in sections:
            sections.append(passage.section)
    return Answer("plan", language, sections=tuple(sections), passages=tuple(kept), topic="search")


def _whole_section(language: str, plan: PlanIndex, section: Section) -> Answer:
    """A section with its sub-sections."""
    under = tuple(s for s in plan.plan.sections if s.parent == section.heading)
    return Answer("plan", language, sections=(section,), topic="chapter", subsections=under)


@lru_cache(maxsize=16)
def _about_section(plan: PlanIndex) -> Section | None:
    """The section about the association itself ("Apie draugiją", "Par biedrību", "About
    us"): its heading says "about" and otherwise only names the association."""
    tables = plan.tables
    about_words = tables.concept_words.get("about", frozenset())
    title = _plan_title(plan)
    plan_stems = tables.concept_stems.get("plan", frozenset())
    # The association's words and its own name in the title, not the plan's: "Par
    # stratēģiju" (about the strategy) is no "About us".
    own = set(tables.concept_stems.get("association", frozenset())) | (
        {
            t
            for w in words.tokens(title.heading)
            if not vocabulary.is_stop(w, tables) and not words.stems(w) & plan_stems
            for t in glossary.terms(w, tables)
        }
        if title is not None
        else set()
    )
    for section in plan.plan.sections:
        if section is title:
            continue
        tokens = words.tokens(section.heading)
        if not any(words.fold(t) in about_words for t in tokens):
            continue
        rest = [t for t in tokens if words.fold(t) not in about_words]
        if all(vocabulary.is_stop(t, tables) or glossary.terms(t, tables) & own for t in rest):
            return section
    return None
