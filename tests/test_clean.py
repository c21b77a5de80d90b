"""HTML to plain text, summaries, identities and back-off arithmetic."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from feeds.clean import html_to_text, one_line, shorten
from feeds.health import RetryPolicy
from feeds.identity import canonical_url, fold
from feeds.language import normalise_code


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>a &amp; b</p><p>c<br>d</p>", "a & b\n\nc\nd"),
        ("<script>alert(1)</script>safe", "safe"),
        ("&lt;script&gt;alert(1)&lt;/script&gt;safe", "safe"),
        ("&amp;lt;b&amp;gt;double&amp;lt;/b&amp;gt;", "double"),
        ("<style>p{}</style><iframe src=x>in</iframe>text", "text"),
        ("<img src='https://t.example/p.gif' width=1 height=1>pixel", "pixel"),
        ("<a href='javascript:alert(1)' onclick='x()'>link</a>", "link"),
        ("2 < 3 and 5 > 4", "2 < 3 and 5 > 4"),
        ("Rīga&nbsp;&#8211;&#x20;Tallina\u200b", "Rīga – Tallina"),
        ("<!-- comment -->visible", "visible"),
        ("", ""),
    ],
)
def test_html_to_text(html: str, text: str) -> None:
    assert html_to_text(html) == text


def test_one_line_joins_blocks() -> None:
    assert one_line("<p>One</p>\n<p>two</p>") == "One two"


def test_shorten_prefers_sentence_then_word_boundaries() -> None:
    sentences = "Pirmais teikums ir gana garš. Otrais teikums arī. " * 20
    cut = shorten(sentences, 100)
    assert len(cut) <= 100 and cut.endswith(".")
    words = "vārds " * 100
    cut = shorten(words, 50)
    assert cut.endswith("…") and len(cut) <= 51 and "vārd…" not in cut
    assert shorten("short text", 400) == "short text"


def test_canonical_url_ignores_scheme_www_tracking_and_slash() -> None:
    a = canonical_url("https://www.IFLA.org/news/x/?utm_source=rss&b=2&a=1#top")
    b = canonical_url("http://ifla.org/news/x?a=1&b=2&fbclid=123")
    assert a == b == "ifla.org/news/x?a=1&b=2"
    assert canonical_url("javascript:alert(1)") is None
    assert canonical_url("https://ifla.org/a") != canonical_url("https://ifla.org/b")


def test_fold_removes_case_diacritics_and_punctuation() -> None:
    assert fold("Kāds ir biedrības MĒRĶIS?") == "kads ir biedribas merkis"
    assert fold("Šiaulių „kūrybinės“ dirbtuvės") == "siauliu kurybines dirbtuves"


def test_language_codes_are_normalised() -> None:
    assert normalise_code("lv-LV") == "lv"
    assert normalise_code("en_GB") == "en"
    assert normalise_code("") is None
    assert normalise_code("x1") is None


def test_backoff_doubles_caps_and_pauses() -> None:
    now = datetime(2026, 11, 22, tzinfo=UTC)
    policy = RetryPolicy(
        interval=timedelta(minutes=15), max_backoff=timedelta(hours=2), pause_after=5
    )
    delays = [policy.after_failure(now, n)[0] - now for n in range(1, 6)]
    assert delays == [timedelta(minutes=m) for m in (15, 30, 60, 120, 120)]
    assert [policy.after_failure(now, n)[1] for n in (4, 5)] == [False, True]
    later, _ = policy.after_failure(now, 1, retry_after=timedelta(hours=1))
    assert later - now == timedelta(hours=1)
    assert policy.after_success(now) - now == timedelta(minutes=15)


def test_the_next_poll_keeps_the_schedule_not_the_finish_time() -> None:
    due = datetime(2026, 11, 22, 10, tzinfo=UTC)
    policy = RetryPolicy(interval=timedelta(minutes=15))
    seconds = timedelta(seconds=1)
    # However late the check ran and however long the fetch took, the next step is due + 15m.
    for finished in (due, due + 40 * seconds, due + 14 * 60 * seconds):
        assert policy.after_success(finished, due) == due + timedelta(minutes=15)
    # A fetch that ran past the next step skips it rather than fetching twice in a row.
    assert policy.after_success(due + 16 * 60 * seconds, due) == due + timedelta(minutes=30)
    # Taken a little early by the due check: still the step after the scheduled one.
    assert policy.after_success(due - 20 * seconds, due) == due + timedelta(minutes=15)
    # Polled by hand well ahead of time: the scheduled poll stays.
    assert policy.after_success(due - 10 * 60 * seconds, due) == due
