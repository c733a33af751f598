-- +goose Up
-- Cases: a client's episodes of care, their concerns, comorbidities, PLISSIT
-- stage history, referrals, sexual histories and treatment plans. Columns
-- named as sealed hold text sealed with the store's keyring.
CREATE TABLE cases (
    id              BIGSERIAL PRIMARY KEY,
    client_id       BIGINT NOT NULL REFERENCES clients(id),
    practitioner_id BIGINT NOT NULL REFERENCES users(id),
    status          TEXT NOT NULL,
    stage           TEXT NOT NULL,
    opened_at       TIMESTAMPTZ NOT NULL,
    opened_by       BIGINT NOT NULL REFERENCES users(id),
    closed_at       TIMESTAMPTZ,
    closed_by       BIGINT REFERENCES users(id),
    close_reason    TEXT NOT NULL DEFAULT '', -- sealed
    version         INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX cases_client ON cases(client_id, opened_at);
CREATE INDEX cases_practitioner ON cases(practitioner_id, status, stage);

CREATE TABLE case_moves (
    id         BIGSERIAL PRIMARY KEY,
    case_id    BIGINT NOT NULL REFERENCES cases(id),
    seq        INTEGER NOT NULL,
    from_stage TEXT NOT NULL DEFAULT '',
    to_stage   TEXT NOT NULL,
    by_id      BIGINT NOT NULL REFERENCES users(id),
    by_name    TEXT NOT NULL,
    at         TIMESTAMPTZ NOT NULL,
    reason     TEXT NOT NULL, -- sealed
    UNIQUE (case_id, seq)
);

CREATE TABLE case_concerns (
    id        BIGSERIAL PRIMARY KEY,
    case_id   BIGINT NOT NULL REFERENCES cases(id),
    position  INTEGER NOT NULL,
    concern   TEXT NOT NULL,
    onset     TEXT NOT NULL DEFAULT '',
    context   TEXT NOT NULL DEFAULT '',
    severity  TEXT NOT NULL DEFAULT '',
    taxonomy  TEXT NOT NULL,
    UNIQUE (case_id, position)
);

CREATE TABLE case_comorbidities (
    id               BIGSERIAL PRIMARY KEY,
    case_id          BIGINT NOT NULL REFERENCES cases(id),
    kind             TEXT NOT NULL,
    source           TEXT NOT NULL,
    measure_ref      TEXT NOT NULL DEFAULT '',
    note             TEXT NOT NULL DEFAULT '', -- sealed
    recorded_by      BIGINT NOT NULL REFERENCES users(id),
    recorded_by_name TEXT NOT NULL,
    recorded_at      TIMESTAMPTZ NOT NULL,
    ended_at         TIMESTAMPTZ,
    ended_by         BIGINT REFERENCES users(id),
    end_reason       TEXT NOT NULL DEFAULT '' -- sealed
);
CREATE INDEX case_comorbidities_case ON case_comorbidities(case_id, id);

CREATE TABLE case_referrals (
    id              BIGSERIAL PRIMARY KEY,
    case_id         BIGINT NOT NULL REFERENCES cases(id),
    stage           TEXT NOT NULL,
    to_name         TEXT NOT NULL,
    to_organisation TEXT NOT NULL DEFAULT '',
    to_contact      TEXT NOT NULL,
    registry_url    TEXT NOT NULL DEFAULT '',
    consent         TEXT NOT NULL,
    details         TEXT NOT NULL DEFAULT '', -- sealed: why, and what is shared
    status          TEXT NOT NULL,
    made_by         BIGINT NOT NULL REFERENCES users(id),
    made_by_name    TEXT NOT NULL,
    made_at         TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX case_referrals_case ON case_referrals(case_id, id);

CREATE TABLE case_histories (
    id            BIGSERIAL PRIMARY KEY,
    case_id       BIGINT NOT NULL REFERENCES cases(id),
    version       INTEGER NOT NULL,
    body          TEXT NOT NULL, -- sealed
    saved_by      BIGINT NOT NULL REFERENCES users(id),
    saved_by_name TEXT NOT NULL,
    saved_at      TIMESTAMPTZ NOT NULL,
    UNIQUE (case_id, version)
);

CREATE TABLE case_plans (
    id            BIGSERIAL PRIMARY KEY,
    case_id       BIGINT NOT NULL REFERENCES cases(id),
    version       INTEGER NOT NULL,
    body          TEXT NOT NULL, -- sealed
    saved_by      BIGINT NOT NULL REFERENCES users(id),
    saved_by_name TEXT NOT NULL,
    saved_at      TIMESTAMPTZ NOT NULL,
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
