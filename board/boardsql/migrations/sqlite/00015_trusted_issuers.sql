-- +goose Up
-- The board's trust list: issuers (by DID) whose credentials the public
-- verification page and API name, under the name the board gives them,
-- when a credential's proof verifies with one of their keys. The note is
-- for admins only (how the DID was confirmed, say).
CREATE TABLE trusted_issuers (
    did       TEXT PRIMARY KEY,
    name      TEXT NOT NULL,
    note      TEXT NOT NULL DEFAULT '',
    added_by  INTEGER NOT NULL REFERENCES users(id),
    added_at  TEXT NOT NULL
);

-- +goose Down
DROP TABLE trusted_issuers;
