-- +goose Up
-- Clients and their consent (practice/clients.go). Identity is sealed as a
-- whole, the name included (context practice/clients/<id>/identity): no
-- name, date of birth or contact is in plain text at rest, and lists open
-- each row's identity (one AES-GCM open per row, small lists). version
-- guards edits.
CREATE TABLE clients (
    id          BIGSERIAL PRIMARY KEY,
    identity    TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    created_by  BIGINT NOT NULL REFERENCES users(id),
    updated_at  TIMESTAMPTZ NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1
);

-- Who sees a client: a client keeps at least one (the use cases see to it).
CREATE TABLE client_practitioners (
    client_id        BIGINT NOT NULL REFERENCES clients(id),
    practitioner_id  BIGINT NOT NULL REFERENCES users(id),
    assigned_at      TIMESTAMPTZ NOT NULL,
    assigned_by      BIGINT NOT NULL REFERENCES users(id),
    PRIMARY KEY (client_id, practitioner_id)
);
CREATE INDEX client_practitioners_practitioner ON client_practitioners(practitioner_id, client_id);

-- The consent to treatment, by version; never changed once signed.
CREATE TABLE consent_texts (
    id            BIGSERIAL PRIMARY KEY,
    version       INTEGER NOT NULL UNIQUE,
    title         TEXT NOT NULL,
    body          TEXT NOT NULL,
    published_at  TIMESTAMPTZ NOT NULL,
    published_by  BIGINT NOT NULL REFERENCES users(id)
);

-- A signed consent: signature holds the sealed record of the signature
-- (who signed, the typed name, the witness, the exact text and version;
-- context practice/consents/<id>/signature); withdrawal the sealed reason
-- given on withdrawal ('' for none; practice/consents/<id>/withdrawal).
CREATE TABLE consents (
    id            BIGSERIAL PRIMARY KEY,
    client_id     BIGINT NOT NULL REFERENCES clients(id),
    text_id       BIGINT NOT NULL REFERENCES consent_texts(id),
    witness_id    BIGINT NOT NULL REFERENCES users(id),
    signed_at     TIMESTAMPTZ NOT NULL,
    signature     TEXT NOT NULL,
    withdrawn_at  TIMESTAMPTZ,
    withdrawn_by  BIGINT REFERENCES users(id),
    withdrawal    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX consents_client ON consents(client_id, id);
CREATE INDEX consents_text ON consents(text_id);

-- A practice admin's emergency access to one client's record, live from
-- granted_at until expires_at; reason sealed
-- (practice/emergency_access/<id>/reason).
CREATE TABLE emergency_access (
    id          BIGSERIAL PRIMARY KEY,
    client_id   BIGINT NOT NULL REFERENCES clients(id),
    admin_id    BIGINT NOT NULL REFERENCES users(id),
    reason      TEXT NOT NULL,
    granted_at  TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX emergency_access_client ON emergency_access(client_id, admin_id, expires_at);

-- +goose Down
DROP TABLE emergency_access;
DROP TABLE consents;
DROP TABLE consent_texts;
DROP TABLE client_practitioners;
DROP TABLE clients;
