-- +goose Up
-- PostgreSQL stores the tsvectors of subjects and contacts in this step;
-- SQLite's FTS5 tables already hold their own index. Kept so both engines
-- have the same migrations.
SELECT 1;

-- +goose Down
SELECT 1;
