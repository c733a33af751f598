-- +goose Up
-- Cases: a client's episodes of care, their concerns, comorbidities, PLISSIT
-- stage history, referrals, sexual histories and treatment plans. Columns
-- named as sealed hold text sealed with the store's keyring.
CREATE TABLE cases (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    client_id       INTEGER NOT NULL REFERENCES clients(id),
    practitioner_id INTEGER NOT NULL REFERENCES users(id),
    status          TEXT NOT NULL,
    stage           TEXT NOT NULL,
    opened_at       TEXT NOT NULL,
    opened_by       INTEGER NOT NULL REFERENCES users(id),
    closed_at       TEXT,
    closed_by       INTEGER REFERENCES users(id),
    close_reason    TEXT NOT NULL DEFAULT '', -- sealed
    version         INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX cases_client ON cases(client_id, opened_at);
CREATE INDEX cases_practitioner ON cases(practitioner_id, status, stage);

CREATE TABLE case_moves (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id    INTEGER NOT NULL REFERENCES cases(id),
    seq        INTEGER NOT NULL,
    from_stage TEXT NOT NULL DEFAULT '',
    to_stage   TEXT NOT NULL,
    by_id      INTEGER NOT NULL REFERENCES users(id),
    by_name    TEXT NOT NULL,
    at         TEXT NOT NULL,
    reason     TEXT NOT NULL, -- sealed
    UNIQUE (case_id, seq)
);

CREATE TABLE case_concerns (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id   INTEGER NOT NULL REFERENCES cases(id),
    position  INTEGER NOT NULL,
    concern   TEXT NOT NULL,
    onset     TEXT NOT NULL DEFAULT '',
    context   TEXT NOT NULL DEFAULT '',
    severity  TEXT NOT NULL DEFAULT '',
    taxonomy  TEXT NOT NULL,
    UNIQUE (case_id, position)
);

CREATE TABLE case_comorbidities (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id          INTEGER NOT NULL REFERENCES cases(id),
    kind             TEXT NOT NULL,
    source           TEXT NOT NULL,
    measure_ref      TEXT NOT NULL DEFAULT '',
    note             TEXT NOT NULL DEFAULT '', -- sealed
    recorded_by      INTEGER NOT NULL REFERENCES users(id),
    recorded_by_name TEXT NOT NULL,
    recorded_at      TEXT NOT NULL,
    ended_at         TEXT,
    ended_by         INTEGER REFERENCES users(id),
    end_reason       TEXT NOT NULL DEFAULT '' -- sealed
);
CREATE INDEX case_comorbidities_case ON case_comorbidities(case_id, id);

CREATE TABLE case_referrals (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id         INTEGER NOT NULL REFERENCES cases(id),
    stage           TEXT NOT NULL,
    to_name         TEXT NOT NULL,
    to_organisation TEXT NOT NULL DEFAULT '',
    to_contact      TEXT NOT NULL,
    registry_url    TEXT NOT NULL DEFAULT '',
    consent         TEXT NOT NULL,
    details         TEXT NOT NULL DEFAULT '', -- sealed: why, and what is shared
    status          TEXT NOT NULL,
    made_by         INTEGER NOT NULL REFERENCES users(id),
    made_by_name    TEXT NOT NULL,
    made_at         TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX case_referrals_case ON case_referrals(case_id, id);

CREATE TABLE case_histories (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id       INTEGER NOT NULL REFERENCES cases(id),
    version       INTEGER NOT NULL,
    body          TEXT NOT NULL, -- sealed
    saved_by      INTEGER NOT NULL REFERENCES users(id),
    saved_by_name TEXT NOT NULL,
    saved_at      TEXT NOT NULL,
    UNIQUE (case_id, version)
);

CREATE TABLE case_plans (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id       INTEGER NOT NULL REFERENCES cases(id),
    version       INTEGER NOT NULL,
    body          TEXT NOT NULL, -- sealed
    saved_by      INTEGER NOT NULL REFERENCES users(id),
    saved_by_name TEXT NOT NULL,
    saved_at      TEXT NOT NULL,
    UNIQUE (case_id, version)
);

-- +goose Down
DROP TABLE case_plans;
DROP TABLE case_histories;
DROP TABLE case_referrals;
DROP TABLE case_comorbidities;
DROP TABLE case_concerns;
DROP TABLE case_moves;
DROP TABLE cases;
