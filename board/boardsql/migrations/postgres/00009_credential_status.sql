-- +goose Up
-- Revocation is final; suspension can be lifted. Each with its reason.
ALTER TABLE credentials ADD COLUMN revoked_at TIMESTAMPTZ;
ALTER TABLE credentials ADD COLUMN revoke_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE credentials ADD COLUMN suspended_at TIMESTAMPTZ;
ALTER TABLE credentials ADD COLUMN suspend_reason TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE credentials DROP COLUMN suspend_reason;
ALTER TABLE credentials DROP COLUMN suspended_at;
ALTER TABLE credentials DROP COLUMN revoke_reason;
ALTER TABLE credentials DROP COLUMN revoked_at;
