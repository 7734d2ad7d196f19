-- +goose Up
-- Files an agent uploaded to attach to a reply or new email: theirs alone
-- until sent, then they become the message's attachments.
CREATE TABLE uploads (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    blob         TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX uploads_user ON uploads (user_id);

-- +goose Down
DROP TABLE uploads;
