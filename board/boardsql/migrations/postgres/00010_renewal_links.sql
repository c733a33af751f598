-- +goose Up
-- A renewal application names the credential it renews; a credential a
-- renewal replaced names its successor and when it was replaced.
ALTER TABLE applications ADD COLUMN renews_credential TEXT NOT NULL DEFAULT '';
ALTER TABLE credentials ADD COLUMN superseded_by TEXT NOT NULL DEFAULT '';
ALTER TABLE credentials ADD COLUMN superseded_at TIMESTAMPTZ;
CREATE INDEX applications_renews ON applications(renews_credential);

-- +goose Down
DROP INDEX applications_renews;
ALTER TABLE credentials DROP COLUMN superseded_at;
ALTER TABLE credentials DROP COLUMN superseded_by;
ALTER TABLE applications DROP COLUMN renews_credential;
