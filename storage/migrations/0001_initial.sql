-- Participants, their chat contacts, bimtek sessions, enrollments, officers,
-- the audit log and persisted conversation state.
-- Times are ISO-8601 text in UTC; booleans are 0/1 integers with CHECKs.

CREATE TABLE participant (
    id INTEGER PRIMARY KEY,
    nik TEXT UNIQUE CHECK (nik IS NULL OR length(nik) = 16),
    full_name TEXT,
    phone TEXT,
    business_name TEXT,
    sector TEXT,
    kecamatan TEXT,
    desa TEXT,
    language TEXT NOT NULL DEFAULT 'id' CHECK (language IN ('id', 'en')),
    consent_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    CHECK (deleted_at IS NOT NULL OR (nik IS NOT NULL AND full_name IS NOT NULL))
);

CREATE TABLE contact (
    id INTEGER PRIMARY KEY,
    participant_id INTEGER REFERENCES participant (id) ON DELETE SET NULL,
    channel TEXT NOT NULL CHECK (channel IN ('telegram', 'whatsapp', 'console')),
    address TEXT NOT NULL,
    language TEXT NOT NULL DEFAULT 'id' CHECK (language IN ('id', 'en')),
    blocked_at TEXT,
    opted_out_at TEXT,
    last_inbound_at TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (channel, address)
);

CREATE INDEX contact_participant ON contact (participant_id);

CREATE TABLE bimtek_session (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    venue TEXT NOT NULL,
    maps_url TEXT,
    starts_at TEXT NOT NULL,
    ends_at TEXT NOT NULL,
    capacity INTEGER NOT NULL CHECK (capacity > 0),
    registration_open INTEGER NOT NULL DEFAULT 1 CHECK (registration_open IN (0, 1)),
    checkin_code TEXT NOT NULL UNIQUE,
    cancelled_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (ends_at > starts_at)
);

CREATE TABLE enrollment (
    id INTEGER PRIMARY KEY,
    participant_id INTEGER NOT NULL REFERENCES participant (id),
    session_id INTEGER NOT NULL REFERENCES bimtek_session (id),
    status TEXT NOT NULL CHECK (status IN ('enrolled', 'waitlisted', 'cancelled')),
    rsvp TEXT CHECK (rsvp IS NULL OR rsvp IN ('yes', 'no')),
    attended_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (participant_id, session_id)
);

CREATE INDEX enrollment_session ON enrollment (session_id, status);

CREATE TABLE officer (
    id INTEGER PRIMARY KEY,
    channel TEXT NOT NULL CHECK (channel IN ('telegram', 'whatsapp', 'console')),
    address TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'officer')),
    created_at TEXT NOT NULL,
    UNIQUE (channel, address)
);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT,
    at TEXT NOT NULL
);

CREATE TABLE conversation (
    channel TEXT NOT NULL,
    address TEXT NOT NULL,
    flow TEXT NOT NULL,
    step TEXT NOT NULL,
    data TEXT NOT NULL DEFAULT '{}',
    updated_at TEXT NOT NULL,
    PRIMARY KEY (channel, address)
);

CREATE TABLE bot_setting (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
