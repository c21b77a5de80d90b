"""Periods named in a question: months in every case form (from CLDR's names, cldr.py), days and
weeks relative to today, weekdays, written dates; dateparser as the last resort."""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from functools import cache

from rapidfuzz.distance import OSA

from vestnesis.answering import cldr, words

LANGUAGES = ("lv", "lt", "en")
_ISO = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_DOTTED = re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})?(?!\d)")
# Words that are also something else: English "may", short Lithuanian abbreviations.
# Short month names ("Dec", "janv.") count only as written: as stems they would be other
# words' ("jan" is the stem of "Jāņi").
SHORT = 4
_UNTIL_WORDS = frozenset({"lidz", "to", "till", "until", "iki"})
_RANGE_WORDS = frozenset({"no", "lidz", "from", "to", "till", "until", "nuo", "iki", "d"})
# "2027. gada martā", "2027 m. kovo": the word for year between a year and its month.
_YEAR_WORDS = frozenset({"gada", "gads", "gadu", "metu", "metai", "metais", "m", "year"})
_AMBIGUOUS = frozenset({"may", "mar", "bal", "vas", "kov", "geg", "saus", "spal", "liep"})
# Words that share a month's stem but are something else: lv/lt "vasara, vasaras, vasarą,
# vasaros" (summer) are not lt "vasaris" (February).
_NOT_MONTHS = frozenset({"vasara", "vasaras", "vasaru", "vasaros", "vasarai", "vasarq"})
# The word for "month" after or before a month's name ("gruodžio mėnesį", "decembra mēnesī").
_MONTH_WORDS = ("menes", "month")
# A month named without a year, up to this many months back, is the past one ("What was on
# in September?" asked in November) unless the question speaks of the future.
RECENT_MONTHS = 2
TYPO_MONTH_LENGTH = 6


@dataclass(frozen=True)
class Span:
    """Local calendar days [start, end) and what kind of period the question named."""

    start: date
    end: date
    unit: str  # day | week | weekend | month | year | range

    def bounds(self, zone: tzinfo) -> tuple[datetime, datetime]:
        """The period as moments: local midnight at its start and at its end."""
        return datetime.combine(self.start, time(), zone), datetime.combine(self.end, time(), zone)


def find(
    text: str, text_words: Sequence[str], today: date, tense: str = ""
) -> tuple[Span | None, set[int]]:
    """The period a question names, and the positions of the words that named it. `tense`
    ("past", "future" or "") decides which of two same-named months is meant."""
    written = _written_date(text, today)
    month_hits = _months().scan(text_words, fuzzy=False) + [
        words.Found(_short_months()[words.fold(w)], i, 1)
        for i, w in enumerate(text_words)
        if words.fold(w) in _short_months()
    ]
    month_hits = sorted(
        (h for h in month_hits if _plausible_month(text_words, h)), key=lambda h: h.start
    ) or _misspelt_months(text_words)
    # "may" is both a month's name and its short form: one hit per word.
    month_hits = list({h.start: h for h in reversed(month_hits)}.values())[::-1]
    month_hits.sort(key=lambda h: h.start)
    if month_hits:
        hit = month_hits[0]
        whole = text_words
        if len(month_hits) >= 2:
            # "from 20 December to 10 January", "nuo gegužės 1 iki birželio 15": each month
            # has the numbers on its own side of the "to".
            cut = next(
                (
                    i
                    for i in range(hit.start + hit.length, month_hits[1].start)
                    if words.fold(text_words[i]) in _UNTIL_WORDS
                ),
                None,
            )
            if cut is not None:
                text_words = [w if i < cut else "" for i, w in enumerate(whole)]
        positions = hit.positions | _number_positions(text_words, hit)
        for near in (hit.start - 1, hit.start + hit.length):
            if 0 <= near < len(text_words) and words.fold(text_words[near]).startswith(
                _MONTH_WORDS
            ):
                positions.add(near)
        for number in sorted(positions):
            if text_words[number].isdigit():
                positions |= _year_words(text_words, number)
        span = _month_span(text_words, hit, today, tense, ahead=len(month_hits) < 2)
        if len(month_hits) >= 2 and span.unit == "day":
            # "nuo sausio 15 iki vasario 15", "from 20 December to 10 January"
            other = month_hits[1]
            # The second month's own day only: "nuo gegužės 1 iki birželio 15" is not 1–15
            # June, nor "nuo sausio 20 iki vasario 5" 20 February.
            rest = ["" if i in positions else w for i, w in enumerate(whole)]
            until = _month_span(rest, other, today, tense)
            if until.unit == "day" and until.start <= span.start:
                # "from 20 December to 10 January": the January after.
                until = Span(_next_year(until.start), _next_year(until.end), until.unit)
            if until.unit == "day" and until.start > span.start:
                taken = positions | other.positions | _number_positions(rest, other)
                if until.end <= today and tense != "past" and not _has_year(whole):
                    # "from 1 to 15 March" asked in April: next year's (one under way, "from
                    # 20 April to 2 May" asked on the 29th, is this one).
                    return Span(_next_year(span.start), _next_year(until.end), "range"), taken
                return Span(span.start, until.end, "range"), taken
        return span, positions
    years = [i for i, w in enumerate(text_words) if w.isdigit() and 2000 <= int(w) <= 2100]
    season = _season_at(text_words)
    if written is not None and not (season is not None and years):
        # (A season and a year are read below: "planned for spring 2028" is not all 2028.)
        numbers = {i for i, w in enumerate(text_words) if w.isdigit()}
        return written, numbers
    if season is not None and years:
        # "2027. gada pavasarī", "spring 2027", "2027 m. pavasarį": that year's season.
        (name, _), positions = season
        first = date(int(text_words[years[0]]), _SEASON_START[name], 1)
        if name == "winter":
            first = first.replace(year=first.year - 1)
        end = _season_span(name, "", first, "").end
        return (
            Span(first, end, "range"),
            positions | _year_words(text_words, years[0]),
        )
    if years:
        year = int(text_words[years[0]])
        first = max(date(year, 1, 1), today)
        if first.year == year:
            return Span(first, date(year + 1, 1, 1), "year"), _year_words(text_words, years[0])
    if season is not None:
        (name, which), positions = season
        return _season_span(name, which, today, tense), positions
    relative = [h for h in _relative().scan(text_words, fuzzy=True) if _whole_word(text_words, h)]
    if relative:
        return relative[0].value(today), relative[0].positions
    weekday = _weekdays().scan(text_words, fuzzy=False)
    if weekday:
        hit = weekday[0]
        ahead = (hit.value - today.weekday()) % 7
        day = today + timedelta(days=ahead)
        return Span(day, day + timedelta(days=1), "day"), hit.positions
    return None, set()


def _has_year(text_words: Sequence[str]) -> bool:
    return any(w.isdigit() and 2000 <= int(w) <= 2100 for w in text_words)


def _next_year(day: date) -> date:
    return day.replace(year=day.year + 1, day=min(day.day, 28) if day.month == 2 else day.day)


def is_month_name(word: str) -> bool:
    """Whether the word is written as some month's name in lv, lt or en (CLDR's forms)."""
    return words.fold(word) in _month_names()


def is_period_word(word: str) -> bool:
    """Whether the word is, as written, a one-word relative period ("pernai", "vakar",
    "tomorrow") or a month's name."""
    folded = words.fold(word)
    return (
        folded in _single_words()
        or folded in _month_names()
        or folded in {words.fold(name) for name in _MONTH_CASES}
    )


@cache
def _month_names() -> frozenset[str]:
    return frozenset(
        words.fold(name.rstrip("."))
        for code in LANGUAGES
        for context in ("format", "stand-alone")
        for width in ("wide", "abbreviated")
        for name in cldr.months(code)[context][width].values()
    )


def _misspelt_months(text_words: Sequence[str]) -> list[words.Found[int]]:
    """Month names with one typo ("decmber", "gruodzo"), in words of six letters or more."""
    forms = _month_forms()
    found = []
    for index, word in enumerate(text_words):
        folded = words.fold(word)
        if len(folded) >= TYPO_MONTH_LENGTH and folded not in _NOT_MONTHS:
            near = words.one_typo(folded, forms[0])
            if near is not None:
                found.append(words.Found(forms[1][near], index, 1))
    return found


@cache
def _month_forms() -> tuple[list[str], dict[str, int]]:
    by_form: dict[str, int] = {}
    for code in LANGUAGES:
        for context in ("format", "stand-alone"):
            for number, name in cldr.months(code)[context]["wide"].items():
                if len(name) >= TYPO_MONTH_LENGTH:
                    by_form[words.fold(name)] = number
    return sorted(by_form), by_form


def _year_words(text_words: Sequence[str], index: int) -> set[int]:
    """The year and the word for "year" after it ("2027. gadā", "2027 metais")."""
    after = index + 1
    if after < len(text_words) and words.fold(text_words[after]).startswith(("gad", "met")):
        return {index, after}
    return {index}


def parse_fallback(text: str, language: str, today: date) -> Span | None:
    """dateparser's reading of a date the tables do not know (slow: only when needed)."""
    # Imported here: it loads ~0.5 s of locale data, and only this rare path needs it.
    import dateparser

    found = dateparser.parse(
        text,
        languages=[language],
        settings={
            "PREFER_DATES_FROM": "future",
            "RELATIVE_BASE": datetime.combine(today, datetime.min.time()),
            "REQUIRE_PARTS": ["day"],
        },
    )
    if found is None or abs((found.date() - today).days) > 800:
        return None
    day = found.date()
    return Span(day, day + timedelta(days=1), "day")


def _written_date(text: str, today: date) -> Span | None:
    for pattern, order in ((_ISO, "ymd"), (_DOTTED, "dmy")):
        match = pattern.search(text)
        if match is None:
            continue
        parts = dict(zip(order, match.groups(), strict=True))
        year = int(parts["y"]) if parts.get("y") else today.year
        try:
            day = date(year, int(parts["m"]), int(parts["d"]))
        except ValueError:
            continue
        if not parts.get("y") and day < today:
            day = day.replace(year=year + 1)
        return Span(day, day + timedelta(days=1), "day")
    return None


def _plausible_month(text_words: Sequence[str], hit: words.Found[int]) -> bool:
    word = words.fold(text_words[hit.start])
    if word in _NOT_MONTHS:
        return False
    if word not in _AMBIGUOUS:
        return True
    neighbours = text_words[max(0, hit.start - 1) : hit.start + 2]
    return any(w.isdigit() for w in neighbours) or (
        hit.start > 0 and text_words[hit.start - 1] in ("in", "of", "during")
    )


def _number_positions(text_words: Sequence[str], hit: words.Found[int]) -> set[int]:
    # "15. decembrī", "December 15 2026", "gruodžio 15 d.", and a range: "1.–10. decembrī",
    # "no 1. līdz 10. decembrim", "1–10 December", "gruodžio 1–10 d."
    before = range(hit.start - 1, hit.start - 4, -1)
    after = range(hit.start + hit.length, hit.start + hit.length + 4)
    found = set()
    for side in (before, after):
        for i in side:
            if not 0 <= i < len(text_words):
                break
            if text_words[i].isdigit() or words.fold(text_words[i]) in _YEAR_WORDS:
                found.add(i)
            elif words.fold(text_words[i]) not in _RANGE_WORDS:
                break
    return found


def _month_span(
    text_words: Sequence[str],
    hit: words.Found[int],
    today: date,
    tense: str = "",
    *,
    ahead: bool = True,
) -> Span:
    """The month (or its day, or days) named at `hit`. Without a year: of this month, a day
    already gone is next year's when the question is not in the past tense and `ahead` (a
    range asked from it may still be under way: its end decides)."""
    month = hit.value
    numbers = [
        int(text_words[i])
        for i in sorted(_number_positions(text_words, hit))
        if text_words[i].isdigit()
    ]
    year = next((n for n in numbers if 2000 <= n <= 2100), None)
    days = [n for n in numbers if 1 <= n <= 31]
    day = days[0] if days else None
    if year is None:
        back = (today.month - month) % 12
        if tense == "past" and month != today.month:
            year = today.year if month < today.month else today.year - 1
        elif tense != "future" and 0 < back <= RECENT_MONTHS and month < today.month:
            year = today.year
        else:
            year = today.year if month >= today.month else today.year + 1
        last_day = max(days[:2]) if len(days) >= 2 and days[0] < days[1] else day
        if (
            ahead
            and tense != "past"
            and last_day is not None
            and date(year, month, min(last_day, 28)) < today
            and month == today.month
        ):
            # "1.–10. aprīlis" asked on the 29th in the present: next April's; asked in the
            # past tense ("kas notika no 1. līdz 10. aprīlim"), or still under way, this one.
            year += 1
    last = calendar.monthrange(year, month)[1]
    if len(days) >= 2 and days[0] < days[1] <= last:
        return Span(
            date(year, month, days[0]), date(year, month, days[1]) + timedelta(days=1), "range"
        )
    if day is not None and day <= last:
        start = date(year, month, day)
        return Span(start, start + timedelta(days=1), "day")
    start = date(year, month, 1)
    return Span(start, start + timedelta(days=last), "month")


@cache
def _months() -> words.Lexicon[int]:
    entries: list[tuple[str, int]] = []
    for code in LANGUAGES:
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                for number, name in cldr.months(code)[context][width].items():
                    name = name.rstrip(".")
                    if width == "wide" or len(name) > SHORT:
                        entries.append((name, number))
    entries += list(_MONTH_CASES.items())
    return words.Lexicon(entries)


# Case forms of the months' names beside CLDR's nominative and genitive: "in June" is lt
# "birželį" (accusative), lv "jūnijā" (locative); the stemmers do not join some of them.
_MONTH_CASES = {
    **{
        name: number
        for number, name in enumerate(
            (
                "sausį",
                "vasarį",
                "kovą",
                "balandį",
                "gegužę",
                "birželį",
                "liepą",
                "rugpjūtį",
                "rugsėjį",
                "spalį",
                "lapkritį",
                "gruodį",
            ),
            start=1,
        )
    },
    **{
        name: number
        for number, name in enumerate(
            (
                "janvārī",
                "februārī",
                "martā",
                "aprīlī",
                "maijā",
                "jūnijā",
                "jūlijā",
                "augustā",
                "septembrī",
                "oktobrī",
                "novembrī",
                "decembrī",
            ),
            start=1,
        )
    },
    "gruodyje": 12,
}


@cache
def _short_months() -> dict[str, int]:
    found: dict[str, int] = {}
    for code in LANGUAGES:
        for context in ("format", "stand-alone"):
            for number, name in cldr.months(code)[context]["abbreviated"].items():
                if len(name.rstrip(".")) <= SHORT:
                    found[words.fold(name.rstrip("."))] = number
    return found


@cache
def _weekdays() -> words.Lexicon[int]:
    entries: list[tuple[str, int]] = []
    for code in LANGUAGES:
        for number, name in cldr.days(code)["format"]["wide"].items():
            entries.append((name, number))
            # The adverbial forms: lv "piektdien", lt "penktadienį".
            if code == "lv":
                entries.append((name.removesuffix("a"), number))
            if code == "lt":
                entries.append((name.removesuffix("is") + "į", number))
    return words.Lexicon(entries)


def _days(first: int, count: int) -> Callable[[date], Span]:
    def span(today: date) -> Span:
        start = today + timedelta(days=first)
        return Span(start, start + timedelta(days=count), "day" if count == 1 else "range")

    return span


def _week(offset: int) -> Callable[[date], Span]:
    def span(today: date) -> Span:
        monday = today - timedelta(days=today.weekday()) + timedelta(weeks=offset)
        # Whole, the days gone of this one too: the answer lists them apart, as over.
        return Span(monday, monday + timedelta(days=7), "week")

    return span


def _weekend(offset: int) -> Callable[[date], Span]:
    def span(today: date) -> Span:
        saturday = today + timedelta(days=(5 - today.weekday()) % 7) + timedelta(weeks=offset)
        if today.weekday() == 6 and offset == 0:
            saturday = today - timedelta(days=1)
        return Span(saturday, saturday + timedelta(days=2), "weekend")

    return span


def _last_weekend(today: date) -> Span:
    """The Saturday and Sunday before this week's."""
    saturday = today - timedelta(days=today.weekday() + 2)
    return Span(saturday, saturday + timedelta(days=2), "weekend")


def _month(offset: int) -> Callable[[date], Span]:
    def span(today: date) -> Span:
        year, month = divmod(today.month - 1 + offset, 12)
        first = date(today.year + year, month + 1, 1)
        days = calendar.monthrange(first.year, first.month)[1]
        return Span(first, first + timedelta(days=days), "month")

    return span


def _rest(whole: Callable[[date], Span]) -> Callable[[date], Span]:
    """The rest of a period from today ("until the end of the year"): no days gone."""

    def span(today: date) -> Span:
        found = whole(today)
        return Span(max(found.start, today), found.end, found.unit)

    return span


def _year(offset: int) -> Callable[[date], Span]:
    def span(today: date) -> Span:
        first = date(today.year + offset, 1, 1)
        return Span(first, date(first.year + 1, 1, 1), "year")

    return span


_RELATIVE: tuple[tuple[Callable[[date], Span], tuple[str, ...]], ...] = (
    (_days(-1, 1), ("vakar", "yesterday", "vakar dienā", "vakardien")),
    (_days(-2, 1), ("aizvakar", "day before yesterday", "užvakar")),
    (
        _last_weekend,
        (
            "last weekend",
            "past weekend",
            "pagājušajā nedēļas nogalē",
            "pagājušās nedēļas nogalē",
            "pagājušajās brīvdienās",
            "praėjusį savaitgalį",
            "praeitą savaitgalį",
        ),
    ),
    (
        _days(0, 14),
        (
            "next two weeks",
            "next 2 weeks",
            "coming two weeks",
            "nākamajās divās nedēļās",
            "tuvākajās divās nedēļās",
            "divu nedēļu laikā",
            "artimiausias dvi savaites",
            "per dvi savaites",
            "ateinančias dvi savaites",
        ),
    ),
    (
        _days(0, 7),
        (
            "next few days",
            "coming days",
            "next 7 days",
            "tuvākajās dienās",
            "nākamajās dienās",
            "artimiausiomis dienomis",
            "artimiausias dienas",
        ),
    ),
    (
        _week(-1),
        (
            "pagājušajā nedēļā",
            "pagājušonedēļ",
            "pagājušā nedēļā",
            "pagājušās nedēļas",
            "iepriekšējā nedēļā",
            "last week",
            "past week",
            "previous week",
            "praėjusią savaitę",
            "praeitą savaitę",
            "praėjusios savaitės",
            "praeitos savaitės",
        ),
    ),
    (
        _month(-1),
        (
            "pagājušajā mēnesī",
            "pagājušā mēnesī",
            "pagājušomēnes",
            "pagājušā mēneša",
            "iepriekšējā mēnesī",
            "last month",
            "past month",
            "previous month",
            "praėjusį mėnesį",
            "praeitą mėnesį",
            "praėjusio mėnesio",
            "praeito mėnesio",
        ),
    ),
    (
        _year(-1),
        ("pagājušajā gadā", "pērn", "last year", "praėjusiais metais", "pernai"),
    ),
    (_days(0, 1), ("šodien", "šovakar", "today", "tonight", "šiandien", "šįvakar")),
    (_days(1, 1), ("rīt", "rītdien", "tomorrow", "rytoj")),
    (_days(2, 1), ("parīt", "day after tomorrow", "poryt")),
    (_days(7, 7), ("pēc nedēļas", "in a week", "in a week's time", "po savaitės")),
    (_days(14, 7), ("pēc divām nedēļām", "in two weeks", "po dviejų savaičių")),
    (
        _week(0),
        (
            "šonedēļ",
            "šajā nedēļā",
            "šīs nedēļas",
            "this week",
            "šią savaitę",
            "šios savaitės",
            "šioje savaitėje",
        ),
    ),
    (_rest(_week(0)), ("līdz nedēļas beigām", "rest of the week", "iki savaitės pabaigos")),
    (
        _week(1),
        (
            "nākamnedēļ",
            "nākošnedēļ",
            "nākamajā nedēļā",
            "nākošajā nedēļā",
            "nākamās nedēļas",
            "next week",
            "kitą savaitę",
            "kitos savaitės",
            "kitoje savaitėje",
            "ateinančią savaitę",
        ),
    ),
    (
        _weekend(0),
        (
            "nedēļas nogalē",
            "šajā nedēļas nogalē",
            "šīs nedēļas nogalē",
            "brīvdienās",
            "šajās brīvdienās",
            "šīs brīvdienas",
            "this weekend",
            "weekend",
            "savaitgalį",
            "šį savaitgalį",
        ),
    ),
    (_weekend(1), ("nākamajā nedēļas nogalē", "next weekend", "kitą savaitgalį")),
    (
        _month(0),
        (
            "šomēnes",
            "šajā mēnesī",
            "šī mēneša",
            "this month",
            "šį mėnesį",
            "šio mėnesio",
        ),
    ),
    (
        _rest(_month(0)),
        ("līdz mēneša beigām", "rest of the month", "end of the month", "iki mėnesio pabaigos"),
    ),
    (
        _month(1),
        (
            "nākammēnes",
            "nākamajā mēnesī",
            "nākamā mēneša",
            "next month",
            "kitą mėnesį",
            "kito mėnesio",
        ),
    ),
    (
        _year(0),
        (
            "šogad",
            "šajā gadā",
            "this year",
            "šiemet",
            "šiais metais",
        ),
    ),
    (
        _rest(_year(0)),
        (
            "līdz gada beigām",
            "gada beigām",
            "rest of the year",
            "end of the year",
            "iki metų pabaigos",
            "metų pabaigos",
            "likusią metų dalį",
        ),
    ),
    (_year(1), ("nākamgad", "nākamajā gadā", "next year", "kitais metais", "kitų metų")),
)


# Seasons by their first month: spring March–May, summer June–August, autumn
# September–November, winter December–February.
_SEASON_START = {"spring": 3, "summer": 6, "autumn": 9, "winter": 12}
_SEASON_WORDS = {
    "spring": (("pavasarī", "pavasarį", "pavasaris"), "spring", ("pavasara", "pavasario")),
    "summer": (("vasarā", "vasarą"), "summer", ("vasaras", "vasaros")),
    "autumn": (("rudenī", "rudenį"), "autumn", ("rudens", "rudens")),
    "winter": (("ziemā", "žiemą"), "winter", ("ziemas", "žiemos")),
}


def _season_phrases() -> list[tuple[str, tuple[str, str]]]:
    """(phrase, (season, which)): which is "" (the coming or current one, or the last one in
    the past tense), "this", "next", "last" or "rest" (from today to its end)."""
    found: list[tuple[str, tuple[str, str]]] = []
    for season, (adverbs, english, genitives) in _SEASON_WORDS.items():
        names = [english, "fall"] if season == "autumn" else [english]
        lv_adverb, lt_adverb = adverbs[0], adverbs[1]
        lv_gen, lt_gen = genitives
        stem = lv_adverb[:-1]  # pavasar, vasar, ruden, ziem
        for phrase in (lv_adverb, lt_adverb, *(f"in {n}" for n in names)):
            found.append((phrase, (season, "")))
        for n in names:
            found += [(f"in the {n}", (season, "")), (f"during the {n}", (season, ""))]
            found += [(f"for {n}", (season, "")), (f"for the {n}", (season, ""))]
            found += [(f"this {n}", (season, "this")), (f"next {n}", (season, "next"))]
            found += [(f"last {n}", (season, "last"))]
            found += [(f"rest of the {n}", (season, "rest")), (f"end of the {n}", (season, "rest"))]
            found += [(f"end of {n}", (season, "rest"))]
        lt_this = {
            "spring": "šį pavasarį",
            "summer": "šią vasarą",
            "autumn": "šį rudenį",
            "winter": "šią žiemą",
        }[season]
        lt_next = {
            "spring": "kitą pavasarį",
            "summer": "kitą vasarą",
            "autumn": "kitą rudenį",
            "winter": "kitą žiemą",
        }[season]
        lt_last = {
            "spring": "praėjusį pavasarį",
            "summer": "praėjusią vasarą",
            "autumn": "praėjusį rudenį",
            "winter": "praėjusią žiemą",
        }[season]
        found += [
            (f"šo{stem}", (season, "this")),
            (f"šajā {lv_adverb}", (season, "this")),
            (lt_this, (season, "this")),
            (f"nākam{stem}", (season, "next")),
            (f"nākamajā {lv_adverb}", (season, "next")),
            (lt_next, (season, "next")),
            (f"pērn{stem}", (season, "last")),
            (f"pagājušajā {lv_adverb}", (season, "last")),
            (lt_last, (season, "last")),
            (f"līdz {lv_gen} beigām", (season, "rest")),
            (f"{lv_gen} beigām", (season, "rest")),
            (f"iki {lt_gen} pabaigos", (season, "rest")),
            (f"{lt_gen} pabaigos", (season, "rest")),
        ]
    return found


@cache
def _seasons() -> dict[tuple[str, ...], tuple[str, str]]:
    # Matched as written (folded), never by stem: "pavasara konference" (the spring
    # conference) names an event, "pavasarī" (in spring) a period.
    return {
        tuple(words.fold(t) for t in words.tokens(phrase)): value
        for phrase, value in _season_phrases()
    }


def _season_at(text_words: Sequence[str]) -> tuple[tuple[str, str], set[int]] | None:
    """The first season phrase in the words (the longest at its place), and its positions."""
    folded = [words.fold(w) for w in text_words]
    table = _seasons()
    longest = max(len(k) for k in table)
    for start in range(len(folded)):
        for length in range(min(longest, len(folded) - start), 0, -1):
            value = table.get(tuple(folded[start : start + length]))
            if value is not None:
                return value, set(range(start, start + length))
    return None


def _season_span(season: str, which: str, today: date, tense: str) -> Span:
    """The season's months: the current one if today is in it (its rest from today when
    `which` is "rest"), else the coming one, or the last one in the past tense."""
    first = _SEASON_START[season]

    def start_of(year: int) -> date:
        return date(year, first, 1)

    def end_of(start: date) -> date:
        year, month = divmod(start.month - 1 + 3, 12)
        return date(start.year + year, month + 1, 1)

    # The season that holds today or comes next.
    year = today.year if today.month >= first or first != 12 else today.year - 1
    current = start_of(year)
    if end_of(current) <= today:
        current = start_of(year + 1)
    if current > today and first == 12 and start_of(year - 1) <= today < end_of(start_of(year - 1)):
        current = start_of(year - 1)
    inside = current <= today
    if which == "next" and inside:
        current = start_of(current.year + 1)
    elif which == "last" or (tense == "past" and which in ("", "this") and not inside):
        current = start_of(current.year - 1)
    end = end_of(current)
    if which == "rest" and current <= today < end:
        return Span(today, end, "range")  # "until the end of the spring": no days gone
    # Whole, the days gone of one under way too: the answer lists them apart, as over.
    return Span(current, end, "range")


@cache
def _single_words() -> tuple[str, ...]:
    """The one-word relative periods, folded ("vakar", "rit", "tomorrow")."""
    return tuple(
        sorted({words.fold(p) for _, phrases in _RELATIVE for p in phrases if " " not in p})
    )


def _whole_word(text_words: Sequence[str], hit: words.Found[Callable[[date], Span]]) -> bool:
    """A one-word period is the word itself (or it with a typo), not a longer word that
    shares its stem: "vakarėlis" (a party) is not "vakar" (yesterday)."""
    if hit.length != 1:
        return True
    folded = words.fold(text_words[hit.start])
    if folded in _single_words():
        return True
    if folded in _NOT_PERIODS:
        return False
    return any(
        OSA.distance(folded, form, score_cutoff=2) <= (1 if len(form) <= 4 else 2)
        for form in _single_words()
    )


# Words one or two letters from a one-word period that are other words, folded: "vakars",
# "vakaras" (an evening), "vakarienė" (dinner) are not "vakar" (yesterday), "rīts" (morning)
# not "rīt" (tomorrow). (Found by trying every word of the tables as a period alone.)
_NOT_PERIODS = frozenset(
    [
        "vakars",
        "vakara",
        "vakaru",
        "vakari",
        "vakaras",
        "vakare",
        "vakarai",
        "vakarus",
        "vakariene",
        "vakarienes",
        "rits",
        "rita",
        "ritu",
        "riti",
    ]
)


@cache
def _relative() -> words.Lexicon[Callable[[date], Span]]:
    # English words of these phrases are known despite one typo ("nxt week", "tomorow"):
    # an English word one letter off is not another Latvian or Lithuanian case form.
    english = ("next", "last", "this", "week", "month", "year", "weekend", "today", "tomorrow")
    return words.Lexicon(
        ((phrase, span) for span, phrases in _RELATIVE for phrase in phrases),
        words.union(english),
    )
