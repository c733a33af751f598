-- +goose Up
-- Where a client's record came from when it was imported from a FHIR
-- bundle (practice/records_fhir.go): the bundle's id, who imported it,
-- when, how many resources it held, and, sealed (context
-- practice/client_imports/<client id>/provenance), what the record says
-- that this practice's tables cannot hold as its own: the consents signed
-- at the practice it came from and the names of the notes' authors there.
CREATE TABLE client_imports (
    client_id    BIGINT PRIMARY KEY REFERENCES clients(id),
    bundle_id    TEXT NOT NULL,
    imported_by  BIGINT NOT NULL REFERENCES users(id),
    imported_at  TIMESTAMPTZ NOT NULL,
    resources    INTEGER NOT NULL,
    provenance   TEXT NOT NULL
);

-- +goose Down
DROP TABLE client_imports;
