-- +goose Up
-- Session notes (docs/practice.md, "Notes"). The text of every note is
-- sealed at rest in its body or text column, bound to its row; the other
-- columns hold no clinical free text.

-- Progress notes: one per case and date of service; signed_at set once,
-- after which the note changes only by amendments.
CREATE TABLE progress_notes (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id         INTEGER NOT NULL REFERENCES cases(id),
    author_id       INTEGER NOT NULL REFERENCES users(id),
    date_of_service TEXT NOT NULL CHECK (length(date_of_service) = 10),
    format          TEXT NOT NULL CHECK (format IN ('soap', 'dap')),
    body            TEXT NOT NULL DEFAULT '',
    signed_by       INTEGER REFERENCES users(id),
    signed_at       TEXT,
    version         INTEGER NOT NULL DEFAULT 1,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    CHECK ((signed_by IS NULL) = (signed_at IS NULL))
);
CREATE UNIQUE INDEX progress_notes_case_day ON progress_notes(case_id, date_of_service);

-- A signed note keeps its date, format and signature, and is never
-- deleted; its body is rewritten only when the keys rotate.
-- +goose StatementBegin
CREATE TRIGGER progress_notes_locked BEFORE UPDATE OF date_of_service, format, signed_by, signed_at, case_id, author_id
ON progress_notes WHEN OLD.signed_at IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'a signed progress note is locked; amend it');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER progress_notes_kept BEFORE DELETE ON progress_notes WHEN OLD.signed_at IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'a signed progress note is kept');
END;
-- +goose StatementEnd

-- Amendments of signed notes, numbered from 1 per note; body holds the
-- reason, the sections changed and the P/LI record, sealed.
CREATE TABLE progress_note_amendments (
    note_id INTEGER NOT NULL REFERENCES progress_notes(id),
    seq     INTEGER NOT NULL CHECK (seq > 0),
    by_id   INTEGER NOT NULL REFERENCES users(id),
    at      TEXT NOT NULL,
    body    TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (note_id, seq)
);
-- +goose StatementBegin
CREATE TRIGGER progress_note_amendments_kept BEFORE DELETE ON progress_note_amendments
BEGIN
    SELECT RAISE(ABORT, 'an amendment is kept');
END;
-- +goose StatementEnd

-- Psychotherapy notes, apart from the record: read only by their author.
CREATE TABLE psychotherapy_notes (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id         INTEGER NOT NULL REFERENCES cases(id),
    author_id       INTEGER NOT NULL REFERENCES users(id),
    date_of_service TEXT NOT NULL CHECK (length(date_of_service) = 10),
    text            TEXT NOT NULL DEFAULT '',
    written_at      TEXT NOT NULL
);
CREATE INDEX psychotherapy_notes_case_author ON psychotherapy_notes(case_id, author_id, date_of_service);

-- +goose Down
DROP TABLE psychotherapy_notes;
DROP TRIGGER progress_note_amendments_kept;
DROP TABLE progress_note_amendments;
DROP TRIGGER progress_notes_kept;
DROP TRIGGER progress_notes_locked;
DROP TABLE progress_notes;
