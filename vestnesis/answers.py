"""Question answering, pure: a question, the asker's language and the time give an Answer
resting on calendar events or plan sections. Nothing here does I/O."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo

from feeds.language import LanguageDetector
from storage import Event
from vestnesis import kinds, vocabulary, when, words
from vestnesis.plan import Passage, Plan, PlanIndex, Section, question_terms
from vestnesis.titles import Series, TitleIndex, TitleMatch

LANGUAGES = ("lv", "en", "lt")
MAX_LISTED = 12
UPCOMING_DAYS = 31
PLACE_DAYS = 366
# A question whose naming words a title covers this much is about that event.
NAME_SHARE = 0.6
SHORT_QUESTION = 3  # words; fewer than this, the language detector is not asked


@dataclass(frozen=True)
class Knowledge:
    """The calendar and the plan, indexed once for many questions."""

    events: tuple[Event, ...]
    titles: TitleIndex
    plan: PlanIndex | None
    zone: tzinfo
    detector: LanguageDetector | None = None
    _starts: tuple[datetime, ...] = field(default=(), repr=False)
    _places: dict[Event, frozenset[str]] = field(default_factory=dict, repr=False)
    _all_places: frozenset[str] = frozenset()

    @classmethod
    def build(
        cls,
        events: Sequence[Event],
        plan: Plan | None,
        zone: tzinfo,
        detector: LanguageDetector | None = None,
    ) -> Knowledge:
        """Index events (any order) and the plan."""
        ordered = tuple(sorted(events, key=lambda e: (e.start, e.title)))
        places = {e: _town_stems(e.place) for e in ordered if e.place}
        return cls(
            events=ordered,
            titles=TitleIndex(ordered),
            plan=PlanIndex(plan) if plan is not None else None,
            zone=zone,
            detector=detector,
            _starts=tuple(e.start for e in ordered),
            _places=places,
            _all_places=frozenset(s for stems in places.values() for s in stems),
        )

    def names_a_place(self, word: str) -> bool:
        """Whether the word is (a form of) a word of some event's place."""
        return bool(_place_stems(word) & self._all_places)

    def at(self, event: Event, word: str) -> bool:
        """Whether the event's place has the word."""
        return bool(_place_stems(word) & self._places.get(event, frozenset()))

    def from_time(self, moment: datetime) -> Sequence[Event]:
        """Events starting at or after `moment` (by start), cheaply."""
        return self.events[bisect.bisect_left(self._starts, moment) :]


@dataclass(frozen=True)
class Answer:
    """What the answer rests on; wording it is vestnesis.answer_text's job."""

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
    asked_where: bool = False


def answer(
    question: str, knowledge: Knowledge, now: datetime, language: str | None = None
) -> Answer:
    """Answer a member's question from the calendar and the plan."""
    text = question.strip()
    question_words = words.tokens(text)
    # The asker's language comes from their own words, not from an event title they name
    # ("Kada vyks Bibliotēku nedēļa?" is Lithuanian whatever the title's language).
    own = [
        w
        for w in question_words
        if vocabulary.is_function_word(w) or not knowledge.titles.names_word(w)
    ]
    asker = detect_language(
        " ".join(own) if own != question_words else text, own, knowledge.detector, language
    )
    zone = knowledge.zone
    today = now.astimezone(zone).date()
    span, taken = when.find(text, question_words, today)
    if span is None and any(w.isdigit() for w in question_words):
        span = when.parse_fallback(text, asker, today)
        taken = {i for i, w in enumerate(question_words) if w.isdigit()} if span else taken
    kind, kind_words = kinds.find(
        [w if i not in taken else "" for i, w in enumerate(question_words)]
    )
    taken |= kind_words
    friends = {
        i for i, w in enumerate(question_words) if w.startswith(vocabulary.FALSE_FRIEND_PREFIX)
    }
    found = vocabulary.concepts().scan(question_words, taken=taken | friends)
    concepts = {hit.value for hit in found}
    concept_words = {i for hit in found for i in hit.positions}
    taken |= concept_words
    asked_where = "where" in concepts

    plan = knowledge.plan
    topics = [c for c in vocabulary.PLAN_TOPICS if c in concepts]
    if plan is not None and "plan" in concepts and not topics:
        searched = _plan_search(asker, plan, question_words, concept_words, concepts)
        if searched is not None:
            return searched
    cue = bool(kind or concepts & {"when", "where", "cancel", "event", "next", "upcoming"})
    if topics and plan is not None and not cue:
        return _plan_topic(asker, plan, topics[0], question_words)
    named = knowledge.titles.best(question_words, taken, kind, now)
    if named is not None and span and not _overlapping(named.series.occurrences, span, zone):
        named = None  # "children's events in December": the period decides, not a January title
    if named is not None and _names_event(named, kind, cue):
        return _by_name(asker, named.series, now, asked_where, span, zone)
    if topics and plan is not None:
        return _plan_topic(asker, plan, topics[0], question_words)
    leftover = _unexplained(question_words, taken)
    place = _place_filter(knowledge, leftover) if leftover else ""
    # Words naming something the calendar does not have ("the Baltic conference", "Kauno
    # knygų mugė"): better an honest "I don't know" than another event offered in its place.
    unknown_name = [w for w in leftover if not knowledge.names_a_place(w)]
    listing = bool(kind or place or concepts & {"event", "upcoming"})
    if span is not None and (listing or not leftover) and not (unknown_name and not listing):
        return _in_period(asker, knowledge, now, span, kind, place)
    if "upcoming" in concepts and "next" not in concepts:
        # "upcoming seminars", "gaidāmie semināri": a list, not the one next.
        days = PLACE_DAYS if kind or place else UPCOMING_DAYS
        period = when.Span(today, today + timedelta(days=days), "range")
        return _in_period(asker, knowledge, now, period, kind, place)
    if "next" in concepts or (kind and not unknown_name):
        return _next(asker, knowledge, now, kind, asked_where, place)
    if (place or concepts & {"event", "upcoming"}) and not unknown_name:
        # A town's events are few: look further ahead for them than for everything.
        days = PLACE_DAYS if place else UPCOMING_DAYS
        period = when.Span(today, today + timedelta(days=days), "range")
        return _in_period(asker, knowledge, now, period, kind, place)
    if concepts & {"when", "where"} and not concepts & {"plan", "association", "about"}:
        return Answer("unknown", asker)  # a time or place asked of something not in the calendar
    if plan is not None:
        searched = _plan_search(asker, plan, question_words, concept_words, concepts)
        if searched is not None:
            return searched
    return Answer("unknown", asker)


def detect_language(
    text: str,
    question_words: Sequence[str],
    detector: LanguageDetector | None,
    hint: str | None,
) -> str:
    """The question's language: its known words, else the detector on longer texts, else the
    asker's own language."""
    votes = vocabulary.language_votes(question_words)
    ranked = sorted(votes.items(), key=lambda kv: -kv[1])
    if ranked[0][1] > 0 and ranked[0][1] - ranked[1][1] >= 1.0:
        return ranked[0][0]
    if detector is not None and len(question_words) >= SHORT_QUESTION:
        detected = detector.detect(text)
        if detected in LANGUAGES:
            return detected
    if ranked[0][1] > ranked[1][1] and (hint is None or votes.get(hint, 0) < ranked[0][1]):
        return ranked[0][0]
    return hint if hint in LANGUAGES else "lv"


def _overlapping(events: Sequence[Event], span: when.Span, zone: tzinfo) -> list[Event]:
    start, end = span.bounds(zone)
    return [e for e in events if e.start < end and e.end > start]


def _names_event(named: TitleMatch, kind: str, cue: bool) -> bool:
    if named.question_share < NAME_SHARE or named.score <= 0:
        return False
    if not cue and named.title_share < 0.6:
        # "Kas ir IFLA?" is not a question about the webinar "IFLA jaunumi".
        return False
    if kind and not any(e.kind == kind for e in named.series.occurrences):
        # "the next seminar in Riga" should not be taken for a festival in Riga.
        return named.title_share >= 0.99
    return named.title_share >= 0.3 or named.question_share >= 0.99


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


def _unexplained(question_words: list[str], taken: set[int]) -> list[str]:
    """Naming words the question has beyond periods, kinds and question words."""
    return [
        w
        for i, w in enumerate(question_words)
        if i not in taken and len(w) > 1 and not w.isdigit() and not vocabulary.is_stop(w)
    ]


def _place_filter(knowledge: Knowledge, leftover: list[str]) -> str:
    """The leftover word that names a place of some event ("Rīgā", "Vilniuje"), if any."""
    return next((w for w in leftover if knowledge.names_a_place(w)), "")


def _place_stems(text: str) -> frozenset[str]:
    return frozenset(s for w in words.tokens(text) for s in words.stems(w) if len(s) >= 4)


def _town_stems(place: str) -> frozenset[str]:
    """The stems of a place's one-word parts ("…, Mūkusalas iela 3, Rīga" → Rīga): towns and
    countries, not the "national" and "library" of an institution's name."""
    towns = [part for part in place.split(",") if len(words.tokens(part)) == 1]
    return _place_stems(" ".join(towns))


def _next(
    language: str,
    knowledge: Knowledge,
    now: datetime,
    kind: str,
    asked_where: bool,
    place: str = "",
) -> Answer:
    # An event already under way (a three-day congress on its second day) is not "next".
    for event in knowledge.from_time(now):
        if (
            event.cancelled
            or (kind and event.kind != kind)
            or (place and not knowledge.at(event, place))
        ):
            continue
        return Answer("next_event", language, events=(event,), kind=kind, asked_where=asked_where)
    return Answer("next_event", language, kind=kind, asked_where=asked_where)


def _in_period(
    language: str,
    knowledge: Knowledge,
    now: datetime,
    span: when.Span,
    kind: str,
    place: str = "",
) -> Answer:
    start, end = span.bounds(knowledge.zone)
    # Multi-day events that began before the period still count, so look back a while.
    earlier = knowledge.from_time(start - timedelta(days=62))
    chosen, cancelled = [], []
    for event in earlier:
        if event.start >= end:
            break
        if event.end <= max(start, now) or (kind and event.kind != kind):
            continue
        if place and not knowledge.at(event, place):
            continue
        (cancelled if event.cancelled else chosen).append(event)
    return Answer(
        "events_in_period",
        language,
        events=tuple(chosen[:MAX_LISTED]),
        kind=kind,
        period=span,
        cancelled=tuple(cancelled[:MAX_LISTED]),
        more=max(0, len(chosen) - MAX_LISTED),
    )


def _plan_topic(language: str, plan: PlanIndex, topic: str, question_words: list[str]) -> Answer:
    lexicon = vocabulary.concepts()
    headed = [
        section
        for section in plan.plan.sections
        if any(hit.value == topic for hit in lexicon.scan(words.tokens(section.heading)))
    ]
    if headed:
        # "Misija" and "Mērķi" are both the goal; the heading with the asker's own word wins.
        asked = {s for w in question_words for s in words.stems(w)}
        own = [
            s
            for s in headed
            if asked & {x for w in words.tokens(s.heading) for x in words.stems(w)}
        ]
        return Answer("plan", language, sections=((own or headed)[0],), topic=topic)
    passages = plan.search(question_terms(question_words))
    if passages:
        return Answer(
            "plan", language, sections=(passages[0].section,), passages=tuple(passages[:1])
        )
    return Answer("unknown", language, topic=topic)


def _plan_search(
    language: str,
    plan: PlanIndex,
    question_words: list[str],
    taken: set[int],
    concepts: set[str],
) -> Answer | None:
    content = [
        w for i, w in enumerate(question_words) if i not in taken and not vocabulary.is_stop(w)
    ]
    about_plan = bool(concepts & {"plan", "association", "about"})
    if not content:
        if concepts & {"plan"}:
            return Answer("plan", language, sections=plan.plan.main_sections, topic="overview")
        return None
    terms = question_terms(content)
    known = [w for w in content if any(plan.known(t) for t in question_terms([w]))]
    share = len(known) / len(content)
    rare = any(plan.rarity(t) >= 0.75 for t in terms if plan.known(t))
    if not (about_plan and known) and not (share >= 0.99 and rare):
        return None
    passages = plan.search(terms)
    if not passages:
        return None
    best = passages[0].score
    kept = [p for p in passages if p.score >= 0.6 * best]
    sections: list[Section] = []
    for passage in kept:
        if passage.section not in sections:
            sections.append(passage.section)
    return Answer("plan", language, sections=tuple(sections), passages=tuple(kept), topic="search")
