-- +goose Up
-- CE providers the board approved, and the completions they reported. A
-- provider is an account with the provider role; its profile says under
-- what name it reports, which bodies approved it (a JSON list of
-- {"body", "number"}) and whether, and until when, the board approves it.
CREATE TABLE ce_providers (
    user_id         INTEGER PRIMARY KEY REFERENCES users(id),
    name            TEXT NOT NULL,
    approvals       TEXT NOT NULL DEFAULT '[]',
    approved        INTEGER NOT NULL DEFAULT 0,
    approved_from   TEXT NOT NULL DEFAULT '',
    approved_until  TEXT NOT NULL DEFAULT '',
    updated_at      TEXT NOT NULL
);

-- One row per course a provider reported for a credential: reporting the
-- same course again finds this row instead of adding another. item_id is
-- the evidence item it became in the renewal application's portfolio.
CREATE TABLE ce_completions (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    provider_id        INTEGER NOT NULL REFERENCES users(id),
    course_id          TEXT NOT NULL,
    credential_id      TEXT NOT NULL REFERENCES credentials(id),
    holder_id          INTEGER NOT NULL REFERENCES users(id),
    application_id     INTEGER NOT NULL REFERENCES applications(id),
    item_id            TEXT NOT NULL,
    title              TEXT NOT NULL,
    completed_on       TEXT NOT NULL,
    hours              REAL NOT NULL,
    delivery           TEXT NOT NULL,
    sexuality_related  INTEGER NOT NULL,
    areas              TEXT NOT NULL DEFAULT '{}',
    reported_at        TEXT NOT NULL,
    UNIQUE (provider_id, course_id, credential_id)
);
CREATE INDEX ce_completions_provider ON ce_completions(provider_id, id);
CREATE INDEX ce_completions_application ON ce_completions(application_id);

-- +goose Down
DROP TABLE ce_completions;
DROP TABLE ce_providers;
