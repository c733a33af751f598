-- +goose Up
-- Failed attempts at sign-in, second-factor codes and mailed links, one row
-- per counter: scope says what is counted ("password", "network", "code",
-- "token", "notice"), throttle_key for whom (an account and a client
-- network, a network alone, an account alone), account the lower-case
-- e-mail address of the account it belongs to ('' for a network), so that
-- a password reset can clear all of an account's counters. An attempt is
-- charged before it is checked, in a transaction that holds the row, so
-- parallel attempts are counted one after the other. forget_at is when the
-- row no longer matters; old rows are deleted.
CREATE TABLE sign_in_throttle (
    scope         TEXT NOT NULL,
    throttle_key  TEXT NOT NULL,
    account       TEXT NOT NULL DEFAULT '',
    failures      INTEGER NOT NULL DEFAULT 0,
    window_start  TEXT NOT NULL,
    blocked_until TEXT NOT NULL,
    told_at       TEXT,
    forget_at     TEXT NOT NULL,
    PRIMARY KEY (scope, throttle_key)
);
CREATE INDEX sign_in_throttle_account ON sign_in_throttle(account) WHERE account <> '';
CREATE INDEX sign_in_throttle_forget ON sign_in_throttle(forget_at);

-- Browsers that signed in to an account with its second factor: the
-- device cookie holds a random token, this table its SHA-256 digest (one
-- browser may be known to several accounts, each for itself).
CREATE TABLE known_devices (
    digest       TEXT NOT NULL,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at   TEXT NOT NULL,
    last_used_at TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    PRIMARY KEY (user_id, digest)
);

-- Every attempt was a row here for ever; the counters above replace it.
DROP TABLE login_attempts;

-- +goose Down
CREATE TABLE login_attempts (
    email TEXT NOT NULL,
    ip    TEXT NOT NULL,
    at    TEXT NOT NULL,
    ok    INTEGER NOT NULL
);
CREATE INDEX login_attempts_email ON login_attempts(email, at);
CREATE INDEX login_attempts_ip ON login_attempts(ip, at);
DROP TABLE known_devices;
DROP TABLE sign_in_throttle;
