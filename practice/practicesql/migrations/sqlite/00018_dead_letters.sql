-- +goose Up
-- Dead letters. A job that failed jobs.MaxAttempts times is finished with
-- the outcome 'dead' (done_at is when it died) and waits for an admin to
-- retry or discard it; the partial index finds those few among the many
-- finished jobs. A message of the outbox that failed
-- jobs.MaxMailAttempts times gets dead_at and is not sent again until an
-- admin retries it; discarded_at marks one an admin let go (its body is
-- dropped then).
CREATE INDEX jobs_dead ON jobs(done_at) WHERE outcome = 'dead';
ALTER TABLE outbox ADD COLUMN dead_at TEXT;
ALTER TABLE outbox ADD COLUMN discarded_at TEXT;
CREATE INDEX outbox_dead ON outbox(dead_at) WHERE dead_at IS NOT NULL AND discarded_at IS NULL;

-- +goose Down
DROP INDEX outbox_dead;
ALTER TABLE outbox DROP COLUMN discarded_at;
ALTER TABLE outbox DROP COLUMN dead_at;
DROP INDEX jobs_dead;
