-- +goose Up
-- Scope of practice from verified credentials: the practice's trust list,
-- the credentials its practitioners attach with the outcome of their last
-- check, and the flags raised on open Intensive Therapy cases when a
-- practitioner's scope stops including Intensive Therapy. Columns named
-- as sealed hold text sealed with the store's keyring.

-- The issuers (by DID) whose credentials count toward a scope of practice,
-- under the name the practice gives them.
CREATE TABLE trusted_issuers (
    did       TEXT PRIMARY KEY,
    name      TEXT NOT NULL,
    added_by  BIGINT NOT NULL REFERENCES users(id),
    added_at  TIMESTAMPTZ NOT NULL
);

-- A credential a practitioner attached: its document as the issuer gave
-- it (sealed), the address it was attached under, and what its last check
-- found (verified: the JSON of scope.Verified; status repeats its
-- standing). due_at is when it is checked next; judged_at when the
-- practice last looked at it; last_error and failures say why the
-- attempts since the last check could not check it.
CREATE TABLE practitioner_credentials (
    id             BIGSERIAL PRIMARY KEY,
    user_id        BIGINT NOT NULL REFERENCES users(id),
    holder_email   TEXT NOT NULL,
    issuer         TEXT NOT NULL,
    credential_key TEXT NOT NULL,
    document       TEXT NOT NULL DEFAULT '', -- sealed
    verified       TEXT NOT NULL,
    status         TEXT NOT NULL,
    attached_at    TIMESTAMPTZ NOT NULL,
    due_at         TIMESTAMPTZ NOT NULL,
    judged_at      TIMESTAMPTZ NOT NULL,
    last_error     TEXT NOT NULL DEFAULT '',
    failures       INTEGER NOT NULL DEFAULT 0,
    version        INTEGER NOT NULL DEFAULT 1,
    UNIQUE (user_id, issuer, credential_key)
);
CREATE INDEX practitioner_credentials_due ON practitioner_credentials(due_at);
CREATE INDEX practitioner_credentials_issuer ON practitioner_credentials(issuer);

-- A flag on a case, raised when its practitioner's scope stopped
-- including Intensive Therapy, until an admin records its review. At most
-- one flag of a case is open. case_id is a row of cases (the cases
-- area's table), from which flags are only ever raised by a select; it has
-- no foreign key so that this migration stands apart from that table.
CREATE TABLE case_flags (
    id              BIGSERIAL PRIMARY KEY,
    case_id         BIGINT NOT NULL,
    practitioner_id BIGINT NOT NULL REFERENCES users(id),
    reason          TEXT NOT NULL,
    raised_at       TIMESTAMPTZ NOT NULL,
    resolved_at     TIMESTAMPTZ,
    resolved_by     BIGINT REFERENCES users(id),
    resolution      TEXT NOT NULL DEFAULT '' -- sealed
);
CREATE INDEX case_flags_raised ON case_flags(raised_at);
CREATE UNIQUE INDEX case_flags_open ON case_flags(case_id) WHERE resolved_at IS NULL;

-- +goose Down
DROP TABLE case_flags;
DROP TABLE practitioner_credentials;
DROP TABLE trusted_issuers;
