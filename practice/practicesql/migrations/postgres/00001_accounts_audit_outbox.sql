-- +goose Up
-- The tables of the shared code a practice's database needs: accounts
-- (auth/authsql), the audit log (audit/auditsql), and the job queue and
-- mail outbox (jobs/jobsql). They are the board's tables as its migrations
-- 00001-00019 leave them, written out at once for a new database, with one
-- change: users.roles has no default (the board's is 'applicant', a board
-- role); every account is written with its roles. A test in auth/authsql
-- compares these tables with the board's and runs the account store on
-- them. Times are timestamptz.

-- The hash-chained audit log, and its signed checkpoint: the log's length
-- and last hash, written with every entry, so that deleting entries from
-- its end is detected. One row: only the latest matters here.
CREATE TABLE audit_log (
    seq       BIGINT PRIMARY KEY,
    at        TIMESTAMPTZ NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    subject   TEXT NOT NULL,
    before    TEXT NOT NULL DEFAULT '',
    after     TEXT NOT NULL DEFAULT '',
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL UNIQUE
);

CREATE TABLE audit_checkpoint (
    id        SMALLINT PRIMARY KEY CHECK (id = 1),
    count     BIGINT NOT NULL,
    head      TEXT NOT NULL,
    at        TIMESTAMPTZ NOT NULL,
    key_id    TEXT NOT NULL,
    signature TEXT NOT NULL
);

-- Accounts. roles holds auth.Role values, comma-separated; practice is
-- where the person works; totp_secret is sealed with the keyring (bound to
-- the user), '' when two-factor sign-in was never set up; totp_last_step
-- is the TOTP step of the last code used, so that no code is used twice.
CREATE TABLE users (
    id                BIGSERIAL PRIMARY KEY,
    email             TEXT NOT NULL UNIQUE,
    name              TEXT NOT NULL,
    password_hash     TEXT NOT NULL,
    roles             TEXT NOT NULL,
    created_at        TIMESTAMPTZ NOT NULL,
    version           INTEGER NOT NULL DEFAULT 1,
    email_verified_at TIMESTAMPTZ,
    practice          TEXT NOT NULL DEFAULT '',
    totp_secret       TEXT NOT NULL DEFAULT '',
    totp_enabled_at   TIMESTAMPTZ,
    totp_last_step    BIGINT NOT NULL DEFAULT 0
);
-- Unverified accounts older than a week are deleted by a daily sweep:
-- this index finds them.
CREATE INDEX users_unverified ON users(created_at) WHERE email_verified_at IS NULL;

-- Sessions by the SHA-256 digest of their token. pending_2fa marks one
-- waiting for its second factor; reauth_at is when its person last proved
-- it was them without signing in again.
CREATE TABLE sessions (
    digest       TEXT PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at   TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL,
    user_agent   TEXT NOT NULL DEFAULT '',
    pending_2fa  BOOLEAN NOT NULL DEFAULT false,
    reauth_at    TIMESTAMPTZ
);
CREATE INDEX sessions_user ON sessions(user_id);

-- Single-use tokens of links sent by e-mail (verify the address, reset the
-- password), by digest.
CREATE TABLE email_tokens (
    digest     TEXT PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    purpose    TEXT NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ
);

-- Single-use recovery codes, stored only as digests.
CREATE TABLE recovery_codes (
    user_id    BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    digest     TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ,
    PRIMARY KEY (user_id, digest)
);

-- API tokens by digest. Every token made expires (the store refuses one
-- without); the column stays nullable, as on the board, whose older tokens
-- had none.
CREATE TABLE api_tokens (
    digest       TEXT PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    last_used_at TIMESTAMPTZ,
    expires_at   TIMESTAMPTZ
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

-- Failed attempts at sign-in, second-factor codes and mailed links, one row
-- per counter: scope says what is counted, throttle_key for whom, account
-- the lower-case address of the account it belongs to ('' for a network),
-- so that a password reset clears all of an account's counters. forget_at
-- is when the row no longer matters; old rows are deleted.
CREATE TABLE sign_in_throttle (
    scope         TEXT NOT NULL,
    throttle_key  TEXT NOT NULL,
    account       TEXT NOT NULL DEFAULT '',
    failures      INTEGER NOT NULL DEFAULT 0,
    window_start  TIMESTAMPTZ NOT NULL,
    blocked_until TIMESTAMPTZ NOT NULL,
    told_at       TIMESTAMPTZ,
    forget_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (scope, throttle_key)
);
CREATE INDEX sign_in_throttle_account ON sign_in_throttle(account) WHERE account <> '';
CREATE INDEX sign_in_throttle_forget ON sign_in_throttle(forget_at);

-- Browsers that signed in to an account with its second factor, by the
-- digest of their device token.
CREATE TABLE known_devices (
    digest       TEXT NOT NULL,
    user_id      BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at   TIMESTAMPTZ NOT NULL,
    last_used_at TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, digest)
);

-- Mail that anonymous requests make certboard send, counted per recipient
-- (the SHA-256 of the lower-cased address, not the address) in windows.
CREATE TABLE mail_quota (
    recipient    TEXT PRIMARY KEY,
    window_start TIMESTAMPTZ NOT NULL,
    sent         INTEGER NOT NULL
);
CREATE INDEX mail_quota_window ON mail_quota(window_start);

-- Durable background jobs; job_key is unique, so scheduling a job twice
-- does nothing. locked_until is a worker's lease; outcome says how a
-- finished job ended (done, skipped, cancelled).
CREATE TABLE jobs (
    id           BIGSERIAL PRIMARY KEY,
    kind         TEXT NOT NULL,
    job_key      TEXT NOT NULL UNIQUE,
    payload      TEXT NOT NULL DEFAULT '',
    run_at       TIMESTAMPTZ NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT NOT NULL DEFAULT '',
    locked_until TIMESTAMPTZ,
    done_at      TIMESTAMPTZ,
    outcome      TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX jobs_due ON jobs(done_at, run_at);

-- The mail outbox. sealed_body holds the body, sealed with the keyring
-- (bound to the message's id, recipient and subject); body stays '' (it
-- held plain bodies on the board before sealing, and jobsql still reads
-- it for those).
CREATE TABLE outbox (
    id              BIGSERIAL PRIMARY KEY,
    to_addr         TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    sent_at         TIMESTAMPTZ,
    last_error      TEXT NOT NULL DEFAULT '',
    sealed_body     TEXT
);
CREATE INDEX outbox_due ON outbox(sent_at, next_attempt_at);

-- +goose Down
DROP TABLE outbox;
DROP TABLE jobs;
DROP TABLE mail_quota;
DROP TABLE known_devices;
DROP TABLE sign_in_throttle;
DROP TABLE api_tokens;
DROP TABLE recovery_codes;
DROP TABLE email_tokens;
DROP TABLE sessions;
DROP TABLE users;
DROP TABLE audit_checkpoint;
DROP TABLE audit_log;
