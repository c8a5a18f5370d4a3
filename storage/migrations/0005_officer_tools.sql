-- Officer tools: broadcasts to a chosen audience. Opt-out uses contact.opted_out_at (0001).
-- Times are ISO-8601 text in UTC. outbox.broadcast_id (0002) names the broadcast of a row;
-- SQLite cannot add a foreign key to an existing column, so it stays a plain integer.

-- One announcement. 'scheduled' waits for scheduled_at; 'sending' has its outbox rows
-- queued (recipients counted then, with the contacts skipped as blocked or opted out);
-- 'done' has every row in a final state and keeps the final counts; a scheduled one can be
-- 'cancelled'. The progress message is the one the bot edits in the author's chat.
CREATE TABLE broadcast (
    id INTEGER PRIMARY KEY,
    author TEXT NOT NULL CHECK (length(author) BETWEEN 1 AND 100),
    text TEXT NOT NULL CHECK (length(text) BETWEEN 1 AND 4096),
    photo_file_id TEXT CHECK (photo_file_id IS NULL OR length(photo_file_id) BETWEEN 1 AND 300),
    audience TEXT NOT NULL CHECK (length(audience) BETWEEN 1 AND 200),
    scheduled_at TEXT,
    status TEXT NOT NULL CHECK (status IN ('scheduled', 'sending', 'done', 'cancelled')),
    recipients INTEGER CHECK (recipients IS NULL OR recipients >= 0),
    skipped_blocked INTEGER NOT NULL DEFAULT 0 CHECK (skipped_blocked >= 0),
    skipped_opted_out INTEGER NOT NULL DEFAULT 0 CHECK (skipped_opted_out >= 0),
    sent_count INTEGER CHECK (sent_count IS NULL OR sent_count >= 0),
    failed_count INTEGER CHECK (failed_count IS NULL OR failed_count >= 0),
    blocked_count INTEGER CHECK (blocked_count IS NULL OR blocked_count >= 0),
    progress_channel TEXT
        CHECK (progress_channel IS NULL OR progress_channel IN ('telegram', 'whatsapp', 'console')),
    progress_address TEXT,
    progress_message_id TEXT,
    progress_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    queued_at TEXT,
    finished_at TEXT,
    CHECK ((progress_channel IS NULL) = (progress_address IS NULL)),
    CHECK (status <> 'scheduled' OR scheduled_at IS NOT NULL),
    CHECK ((status IN ('sending', 'done')) = (queued_at IS NOT NULL)),
    CHECK ((status = 'done') = (finished_at IS NOT NULL))
);

CREATE INDEX broadcast_state ON broadcast (status, scheduled_at);
