-- The outbox: one row per recipient and message the bot sends on its own initiative
-- (reminders, broadcasts, nudges). Scheduling writes rows; the dispatcher drains them.
-- `key` makes enqueueing idempotent; `body` is the message as JSON; times are UTC ISO text.
-- broadcast_id gets its foreign key when the broadcast table arrives.

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    channel TEXT NOT NULL CHECK (channel IN ('telegram', 'whatsapp', 'console')),
    address TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'blocked')),
    attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_error TEXT,
    not_before TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    sent_at TEXT,
    broadcast_id INTEGER
);

CREATE INDEX outbox_due ON outbox (status, not_before);

CREATE INDEX outbox_broadcast ON outbox (broadcast_id, status);
