-- +goose Up
-- The practice has one name, kept with its identifiers (00014): the name
-- the session settings (00009) held moves there, and its column goes.
-- A name saved there already wins. When the identifiers were never
-- saved, the name alone becomes their first version: the address, phone,
-- NPI and tax id stay empty (an empty tax id is the one value not
-- sealed) until an admin gives them; a superbill asks for them until
-- then. A name without the admin who set it (written outside the
-- application) is not carried: updated_by names who saved the row.
UPDATE practice_identifiers
   SET name = (SELECT practice_name FROM session_settings WHERE id = 1)
 WHERE id = 1 AND name = ''
   AND (SELECT practice_name FROM session_settings WHERE id = 1) <> '';

INSERT INTO practice_identifiers (id, name, address, phone, npi, tax_id, updated_by, updated_at, version)
SELECT 1, practice_name, '', '', '', '', updated_by, updated_at, 1
  FROM session_settings
 WHERE id = 1 AND practice_name <> '' AND updated_by IS NOT NULL AND updated_at IS NOT NULL
   AND NOT EXISTS (SELECT 1 FROM practice_identifiers);

ALTER TABLE session_settings DROP COLUMN practice_name;

-- +goose Down
ALTER TABLE session_settings ADD COLUMN practice_name TEXT NOT NULL DEFAULT '';
UPDATE session_settings SET practice_name = COALESCE((SELECT name FROM practice_identifiers WHERE id = 1), '') WHERE id = 1;
