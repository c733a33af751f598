-- +goose Up
-- Regulators find a holder by licence number, but licence numbers are
-- kept only inside sealed portfolios. This blind index holds, for each
-- licence of an approved application's frozen portfolio, a keyed hash
-- (HMAC-SHA256, hex) of the normalised number under a key derived from
-- the encryption keyring, and the id of that key: the database can match
-- a number a regulator types without holding any number, and a stolen
-- copy cannot be searched by guessing numbers without the key. Rows of a
-- retired key are rewritten by the reseal; the store fills the index for
-- applications approved before it existed, after this migration.
CREATE TABLE licence_index (
    application_id BIGINT NOT NULL REFERENCES applications(id),
    key_id         TEXT NOT NULL,
    number_hash    TEXT NOT NULL,
    PRIMARY KEY (application_id, number_hash)
);
CREATE INDEX licence_index_hash ON licence_index(number_hash);
CREATE INDEX licence_index_key ON licence_index(key_id);

-- +goose Down
DROP TABLE licence_index;
