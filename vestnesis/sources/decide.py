"""What one poll of a source means, decided without I/O.

The poller fetches, parses and stores; these functions say what each outcome does to the
source's state (its validators, content hash, next attempt, pause) and what to report. They
take the source as stored, what the fetch returned and the time, and return values the poller
applies, so every branch is tested without a server or a database.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from feeds.fetch import Fetched
from feeds.health import RetryPolicy
from storage import FetchOutcome, Source


@dataclass(frozen=True)
class Failure:
    """A failed attempt: the state to record, the failures in a row, and, when the source is
    now paused, the message for the board."""

    record: FetchOutcome
    failures: int
    board_message: str | None = None


@dataclass(frozen=True)
class Unchanged:
    """Nothing new to parse: the state to record (validators kept, schedule moved on)."""

    record: FetchOutcome


@dataclass(frozen=True)
class Parse:
    """A changed document: parse it; the state to record once it is stored."""

    record: FetchOutcome


Decision = Failure | Unchanged | Parse


def after_fetch(source: Source, fetched: Fetched, now: datetime, policy: RetryPolicy) -> Decision:
    """What a fetch means: a failure, nothing changed (304, or the same bytes as last time),
    or a document to parse."""
    if fetched.status == "failed":
        return failure(source, fetched.error or "failed", now, policy, fetched)
    if fetched.status == "not_modified":
        return Unchanged(
            success(source, source.etag, source.last_modified, source.content_hash, now, policy)
        )
    digest = hashlib.sha256(fetched.content).hexdigest()
    record = success(source, fetched.etag, fetched.last_modified, digest, now, policy)
    return Unchanged(record) if digest == source.content_hash else Parse(record)


def success(
    source: Source,
    etag: str | None,
    last_modified: str | None,
    digest: str | None,
    now: datetime,
    policy: RetryPolicy,
) -> FetchOutcome:
    """The state after a successful attempt: validators and hash kept, the next regular poll."""
    return FetchOutcome(
        ok=True,
        attempted_at=now,
        etag=etag,
        last_modified=last_modified,
        content_hash=digest,
        # A source coming back from failures starts its schedule afresh: its next attempt
        # was a back-off, which a manual poll may have come before.
        next_attempt=policy.after_success(
            now, source.next_attempt if source.error_count == 0 else None
        ),
    )


def failure(
    source: Source,
    reason: str,
    now: datetime,
    policy: RetryPolicy,
    fetched: Fetched | None = None,
) -> Failure:
    """The state after a failed attempt: back-off (at least the server's Retry-After) and,
    after `policy.pause_after` failures in a row, a pause the board is told about."""
    failures = source.error_count + 1
    retry_after = fetched.retry_after if fetched else None
    next_attempt, pause = policy.after_failure(now, failures, retry_after)
    record = FetchOutcome(
        ok=False, attempted_at=now, error=reason, next_attempt=next_attempt, pause=pause
    )
    message = (
        f"News source {source.name!r} is paused after {failures} failures in a row; "
        f"last: {reason}. Resume it with `vestnesis feeds resume {source.name}`."
        if pause
        else None
    )
    return Failure(record, failures, message)
