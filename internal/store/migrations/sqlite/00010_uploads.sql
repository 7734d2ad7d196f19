-- +goose Up
-- Files an agent uploaded to attach to a reply or new email: theirs alone
-- until sent, then they become the message's attachments.
CREATE TABLE uploads (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    blob         TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX uploads_user ON uploads (user_id);

-- +goose Down
DROP TABLE uploads;
