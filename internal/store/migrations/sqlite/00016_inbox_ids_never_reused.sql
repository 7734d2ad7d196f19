-- +goose NO TRANSACTION
-- +goose Up
-- SQLite gives a new row the largest id plus one, so deleting the newest
-- inbox let the next one take its id, and with it the old inbox's events and
-- the contact names learnt there (contacts.name_inbox_id): readers of the new
-- inbox would have seen what only the old one's members could. AUTOINCREMENT
-- never gives an id twice. The table is rebuilt (SQLite cannot add it), with
-- foreign keys off so that nothing cascades, on the one writer connection.
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE inboxes_autoincrement (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT NOT NULL,
    slug       TEXT NOT NULL UNIQUE,
    access     TEXT NOT NULL CHECK (access IN ('everyone', 'specific')),
    created_at TIMESTAMP NOT NULL
);
INSERT INTO inboxes_autoincrement (id, name, slug, access, created_at) SELECT id, name, slug, access, created_at FROM inboxes;
DROP TABLE inboxes;
ALTER TABLE inboxes_autoincrement RENAME TO inboxes;
-- Ids freed before now are not known; those the log and contacts name are.
INSERT INTO sqlite_sequence (name, seq) SELECT 'inboxes', 0 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'inboxes');
UPDATE sqlite_sequence SET seq = max(seq,
    (SELECT coalesce(max(inbox_id), 0) FROM events),
    (SELECT coalesce(max(name_inbox_id), 0) FROM contacts)) WHERE name = 'inboxes';
COMMIT;
PRAGMA foreign_keys = ON;

-- +goose Down
SELECT 1;
