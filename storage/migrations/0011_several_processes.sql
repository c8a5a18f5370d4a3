-- Several bot processes on one database: inbound updates handled once, whoever receives them.
-- A Telegram update_id (webhook mode) is recorded here before it is processed; a second
-- delivery of the same id, to this process or another, is dropped. Kept 8 days.
-- chat and seq (the update id as a number) let a process hold a person's update until the
-- person's earlier updates, received by other processes, are handled (handled_at).
CREATE TABLE inbound_update (
    channel TEXT NOT NULL CHECK (channel IN ('telegram', 'whatsapp')),
    update_key TEXT NOT NULL CHECK (length(update_key) BETWEEN 1 AND 256),
    received_at TEXT NOT NULL,
    chat TEXT CHECK (chat IS NULL OR length(chat) BETWEEN 1 AND 64),
    seq INTEGER,
    handled_at TEXT,
    PRIMARY KEY (channel, update_key)
);

CREATE INDEX inbound_update_received ON inbound_update (received_at);
CREATE INDEX inbound_update_chat ON inbound_update (channel, chat, seq);

-- A WhatsApp message is claimed by the process that recorded it; only a claim older than a
-- minute (that process died before it could finish) is taken over by another process.
-- Messages recorded before this column existed have none and are anyone's.
ALTER TABLE whatsapp_inbox ADD COLUMN claimed_at TEXT;
