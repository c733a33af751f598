-- +goose Up
-- A holder says in their profile whether they accept referrals of clients
-- from other practitioners; the registry filters and shows it. No one
-- does until they say so, so no index entry needs rewriting: the filter
-- token is written only for a yes.
ALTER TABLE registry_profiles ADD COLUMN accepting_referrals INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE registry_profiles DROP COLUMN accepting_referrals;
