-- +goose Up
-- Views: each list is an index range scan per (inbox, placement, status);
-- the columns a view filters on are on the conversation itself.
ALTER TABLE conversations ADD COLUMN channel_kind TEXT NOT NULL DEFAULT 'api';
ALTER TABLE conversations ADD COLUMN bot BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE conversations ADD COLUMN origin TEXT NOT NULL DEFAULT 'customer' CHECK (origin IN ('customer', 'agent'));
UPDATE conversations SET channel_kind = (SELECT kind FROM channels WHERE channels.id = conversations.channel_id);
DROP INDEX conversations_list;
CREATE INDEX conversations_view ON conversations (inbox_id, placement, status, last_activity_at, id);
CREATE INDEX conversations_assignee ON conversations (inbox_id, placement, status, assignee_id, last_activity_at, id);
CREATE INDEX conversations_channel ON conversations (inbox_id, placement, status, channel_kind, last_activity_at, id);
CREATE INDEX conversations_team ON conversations (inbox_id, placement, status, team_id, last_activity_at, id);
CREATE INDEX conversations_origin ON conversations (inbox_id, placement, origin, last_activity_at, id);

-- View counts, kept in the transaction that changes a conversation.
CREATE TABLE view_counts (
    inbox_id INTEGER NOT NULL REFERENCES inboxes (id) ON DELETE CASCADE,
    view     TEXT NOT NULL,
    count    INTEGER NOT NULL,
    PRIMARY KEY (inbox_id, view)
);

-- What each user has read, for the unread marker.
CREATE TABLE conversation_reads (
    user_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    read_at         TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, conversation_id)
);
CREATE INDEX conversation_reads_conversation ON conversation_reads (conversation_id);

-- Search: FTS5 indexes over the text kept in the tables (external content),
-- maintained by triggers so cascading deletes are followed too.
ALTER TABLE contacts ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
CREATE VIRTUAL TABLE messages_fts USING fts5(text, content='messages', content_rowid='id', tokenize='unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE subjects_fts USING fts5(subject, content='conversations', content_rowid='id', tokenize='unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE contacts_fts USING fts5(search_text, content='contacts', content_rowid='id', tokenize='unicode61 remove_diacritics 2');

-- +goose StatementBegin
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts (rowid, text) VALUES (new.id, new.text);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER messages_fts_update AFTER UPDATE OF text ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.id, old.text);
    INSERT INTO messages_fts (rowid, text) VALUES (new.id, new.text);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER subjects_fts_insert AFTER INSERT ON conversations BEGIN
    INSERT INTO subjects_fts (rowid, subject) VALUES (new.id, new.subject);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER subjects_fts_delete AFTER DELETE ON conversations BEGIN
    INSERT INTO subjects_fts (subjects_fts, rowid, subject) VALUES ('delete', old.id, old.subject);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER subjects_fts_update AFTER UPDATE OF subject ON conversations BEGIN
    INSERT INTO subjects_fts (subjects_fts, rowid, subject) VALUES ('delete', old.id, old.subject);
    INSERT INTO subjects_fts (rowid, subject) VALUES (new.id, new.subject);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER contacts_fts_insert AFTER INSERT ON contacts BEGIN
    INSERT INTO contacts_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER contacts_fts_delete AFTER DELETE ON contacts BEGIN
    INSERT INTO contacts_fts (contacts_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER contacts_fts_update AFTER UPDATE OF search_text ON contacts BEGIN
    INSERT INTO contacts_fts (contacts_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    INSERT INTO contacts_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;
-- +goose StatementEnd
INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');
INSERT INTO subjects_fts (subjects_fts) VALUES ('rebuild');

-- +goose Down
DROP TRIGGER contacts_fts_update;
DROP TRIGGER contacts_fts_delete;
DROP TRIGGER contacts_fts_insert;
DROP TRIGGER subjects_fts_update;
DROP TRIGGER subjects_fts_delete;
DROP TRIGGER subjects_fts_insert;
DROP TRIGGER messages_fts_update;
DROP TRIGGER messages_fts_delete;
DROP TRIGGER messages_fts_insert;
DROP TABLE contacts_fts;
DROP TABLE subjects_fts;
DROP TABLE messages_fts;
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
