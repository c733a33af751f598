-- +goose Up
-- Sessions held at another practice, written by a record import
-- (practice/records_fhir_sessions.go): imported_from names the import
-- (client_imports, keyed by the client) of a session that had ended when
-- its record was imported; NULL for the practice's own sessions, upcoming
-- imported ones included, which the importer holds from then on. Such a
-- session is history: it is on no superbill, in no calendar feed, takes
-- no time from the importer's calendar and takes no reminder, payment or
-- change. The import writes its sessions before the client_imports row,
-- in the same transaction, so the reference is checked at commit.
ALTER TABLE therapy_sessions ADD COLUMN imported_from BIGINT REFERENCES client_imports(client_id) DEFERRABLE INITIALLY DEFERRED;

-- +goose Down
ALTER TABLE therapy_sessions DROP COLUMN imported_from;
