-- WhatsApp: what the Cloud API said about each outbox row, and the inbox of webhook messages.
-- Times are ISO-8601 text in UTC.

-- The platform's id of the message an outbox row became (WhatsApp's wamid), so status
-- webhooks (sent, delivered, read, failed) find their row. template_only: WhatsApp refused the
-- free-form message because the 24-hour window had closed, so the row is retried as a template.
ALTER TABLE outbox ADD COLUMN provider_message_id TEXT;
ALTER TABLE outbox ADD COLUMN provider_status TEXT
    CHECK (provider_status IS NULL OR provider_status IN ('sent', 'delivered', 'read', 'failed'));
ALTER TABLE outbox ADD COLUMN delivered_at TEXT;
ALTER TABLE outbox ADD COLUMN read_at TEXT;
ALTER TABLE outbox ADD COLUMN template_only INTEGER NOT NULL DEFAULT 0
    CHECK (template_only IN (0, 1));

CREATE UNIQUE INDEX outbox_provider_message ON outbox (provider_message_id)
    WHERE provider_message_id IS NOT NULL;

-- Every WhatsApp message the webhook accepted, once per message id: a redelivery of the same
-- id is dropped. The event is kept (as JSON) only until it is processed, so a restart between
-- the webhook's 200 and the handler loses nothing; then only the id and times remain.
CREATE TABLE whatsapp_inbox (
    id INTEGER PRIMARY KEY,
    message_id TEXT NOT NULL UNIQUE CHECK (length(message_id) BETWEEN 1 AND 256),
    address TEXT NOT NULL CHECK (length(address) BETWEEN 1 AND 32),
    event TEXT,
    received_at TEXT NOT NULL,
    processed_at TEXT,
    CHECK ((processed_at IS NULL) = (event IS NOT NULL))
);

CREATE INDEX whatsapp_inbox_pending ON whatsapp_inbox (processed_at, id);
