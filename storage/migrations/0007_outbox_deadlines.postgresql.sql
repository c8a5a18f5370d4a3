-- The PostgreSQL twin of 0007_outbox_deadlines.sql: the same schema, with to_char in place of
-- SQLite's strftime for the default deadline of rows queued before deadlines existed.
ALTER TABLE outbox ADD COLUMN expires_at TEXT;

UPDATE outbox SET expires_at = to_char(
        (created_at::timestamptz + interval '1 day') AT TIME ZONE 'UTC',
        'YYYY-MM-DD"T"HH24:MI:SS.US'
    ) || '+00:00'
    WHERE status IN ('pending', 'sending');

CREATE INDEX outbox_expiry ON outbox (status, expires_at);

CREATE TABLE channel_state (
    channel TEXT PRIMARY KEY CHECK (channel IN ('telegram', 'whatsapp', 'console')),
    state TEXT NOT NULL CHECK (state IN ('up', 'down')),
    since TEXT NOT NULL,
    reason TEXT CHECK (reason IS NULL OR length(reason) <= 500),
    updated_at TEXT NOT NULL
);
