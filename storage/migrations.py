"""Numbered schema migrations, applied in order and tracked with PRAGMA user_version."""

from __future__ import annotations

# Each entry moves the schema from version N to N+1. Never edit a released entry; append.
MIGRATIONS: tuple[str, ...] = (
    # 1: news sources with their fetch state, and the items they bring.
    """
    CREATE TABLE sources (
        id            INTEGER PRIMARY KEY,
        name          TEXT NOT NULL UNIQUE,
        location      TEXT NOT NULL,
        language      TEXT,
        origin        TEXT NOT NULL CHECK (origin IN ('config', 'cli', 'opml')),
        enabled       INTEGER NOT NULL DEFAULT 1,
        paused        INTEGER NOT NULL DEFAULT 0,
        etag          TEXT,
        last_modified TEXT,
        content_hash  TEXT,
        error_count   INTEGER NOT NULL DEFAULT 0,
        last_error    TEXT,
        last_attempt  TEXT,
        last_success  TEXT,
        next_attempt  TEXT,
        created_at    TEXT NOT NULL
    );

    CREATE TABLE items (
        id          INTEGER PRIMARY KEY,
        source_id   INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
        url         TEXT,
        url_key     TEXT UNIQUE,
        content_key TEXT NOT NULL UNIQUE,
        title       TEXT NOT NULL,
        summary     TEXT NOT NULL,
        language    TEXT,
        author      TEXT,
        categories  TEXT NOT NULL DEFAULT '[]',
        published   TEXT NOT NULL,
        fetched_at  TEXT NOT NULL
    );
    CREATE INDEX items_published ON items(published);
    CREATE INDEX items_source ON items(source_id, published);

    -- Every entry each source has shown us, so a feed's history is never re-read as new,
    -- and an article carried by two feeds is recorded once in items.
    CREATE TABLE source_entries (
        source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
        entry_key TEXT NOT NULL,
        item_id   INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
        seen_at   TEXT NOT NULL,
        PRIMARY KEY (source_id, entry_key)
    ) WITHOUT ROWID;
    CREATE INDEX source_entries_item ON source_entries(item_id);
    """,
    # 2: machine translations paid for once, and the digests composed from the items.
    """
    CREATE TABLE translations (
        backend    TEXT NOT NULL,
        source     TEXT NOT NULL,
        target     TEXT NOT NULL,
        text_hash  TEXT NOT NULL,
        translated TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (backend, source, target, text_hash)
    ) WITHOUT ROWID;

    -- One digest per period end (its send time); its status moves
    -- draft -> approved | held -> sent. Items of sent digests are never repeated.
    CREATE TABLE digests (
        id           INTEGER PRIMARY KEY,
        period_start TEXT NOT NULL,
        period_end   TEXT NOT NULL UNIQUE,
        status       TEXT NOT NULL CHECK (status IN ('draft', 'approved', 'held', 'sent')),
        prepared_at  TEXT NOT NULL,
        decided_by   TEXT,
        decided_at   TEXT,
        sent_at      TEXT
    );

    CREATE TABLE digest_items (
        digest_id INTEGER NOT NULL REFERENCES digests(id) ON DELETE CASCADE,
        item_id   INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
        position  INTEGER NOT NULL,
        PRIMARY KEY (digest_id, item_id)
    ) WITHOUT ROWID;
    CREATE INDEX digest_items_item ON digest_items(item_id);
    """,
    # 3: the mailing list, and the outbox that carries every message to every channel.
    """
    CREATE TABLE subscribers (
        id               INTEGER PRIMARY KEY,
        email            TEXT NOT NULL UNIQUE,
        name             TEXT,
        language         TEXT NOT NULL,
        status           TEXT NOT NULL
                         CHECK (status IN ('pending', 'confirmed', 'unsubscribed', 'bounced')),
        weekly           INTEGER NOT NULL DEFAULT 1,
        source           TEXT NOT NULL,
        created_at       TEXT NOT NULL,
        confirm_requests INTEGER NOT NULL DEFAULT 0,
        last_request_at  TEXT,
        confirmed_at     TEXT,
        unsubscribed_at  TEXT,
        soft_bounces     INTEGER NOT NULL DEFAULT 0,
        last_bounce      TEXT
    );

    -- One rendered message per kind, key, channel and language: the same digest period or
    -- announcement can never be enqueued twice.
    CREATE TABLE messages (
        id         INTEGER PRIMARY KEY,
        kind       TEXT NOT NULL,
        key        TEXT NOT NULL,
        channel    TEXT NOT NULL,
        language   TEXT NOT NULL,
        subject    TEXT NOT NULL,
        body       BLOB NOT NULL,
        created_at TEXT NOT NULL,
        UNIQUE (kind, key, channel, language)
    );

    CREATE TABLE deliveries (
        id            INTEGER PRIMARY KEY,
        message_id    INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
        channel       TEXT NOT NULL,
        recipient     TEXT NOT NULL,
        subscriber_id INTEGER REFERENCES subscribers(id) ON DELETE SET NULL,
        status        TEXT NOT NULL DEFAULT 'pending'
                      CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
        attempts      INTEGER NOT NULL DEFAULT 0,
        next_attempt  TEXT NOT NULL,
        last_error    TEXT,
        sent_at       TEXT,
        UNIQUE (message_id, recipient)
    );
    CREATE INDEX deliveries_due ON deliveries(channel, status, next_attempt);

    -- A channel's sender pauses itself after too many errors in a row.
    CREATE TABLE senders (
        channel      TEXT PRIMARY KEY,
        errors       INTEGER NOT NULL DEFAULT 0,
        paused_until TEXT,
        reason       TEXT
    );
    """,
    # 4: Telegram: members of the bot, the chats it posts to, and the board's announcements.
    """
    CREATE TABLE telegram_members (
        user_id    INTEGER PRIMARY KEY,
        chat_id    INTEGER NOT NULL,
        first_name TEXT,
        language   TEXT,
        weekly     INTEGER NOT NULL DEFAULT 0,
        instant    INTEGER NOT NULL DEFAULT 0,
        status     TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'blocked')),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );

    CREATE TABLE telegram_chats (
        chat_id    INTEGER PRIMARY KEY,
        title      TEXT,
        kind       TEXT NOT NULL,
        language   TEXT,
        topic      INTEGER NOT NULL DEFAULT 0,
        active     INTEGER NOT NULL DEFAULT 1,
        configured INTEGER NOT NULL DEFAULT 0,
        updated_at TEXT NOT NULL
    );

    CREATE TABLE announcements (
        id           INTEGER PRIMARY KEY,
        author_id    INTEGER NOT NULL,
        author_chat  INTEGER NOT NULL,
        text_html    TEXT NOT NULL,
        media_kind   TEXT,
        media_id     TEXT,
        audience     TEXT NOT NULL DEFAULT '[]',
        status       TEXT NOT NULL
                     CHECK (status IN ('draft', 'awaiting', 'approved', 'sent', 'cancelled')),
        approvals    TEXT NOT NULL DEFAULT '[]',
        created_at   TEXT NOT NULL,
        send_at      TEXT,
        sent_at      TEXT,
        reported_at  TEXT
    );
    """,
    # 5: the events calendar (occurrences of imported and board events) and reminder opt-ins.
    """
    CREATE TABLE events (
        id          INTEGER PRIMARY KEY,
        calendar    TEXT NOT NULL,
        uid         TEXT NOT NULL,
        recurrence  TEXT NOT NULL DEFAULT '',
        title       TEXT NOT NULL,
        start       TEXT NOT NULL,
        end         TEXT NOT NULL,
        all_day     INTEGER NOT NULL DEFAULT 0,
        place       TEXT NOT NULL DEFAULT '',
        url         TEXT NOT NULL DEFAULT '',
        kind        TEXT NOT NULL DEFAULT '',
        status      TEXT NOT NULL DEFAULT 'confirmed'
                    CHECK (status IN ('confirmed', 'tentative', 'cancelled')),
        description TEXT NOT NULL DEFAULT '',
        categories  TEXT NOT NULL DEFAULT '[]',
        updated_at  TEXT NOT NULL,
        UNIQUE (calendar, uid, recurrence)
    );
    CREATE INDEX events_start ON events(start);

    -- What each calendar held when last imported, so an unchanged one is not re-read.
    CREATE TABLE calendars (
        name        TEXT PRIMARY KEY,
        digest      TEXT NOT NULL,
        imported_at TEXT NOT NULL
    );

    ALTER TABLE telegram_members ADD COLUMN reminders INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE subscribers ADD COLUMN reminders INTEGER NOT NULL DEFAULT 0;
    """,  # 6: the messages that show an announcement's buttons to board members (approval
    # requests), so each copy can be updated when the announcement moves on.
    """
    CREATE TABLE announcement_prompts (
        announcement_id INTEGER NOT NULL REFERENCES announcements(id) ON DELETE CASCADE,
        chat_id         INTEGER NOT NULL,
        message_id      INTEGER NOT NULL,
        PRIMARY KEY (announcement_id, chat_id, message_id)
    ) WITHOUT ROWID;
    """,  # 7: "remind me" of one event, from the buttons under the bot's answers.
    """
    CREATE TABLE event_reminders (
        user_id    INTEGER NOT NULL REFERENCES telegram_members(user_id) ON DELETE CASCADE,
        event      TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (user_id, event)
    ) WITHOUT ROWID;
    CREATE INDEX event_reminders_event ON event_reminders(event);
    """,
    # 8: weekly periods decided to have nothing new, so that no later restart sends them.
    """
    CREATE TABLE empty_periods (
        period_end TEXT PRIMARY KEY,
        decided_at TEXT NOT NULL
    ) WITHOUT ROWID;
    """,
    # 9: times stored before years were zero-padded ("1-01-01T00:00:00Z") cannot be read
    # back; an impossible publication date counts as missing, i.e. when the item was seen.
    """
    UPDATE items SET published = fetched_at
    WHERE published NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*';
    """,
    # 10: a token that every change of the events table replaces with a new random one (by
    # triggers, so that no writer can forget it), so that the answer index kept beside the
    # database can tell it is current without reading the events. Random, not a counter: a
    # restored older copy counting up again must never meet an index built for other events.
    # Written to run again harmlessly (a repair may set the version back).
    """
    CREATE TABLE IF NOT EXISTS events_change (
        id    INTEGER PRIMARY KEY CHECK (id = 1),
        token BLOB NOT NULL
    );
    INSERT OR IGNORE INTO events_change (id, token) VALUES (1, randomblob(16));
    CREATE TRIGGER IF NOT EXISTS events_inserted AFTER INSERT ON events
    BEGIN UPDATE events_change SET token = randomblob(16); END;
    CREATE TRIGGER IF NOT EXISTS events_updated AFTER UPDATE ON events
    BEGIN UPDATE events_change SET token = randomblob(16); END;
    CREATE TRIGGER IF NOT EXISTS events_deleted AFTER DELETE ON events
    BEGIN UPDATE events_change SET token = randomblob(16); END;
    """,
)
