-- +goose Up
-- What the composer inserts (SPEC CMP-2): email templates, #snippets and
-- knowledge-base articles in one table, documents stored once and linked,
-- and each user's meeting link.
CREATE TABLE library_items (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('template', 'snippet', 'article')),
    title      TEXT NOT NULL,
    shortcut   TEXT NULL,
    subject    TEXT NOT NULL DEFAULT '',
    body       TEXT NOT NULL DEFAULT '',
    url        TEXT NOT NULL DEFAULT '',
    created_by BIGINT NULL REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX library_shortcut ON library_items (shortcut) WHERE shortcut IS NOT NULL;
CREATE INDEX library_kind ON library_items (kind, title);

CREATE TABLE documents (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    blob         TEXT NOT NULL,
    token        TEXT NOT NULL UNIQUE,
    created_by   BIGINT NULL REFERENCES users (id) ON DELETE SET NULL,
    created_at   TIMESTAMPTZ NOT NULL
);

ALTER TABLE users ADD COLUMN meeting_link TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE users DROP COLUMN meeting_link;
DROP TABLE documents;
DROP TABLE library_items;
