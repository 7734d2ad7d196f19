-- +goose Up
-- Notifications (SPEC COL-3, CNV-4): assigned to you, a customer's new
-- message in a conversation you own, a mention. Written by the notify log
-- consumer; one per user and event, so a consumer that repeats a batch
-- writes none twice.
CREATE TABLE notifications (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id         BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('assigned', 'message', 'mention')),
    conversation_id BIGINT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    seq             BIGINT NOT NULL,
    actor_kind      TEXT NOT NULL,
    actor_id        BIGINT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    read_at         TIMESTAMPTZ NULL,
    mailed_at       TIMESTAMPTZ NULL,
    UNIQUE (user_id, seq)
);
CREATE INDEX notifications_user ON notifications (user_id, id);
CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL;
CREATE INDEX notifications_conversation ON notifications (conversation_id);

-- Who has the app open (a live stream), refreshed every minute by each of
-- their streams: people who have none are told by email.
CREATE TABLE user_presence (
    user_id BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    seen_at TIMESTAMPTZ NOT NULL
);

-- An email about a conversation is on its way to a person: the
-- notifications of the next few minutes join it, one email for all.
CREATE TABLE notification_mail (
    user_id         BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    conversation_id BIGINT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, conversation_id)
);

-- What each person turned off, by kind (assigned, message, mention) and
-- medium (app, desktop, email); everything else is on.
CREATE TABLE notification_muted (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind    TEXT NOT NULL,
    medium  TEXT NOT NULL,
    PRIMARY KEY (user_id, kind, medium)
);

-- +goose Down
DROP TABLE notification_muted;
DROP TABLE notification_mail;
DROP TABLE user_presence;
DROP TABLE notifications;
