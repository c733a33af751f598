-- +goose Up
-- A safety task raised by answers a client saved through a link and has
-- not sent names the link; it names the response too once the client
-- sends the answers. SQLite cannot drop NOT NULL from a column, so the
-- table is built again with response_id nullable and link_id added.
CREATE TABLE safety_tasks_new (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id           INTEGER NOT NULL,
    client_id         INTEGER NOT NULL REFERENCES clients(id),
    practitioner_id   INTEGER NOT NULL REFERENCES users(id),
    response_id       INTEGER REFERENCES measure_responses(id),
    link_id           INTEGER REFERENCES measure_links(id),
    rule              TEXT NOT NULL,
    why               TEXT NOT NULL DEFAULT '',
    opened_at         TEXT NOT NULL,
    due               TEXT NOT NULL,
    resolved_at       TEXT,
    resolved_by       INTEGER REFERENCES users(id),
    resolved_by_name  TEXT NOT NULL DEFAULT '',
    action            TEXT NOT NULL DEFAULT '',
    UNIQUE (response_id, rule),
    UNIQUE (link_id, rule),
    CHECK (response_id IS NOT NULL OR link_id IS NOT NULL)
);
INSERT INTO safety_tasks_new (id, case_id, client_id, practitioner_id, response_id, rule, why, opened_at, due, resolved_at,
    resolved_by, resolved_by_name, action)
SELECT id, case_id, client_id, practitioner_id, response_id, rule, why, opened_at, due, resolved_at,
    resolved_by, resolved_by_name, action FROM safety_tasks;
DROP TABLE safety_tasks;
ALTER TABLE safety_tasks_new RENAME TO safety_tasks;
CREATE INDEX safety_tasks_open ON safety_tasks(practitioner_id, opened_at) WHERE resolved_at IS NULL;
CREATE INDEX safety_tasks_case ON safety_tasks(case_id);
CREATE INDEX safety_tasks_client ON safety_tasks(client_id) WHERE resolved_at IS NULL;

-- +goose Down
DELETE FROM safety_tasks WHERE response_id IS NULL;
CREATE TABLE safety_tasks_old (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id           INTEGER NOT NULL,
    client_id         INTEGER NOT NULL REFERENCES clients(id),
    practitioner_id   INTEGER NOT NULL REFERENCES users(id),
    response_id       INTEGER NOT NULL REFERENCES measure_responses(id),
    rule              TEXT NOT NULL,
    why               TEXT NOT NULL DEFAULT '',
    opened_at         TEXT NOT NULL,
    due               TEXT NOT NULL,
    resolved_at       TEXT,
    resolved_by       INTEGER REFERENCES users(id),
    resolved_by_name  TEXT NOT NULL DEFAULT '',
    action            TEXT NOT NULL DEFAULT '',
    UNIQUE (response_id, rule)
);
INSERT INTO safety_tasks_old (id, case_id, client_id, practitioner_id, response_id, rule, why, opened_at, due, resolved_at,
    resolved_by, resolved_by_name, action)
SELECT id, case_id, client_id, practitioner_id, response_id, rule, why, opened_at, due, resolved_at,
    resolved_by, resolved_by_name, action FROM safety_tasks;
DROP TABLE safety_tasks;
ALTER TABLE safety_tasks_old RENAME TO safety_tasks;
CREATE INDEX safety_tasks_open ON safety_tasks(practitioner_id, opened_at) WHERE resolved_at IS NULL;
CREATE INDEX safety_tasks_case ON safety_tasks(case_id);
CREATE INDEX safety_tasks_client ON safety_tasks(client_id) WHERE resolved_at IS NULL;
