-- +goose Up
-- The board's Ed25519 keys for signing credentials. The newest key not
-- retired signs; retired keys stay, published in the DID document, so that
-- credentials they signed keep verifying. The private key is sealed.
CREATE TABLE signing_keys (
    id          TEXT PRIMARY KEY,
    public_key  TEXT NOT NULL,
    private_key TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    retired_at  TEXT
);

-- +goose Down
DROP TABLE signing_keys;
