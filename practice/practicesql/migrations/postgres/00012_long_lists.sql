-- +goose Up
-- Long lists page, and charts read only what they draw (docs/benchmarks.md,
-- "Practice pages"): the latest scored responses of each instrument, of a
-- case or of a client, come from an index instead of a scan of every
-- response.
-- The page indexes carry the id that breaks ties in the order of a
-- page (SQLite's indexes carry the row id already).
CREATE INDEX measure_responses_case_chart ON measure_responses(case_id, instrument, status, taken_at, id);
CREATE INDEX measure_responses_client_chart ON measure_responses(client_id, instrument, status, taken_at, id);
CREATE INDEX measure_responses_case_page ON measure_responses(case_id, taken_at, id);
CREATE INDEX measure_responses_client_page ON measure_responses(client_id, taken_at, id);

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
INSERT INTO client_list_generation (id, generation) VALUES (1, gen_random_uuid()::text);
-- +goose StatementBegin
CREATE FUNCTION client_list_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE client_list_generation SET generation = gen_random_uuid()::text WHERE id = 1;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER client_list_practitioners AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON client_practitioners
FOR EACH STATEMENT EXECUTE FUNCTION client_list_bump();
CREATE TRIGGER client_list_clients AFTER UPDATE OR DELETE OR TRUNCATE ON clients
FOR EACH STATEMENT EXECUTE FUNCTION client_list_bump();

-- +goose Down
DROP INDEX measure_responses_client_chart;
DROP INDEX measure_responses_case_chart;
DROP INDEX measure_responses_client_page;
DROP INDEX measure_responses_case_page;
DROP TRIGGER client_list_clients ON clients;
DROP TRIGGER client_list_practitioners ON client_practitioners;
DROP FUNCTION client_list_bump();
DROP TABLE client_list_generation;
