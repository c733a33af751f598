-- Number 18 was reserved for a change that needed no schema after all.
-- This empty migration keeps the numbers contiguous, so that goose never
-- meets a missing version below the newest one applied.

-- +goose Up
SELECT 1;

-- +goose Down
SELECT 1;
