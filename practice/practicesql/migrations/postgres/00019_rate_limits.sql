-- +goose Up
-- Rate limits kept where every instance sees them: a token bucket per
-- limit and client (or "*" for all clients together). certboard uses this
-- table when the database is PostgreSQL, so that n instances behind a load
-- balancer enforce one limit; a single instance on SQLite keeps its
-- buckets in memory and leaves the table empty. A row holds the tokens
-- left at at_us (microseconds since 1970), the bucket's size (burst) and
-- refill rate (tokens a microsecond), and whether the last request took a
-- token (granted, 1 or 0). One upsert decides and charges a request; rows
-- of buckets full again are swept.
CREATE TABLE rate_limit (
    bucket     TEXT NOT NULL,
    bucket_key TEXT NOT NULL,
    tokens     DOUBLE PRECISION NOT NULL,
    burst      DOUBLE PRECISION NOT NULL,
    rate       DOUBLE PRECISION NOT NULL,
    at_us      BIGINT NOT NULL,
    granted    INTEGER NOT NULL,
    PRIMARY KEY (bucket, bucket_key)
);

-- +goose Down
DROP TABLE rate_limit;
