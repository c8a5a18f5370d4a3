-- Outages: every outbox row has a deadline, and the dispatcher records which channels are down.
-- Times are ISO-8601 text in UTC.

-- The moment after which a row is no longer worth sending: a reminder's session start, a
-- waiting-list offer's end of hold, a broadcast's or notice's give-up time. Until then transient
-- failures are retried; after it the row is failed with a reason starting "expired:".
ALTER TABLE outbox ADD COLUMN expires_at TEXT;

-- Rows queued before deadlines existed keep the default of one day from when they were queued.
UPDATE outbox SET expires_at = strftime('%Y-%m-%dT%H:%M:%f', created_at, '+1 day') || '000+00:00'
    WHERE status IN ('pending', 'sending');

CREATE INDEX outbox_expiry ON outbox (status, expires_at);

-- A channel the dispatcher found unreachable (network errors, timeouts, 5xx) and probes until it
-- answers again. Written by the running bot, read by the CLI (`broadcast status`) and /healthz.
CREATE TABLE channel_state (
    channel TEXT PRIMARY KEY CHECK (channel IN ('telegram', 'whatsapp', 'console')),
    state TEXT NOT NULL CHECK (state IN ('up', 'down')),
    since TEXT NOT NULL,
    reason TEXT CHECK (reason IS NULL OR length(reason) <= 500),
    updated_at TEXT NOT NULL
);
