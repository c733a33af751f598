-- +goose Up
ALTER TABLE users ADD COLUMN practice TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN totp_secret TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN totp_enabled_at TIMESTAMPTZ;
ALTER TABLE sessions ADD COLUMN pending_2fa BOOLEAN NOT NULL DEFAULT false;

CREATE TABLE applications (
    id                   BIGSERIAL PRIMARY KEY,
    applicant_id         BIGINT NOT NULL REFERENCES users(id),
    set_id               TEXT NOT NULL,
    state                TEXT NOT NULL,
    portfolio            TEXT NOT NULL,
    snapshot             TEXT NOT NULL DEFAULT '',
    snapshot_set_version TEXT NOT NULL DEFAULT '',
    created_at           TIMESTAMPTZ NOT NULL,
    updated_at           TIMESTAMPTZ NOT NULL,
    submitted_at         TIMESTAMPTZ,
    version              INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX applications_applicant ON applications(applicant_id);
CREATE INDEX applications_state ON applications(state, updated_at);

CREATE TABLE application_events (
    id             BIGSERIAL PRIMARY KEY,
    application_id BIGINT NOT NULL REFERENCES applications(id),
    at             TIMESTAMPTZ NOT NULL,
    actor_id       BIGINT REFERENCES users(id),
    action         TEXT NOT NULL,
    from_state     TEXT NOT NULL DEFAULT '',
    to_state       TEXT NOT NULL DEFAULT '',
    message        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX application_events_app ON application_events(application_id, id);

CREATE TABLE application_supervisors (
    application_id BIGINT NOT NULL REFERENCES applications(id),
    supervisor_ref TEXT NOT NULL,
    email          TEXT NOT NULL,
    PRIMARY KEY (application_id, supervisor_ref)
);
CREATE INDEX application_supervisors_email ON application_supervisors(email);

CREATE TABLE documents (
    id             BIGSERIAL PRIMARY KEY,
    application_id BIGINT NOT NULL REFERENCES applications(id),
    item_id        TEXT NOT NULL,
    filename       TEXT NOT NULL,
    content_type   TEXT NOT NULL,
    size           BIGINT NOT NULL,
    sha256         TEXT NOT NULL,
    blob_key       TEXT NOT NULL,
    uploaded_by    BIGINT NOT NULL REFERENCES users(id),
    created_at     TIMESTAMPTZ NOT NULL,
    UNIQUE (application_id, item_id)
);

CREATE TABLE review_assignments (
    application_id  BIGINT NOT NULL REFERENCES applications(id),
    reviewer_id     BIGINT NOT NULL REFERENCES users(id),
    assigned_by     BIGINT NOT NULL REFERENCES users(id),
    assigned_at     TIMESTAMPTZ NOT NULL,
    vote            TEXT NOT NULL DEFAULT '',
    comments        TEXT NOT NULL DEFAULT '',
    voted_at        TIMESTAMPTZ,
    conflict        TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (application_id, reviewer_id)
);
CREATE INDEX review_assignments_reviewer ON review_assignments(reviewer_id);

CREATE TABLE conflicts (
    reviewer_id  BIGINT NOT NULL REFERENCES users(id),
    applicant_id BIGINT NOT NULL REFERENCES users(id),
    reason       TEXT NOT NULL,
    declared_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (reviewer_id, applicant_id)
);

CREATE TABLE requirement_set_uploads (
    id           BIGSERIAL PRIMARY KEY,
    set_id       TEXT NOT NULL,
    version      TEXT NOT NULL,
    yaml         TEXT NOT NULL,
    uploaded_by    BIGINT NOT NULL REFERENCES users(id),
    uploaded_at  TIMESTAMPTZ NOT NULL,
    published_at TIMESTAMPTZ,
    UNIQUE (set_id, version)
);

CREATE TABLE board_settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE api_tokens (
    digest       TEXT PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    last_used_at TIMESTAMPTZ,
    expires_at   TIMESTAMPTZ
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

-- +goose Down
DROP TABLE api_tokens;
DROP TABLE board_settings;
DROP TABLE requirement_set_uploads;
DROP TABLE conflicts;
DROP TABLE review_assignments;
DROP TABLE documents;
DROP TABLE application_supervisors;
DROP TABLE application_events;
DROP TABLE applications;
ALTER TABLE sessions DROP COLUMN pending_2fa;
ALTER TABLE users DROP COLUMN totp_enabled_at;
ALTER TABLE users DROP COLUMN totp_secret;
ALTER TABLE users DROP COLUMN practice;
