-- +goose Up
-- Long lists page, and charts read only what they draw (docs/benchmarks.md,
-- "Practice pages"): the latest scored responses of each instrument, of a
-- case or of a client, come from an index instead of a scan of every
-- response.
CREATE INDEX measure_responses_case_chart ON measure_responses(case_id, instrument, status, taken_at, id);
CREATE INDEX measure_responses_client_chart ON measure_responses(client_id, instrument, status, taken_at, id);

-- +goose Down
DROP INDEX measure_responses_client_chart;
DROP INDEX measure_responses_case_chart;

