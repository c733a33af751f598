-- +goose Up
-- Mail that anonymous requests make certboard send (sign-up links, the
-- notice that an address already has an account, password-reset links),
-- counted per recipient in windows, so that nobody can use certboard to
-- flood an inbox: the count is taken and decided in one upsert, so it holds
-- across restarts and across instances. recipient is the SHA-256 (hex) of
-- the lower-cased address, not the address. window_start is when the
-- recipient's current window began; rows of ended windows are swept daily.
CREATE TABLE mail_quota (
    recipient    TEXT PRIMARY KEY,
    window_start TEXT NOT NULL,
    sent         INTEGER NOT NULL
);
CREATE INDEX mail_quota_window ON mail_quota(window_start);

-- Unverified accounts older than a week are deleted by a daily sweep:
-- this index finds them.
CREATE INDEX users_unverified ON users(created_at) WHERE email_verified_at IS NULL;

-- +goose Down
DROP INDEX users_unverified;
DROP TABLE mail_quota;
