-- +goose Up
-- When the person behind a session last proved it was them (the password,
-- and the app code for a two-factor account) without signing in again:
-- sensitive changes need this, or the sign-in itself, to be recent.
ALTER TABLE sessions ADD COLUMN reauth_at TEXT;

-- Every API token now expires. Tokens made before had none: they get the
-- default lifetime of a new token (90 days), counted from this upgrade.
UPDATE api_tokens SET expires_at = strftime('%Y-%m-%dT%H:%M:%S', 'now', '+90 days') || '.000000Z'
WHERE expires_at IS NULL;

-- +goose Down
ALTER TABLE sessions DROP COLUMN reauth_at;
