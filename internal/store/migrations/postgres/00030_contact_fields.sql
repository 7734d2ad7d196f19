-- +goose Up
-- Contact fields (SPEC CRM-1): admins define typed fields — text, number,
-- date, a choice — that every contact may have; the values live in
-- contacts.details under each field's key (where a chat bot's answers go
-- too), so a field removed and added again finds its values.
CREATE TABLE contact_fields (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key        TEXT NOT NULL UNIQUE,
    label      TEXT NOT NULL,
    type       TEXT NOT NULL,
    choices    TEXT NOT NULL DEFAULT '',
    position   INTEGER NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE contact_fields;
