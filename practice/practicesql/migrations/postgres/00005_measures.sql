-- +goose Up
-- Measures: the practice's settings of the screening instruments (enabled,
-- and for a licensed one the permission an admin confirmed), the item texts
-- imported for licensed instruments, clients' responses (answers and
-- scores sealed), the escalation reports evaluated on cases (sealed), and
-- the same-day safety tasks a PHQ-9 self-harm flag opens.
CREATE TABLE measure_settings (
    instrument            TEXT PRIMARY KEY,
    enabled               BOOLEAN NOT NULL,
    permission_by         BIGINT REFERENCES users(id),
    permission_by_name    TEXT NOT NULL DEFAULT '',
    permission_at         TIMESTAMPTZ,
    permission_statement  TEXT NOT NULL DEFAULT '',
    updated_at            TIMESTAMPTZ NOT NULL,
    version               INTEGER NOT NULL
);

CREATE TABLE measure_texts (
    id           BIGSERIAL PRIMARY KEY,
    instrument   TEXT NOT NULL,
    texts        TEXT NOT NULL,
    imported_by  BIGINT NOT NULL REFERENCES users(id),
    imported_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX measure_texts_instrument ON measure_texts(instrument, id);

CREATE TABLE measure_responses (
    id               BIGSERIAL PRIMARY KEY,
    case_id          BIGINT NOT NULL,
    client_id        BIGINT NOT NULL REFERENCES clients(id),
    instrument       TEXT NOT NULL,
    sex              TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('in_progress', 'completed', 'entered_in_error')),
    answers          TEXT NOT NULL DEFAULT '',
    result           TEXT NOT NULL DEFAULT '',
    texts_ref        TEXT NOT NULL,
    taken_at         TIMESTAMPTZ NOT NULL,
    entered_by       BIGINT NOT NULL REFERENCES users(id),
    entered_by_name  TEXT NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL,
    completed_at     TIMESTAMPTZ,
    error_reason     TEXT NOT NULL DEFAULT '',
    error_by         BIGINT REFERENCES users(id),
    error_by_name    TEXT NOT NULL DEFAULT '',
    error_at         TIMESTAMPTZ,
    corrects         BIGINT REFERENCES measure_responses(id),
    corrected_by     BIGINT REFERENCES measure_responses(id),
    version          INTEGER NOT NULL
);
CREATE INDEX measure_responses_case ON measure_responses(case_id, taken_at);
CREATE INDEX measure_responses_client ON measure_responses(client_id, taken_at);

-- A scored response never changes: once it is completed (or entered in
-- error) its answers, score, instrument, case and time are fixed, and a
-- response entered in error stays so. The store seals answers and score
-- right after the insert, while they are still empty.
-- +goose StatementBegin
CREATE FUNCTION measure_responses_fixed() RETURNS trigger AS $$
BEGIN
    IF OLD.status <> 'in_progress' AND (
        (OLD.answers <> '' AND NEW.answers IS DISTINCT FROM OLD.answers) OR
        (OLD.result <> '' AND NEW.result IS DISTINCT FROM OLD.result) OR
        NEW.instrument IS DISTINCT FROM OLD.instrument OR NEW.case_id IS DISTINCT FROM OLD.case_id OR
        NEW.client_id IS DISTINCT FROM OLD.client_id OR NEW.sex IS DISTINCT FROM OLD.sex OR
        NEW.taken_at IS DISTINCT FROM OLD.taken_at OR NEW.status = 'in_progress' OR
        (OLD.status = 'entered_in_error' AND NEW.status <> 'entered_in_error')) THEN
        RAISE EXCEPTION 'measure_responses: a scored response never changes';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd
CREATE TRIGGER measure_responses_fixed BEFORE UPDATE ON measure_responses
    FOR EACH ROW EXECUTE FUNCTION measure_responses_fixed();

CREATE TABLE measure_escalations (
    id                       BIGSERIAL PRIMARY KEY,
    case_id                  BIGINT NOT NULL,
    evaluated_at             TIMESTAMPTZ NOT NULL,
    by_user                  BIGINT NOT NULL REFERENCES users(id),
    cause                    TEXT NOT NULL,
    response_id              BIGINT REFERENCES measure_responses(id),
    rules_version            TEXT NOT NULL,
    needs_intensive_therapy  BOOLEAN NOT NULL,
    explanation              TEXT NOT NULL DEFAULT ''
);
CREATE INDEX measure_escalations_case ON measure_escalations(case_id, id);
CREATE INDEX measure_escalations_response ON measure_escalations(response_id);

CREATE TABLE safety_tasks (
    id                BIGSERIAL PRIMARY KEY,
    case_id           BIGINT NOT NULL,
    client_id         BIGINT NOT NULL REFERENCES clients(id),
    practitioner_id   BIGINT NOT NULL REFERENCES users(id),
    response_id       BIGINT NOT NULL REFERENCES measure_responses(id),
    rule              TEXT NOT NULL,
    why               TEXT NOT NULL DEFAULT '',
    opened_at         TIMESTAMPTZ NOT NULL,
    due               TEXT NOT NULL,
    resolved_at       TIMESTAMPTZ,
    resolved_by       BIGINT REFERENCES users(id),
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
DROP TRIGGER measure_responses_fixed ON measure_responses;
DROP FUNCTION measure_responses_fixed();
DROP TABLE measure_responses;
DROP TABLE measure_texts;
DROP TABLE measure_settings;
