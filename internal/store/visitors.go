package store

import (
	"context"
	"time"

	"github.com/parleyhq/parley/internal/parley"
)

// Visitor is someone the chat widget speaks for (SPEC CHT-11), stored once
// they first write: their browser's signed identity (UID) on a chat
// channel, and the contact their messages are from.
type Visitor struct {
	ID        parley.ID
	ChannelID parley.ID
	UID       string
	ContactID parley.ID
	CreatedAt time.Time
}

const visitorColumns = `id, channel_id, uid, contact_id, created_at`

func scanVisitor(sc interface{ Scan(...any) error }, v *Visitor) error {
	return sc.Scan(&v.ID, &v.ChannelID, &v.UID, &v.ContactID, &v.CreatedAt)
}

// VisitorByUID returns a visitor by their identity, or ENOTFOUND.
func (q *Q) VisitorByUID(ctx context.Context, uid string) (*Visitor, error) {
	var v Visitor
	if err := scanVisitor(q.db.QueryRowContext(ctx, `SELECT `+visitorColumns+` FROM visitors WHERE uid = $1`, uid), &v); err != nil {
		return nil, q.notFound(err, "visitor")
	}
	return &v, nil
}

// CreateVisitor inserts v and sets v.ID; a taken UID is ECONFLICT.
func (tx *Tx) CreateVisitor(ctx context.Context, v *Visitor) error {
	err := tx.db.QueryRowContext(ctx, `INSERT INTO visitors (channel_id, uid, contact_id, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
		v.ChannelID, v.UID, v.ContactID, v.CreatedAt).Scan(&v.ID)
	return tx.wrap(err, "create visitor")
}

// CustomerMessages returns a conversation's messages to and from its
// customer — never an internal comment — with ids after after, oldest
// first, up to limit.
func (q *Q) CustomerMessages(ctx context.Context, conversationID, after parley.ID, limit int) ([]parley.Message, error) {
	return appendRows(ctx, q, nil, "messages", `SELECT `+messageColumns+` FROM messages
		WHERE conversation_id = $1 AND kind = 'message' AND id > $2 ORDER BY id LIMIT $3`,
		[]any{conversationID, after, limit}, scanMessage)
}
