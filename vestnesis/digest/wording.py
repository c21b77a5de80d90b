"""The words of a digest in the reader's language: titles, dates, counts and notes."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from babel import Locale

from storage import Event, safe_link
from vestnesis.answering.dates_text import event_when
from vestnesis.common import dates
from vestnesis.digest.model import Digest, DigestEntry, DigestSection
from vestnesis.digest.views import DigestView, EntryView, NoticeView, SectionView
from vestnesis.i18n import Presentation


def digest_view(digest: Digest, reader: Presentation) -> DigestView:
    """Everything a layout shows, worded for `reader`."""
    _ = reader.catalog.gettext
    zone = ZoneInfo(reader.timezone)
    first = digest.period_start.astimezone(zone).date()
    # The period ends at the send time; its last day is the day before unless it ends later.
    last = (digest.period_end.astimezone(zone) - timedelta(seconds=1)).date()
    period = dates.period(first, last, reader.language)
    count = reader.catalog.ngettext("%(num)d news item", "%(num)d news items", digest.total) % {
        "num": digest.total
    }
    day = dates.long_date(digest.period_end.astimezone(zone).date(), reader.language)
    return DigestView(
        language=reader.language,
        subject=_("%(name)s weekly digest, %(date)s") % {"name": reader.short_name, "date": day},
        title=_("%(name)s — news of the week") % {"name": reader.short_name},
        period=period,
        count=count,
        intro=_intro(digest, reader),
        sections=tuple(_section(section, reader, zone) for section in digest.sections),
        website=reader.website,
        website_label=reader.website.split("://", 1)[-1].rstrip("/"),
        labels={
            "unsubscribe": _("Unsubscribe"),
            "preferences": _("Change your preferences"),
            "archive": _("View in your browser"),
            "why": _("You are receiving this because you subscribed to news from %(name)s.")
            % {"name": reader.association},
        },
    )


def _intro(digest: Digest, reader: Presentation) -> str:
    _ = reader.catalog.gettext
    if not digest.total:
        return ""
    intro = _("What happened in the library world this week, in brief.")
    untranslated = any(
        entry.language
        and entry.language != reader.language
        and not entry.is_translated
        and not entry.translation_failed
        for entry in digest.entries
    )
    if untranslated:  # said once, at the top, rather than hidden in each item's note
        notice = _("News in other languages is shown as written: machine translation is off.")
        intro = f"{intro} {notice}"
    return intro


def confirmation_view(reader: Presentation, confirm_url: str) -> NoticeView:
    """The double opt-in mail: one button, and what to do if it was not you."""
    _ = reader.catalog.gettext
    names = {"name": reader.short_name}  # an abbreviation needs no case ending
    return NoticeView(
        language=reader.language,
        subject=_("Please confirm your subscription to %(name)s news")
        % {"name": reader.short_name},
        title=_("One more step"),
        paragraphs=(
            _("Someone, hopefully you, asked for the weekly news of %(name)s at this address.")
            % names,
            # Said so that it is true of the HTML (a button) and the plain text (a link).
            _("Confirm your subscription below; the link is valid for 7 days."),
        ),
        action_label=_("Confirm my subscription"),
        action_url=confirm_url,
        footer=_("If you did not ask for this, ignore this message: nothing will be sent."),
        preheader=_("Confirm your subscription to the weekly news of %(name)s.") % names,
    )


def language_name(code: str, reader_language: str) -> str:
    """A language's name in the reader's language ('angļu' for en in Latvian)."""
    try:
        return Locale(reader_language).languages.get(code, code)
    except (ValueError, TypeError):
        return code


def _section(section: DigestSection, reader: Presentation, zone: ZoneInfo) -> SectionView:
    _ = reader.catalog.gettext
    titles = {"events": _("Upcoming events"), "announcements": _("From the board")}
    return SectionView(
        title=titles.get(section.kind, section.name),
        entries=tuple(_entry(entry, reader, zone) for entry in section.entries),
    )


def _entry(entry: DigestEntry, reader: Presentation, zone: ZoneInfo) -> EntryView:
    return EntryView(
        title=entry.title_translated or entry.title,
        url=safe_link(entry.url) or None,
        summary=entry.summary_translated or entry.summary,
        date=dates.short_date(entry.published.astimezone(zone).date(), reader.language),
        note=_note(entry, reader),
        language=reader.language if entry.is_translated else entry.language,
    )


def _note(entry: DigestEntry, reader: Presentation) -> str | None:
    _ = reader.catalog.gettext
    if not entry.language or entry.language == reader.language:
        return None
    language = language_name(entry.language, reader.language)
    if entry.is_translated:
        return _("Machine-translated from %(language)s. Original: “%(title)s”") % {
            "language": language,
            "title": entry.title,
        }
    if entry.translation_failed:
        return _("Translation unavailable just now; the original in %(language)s.") % {
            "language": language
        }
    return _("In %(language)s.") % {"language": language}


def events_section(
    events: list[Event], reader: Presentation, zone: ZoneInfo, today: date
) -> SectionView:
    """The digest's "Upcoming events": each event's day and time, place and link."""
    _ = reader.catalog.gettext
    return SectionView(
        title=_("Upcoming events"),
        entries=tuple(
            EntryView(
                title=event.title,
                url=safe_link(event.url) or None,
                summary=" · ".join(
                    p for p in (event_when(event, reader.language, zone, today), event.place) if p
                ),
                date=dates.short_date(event.start.astimezone(zone).date(), reader.language),
                note=None,
                language=None,
            )
            for event in events
            if not event.cancelled
        ),
    )
