-- +goose Up
-- Notifications (SPEC COL-3, CNV-4): assigned to you, a customer's new
-- message in a conversation you own, a mention. Written by the notify log
-- consumer; one per user and event, so a consumer that repeats a batch
-- writes none twice.
CREATE TABLE notifications (
    id              INTEGER PRIMARY KEY,
    user_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('assigned', 'message', 'mention')),
    conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    seq             INTEGER NOT NULL,
    actor_kind      TEXT NOT NULL,
    actor_id        INTEGER NULL,
    created_at      TIMESTAMP NOT NULL,
    read_at         TIMESTAMP NULL,
    UNIQUE (user_id, seq)
);
CREATE INDEX notifications_user ON notifications (user_id, id);
CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL;
CREATE INDEX notifications_conversation ON notifications (conversation_id);

-- +goose Down
DROP TABLE notifications;
