-- +goose Up
-- SQLite lists its FTS5 indexes' words in this step, for prefix search;
-- PostgreSQL's GIN indexes match a prefix themselves. Kept so both
-- engines have the same migrations.
SELECT 1;

-- +goose Down
SELECT 1;
