-- +goose Up
-- Email: every inbox has a built-in email channel for its own address
-- (<slug>@<mail-domain>, SPEC CHN-3); connected mailboxes are unique.
ALTER TABLE channels ADD COLUMN builtin BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE channels ADD COLUMN mailbox TEXT NULL;
CREATE UNIQUE INDEX channels_builtin ON channels (inbox_id) WHERE builtin;
CREATE UNIQUE INDEX channels_mailbox ON channels (mailbox);
INSERT INTO channels (inbox_id, kind, name, enabled, builtin, config, created_at)
    SELECT id, 'email', 'Email', TRUE, TRUE, '{}', created_at FROM inboxes;

-- What an email carries besides its text, as JSON ('' for other messages).
ALTER TABLE messages ADD COLUMN email TEXT NOT NULL DEFAULT '';

-- A random token per conversation, put in the Reply-To plus-address of
-- replies: an outsider cannot guess it.
ALTER TABLE conversations ADD COLUMN mail_token TEXT NULL;
CREATE UNIQUE INDEX conversations_mail_token ON conversations (mail_token);

-- Keys that thread mail into a conversation of an inbox: Message-IDs
-- ('mid:…', ours or received) and Outlook thread roots ('ti:…').
CREATE TABLE mail_threads (
    inbox_id        BIGINT NOT NULL REFERENCES inboxes (id) ON DELETE CASCADE,
    thread_key      TEXT NOT NULL,
    conversation_id BIGINT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    ours            BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (inbox_id, thread_key)
);
CREATE INDEX mail_threads_conversation ON mail_threads (conversation_id);

-- Everyone a conversation's mail has been from or to, outside Parley: a
-- reply joins a thread only from one of them.
CREATE TABLE mail_participants (
    conversation_id BIGINT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    email           TEXT NOT NULL,
    PRIMARY KEY (conversation_id, email)
);

CREATE TABLE attachments (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    message_id   BIGINT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    blob         TEXT NOT NULL,
    content_id   TEXT NOT NULL DEFAULT '',
    inline       BOOLEAN NOT NULL DEFAULT FALSE,
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX attachments_message ON attachments (message_id);
CREATE INDEX attachments_blob ON attachments (blob);

-- Inbound mail that could not be read, kept raw with the reason.
CREATE TABLE quarantine (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    channel_id BIGINT NULL REFERENCES channels (id) ON DELETE SET NULL,
    source     TEXT NOT NULL,
    reason     TEXT NOT NULL,
    size       BIGINT NOT NULL,
    blob       TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX quarantine_created ON quarantine (created_at, id);

-- +goose Down
DROP TABLE quarantine;
DROP TABLE attachments;
DROP TABLE mail_participants;
DROP TABLE mail_threads;
DROP INDEX conversations_mail_token;
ALTER TABLE conversations DROP COLUMN mail_token;
ALTER TABLE messages DROP COLUMN email;
DELETE FROM channels WHERE builtin;
DROP INDEX channels_mailbox;
DROP INDEX channels_builtin;
ALTER TABLE channels DROP COLUMN mailbox;
ALTER TABLE channels DROP COLUMN builtin;
