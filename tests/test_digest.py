"""Digest composition: periods across DST, caps, order, repeats and filters (pure, no I/O)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from storage import Item
from vestnesis.config import Filter
from vestnesis.digest.compose import DigestRules, ItemFilter, Period, compose, digest_period

RIGA = ZoneInfo("Europe/Riga")
WEEK = timedelta(days=7)


def item(item_id: int, source: str, published: datetime, title: str = "", **extra) -> Item:
    return Item(
        id=item_id,
        source_id=1,
        source_name=source,
        url=f"https://x.org/{item_id}",
        title=title or f"Item {item_id}",
        summary=extra.pop("summary", "text"),
        language=extra.pop("language", "en"),
        published=published,
        fetched_at=published,
        author=None,
        categories=tuple(extra.pop("categories", ())),
    )


def test_period_is_seven_local_days_before_the_send_time() -> None:
    send = datetime(2026, 11, 23, 9, 0, tzinfo=RIGA)
    period = digest_period(send, RIGA, WEEK)
    assert period.start == datetime(2026, 11, 16, 7, 0, tzinfo=UTC)
    assert period.end == datetime(2026, 11, 23, 7, 0, tzinfo=UTC)


def test_week_across_the_autumn_change_is_seven_days_and_an_hour() -> None:
    # Riga leaves summer time on Sunday 25 October 2026 (03:00 EEST → 02:00 EET).
    send = datetime(2026, 10, 26, 9, 0, tzinfo=RIGA)
    period = digest_period(send, RIGA, WEEK)
    assert period.start == datetime(2026, 10, 19, 6, 0, tzinfo=UTC)  # Monday 09:00 EEST
    assert period.end == datetime(2026, 10, 26, 7, 0, tzinfo=UTC)  # Monday 09:00 EET
    assert period.end - period.start == WEEK + timedelta(hours=1)
    edge = [
        item(1, "A", datetime(2026, 10, 19, 5, 59, tzinfo=UTC)),  # 08:59 local: last week
        item(2, "A", datetime(2026, 10, 19, 6, 0, tzinfo=UTC)),  # 09:00 local: this week
        item(3, "A", datetime(2026, 10, 26, 6, 59, tzinfo=UTC)),  # 08:59 local: this week
        item(4, "A", datetime(2026, 10, 26, 7, 0, tzinfo=UTC)),  # 09:00 local: next week
    ]
    digest = compose(edge, period, DigestRules())
    assert [entry.item_id for entry in digest.entries] == [3, 2]


def test_week_across_the_spring_change_is_an_hour_short() -> None:
    # Summer time starts Sunday 28 March 2027 (03:00 EET → 04:00 EEST).
    period = digest_period(datetime(2027, 3, 29, 9, 0, tzinfo=RIGA), RIGA, WEEK)
    assert period.start == datetime(2027, 3, 22, 7, 0, tzinfo=UTC)
    assert period.end == datetime(2027, 3, 29, 6, 0, tzinfo=UTC)


PERIOD = Period(datetime(2026, 11, 16, 7, tzinfo=UTC), datetime(2026, 11, 23, 7, tzinfo=UTC))
MID = datetime(2026, 11, 20, 12, tzinfo=UTC)


def test_an_empty_week_gives_no_digest() -> None:
    old = [item(1, "A", PERIOD.start - timedelta(minutes=1))]
    assert compose([], PERIOD, DigestRules()) is None
    assert compose(old, PERIOD, DigestRules()) is None


def test_many_items_are_capped_per_section_and_in_all_newest_first() -> None:
    items = [item(n, "A", MID - timedelta(minutes=n)) for n in range(50)]
    items += [item(100 + n, "B", MID - timedelta(minutes=n, seconds=30)) for n in range(50)]
    items += [item(200, "C", MID - timedelta(days=2))]
    digest = compose(items, PERIOD, DigestRules(max_per_section=4, max_items=9))
    sections = {s.name: [e.item_id for e in s.entries] for s in digest.sections}
    assert sections == {"A": [0, 1, 2, 3], "B": [100, 101, 102, 103], "C": [200]}
    assert digest.total == 9


def test_sections_follow_the_configured_order_then_recency() -> None:
    items = [
        item(1, "IFLA", MID),
        item(2, "LBB", MID - timedelta(hours=1)),
        item(3, "Other", MID + timedelta(hours=1)),
        item(4, "EBLIDA", MID),
    ]
    digest = compose(items, PERIOD, DigestRules(source_order=("LBB", "IFLA", "EBLIDA")))
    assert [s.name for s in digest.sections] == ["LBB", "IFLA", "EBLIDA", "Other"]
    assert all(s.kind == "source" for s in digest.sections)


def test_items_of_a_sent_digest_are_not_repeated() -> None:
    items = [item(1, "A", MID), item(2, "A", MID)]
    assert [e.item_id for e in compose(items, PERIOD, DigestRules(), already_sent={1}).entries] == [
        2
    ]
    assert compose(items, PERIOD, DigestRules(), already_sent={1, 2}) is None


def test_filters_by_source_category_and_keyword_ignore_case_and_diacritics() -> None:
    items = [
        item(1, "IFLA", MID, "Copyright news", categories=["Copyright"]),
        item(2, "LBB", MID, "Seminārs Jelgavā", categories=["Semināri"]),
        item(3, "LBB", MID, "Gada balva", summary="Izvirzi kolēģi balvai"),
        item(4, "EBLIDA", MID, "Library week", categories=["Events"]),
    ]

    def ids(**spec) -> list[int]:
        digest = compose(
            items, PERIOD, DigestRules(), item_filter=ItemFilter.from_config(Filter(**spec))
        )
        return sorted(e.item_id for e in digest.entries) if digest else []

    assert ids() == [1, 2, 3, 4]
    assert ids(include_sources=["LBB"]) == [2, 3]
    assert ids(exclude_sources=["LBB", "IFLA"]) == [4]
    assert ids(include_categories=["seminari"]) == [2]
    assert ids(exclude_categories=["COPYRIGHT", "events"]) == [2, 3]
    assert ids(include_keywords=["kolegi"]) == [3]
    assert ids(include_keywords=["semin"], exclude_keywords=["jelgava"]) == []
    assert ids(exclude_keywords=["library", "copyright"]) == [2, 3]
