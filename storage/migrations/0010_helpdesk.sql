-- Help desk: questions and answers (FAQ), tickets between participants and officers.
-- Times are ISO-8601 text in UTC.

-- Whether an officer wants ticket alerts (their display name came with the console, 0009).
ALTER TABLE officer ADD COLUMN helpdesk_alerts INTEGER NOT NULL DEFAULT 1
    CHECK (helpdesk_alerts IN (0, 1));

CREATE TABLE faq (
    id INTEGER PRIMARY KEY,
    question TEXT NOT NULL UNIQUE CHECK (length(question) BETWEEN 1 AND 500),
    answer TEXT NOT NULL CHECK (length(answer) BETWEEN 1 AND 2000),
    keywords TEXT NOT NULL DEFAULT '' CHECK (length(keywords) <= 500),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- A ticket belongs to a participant, or to the chat of someone not registered. Its texts and
-- media are personal data: erasure empties them (erased_at) and keeps the row for counts.
CREATE TABLE ticket (
    id INTEGER PRIMARY KEY,
    participant_id INTEGER REFERENCES participant (id) ON DELETE SET NULL,
    channel TEXT NOT NULL CHECK (channel IN ('telegram', 'whatsapp', 'console')),
    address TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'answered', 'closed')),
    officer_id INTEGER REFERENCES officer (id) ON DELETE SET NULL,
    started_by TEXT NOT NULL DEFAULT 'participant'
        CHECK (started_by IN ('participant', 'officer')),
    opened_at TEXT NOT NULL,
    first_answer_at TEXT,
    answered_by TEXT,
    last_answer_at TEXT,
    last_message_at TEXT NOT NULL,
    closed_at TEXT,
    close_note TEXT CHECK (close_note IS NULL OR length(close_note) <= 500),
    erased_at TEXT,
    CHECK ((status = 'closed') = (closed_at IS NOT NULL))
);

CREATE INDEX ticket_status ON ticket (status, opened_at);
CREATE INDEX ticket_chat ON ticket (channel, address, status);
CREATE INDEX ticket_participant ON ticket (participant_id);

CREATE TABLE ticket_message (
    id INTEGER PRIMARY KEY,
    ticket_id INTEGER NOT NULL REFERENCES ticket (id) ON DELETE CASCADE,
    author TEXT NOT NULL CHECK (author IN ('participant', 'officer')),
    officer_id INTEGER REFERENCES officer (id) ON DELETE SET NULL,
    kind TEXT NOT NULL CHECK (kind IN ('text', 'photo', 'document', 'voice')),
    text TEXT CHECK (text IS NULL OR length(text) <= 4096),
    media TEXT CHECK (media IS NULL OR length(media) <= 300),
    alerted INTEGER NOT NULL DEFAULT 0 CHECK (alerted IN (0, 1)),
    created_at TEXT NOT NULL
);

CREATE INDEX ticket_message_ticket ON ticket_message (ticket_id, id);

-- One row per free-text question outside a flow and how it was answered. The text is kept
-- only while the person may still press "Tanya petugas" under an FAQ answer (then emptied),
-- so counts remain without personal data.
CREATE TABLE helpdesk_question (
    id INTEGER PRIMARY KEY,
    channel TEXT NOT NULL,
    address TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('faq', 'own_data', 'ticket')),
    faq_id INTEGER REFERENCES faq (id) ON DELETE SET NULL,
    text TEXT CHECK (text IS NULL OR length(text) <= 4096),
    at TEXT NOT NULL
);

CREATE INDEX helpdesk_question_at ON helpdesk_question (at);

-- The shipped entries (schedule, venue, requirements, equipment, certificate, changing data),
-- editable and removable like any other.
INSERT INTO faq (question, answer, keywords, created_at, updated_at) VALUES
    ('Kapan jadwal bimtek?',
     'Jadwal bimtek Anda ada di menu 📅 Jadwal saya (atau ketik /jadwal), lengkap dengan tanggal, jam dan tempat. Pengingat juga dikirim sehari dan dua jam sebelumnya.',
     'jadwal, kapan bimtek, jam berapa', '2026-11-30T00:00:00.000000+00:00', '2026-11-30T00:00:00.000000+00:00'),
    ('Di mana tempat bimtek?',
     'Tempat bimtek tertulis di /jadwal, dengan tautan peta bila ada. Datanglah 15 menit lebih awal untuk check-in dengan kode QR.',
     'tempat, mana bimtek, tempat bimtek', '2026-11-30T00:00:00.000000+00:00', '2026-11-30T00:00:00.000000+00:00'),
    ('Apa saja syarat ikut bimtek?',
     'Syaratnya: warga Kabupaten, punya atau sedang merintis usaha industri kecil, membawa KTP asli saat bimtek, dan terdaftar lewat /daftar.',
     'syarat, persyaratan, bawa apa, dokumen', '2026-11-30T00:00:00.000000+00:00', '2026-11-30T00:00:00.000000+00:00'),
    ('Kapan bantuan alat bisa diambil?',
     'Bantuan alat diserahkan oleh petugas setelah bimtek. Status alat Anda ada di /alat, begitu diserahkan, konfirmasi penerimaannya di sana.',
     'alat diambil, bantuan alat, alat kapan, oven, mixer, kompor, canting', '2026-11-30T00:00:00.000000+00:00', '2026-11-30T00:00:00.000000+00:00'),
    ('Kapan sertifikat keluar?',
     'Sertifikat diberikan kepada peserta yang hadir dan menyelesaikan bimtek, biasanya pada hari terakhir atau dikirim setelahnya.',
     'sertifikat, piagam', '2026-11-30T00:00:00.000000+00:00', '2026-11-30T00:00:00.000000+00:00'),
    ('Bagaimana cara mengubah data saya?',
     'Buka 👤 Profil saya (atau ketik /profil), lalu pilih data yang ingin diubah. NIK tidak bisa diubah sendiri, hubungi petugas untuk itu.',
     'ubah data, salah nama, ganti nomor, ubah nomor, profil', '2026-11-30T00:00:00.000000+00:00', '2026-11-30T00:00:00.000000+00:00');

-- Files in MEDIA_DIR (`media:<name>`) whose owner was erased: the bot deletes them after the
-- erasure committed, so a rolled-back erasure never loses a file and a crash loses no deletion.
CREATE TABLE media_erasure (
    reference TEXT PRIMARY KEY CHECK (length(reference) BETWEEN 7 AND 300),
    queued_at TEXT NOT NULL
);

-- The officer's display name at the time of the action, beside `actor` (`officer:N`, which
-- readers match on and which stays as it was): a later rename or removal keeps the trail true.
ALTER TABLE audit_log ADD COLUMN actor_name TEXT
    CHECK (actor_name IS NULL OR length(actor_name) <= 80);
