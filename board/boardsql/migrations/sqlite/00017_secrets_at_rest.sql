-- +goose Up
-- Mail bodies are sealed from now on: sealed_body holds them (the keyring's
-- AEAD, bound to the message's id, recipient and subject), and body is left
-- empty. Bodies of mail already sent, which hold live sign-up and reset
-- links, are dropped here; bodies still waiting in plain text are sealed by
-- the store right after this migration (SQL has no key).
ALTER TABLE outbox ADD COLUMN sealed_body TEXT;
UPDATE outbox SET body = '' WHERE sent_at IS NOT NULL;

-- The signed checkpoint of the audit log: its length and last hash, written
-- with every entry, so that deleting entries from its end is detected. One
-- row: only the latest matters here (copies kept outside hold the history).
CREATE TABLE audit_checkpoint (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    count     INTEGER NOT NULL,
    head      TEXT NOT NULL,
    at        TEXT NOT NULL,
    key_id    TEXT NOT NULL,
    signature TEXT NOT NULL
);

-- +goose Down
DROP TABLE audit_checkpoint;
ALTER TABLE outbox DROP COLUMN sealed_body;
