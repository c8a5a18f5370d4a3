-- Evaluations: questionnaires (pre-test, post-test, evaluation form) and their questions, who
-- was invited to answer which, the answers, and certificates with their public check code.
-- Times are ISO-8601 text in UTC. No semicolon may appear inside a string in this file.

-- Training hours (jam pelajaran, "JP") a certificate shows; optional.
ALTER TABLE bimtek_session ADD COLUMN hours INTEGER
    CHECK (hours IS NULL OR hours BETWEEN 1 AND 1000);

-- A questionnaire belongs to one session, or is the default of its kind (session_id NULL)
-- for every session without its own.
CREATE TABLE questionnaire (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('pretest', 'posttest', 'evaluasi')),
    session_id INTEGER REFERENCES bimtek_session (id),
    title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE UNIQUE INDEX questionnaire_of_session ON questionnaire (session_id, kind)
    WHERE session_id IS NOT NULL;
CREATE UNIQUE INDEX questionnaire_default ON questionnaire (kind) WHERE session_id IS NULL;

-- options: a JSON list of the option texts (choice questions); correct: the index of the
-- right one. ref is the id the questionnaire file gave the question.
CREATE TABLE question (
    id INTEGER PRIMARY KEY,
    questionnaire_id INTEGER NOT NULL REFERENCES questionnaire (id),
    position INTEGER NOT NULL CHECK (position >= 1),
    ref TEXT NOT NULL CHECK (length(ref) BETWEEN 1 AND 32),
    type TEXT NOT NULL CHECK (type IN ('choice', 'scale', 'text')),
    prompt TEXT NOT NULL CHECK (length(prompt) BETWEEN 1 AND 500),
    options TEXT NOT NULL DEFAULT '[]',
    correct INTEGER,
    required INTEGER NOT NULL DEFAULT 1 CHECK (required IN (0, 1)),
    UNIQUE (questionnaire_id, position),
    UNIQUE (questionnaire_id, ref),
    CHECK ((type = 'choice') = (correct IS NOT NULL))
);

-- One invitation per participant, session and phase: 'pre' (the pre-test, before the start)
-- or 'post' (post-test and evaluation, after the end). Its row is what makes delivery once
-- only, across restarts; nudges are counted on it. kinds: the questionnaires it asks for,
-- comma-separated, fixed when it is sent; finished_at: when every one was submitted.
CREATE TABLE quiz_invitation (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES bimtek_session (id),
    participant_id INTEGER NOT NULL REFERENCES participant (id),
    phase TEXT NOT NULL CHECK (phase IN ('pre', 'post')),
    kinds TEXT NOT NULL CHECK (length(kinds) > 0),
    invited_at TEXT NOT NULL,
    closes_at TEXT NOT NULL,
    nudges_sent INTEGER NOT NULL DEFAULT 0 CHECK (nudges_sent >= 0),
    last_nudged_at TEXT,
    finished_at TEXT,
    UNIQUE (session_id, participant_id, phase)
);

CREATE INDEX quiz_invitation_participant ON quiz_invitation (participant_id);

-- A participant's answers to one questionnaire, started when the first question is asked.
CREATE TABLE quiz_response (
    id INTEGER PRIMARY KEY,
    invitation_id INTEGER NOT NULL REFERENCES quiz_invitation (id),
    questionnaire_id INTEGER NOT NULL REFERENCES questionnaire (id),
    kind TEXT NOT NULL CHECK (kind IN ('pretest', 'posttest', 'evaluasi')),
    started_at TEXT NOT NULL,
    submitted_at TEXT,
    score INTEGER CHECK (score IS NULL OR score >= 0),
    max_score INTEGER CHECK (max_score IS NULL OR max_score >= 0),
    UNIQUE (invitation_id, kind)
);

CREATE INDEX quiz_response_questionnaire ON quiz_response (questionnaire_id);

-- choice: the option index (choice questions) or the value 1-5 (scale questions); text: a
-- free-text answer (erased with the person); skipped: an optional question passed over.
CREATE TABLE quiz_answer (
    response_id INTEGER NOT NULL REFERENCES quiz_response (id),
    question_id INTEGER NOT NULL REFERENCES question (id),
    choice INTEGER,
    text TEXT CHECK (text IS NULL OR length(text) <= 1000),
    skipped INTEGER NOT NULL DEFAULT 0 CHECK (skipped IN (0, 1)),
    answered_at TEXT NOT NULL,
    PRIMARY KEY (response_id, question_id)
);

CREATE INDEX quiz_answer_question ON quiz_answer (question_id);

-- A certificate, issued once per participant and session. number: per
-- CERTIFICATE_NUMBER_FORMAT, its seq counted within number_scope (the number without its
-- sequence). code: random, the key of the public check page. holder_name: the name as
-- registered when issued, withheld (NULL) once the holder erased their data.
CREATE TABLE certificate (
    id INTEGER PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    number_scope TEXT NOT NULL,
    seq INTEGER NOT NULL CHECK (seq >= 1),
    code TEXT NOT NULL UNIQUE,
    session_id INTEGER NOT NULL REFERENCES bimtek_session (id),
    participant_id INTEGER NOT NULL REFERENCES participant (id),
    holder_name TEXT,
    holder_erased_at TEXT,
    issued_at TEXT NOT NULL,
    issued_by TEXT NOT NULL,
    reason TEXT CHECK (reason IS NULL OR length(reason) <= 500),
    revoked_at TEXT,
    revoked_by TEXT,
    revoked_reason TEXT CHECK (revoked_reason IS NULL OR length(revoked_reason) <= 500),
    UNIQUE (session_id, participant_id),
    UNIQUE (number_scope, seq),
    CHECK (holder_name IS NOT NULL OR holder_erased_at IS NOT NULL),
    CHECK ((revoked_at IS NULL) = (revoked_reason IS NULL))
);

CREATE INDEX certificate_participant ON certificate (participant_id);

-- The sample evaluation form (handlers/evaluations/data/evaluasi-contoh.yaml) as the default.
INSERT INTO questionnaire (id, kind, session_id, title, created_at, updated_at)
    VALUES (1, 'evaluasi', NULL, 'Evaluasi Penyelenggaraan Bimtek WUB IKM', '2026-11-30T00:00:00.000000+00:00', '2026-11-30T00:00:00.000000+00:00');

INSERT INTO question (questionnaire_id, position, ref, type, prompt, required) VALUES
    (1, 1, 'materi_sesuai', 'scale', 'Materi: sesuai dengan kebutuhan usaha saya', 1),
    (1, 2, 'materi_jelas', 'scale', 'Materi: mudah dipahami', 1),
    (1, 3, 'materi_modul', 'scale', 'Materi: bahan ajar / modul lengkap dan jelas', 1),
    (1, 4, 'narasumber_kuasai', 'scale', 'Narasumber: menguasai materi', 1),
    (1, 5, 'narasumber_sampaikan', 'scale', 'Narasumber: cara menyampaikan materi', 1),
    (1, 6, 'narasumber_diskusi', 'scale', 'Narasumber: memberi kesempatan bertanya dan berdiskusi', 1),
    (1, 7, 'waktu', 'scale', 'Penyelenggaraan: ketepatan dan kecukupan waktu', 1),
    (1, 8, 'tempat', 'scale', 'Penyelenggaraan: kenyamanan tempat dan kelengkapan sarana', 1),
    (1, 9, 'konsumsi', 'scale', 'Penyelenggaraan: konsumsi', 1),
    (1, 10, 'panitia', 'scale', 'Penyelenggaraan: pelayanan panitia', 1),
    (1, 11, 'manfaat', 'scale', 'Manfaat: bimtek ini berguna untuk usaha saya', 1),
    (1, 12, 'kepuasan', 'scale', 'Secara keseluruhan, seberapa puas Anda dengan bimtek ini?', 1),
    (1, 13, 'saran', 'text', 'Saran dan masukan untuk bimtek berikutnya (ketik jawaban Anda)', 0),
    (1, 14, 'kebutuhan', 'text', 'Materi atau pelatihan lanjutan apa yang Anda butuhkan?', 0);
