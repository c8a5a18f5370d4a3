-- Reminders, RSVP, the waiting list's held offers and check-in.

-- When the place became the participant's: reminders go to those enrolled at the due time.
ALTER TABLE enrollment ADD COLUMN enrolled_at TEXT;
UPDATE enrollment SET enrolled_at = created_at WHERE status = 'enrolled';

-- One row per session, offset and due time that the scheduler handled, so a reminder is
-- queued once also across restarts; a reminder missed while the bot was down is 'dropped'.
CREATE TABLE reminder_run (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES bimtek_session (id),
    offset_seconds INTEGER NOT NULL CHECK (offset_seconds > 0),
    due_at TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('queued', 'dropped')),
    recipients INTEGER NOT NULL DEFAULT 0,
    ran_at TEXT NOT NULL,
    UNIQUE (session_id, offset_seconds, due_at)
);

-- A place offered to someone on the waiting list, held until expires_at.
CREATE TABLE waitlist_offer (
    id INTEGER PRIMARY KEY,
    enrollment_id INTEGER NOT NULL REFERENCES enrollment (id),
    session_id INTEGER NOT NULL REFERENCES bimtek_session (id),
    offered_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'accepted', 'declined', 'expired')),
    answered_at TEXT
);

CREATE INDEX waitlist_offer_open ON waitlist_offer (status, expires_at);
CREATE INDEX waitlist_offer_enrollment ON waitlist_offer (enrollment_id);
