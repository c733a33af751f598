-- +goose Up
-- Measures sent to clients: a one-time link per instrument sent to a
-- client on a case (its token kept only as a SHA-256 hash; the answers
-- saved so far sealed), the measures a case schedules (every N weeks, or
-- before every session), and the source of every response.
-- Who gave a response to the practice: a practitioner entering it, or the
-- client through a link.
ALTER TABLE measure_responses ADD COLUMN source TEXT NOT NULL DEFAULT 'practitioner'
    CHECK (source IN ('practitioner', 'client link'));

CREATE TABLE measure_schedules (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id          INTEGER NOT NULL REFERENCES cases(id),
    client_id        INTEGER NOT NULL REFERENCES clients(id),
    instrument       TEXT NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('every_weeks', 'before_session')),
    every_weeks      INTEGER NOT NULL DEFAULT 0 CHECK (every_weeks BETWEEN 0 AND 52),
    active           INTEGER NOT NULL,
    next_due         TEXT,
    created_by       INTEGER NOT NULL REFERENCES users(id),
    created_by_name  TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    stopped_by       INTEGER REFERENCES users(id),
    stopped_at       TEXT,
    CHECK ((kind = 'every_weeks') = (every_weeks > 0))
);
CREATE INDEX measure_schedules_case ON measure_schedules(case_id, id);
CREATE INDEX measure_schedules_due ON measure_schedules(active, kind, next_due);

CREATE TABLE measure_links (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash       TEXT NOT NULL UNIQUE,
    case_id          INTEGER NOT NULL REFERENCES cases(id),
    client_id        INTEGER NOT NULL REFERENCES clients(id),
    instrument       TEXT NOT NULL,
    delivery         TEXT NOT NULL CHECK (delivery IN ('mail', 'room')),
    schedule_id      INTEGER REFERENCES measure_schedules(id),
    session_at       TEXT,
    created_by       INTEGER NOT NULL REFERENCES users(id),
    created_by_name  TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    expires_at       TEXT NOT NULL,
    answers          TEXT NOT NULL DEFAULT '',
    answered         INTEGER NOT NULL DEFAULT 0,
    saved_at         TEXT,
    used_at          TEXT,
    response_id      INTEGER REFERENCES measure_responses(id),
    revoked_by       INTEGER REFERENCES users(id),
    revoked_at       TEXT,
    CHECK (used_at IS NULL OR revoked_at IS NULL)
);
CREATE INDEX measure_links_case ON measure_links(case_id, id);
CREATE UNIQUE INDEX measure_links_session ON measure_links(schedule_id, session_at);

-- +goose Down
DROP TABLE measure_links;
DROP TABLE measure_schedules;
ALTER TABLE measure_responses DROP COLUMN source;
