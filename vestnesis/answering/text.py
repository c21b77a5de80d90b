"""An Answer in words, in the asker's language (pure: catalogs and dates, no I/O)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo

from storage import Event, safe_link
from vestnesis.answering import kinds
from vestnesis.answering.dates_text import day_text, event_when, period_text
from vestnesis.answering.engine import Answer
from vestnesis.answering.tables import Tables
from vestnesis.common.catalog import Gettext

MAX_SECTION_CHARS = 1800


@dataclass(frozen=True)
class Wording:
    """What the words depend on besides the answer itself."""

    catalog: Gettext
    zone: tzinfo
    now: datetime
    calendar_url: str = ""
    # Plan text in the asker's language; a text missing here is quoted as written.
    translations: Mapping[str, str] | None = None
    plan_language: str = "lv"
    tables: Tables | None = None  # the word tables (kind names); None: the built-in ones
    # False where the event's page and calendar file are buttons under the answer (the bot):
    # a single event's answer then carries no bare links.
    links: bool = True


def answer_text(answer: Answer, wording: Wording) -> str:
    """The reply a member reads."""
    render = {
        "next_event": _next,
        "events_in_period": _period,
        "event_by_name": _by_name,
        "plan": _plan,
    }.get(answer.intent, _unknown)
    return render(answer, wording).strip()


def _next(answer: Answer, w: Wording) -> str:
    _ = w.catalog.gettext
    kind = kinds.name(answer.kind, answer.language, tables=w.tables)
    named = kinds.named(answer.kind, answer.language, tables=w.tables) if kind else None
    if not answer.events:
        if named:
            return _("There are no upcoming %(kinds_genitive)s in the calendar.") % named.words + (
                _calendar_link(w)
            )
        if kind:
            return _("There is no upcoming event of this kind (%(kind)s) in the calendar.") % {
                "kind": kind
            } + _calendar_link(w)
        return _("There are no upcoming events in the calendar.")
    if named:
        # The adjective agrees with the kind: "Tuvākā konference:", "Artimiausi kursai:".
        heading = {
            "": _("The next %(kind)s:"),
            "feminine": _("The next %(feminine_kind)s:"),
            "plural": _("The next %(plural_kind)s:"),
            "feminine_plural": _("The next %(feminine_plural_kind)s:"),
        }[named.agreement] % named.words
    elif kind:
        heading = _("The next event (%(kind)s):") % {"kind": kind}
    else:
        heading = _("The next event:")
    link = _calendar_link(w) if w.links else ""  # the bot's buttons carry it
    return f"{heading}\n{event_block(answer.events[0], answer.language, w)}{link}"


def _period(answer: Answer, w: Wording) -> str:
    _ = w.catalog.gettext
    today = w.now.astimezone(w.zone).date()
    assert answer.period is not None
    period = period_text(answer.period, answer.language, today)
    kind = kinds.name(answer.kind, answer.language, plural=True, tables=w.tables)
    lines = []
    # Asked of the past (a period over, or the days gone of one under way, "which
    # exhibitions were there in August" on the 24th): worded in the past.
    over = answer.period.bounds(w.zone)[1] <= w.now or bool(
        answer.events and all(e.end <= w.now for e in answer.events)
    )
    listed = answer.events or answer.others
    if answer.earlier and not answer.events:
        # Only days gone had events (and perhaps some called off): that, not "nothing".
        lines += [_cancelled_line(event, answer.language, w) for event in answer.cancelled]
        lines += _earlier_lines(answer, w, period)
        return "\n".join(lines) + _calendar_link(w)
    if answer.events:
        if over:
            heading = (
                _("%(kinds)s that took place %(period)s:")
                % {"kinds": _capital(kind), "period": period}
                if kind
                else _("What took place %(period)s:") % {"period": period}
            )
        else:
            heading = (
                _("%(kinds)s %(period)s:") % {"kinds": _capital(kind), "period": period}
                if kind
                else _("Events %(period)s:") % {"period": period}
            )
        lines.append(heading)
    elif answer.others:
        # None of the kind asked, but other events: say both, never "nothing at all".
        lines.append(_capital(_none_of_kind(answer, w, period, over)))
    elif over:
        lines.append(_("No events took place %(period)s, by the calendar.") % {"period": period})
    else:
        lines.append(_("No events %(period)s in the calendar.") % {"period": period})
    lines += [f"• {_event_line(e, answer.language, w)}" for e in listed]
    if listed and answer.more:
        lines.append(
            w.catalog.ngettext("…and %(n)d more.", "…and %(n)d more.", answer.more)
            % {"n": answer.more}
        )
    for event in answer.cancelled:
        lines.append(_cancelled_line(event, answer.language, w))
    if answer.earlier:
        lines += _earlier_lines(answer, w, period)
    return "\n".join(lines) + _calendar_link(w)


def _earlier_lines(answer: Answer, w: Wording, period: str) -> list[str]:
    """The days gone of a period under way (the latest of them) and how many more."""
    _ = w.catalog.gettext
    lines = [_("Already took place %(period)s:") % {"period": period}]
    lines += [f"• {_event_line(e, answer.language, w)}" for e in answer.earlier]
    if answer.earlier_more:
        lines.append(
            w.catalog.ngettext("…and %(n)d more.", "…and %(n)d more.", answer.earlier_more)
            % {"n": answer.earlier_more}
        )
    return lines


def _none_of_kind(answer: Answer, w: Wording, period: str, over: bool) -> str:
    """'Decembrī kursu nav; citi pasākumi:', or with the kind in brackets when the tables lack
    its forms."""
    _ = w.catalog.gettext
    named = kinds.named(answer.kind, answer.language, tables=w.tables)
    if named:
        text = (
            _("No %(kinds_genitive)s took place %(period)s; other events:")
            if over
            else _("No %(kinds_genitive)s %(period)s; other events:")
        )
        return text % {**named.words, "period": period}
    kind = kinds.name(answer.kind, answer.language, tables=w.tables)
    text = (
        _("No events of this kind (%(kind)s) took place %(period)s; other events:")
        if over
        else _("No events of this kind (%(kind)s) %(period)s; other events:")
    )
    return text % {"kind": kind, "period": period}


def _capital(text: str) -> str:
    """The first letter in capitals, the rest as written ("IFLA" stays)."""
    return text[:1].upper() + text[1:]


def _by_name(answer: Answer, w: Wording) -> str:
    _ = w.catalog.gettext
    event = answer.events[0]
    lines = [event_block(event, answer.language, w)]
    if event.cancelled:
        lines.append(_("This event is cancelled."))
    elif event.end <= w.now:
        lines.append(_("This event has already taken place."))
    for other in answer.cancelled:
        lines.append(_cancelled_line(other, answer.language, w))
    return "\n".join(lines)


def _plan(answer: Answer, w: Wording) -> str:
    _ = w.catalog.gettext
    if answer.topic == "overview":
        headings = ", ".join(_("“%(text)s”") % {"text": s.heading} for s in answer.sections)
        return _("The plan has these sections: %(headings)s. Ask about any of them.") % {
            "headings": headings
        }
    parts: list[str] = []
    quoted = False
    if answer.passages:
        for passage in answer.passages:
            text, translated = _translated(passage.text, w)
            quoted |= not translated
            parts.append(_("From the plan, “%(heading)s”:") % {"heading": passage.section.heading})
            parts.append(text)
    else:
        for section in answer.sections:
            text, translated = _translated(section.text, w)
            quoted |= not translated
            parts.append(_("From the plan, “%(heading)s”:") % {"heading": section.heading})
            whole, text = _within(text, MAX_SECTION_CHARS)
            if text:
                parts.append(text)
            if not whole:
                # Never stop mid-list in silence: say where the rest is.
                parts.append(
                    _("…the rest is in the plan, section “%(heading)s”.")
                    % {"heading": section.heading}
                )
        if answer.subsections:
            headings = "\n".join(f"• {s.heading}" for s in answer.subsections)
            parts.append(_("It has these parts (ask about any of them):") + "\n" + headings)
    if quoted and answer.language != w.plan_language:
        parts.append(_("(Quoted as written in the plan; it has not been translated.)"))
    return "\n".join(parts)


def _unknown(answer: Answer, w: Wording) -> str:
    _ = w.catalog.gettext
    return _(
        "I'm sorry, I don't know the answer to that. I can tell you about the association's "
        "events (for example “When is the next seminar?”, “What events are there in "
        "December?”) and about its plan (“What is the association's goal?”)."
    )


def _within(text: str, limit: int) -> tuple[bool, str]:
    """The text whole (True) or cut at the last paragraph or word end before `limit`, with
    "…" (False)."""
    if len(text) <= limit:
        return True, text
    cut = text[:limit]
    end = cut.rfind("\n")
    if end < limit // 2:
        end = cut.rfind(" ")
    return False, cut[: max(end, 0)].rstrip() + " …"


def _translated(text: str, w: Wording) -> tuple[str, bool]:
    if w.translations and text in w.translations:
        return w.translations[text], True
    return text, False


def event_block(event: Event, language: str, w: Wording) -> str:
    """An event's title, when, where and link, one per line."""
    _ = w.catalog.gettext
    today = w.now.astimezone(w.zone).date()
    lines = [
        event.title,
        _("When: %(when)s") % {"when": event_when(event, language, w.zone, today)},
    ]
    if event.place:
        lines.append(_("Where: %(place)s") % {"place": event.place})
    if safe_link(event.url) and w.links:
        lines.append(_("Link: %(url)s") % {"url": event.url})
    return "\n".join(lines)


def _event_line(event: Event, language: str, w: Wording) -> str:
    today = w.now.astimezone(w.zone).date()
    parts = [event_when(event, language, w.zone, today), event.title]
    if event.place:
        parts.append(event.place)
    return " — ".join(parts)


def _cancelled_line(event: Event, language: str, w: Wording) -> str:
    _ = w.catalog.gettext
    today = w.now.astimezone(w.zone).date()
    day = day_text(event.start.astimezone(w.zone).date(), language, today, weekday=False)
    return _("Cancelled: %(title)s (%(day)s)") % {"title": event.title, "day": day}


def _calendar_link(w: Wording) -> str:
    if not w.calendar_url:
        return ""
    _ = w.catalog.gettext
    return "\n\n" + _("Add every event to your calendar: %(url)s") % {"url": w.calendar_url}
