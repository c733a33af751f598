-- +goose Up
-- Sessions (docs/practice.md, "Sessions"; practice/sessions.go), in
-- therapy_sessions: the table sessions holds sign-ins. A session belongs
-- to a case of a client and is held by one practitioner; it starts
-- at an instant (UTC) and lasts minutes. details holds, sealed and bound to
-- its row (context practice/sessions/<id>/details), what may say something
-- of the client: the video link and the reason of a cancellation. The
-- other columns hold no free text. Amounts are integer cents of currency
-- (ISO 4217). reminded_at is set once the reminder was decided (sent, or
-- not for want of an address), in the transaction that enqueues its mail;
-- moving the session clears it. version guards edits.
CREATE TABLE therapy_sessions (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id         INTEGER NOT NULL REFERENCES cases(id),
    client_id       INTEGER NOT NULL REFERENCES clients(id),
    practitioner_id INTEGER NOT NULL REFERENCES users(id),
    starts_at       TEXT NOT NULL,
    ends_at         TEXT NOT NULL,
    minutes         INTEGER NOT NULL CHECK (minutes BETWEEN 10 AND 480),
    modality        TEXT NOT NULL CHECK (modality IN ('in_person', 'video')),
    kind            TEXT NOT NULL CHECK (kind IN ('individual', 'couple')),
    status          TEXT NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'attended', 'cancelled', 'no_show')),
    cancelled_by    TEXT CHECK (cancelled_by IN ('client', 'client_late', 'practice')),
    cancelled_at    TEXT,
    cancelled_user  INTEGER REFERENCES users(id),
    cpt_code        TEXT NOT NULL CHECK (cpt_code IN ('90791', '90832', '90834', '90837', '90846', '90847', '90853')),
    fee_cents       INTEGER NOT NULL CHECK (fee_cents >= 0),
    paid_cents      INTEGER NOT NULL DEFAULT 0 CHECK (paid_cents >= 0),
    currency        TEXT NOT NULL CHECK (length(currency) = 3),
    paid_at         TEXT,
    details         TEXT NOT NULL DEFAULT '',
    reminded_at     TEXT,
    version         INTEGER NOT NULL DEFAULT 1,
    created_by      INTEGER NOT NULL REFERENCES users(id),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    CHECK ((status = 'cancelled') = (cancelled_by IS NOT NULL)),
    CHECK ((cancelled_by IS NULL) = (cancelled_at IS NULL)),
    CHECK (ends_at > starts_at)
);
CREATE INDEX therapy_sessions_client ON therapy_sessions(client_id, starts_at);
CREATE INDEX therapy_sessions_practitioner ON therapy_sessions(practitioner_id, starts_at);
CREATE INDEX therapy_sessions_reminders ON therapy_sessions(starts_at) WHERE status = 'scheduled' AND reminded_at IS NULL;

-- The practice's settings of sessions: its name and its time zone (IANA),
-- in which forms take and pages and reminders show a session's time.
CREATE TABLE session_settings (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    practice_name TEXT NOT NULL DEFAULT '',
    time_zone     TEXT NOT NULL DEFAULT 'UTC',
    updated_by    INTEGER REFERENCES users(id),
    updated_at    TEXT
);
INSERT INTO session_settings (id) VALUES (1);

-- Each practitioner's secret calendar feed addresses: the token only as
-- its SHA-256 (hex); at most one live (not revoked) per practitioner.
CREATE TABLE calendar_feeds (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    practitioner_id INTEGER NOT NULL REFERENCES users(id),
    token_hash      TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64),
    created_at      TEXT NOT NULL,
    revoked_at      TEXT
);
CREATE UNIQUE INDEX calendar_feeds_live ON calendar_feeds(practitioner_id) WHERE revoked_at IS NULL;

-- A progress note records one session, at most one note a session; notes
-- written before sessions were kept, and those written apart from one,
-- have none.
ALTER TABLE progress_notes ADD COLUMN session_id INTEGER REFERENCES therapy_sessions(id);
CREATE UNIQUE INDEX progress_notes_session ON progress_notes(session_id) WHERE session_id IS NOT NULL;

-- +goose Down
DROP INDEX progress_notes_session;
ALTER TABLE progress_notes DROP COLUMN session_id;
DROP TABLE calendar_feeds;
DROP TABLE session_settings;
DROP TABLE therapy_sessions;
