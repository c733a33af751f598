-- +goose Up
-- Credentials issued on approval: the signed forms (sealed), the holder, the
-- requirement set they met, and their places in the status lists, unique
-- per list so that no index is ever given twice.
CREATE TABLE credentials (
    id                TEXT PRIMARY KEY,
    application_id    BIGINT NOT NULL REFERENCES applications(id),
    holder_id         BIGINT NOT NULL REFERENCES users(id),
    set_id            TEXT NOT NULL,
    set_version       TEXT NOT NULL,
    document          TEXT NOT NULL,
    jwt               TEXT NOT NULL,
    issued_at         TIMESTAMPTZ NOT NULL,
    valid_until       TIMESTAMPTZ,
    revocation_list   TEXT NOT NULL,
    revocation_index  INTEGER NOT NULL,
    suspension_list   TEXT NOT NULL,
    suspension_index  INTEGER NOT NULL,
    public            BOOLEAN NOT NULL DEFAULT false,
    UNIQUE (revocation_list, revocation_index),
    UNIQUE (suspension_list, suspension_index)
);
CREATE INDEX credentials_holder ON credentials(holder_id);

-- +goose Down
DROP TABLE credentials;
