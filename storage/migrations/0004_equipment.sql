-- Equipment: the items (data officers extend), what each participant is allocated, the
-- handover and the participant's confirmation, and the problem cases officers resolve.
-- Times are ISO-8601 text in UTC. Photos are the platform's file ids, not the images.

-- name_key is the casefolded name, so "oven" and "Oven" are the same item.
CREATE TABLE equipment_item (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    name_key TEXT NOT NULL UNIQUE,
    unit TEXT NOT NULL DEFAULT 'buah' CHECK (length(unit) BETWEEN 1 AND 30)
);

INSERT INTO equipment_item (name, name_key, unit) VALUES
    ('Canting batik', 'canting batik', 'buah'),
    ('Kompor batik', 'kompor batik', 'unit'),
    ('Oven', 'oven', 'unit'),
    ('Mixer', 'mixer', 'unit'),
    ('Tangga', 'tangga', 'buah');

-- One row per participant and item. Allocated → handed over (time and who) → confirmed by
-- the participant (received / not_received / damaged, changeable). Nudges count reminders
-- sent while a handover stays unconfirmed.
CREATE TABLE allocation (
    id INTEGER PRIMARY KEY,
    participant_id INTEGER NOT NULL REFERENCES participant (id),
    item_id INTEGER NOT NULL REFERENCES equipment_item (id),
    quantity INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 1000),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    handed_over_at TEXT,
    handed_over_by TEXT CHECK (handed_over_by IS NULL OR length(handed_over_by) BETWEEN 1 AND 100),
    confirmation TEXT CHECK (confirmation IN ('received', 'not_received', 'damaged')),
    confirmed_at TEXT,
    photo_file_id TEXT,
    note TEXT CHECK (note IS NULL OR length(note) BETWEEN 1 AND 500),
    nudges_sent INTEGER NOT NULL DEFAULT 0 CHECK (nudges_sent >= 0),
    last_nudged_at TEXT,
    UNIQUE (participant_id, item_id),
    CHECK ((handed_over_at IS NULL) = (handed_over_by IS NULL)),
    CHECK (confirmation IS NULL OR handed_over_at IS NOT NULL),
    CHECK ((confirmation IS NULL) = (confirmed_at IS NULL))
);

CREATE INDEX allocation_unconfirmed ON allocation (confirmation, handed_over_at);

-- A "not received" or "damaged" answer opens a case; an officer resolves it with a note, or
-- the participant closes it by answering "received" (resolution stays NULL then).
CREATE TABLE equipment_case (
    id INTEGER PRIMARY KEY,
    allocation_id INTEGER NOT NULL REFERENCES allocation (id),
    kind TEXT NOT NULL CHECK (kind IN ('not_received', 'damaged')),
    opened_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    photo_file_id TEXT,
    note TEXT CHECK (note IS NULL OR length(note) BETWEEN 1 AND 500),
    resolved_at TEXT,
    resolved_by TEXT,
    resolution TEXT CHECK (resolution IS NULL OR length(resolution) BETWEEN 1 AND 500),
    CHECK ((resolved_at IS NULL) = (resolved_by IS NULL)),
    CHECK (resolution IS NULL OR resolved_at IS NOT NULL)
);

-- At most one open case per allocation.
CREATE UNIQUE INDEX equipment_case_one_open ON equipment_case (allocation_id)
    WHERE resolved_at IS NULL;

CREATE INDEX equipment_case_state ON equipment_case (resolved_at, opened_at);
