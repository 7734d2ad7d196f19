-- +goose Up
-- Sent (SPEC VEW-1): every conversation the team sent an email in, replies
-- included, ordered by the latest one sent.
ALTER TABLE conversations ADD COLUMN last_sent_at TIMESTAMPTZ NULL;
UPDATE conversations SET last_sent_at = (SELECT max(m.created_at) FROM messages m
    WHERE m.conversation_id = conversations.id AND m.kind = 'message' AND m.direction = 'out' AND m.email <> '');
CREATE INDEX conversations_sent ON conversations
    (inbox_id, placement, last_sent_at, id, status, assignee_id, channel_kind, bot, team_id, created_at);
DELETE FROM view_counts WHERE view = 'sent';
INSERT INTO view_counts (inbox_id, view, count)
    SELECT inbox_id, 'sent', count(*) FROM conversations
    WHERE placement = 'inbox' AND last_sent_at IS NOT NULL GROUP BY inbox_id;

-- Who was mentioned where (SPEC COL-1), so a mention outlives the live
-- toast: the Mentions view and its unread count read it.
CREATE TABLE mentions (
    user_id         BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    message_id      BIGINT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    conversation_id BIGINT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    created_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, message_id)
);
CREATE INDEX mentions_user ON mentions (user_id, conversation_id, created_at);
CREATE INDEX mentions_conversation ON mentions (conversation_id);
INSERT INTO mentions (user_id, message_id, conversation_id, created_at)
    SELECT DISTINCT (e.data->>'user_id')::BIGINT, m.id, m.conversation_id, m.created_at
    FROM events e JOIN messages m ON m.id = e.message_id
    JOIN users u ON u.id = (e.data->>'user_id')::BIGINT
    WHERE e.type = 'user.mentioned';

-- +goose Down
DROP TABLE mentions;
DROP INDEX conversations_sent;
ALTER TABLE conversations DROP COLUMN last_sent_at;
