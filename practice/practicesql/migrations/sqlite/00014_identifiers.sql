-- +goose Up
-- The identifiers a superbill prints: the practice's own (one row, which
-- an admin edits) and each practitioner's licence and NPI (which they
-- edit themselves). The tax id is sealed: a sole proprietor's may be their
-- social security number.
CREATE TABLE practice_identifiers (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    name        TEXT NOT NULL,
    address     TEXT NOT NULL,
    phone       TEXT NOT NULL,
    npi         TEXT NOT NULL DEFAULT '',
    tax_id      TEXT NOT NULL,
    updated_by  INTEGER NOT NULL REFERENCES users(id),
    updated_at  TEXT NOT NULL,
    version     INTEGER NOT NULL
);

CREATE TABLE practitioner_identifiers (
    user_id         INTEGER PRIMARY KEY REFERENCES users(id),
    licence_type    TEXT NOT NULL,
    licence_number  TEXT NOT NULL,
    licence_state   TEXT NOT NULL,
    npi             TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    version         INTEGER NOT NULL
);

-- +goose Down
DROP TABLE practitioner_identifiers;
DROP TABLE practice_identifiers;
