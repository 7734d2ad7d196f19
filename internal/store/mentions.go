package store

import (
	"context"
	"time"

	"github.com/parleyhq/parley/internal/parley"
)

// AddMention records that a comment mentions a user (SPEC COL-1). Recording
// the same mention twice keeps one.
func (tx *Tx) AddMention(ctx context.Context, userID parley.ID, m *parley.Message) error {
	const q = `
		INSERT INTO mentions (user_id, message_id, conversation_id, created_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (user_id, message_id) DO NOTHING`
	_, err := tx.db.ExecContext(ctx, q, userID, m.ID, m.ConversationID, m.CreatedAt)
	return tx.wrap(err, "mention")
}

// MentionTimes returns, for those of the conversations that mention a user,
// when the latest mention was made.
func (q *Q) MentionTimes(ctx context.Context, userID parley.ID, ids []parley.ID) (map[parley.ID]time.Time, error) {
	_, mentions, err := q.userTimes(ctx, userID, ids, false, true)
	return mentions, err
}

// UnreadMentions counts the conversations in the given inboxes, outside
// spam and trash, that mention a user since they last read them. It reads
// that user's mentions only, by the mentions_user index.
func (q *Q) UnreadMentions(ctx context.Context, userID parley.ID, inboxIDs []parley.ID) (int64, error) {
	if len(inboxIDs) == 0 {
		return 0, nil
	}
	args, in := inList(inboxIDs, 3)
	var n int64
	err := q.db.QueryRowContext(ctx, `SELECT count(DISTINCT m.conversation_id) FROM mentions m
		JOIN conversations c ON c.id = m.conversation_id
		LEFT JOIN conversation_reads r ON r.user_id = m.user_id AND r.conversation_id = m.conversation_id
		WHERE m.user_id = $1 AND c.placement IN ($2, $3) AND c.inbox_id IN (`+in+`)
			AND (r.read_at IS NULL OR r.read_at < m.created_at)`,
		append([]any{userID, parley.PlacementInbox, parley.PlacementFiltered}, args...)...).Scan(&n)
	return n, q.wrap(err, "unread mentions")
}
