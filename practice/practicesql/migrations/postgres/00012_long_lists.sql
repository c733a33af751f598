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

-- +goose Down
DROP INDEX measure_responses_client_chart;
DROP INDEX measure_responses_case_chart;
DROP INDEX measure_responses_client_page;
DROP INDEX measure_responses_case_page;
