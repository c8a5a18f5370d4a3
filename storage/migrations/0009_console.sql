-- The officer web console: one-time sign-in links, server-side sessions, display names,
-- and where each audited action came from.

-- How an action reached the bot: chat, cli, console, or the bot itself (system).
-- Entries written before this column existed keep NULL.
ALTER TABLE audit_log ADD COLUMN via TEXT
    CHECK (via IS NULL OR via IN ('chat', 'cli', 'console', 'system'));

-- The name officers see of each other in the console; NULL shows the address.
ALTER TABLE officer ADD COLUMN display_name TEXT
    CHECK (display_name IS NULL OR length(display_name) BETWEEN 1 AND 80);

-- A sign-in link: only the SHA-256 of its secret is kept, so the database alone cannot
-- sign anyone in. Valid until expires_at, once (used_at).
CREATE TABLE console_login (
    token_hash TEXT PRIMARY KEY CHECK (length(token_hash) = 64),
    officer_id INTEGER NOT NULL REFERENCES officer (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT,
    CHECK (expires_at > created_at)
);

CREATE INDEX console_login_officer ON console_login (officer_id, created_at);

-- A signed-in browser. The cookie holds the secret, the table its SHA-256. The role at
-- sign-in is kept: a session whose officer's role changed no longer counts.
CREATE TABLE console_session (
    id INTEGER PRIMARY KEY,
    session_hash TEXT NOT NULL UNIQUE CHECK (length(session_hash) = 64),
    officer_id INTEGER NOT NULL REFERENCES officer (id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('admin', 'officer')),
    csrf_token TEXT NOT NULL CHECK (length(csrf_token) BETWEEN 32 AND 128),
    language TEXT NOT NULL DEFAULT 'id' CHECK (language IN ('id', 'en')),
    user_agent TEXT CHECK (user_agent IS NULL OR length(user_agent) <= 200),
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    CHECK (expires_at > created_at)
);

CREATE INDEX console_session_officer ON console_session (officer_id);

-- The console's participant page shows the audit trail of one person.
CREATE INDEX audit_log_target ON audit_log (target);
CREATE INDEX audit_log_actor ON audit_log (actor);
-- Sorting and filtering the participant list.
CREATE INDEX participant_name ON participant (full_name COLLATE NOCASE, id);
-- Filtering the list and counting a broadcast's audience by kecamatan or sector: with
-- deleted_at in the index, and the contact columns the skip rule reads in the contact index,
-- the Siaran live count reads indexes only (bench/console.py, docs/PERFORMANCE.md).
CREATE INDEX participant_kecamatan ON participant (kecamatan, deleted_at);
CREATE INDEX participant_sector ON participant (sector, deleted_at);
CREATE INDEX contact_audience ON contact (participant_id, blocked_at, opted_out_at);
