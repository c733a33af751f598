-- +goose Up
-- Durable background jobs: reminders, expiry, automatic suspension, sweeps.
-- job_key is unique, so scheduling the same job twice does nothing.
-- locked_until is the lease of a worker that claimed the job; outcome says
-- how a finished job ended (done, skipped, cancelled).
CREATE TABLE jobs (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    kind         TEXT NOT NULL,
    job_key      TEXT NOT NULL UNIQUE,
    payload      TEXT NOT NULL DEFAULT '',
    run_at       TEXT NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT NOT NULL DEFAULT '',
    locked_until TEXT,
    done_at      TEXT,
    outcome      TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL
);
CREATE INDEX jobs_due ON jobs(done_at, run_at);

-- +goose Down
DROP TABLE jobs;
