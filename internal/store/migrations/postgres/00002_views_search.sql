-- +goose Up
-- Views: each list is an index range scan per (inbox, placement, status);
-- the columns a view filters on are on the conversation itself.
ALTER TABLE conversations ADD COLUMN channel_kind TEXT NOT NULL DEFAULT 'api';
ALTER TABLE conversations ADD COLUMN bot BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE conversations ADD COLUMN origin TEXT NOT NULL DEFAULT 'customer' CHECK (origin IN ('customer', 'agent'));
UPDATE conversations c SET channel_kind = ch.kind FROM channels ch WHERE ch.id = c.channel_id;
DROP INDEX conversations_list;
CREATE INDEX conversations_view ON conversations (inbox_id, placement, status, last_activity_at, id);
CREATE INDEX conversations_assignee ON conversations (inbox_id, placement, status, assignee_id, last_activity_at, id);
CREATE INDEX conversations_channel ON conversations (inbox_id, placement, status, channel_kind, last_activity_at, id);
CREATE INDEX conversations_team ON conversations (inbox_id, placement, status, team_id, last_activity_at, id);
CREATE INDEX conversations_origin ON conversations (inbox_id, placement, origin, last_activity_at, id);

-- View counts, kept in the transaction that changes a conversation.
CREATE TABLE view_counts (
    inbox_id BIGINT NOT NULL REFERENCES inboxes (id) ON DELETE CASCADE,
    view     TEXT NOT NULL,
    count    BIGINT NOT NULL,
    PRIMARY KEY (inbox_id, view)
);

-- What each user has read, for the unread marker.
CREATE TABLE conversation_reads (
    user_id         BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    conversation_id BIGINT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    read_at         TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, conversation_id)
);
CREATE INDEX conversation_reads_conversation ON conversation_reads (conversation_id);

-- Search: tsvector with GIN, 'simple' configuration (no stemming: English
-- and French alike). The query side is built in store/search.go.
ALTER TABLE contacts ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN search tsvector GENERATED ALWAYS AS (to_tsvector('simple', text)) STORED;
CREATE INDEX messages_search ON messages USING gin (search);
CREATE INDEX conversations_subject_search ON conversations USING gin (to_tsvector('simple', subject));
CREATE INDEX contacts_search ON contacts USING gin (to_tsvector('simple', search_text));

-- +goose Down
DROP INDEX contacts_search;
DROP INDEX conversations_subject_search;
DROP INDEX messages_search;
ALTER TABLE messages DROP COLUMN search;
ALTER TABLE contacts DROP COLUMN search_text;
DROP TABLE conversation_reads;
DROP TABLE view_counts;
DROP INDEX conversations_origin;
DROP INDEX conversations_team;
DROP INDEX conversations_channel;
DROP INDEX conversations_assignee;
DROP INDEX conversations_view;
CREATE INDEX conversations_list ON conversations (inbox_id, placement, status, last_activity_at, id);
ALTER TABLE conversations DROP COLUMN origin;
ALTER TABLE conversations DROP COLUMN bot;
ALTER TABLE conversations DROP COLUMN channel_kind;
