-- +goose Up
-- What the composer inserts (SPEC CMP-2): email templates, #snippets and
-- knowledge-base articles in one table, documents stored once and linked,
-- and each user's meeting link.
CREATE TABLE library_items (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('template', 'snippet', 'article')),
    title      TEXT NOT NULL,
    shortcut   TEXT NULL,
    subject    TEXT NOT NULL DEFAULT '',
    body       TEXT NOT NULL DEFAULT '',
    url        TEXT NOT NULL DEFAULT '',
    created_by INTEGER NULL REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX library_shortcut ON library_items (shortcut) WHERE shortcut IS NOT NULL;
CREATE INDEX library_kind ON library_items (kind, title);

CREATE TABLE documents (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    blob         TEXT NOT NULL,
    token        TEXT NOT NULL UNIQUE,
    created_by   INTEGER NULL REFERENCES users (id) ON DELETE SET NULL,
    created_at   TIMESTAMP NOT NULL
);

ALTER TABLE users ADD COLUMN meeting_link TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE users DROP COLUMN meeting_link;
DROP TABLE documents;
DROP TABLE library_items;
