"""The archive's RSS feed is rendered once per sent digest and answers conditional requests."""

from __future__ import annotations

from datetime import timedelta

import feedparser

from tests.conftest import running
from tests.test_web import NOW, client_for, config, mail  # noqa: F401 (fixtures)
from vestnesis.digest import weekly
from vestnesis.digest.weekly import digest_of
from vestnesis.mailing.email_list import enqueue_digest
from vestnesis.wiring.parts import email_delivery, mailing_parts


async def send_another(app, weeks: int) -> None:
    """Store and mark sent a later digest (over a period that still holds the first's items)."""
    first = (await app.database.digests.sent())[-1]
    end = first.period_end + timedelta(weeks=weeks)
    record = await app.database.digests.create(
        first.period_start, end, list(first.item_ids), "approved", end
    )
    await app.database.digests.mark_sent(record.id, end)


async def test_the_archive_feed_is_kept_and_answers_304(config, mail, monkeypatch) -> None:  # noqa: F811
    async with running(config, NOW) as app, client_for(app) as web:
        await app.poller.poll(await app.database.sources.active())
        await app.database.subscribers.add(
            "a@example.lv", name=None, language="lv", source="import", confirmed=True, now=NOW
        )
        await enqueue_digest(mailing_parts(app), NOW)
        await email_delivery(app).drain()

        first = await web.get("/archive/feed.xml?lang=lv")
        assert first.status_code == 200 and len(feedparser.parse(first.content).entries) == 1
        etag, modified = first.headers["etag"], first.headers["last-modified"]
        assert etag.startswith('"') and modified.endswith(" GMT")
        assert "Accept-Language" in first.headers["vary"]

        # A reader that has it: 304, no body, the same validators.
        for headers in ({"If-None-Match": etag}, {"If-Modified-Since": modified}):
            again = await web.get("/archive/feed.xml?lang=lv", headers=headers)
            assert again.status_code == 304 and again.content == b""
            assert again.headers["etag"] == etag
        # If-None-Match decides when both are sent (RFC 9110); a stale tag gets the feed.
        stale = await web.get(
            "/archive/feed.xml?lang=lv",
            headers={"If-None-Match": '"old"', "If-Modified-Since": modified},
        )
        assert stale.status_code == 200 and stale.content == first.content
        # Another language is another document.
        english = await web.get("/archive/feed.xml?lang=en", headers={"If-None-Match": etag})
        assert english.status_code == 200 and english.headers["etag"] != etag

        # Rendered once: repeat requests do not compose the digests again.
        rendered = []

        async def counting(parts, record, *rest):
            rendered.append(record.id)
            return await digest_of(parts, record, *rest)

        monkeypatch.setattr(weekly, "digest_of", counting)
        for _ in range(5):
            assert (await web.get("/archive/feed.xml?lang=lv")).content == first.content
        assert rendered == []

        # The next digest goes out: the feed is new, and the old tag no longer matches.
        await send_another(app, 1)
        newer = await web.get("/archive/feed.xml?lang=lv", headers={"If-None-Match": etag})
        assert newer.status_code == 200 and newer.headers["etag"] != etag
        assert len(feedparser.parse(newer.content).entries) == 2
        assert newer.headers["last-modified"] != modified
        # Rendered once more: each of the two sent digests composed once.
        assert sorted(rendered) == sorted(r.id for r in await app.database.digests.sent())
        assert len(rendered) == 2
