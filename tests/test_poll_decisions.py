"""What a poll means for a source, decided without a server or a database."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from feeds.fetch import Fetched
from feeds.health import RetryPolicy
from storage import Source
from vestnesis.sources.decide import Failure, Parse, Unchanged, after_fetch, failure

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
POLICY = RetryPolicy(interval=timedelta(minutes=15), max_backoff=timedelta(hours=4), pause_after=3)
BODY = b"<rss version='2.0'><channel><title>A</title></channel></rss>"
SOURCE = Source(
    id=1,
    name="IFLA",
    location="https://example.org/feed",
    language=None,
    origin="config",
    enabled=True,
    paused=False,
    etag='"v1"',
    last_modified="Fri, 20 Nov 2026 10:00:00 GMT",
    content_hash=hashlib.sha256(BODY).hexdigest(),
    error_count=0,
    last_error=None,
    last_attempt=NOW - timedelta(minutes=15),
    last_success=NOW - timedelta(minutes=15),
    next_attempt=NOW,
    created_at=NOW - timedelta(days=30),
)


def test_not_modified_keeps_the_validators_and_moves_the_schedule_on():
    decision = after_fetch(SOURCE, Fetched(status="not_modified"), NOW, POLICY)
    assert isinstance(decision, Unchanged)
    assert decision.record.ok and decision.record.etag == '"v1"'
    assert decision.record.content_hash == SOURCE.content_hash
    assert decision.record.next_attempt == NOW + timedelta(minutes=15)


def test_the_same_bytes_again_are_not_parsed_but_new_validators_are_kept():
    fetched = Fetched(status="ok", content=BODY, etag='"v2"')
    decision = after_fetch(SOURCE, fetched, NOW, POLICY)
    assert isinstance(decision, Unchanged)
    assert decision.record.etag == '"v2"' and decision.record.last_modified is None


def test_changed_bytes_are_parsed_and_recorded_with_their_hash():
    changed = BODY.replace(b"A", b"B")
    decision = after_fetch(SOURCE, Fetched(status="ok", content=changed), NOW, POLICY)
    assert isinstance(decision, Parse)
    assert decision.record.content_hash == hashlib.sha256(changed).hexdigest()


def test_a_failure_backs_off_doubling_and_respects_retry_after():
    failing = replace(SOURCE, error_count=1)
    first = after_fetch(failing, Fetched(status="failed", error="HTTP 503"), NOW, POLICY)
    assert isinstance(first, Failure) and first.failures == 2
    assert first.record.next_attempt == NOW + timedelta(minutes=30)
    assert first.record.error == "HTTP 503" and first.board_message is None
    slow = Fetched(status="failed", error="HTTP 429", retry_after=timedelta(hours=2))
    told = after_fetch(SOURCE, slow, NOW, POLICY)
    assert isinstance(told, Failure) and told.record.next_attempt == NOW + timedelta(hours=2)


def test_the_failure_that_reaches_the_limit_pauses_and_tells_the_board():
    decision = failure(replace(SOURCE, error_count=2), "HTTP 500", NOW, POLICY)
    assert decision.record.pause and decision.failures == 3
    assert decision.board_message is not None
    assert "IFLA" in decision.board_message and "feeds resume IFLA" in decision.board_message


def test_a_source_back_from_failures_starts_its_schedule_afresh():
    recovering = replace(SOURCE, error_count=4, next_attempt=NOW + timedelta(hours=3))
    decision = after_fetch(recovering, Fetched(status="not_modified"), NOW, POLICY)
    assert decision.record.next_attempt == NOW + timedelta(minutes=15)
