-- +goose Up
-- Long lists page, and charts read only what they draw (docs/benchmarks.md,
-- "Practice pages"): the latest scored responses of each instrument, of a
-- case or of a client, come from an index instead of a scan of every
-- response.
CREATE INDEX measure_responses_case_chart ON measure_responses(case_id, instrument, status, taken_at, id);
CREATE INDEX measure_responses_client_chart ON measure_responses(client_id, instrument, status, taken_at, id);

-- Which clients a practitioner's list holds, and what it shows of them,
-- change only with client_practitioners and clients: every change of
-- either gives client_list_generation a new random value, in the same
-- transaction, so that a list read once (decided by the assignments,
-- sorted by the names opened) is reused, in the process that read it,
-- only while the generation it was read at stands
-- (practicesql/clients_cache.go). Triggers change it, so that no write
-- path can forget to; a random value (128 bits) is never taken again, even
-- when the transaction that took it rolls back.
CREATE TABLE client_list_generation (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    generation  TEXT NOT NULL
);
INSERT INTO client_list_generation (id, generation) VALUES (1, lower(hex(randomblob(16))));
-- +goose StatementBegin
CREATE TRIGGER client_list_assigned AFTER INSERT ON client_practitioners
BEGIN
    UPDATE client_list_generation SET generation = lower(hex(randomblob(16))) WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER client_list_unassigned AFTER DELETE ON client_practitioners
BEGIN
    UPDATE client_list_generation SET generation = lower(hex(randomblob(16))) WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER client_list_reassigned AFTER UPDATE ON client_practitioners
BEGIN
    UPDATE client_list_generation SET generation = lower(hex(randomblob(16))) WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER client_list_changed AFTER UPDATE ON clients
BEGIN
    UPDATE client_list_generation SET generation = lower(hex(randomblob(16))) WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER client_list_removed AFTER DELETE ON clients
BEGIN
    UPDATE client_list_generation SET generation = lower(hex(randomblob(16))) WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose Down
DROP INDEX measure_responses_client_chart;
DROP INDEX measure_responses_case_chart;
DROP TRIGGER client_list_removed;
DROP TRIGGER client_list_changed;
DROP TRIGGER client_list_reassigned;
DROP TRIGGER client_list_unassigned;
DROP TRIGGER client_list_assigned;
DROP TABLE client_list_generation;
