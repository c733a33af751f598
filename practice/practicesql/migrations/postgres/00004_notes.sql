-- +goose Up
-- Session notes (docs/practice.md, "Notes"). The text of every note is
-- sealed at rest in its body or text column, bound to its row; the other
-- columns hold no clinical free text.

-- Progress notes: one per case and date of service; signed_at set once,
-- after which the note changes only by amendments.
CREATE TABLE progress_notes (
    id              BIGSERIAL PRIMARY KEY,
    case_id         BIGINT NOT NULL REFERENCES cases(id),
    author_id       BIGINT NOT NULL REFERENCES users(id),
    date_of_service TEXT NOT NULL CHECK (length(date_of_service) = 10),
    format          TEXT NOT NULL CHECK (format IN ('soap', 'dap')),
    body            TEXT NOT NULL DEFAULT '',
    signed_by       BIGINT REFERENCES users(id),
    signed_at       TIMESTAMPTZ,
    version         INTEGER NOT NULL DEFAULT 1,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    CHECK ((signed_by IS NULL) = (signed_at IS NULL))
);
CREATE UNIQUE INDEX progress_notes_case_day ON progress_notes(case_id, date_of_service);

-- A signed note keeps its date, format and signature, and is never
-- deleted; its body is rewritten only when the keys rotate.
-- +goose StatementBegin
CREATE FUNCTION progress_notes_locked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'a signed progress note is kept';
    END IF;
    IF NEW.date_of_service IS DISTINCT FROM OLD.date_of_service OR NEW.format IS DISTINCT FROM OLD.format
       OR NEW.signed_by IS DISTINCT FROM OLD.signed_by OR NEW.signed_at IS DISTINCT FROM OLD.signed_at
       OR NEW.case_id IS DISTINCT FROM OLD.case_id OR NEW.author_id IS DISTINCT FROM OLD.author_id THEN
        RAISE EXCEPTION 'a signed progress note is locked; amend it';
    END IF;
    RETURN NEW;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER progress_notes_locked BEFORE UPDATE OR DELETE ON progress_notes
FOR EACH ROW WHEN (OLD.signed_at IS NOT NULL) EXECUTE FUNCTION progress_notes_locked();

-- Amendments of signed notes, numbered from 1 per note; body holds the
-- reason, the sections changed and the P/LI record, sealed.
CREATE TABLE progress_note_amendments (
    note_id BIGINT NOT NULL REFERENCES progress_notes(id),
    seq     INTEGER NOT NULL CHECK (seq > 0),
    by_id   BIGINT NOT NULL REFERENCES users(id),
    at      TIMESTAMPTZ NOT NULL,
    body    TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (note_id, seq)
);
-- +goose StatementBegin
CREATE FUNCTION progress_note_amendments_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'an amendment is kept';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER progress_note_amendments_kept BEFORE DELETE ON progress_note_amendments
FOR EACH ROW EXECUTE FUNCTION progress_note_amendments_kept();

-- Psychotherapy notes, apart from the record: read only by their author.
CREATE TABLE psychotherapy_notes (
    id              BIGSERIAL PRIMARY KEY,
    case_id         BIGINT NOT NULL REFERENCES cases(id),
    author_id       BIGINT NOT NULL REFERENCES users(id),
    date_of_service TEXT NOT NULL CHECK (length(date_of_service) = 10),
    text            TEXT NOT NULL DEFAULT '',
    written_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX psychotherapy_notes_case_author ON psychotherapy_notes(case_id, author_id, date_of_service);

-- +goose Down
DROP TABLE psychotherapy_notes;
DROP TABLE progress_note_amendments;
DROP FUNCTION progress_note_amendments_kept();
DROP TABLE progress_notes;
DROP FUNCTION progress_notes_locked();
