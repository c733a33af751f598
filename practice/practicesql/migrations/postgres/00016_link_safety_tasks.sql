-- +goose Up
-- A safety task raised by answers a client saved through a link and has
-- not sent names the link; it names the response too once the client
-- sends the answers.
ALTER TABLE safety_tasks ALTER COLUMN response_id DROP NOT NULL;
ALTER TABLE safety_tasks ADD COLUMN link_id BIGINT REFERENCES measure_links(id);
ALTER TABLE safety_tasks ADD CONSTRAINT safety_tasks_link_rule UNIQUE (link_id, rule);
ALTER TABLE safety_tasks ADD CONSTRAINT safety_tasks_raised_by CHECK (response_id IS NOT NULL OR link_id IS NOT NULL);

-- +goose Down
DELETE FROM safety_tasks WHERE response_id IS NULL;
ALTER TABLE safety_tasks DROP CONSTRAINT safety_tasks_raised_by;
ALTER TABLE safety_tasks DROP CONSTRAINT safety_tasks_link_rule;
ALTER TABLE safety_tasks DROP COLUMN link_id;
ALTER TABLE safety_tasks ALTER COLUMN response_id SET NOT NULL;
