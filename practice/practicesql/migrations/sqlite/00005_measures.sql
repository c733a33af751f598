-- +goose Up
-- Measures: the practice's settings of the screening instruments (enabled,
-- and for a licensed one the permission an admin confirmed), the item texts
-- imported for licensed instruments, clients' responses (answers and
-- scores sealed), the escalation reports evaluated on cases (sealed), and
-- the same-day safety tasks a PHQ-9 self-harm flag opens.
CREATE TABLE measure_settings (
    instrument            TEXT PRIMARY KEY,
    enabled               INTEGER NOT NULL,
    permission_by         INTEGER REFERENCES users(id),
    permission_by_name    TEXT NOT NULL DEFAULT '',
    permission_at         TEXT,
    permission_statement  TEXT NOT NULL DEFAULT '',
    updated_at            TEXT NOT NULL,
    version               INTEGER NOT NULL
);

CREATE TABLE measure_texts (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    instrument   TEXT NOT NULL,
    texts        TEXT NOT NULL,
    imported_by  INTEGER NOT NULL REFERENCES users(id),
    imported_at  TEXT NOT NULL
);
CREATE INDEX measure_texts_instrument ON measure_texts(instrument, id);

CREATE TABLE measure_responses (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id          INTEGER NOT NULL,
    client_id        INTEGER NOT NULL REFERENCES clients(id),
    instrument       TEXT NOT NULL,
    sex              TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('in_progress', 'completed', 'entered_in_error')),
    answers          TEXT NOT NULL DEFAULT '',
    result           TEXT NOT NULL DEFAULT '',
    texts_ref        TEXT NOT NULL,
    taken_at         TEXT NOT NULL,
    entered_by       INTEGER NOT NULL REFERENCES users(id),
    entered_by_name  TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    completed_at     TEXT,
    error_reason     TEXT NOT NULL DEFAULT '',
    error_by         INTEGER REFERENCES users(id),
    error_by_name    TEXT NOT NULL DEFAULT '',
    error_at         TEXT,
    corrects         INTEGER REFERENCES measure_responses(id),
    corrected_by     INTEGER REFERENCES measure_responses(id),
    version          INTEGER NOT NULL
);
CREATE INDEX measure_responses_case ON measure_responses(case_id, taken_at);
CREATE INDEX measure_responses_client ON measure_responses(client_id, taken_at);

-- A scored response never changes: once it is completed (or entered in
-- error) its answers, score, instrument, case and time are fixed, and a
-- response entered in error stays so. The store seals answers and score
-- right after the insert, while they are still empty.
-- +goose StatementBegin
CREATE TRIGGER measure_responses_fixed BEFORE UPDATE ON measure_responses
WHEN OLD.status <> 'in_progress' AND (
    (OLD.answers <> '' AND NEW.answers IS NOT OLD.answers) OR
    (OLD.result <> '' AND NEW.result IS NOT OLD.result) OR
    NEW.instrument IS NOT OLD.instrument OR NEW.case_id IS NOT OLD.case_id OR
    NEW.client_id IS NOT OLD.client_id OR NEW.sex IS NOT OLD.sex OR
    NEW.taken_at IS NOT OLD.taken_at OR NEW.status = 'in_progress' OR
    (OLD.status = 'entered_in_error' AND NEW.status <> 'entered_in_error'))
BEGIN
    SELECT RAISE(ABORT, 'measure_responses: a scored response never changes');
END;
-- +goose StatementEnd

CREATE TABLE measure_escalations (
    id                       INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id                  INTEGER NOT NULL,
    evaluated_at             TEXT NOT NULL,
    by_user                  INTEGER NOT NULL REFERENCES users(id),
    cause                    TEXT NOT NULL,
    response_id              INTEGER REFERENCES measure_responses(id),
    rules_version            TEXT NOT NULL,
    needs_intensive_therapy  INTEGER NOT NULL,
    explanation              TEXT NOT NULL DEFAULT ''
);
CREATE INDEX measure_escalations_case ON measure_escalations(case_id, id);
CREATE INDEX measure_escalations_response ON measure_escalations(response_id);

CREATE TABLE safety_tasks (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id           INTEGER NOT NULL,
    client_id         INTEGER NOT NULL REFERENCES clients(id),
    practitioner_id   INTEGER NOT NULL REFERENCES users(id),
    response_id       INTEGER NOT NULL REFERENCES measure_responses(id),
    rule              TEXT NOT NULL,
    why               TEXT NOT NULL DEFAULT '',
    opened_at         TEXT NOT NULL,
    due               TEXT NOT NULL,
    resolved_at       TEXT,
    resolved_by       INTEGER REFERENCES users(id),
    resolved_by_name  TEXT NOT NULL DEFAULT '',
    action            TEXT NOT NULL DEFAULT '',
    UNIQUE (response_id, rule)
);
CREATE INDEX safety_tasks_open ON safety_tasks(practitioner_id, opened_at) WHERE resolved_at IS NULL;
CREATE INDEX safety_tasks_case ON safety_tasks(case_id);
CREATE INDEX safety_tasks_client ON safety_tasks(client_id) WHERE resolved_at IS NULL;

-- +goose Down
DROP TABLE safety_tasks;
DROP TABLE measure_escalations;
DROP TRIGGER measure_responses_fixed;
DROP TABLE measure_responses;
DROP TABLE measure_texts;
DROP TABLE measure_settings;
