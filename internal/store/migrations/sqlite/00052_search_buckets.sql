-- +goose Up
-- PostgreSQL indexes each row's words by recency bucket in this step;
-- SQLite's FTS5 walks its own index newest first. Kept so both engines
-- have the same migrations.
SELECT 1;

-- +goose Down
SELECT 1;
