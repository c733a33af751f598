-- +goose Up
-- The kinds of credential each trusted issuer may vouch for, and when
-- each practitioner's scope of practice was last judged.
--
-- A credential names what it awards itself, so an issuer is trusted not in
-- general but for types of the scope map (practice/scope: "aasect-cst",
-- "aasect-cse", ...): a credential counts only when its issuer is trusted
-- for the type it is recognised as. An issuer listed before this migration
-- is trusted for no type until an admin picks its types on the trust list
-- page: its credentials allow only what every practitioner may work.
CREATE TABLE trusted_issuer_types (
    did      TEXT NOT NULL REFERENCES trusted_issuers(did) ON DELETE CASCADE,
    type_id  TEXT NOT NULL,
    PRIMARY KEY (did, type_id)
);

-- One row a practitioner: when the practice last judged their scope of
-- practice and acted on it (a check recorded, a credential attached or
-- removed, the trust list changed), so that the next judgement is compared
-- with that one and a loss of Intensive Therapy is acted on once. The row
-- is also what a judgement locks, one practitioner at a time. judged_at is
-- NULL until the first judgement after this migration.
CREATE TABLE scope_judgements (
    user_id    INTEGER PRIMARY KEY REFERENCES users(id),
    judged_at  TEXT
);

-- +goose Down
DROP TABLE scope_judgements;
DROP TABLE trusted_issuer_types;
