package store

import (
	"context"
	"time"

	"github.com/parleyhq/parley/internal/parley"
)

// Notification is something a person is told (SPEC COL-3).
type Notification struct {
	ID             parley.ID
	UserID         parley.ID
	Kind           string // assigned, message, mention
	ConversationID parley.ID
	Seq            int64 // the event that caused it
	ActorKind      parley.ActorKind
	ActorID        *parley.ID
	CreatedAt      time.Time
	ReadAt         *time.Time
}

// AddNotification stores n unless its user was told of its event already;
// it reports whether it stored it (n.ID is set then).
func (tx *Tx) AddNotification(ctx context.Context, n *Notification) (bool, error) {
	err := tx.db.QueryRowContext(ctx, `INSERT INTO notifications (user_id, kind, conversation_id, seq, actor_kind, actor_id, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (user_id, seq) DO NOTHING RETURNING id`,
		n.UserID, n.Kind, n.ConversationID, n.Seq, n.ActorKind, n.ActorID, n.CreatedAt).Scan(&n.ID)
	if err != nil {
		if err = tx.notFound(err, "notification"); parley.ErrorCode(err) == parley.ENOTFOUND {
			return false, nil // told already
		}
		return false, err
	}
	return true, nil
}

// Notifications returns a user's notifications about conversations in
// inboxes, newest first, with ids below before (0: from the newest), up to
// limit, and how many of those are unread: what they may still read.
func (q *Q) Notifications(ctx context.Context, userID parley.ID, inboxes []parley.ID, before parley.ID, limit int) ([]Notification, int, error) {
	if len(inboxes) == 0 {
		return []Notification{}, 0, nil
	}
	if before == 0 {
		before = 1<<62 - 1
	}
	args, in := inList(inboxes, 3)
	out, err := appendRows(ctx, q, []Notification{}, "notifications", `SELECT n.id, n.user_id, n.kind, n.conversation_id, n.seq,
		n.actor_kind, n.actor_id, n.created_at, n.read_at
		FROM notifications n JOIN conversations c ON c.id = n.conversation_id
		WHERE n.user_id = $1 AND n.id < $2 AND c.inbox_id IN (`+in+`) ORDER BY n.id DESC LIMIT $3`,
		append([]any{userID, before, limit}, args...),
		func(sc interface{ Scan(...any) error }, n *Notification) error {
			return sc.Scan(&n.ID, &n.UserID, &n.Kind, &n.ConversationID, &n.Seq, &n.ActorKind, &n.ActorID, &n.CreatedAt, &n.ReadAt)
		})
	if err != nil {
		return nil, 0, err
	}
	args, in = inList(inboxes, 1)
	var unread int
	err = q.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM notifications n JOIN conversations c ON c.id = n.conversation_id
		WHERE n.user_id = $1 AND n.read_at IS NULL AND c.inbox_id IN (`+in+`)`, append([]any{userID}, args...)...).Scan(&unread)
	return out, unread, q.wrap(err, "unread notifications")
}

// ReadNotifications marks a user's notifications read at at: those with
// ids, or every one when ids is nil; it returns how many it marked.
func (tx *Tx) ReadNotifications(ctx context.Context, userID parley.ID, ids []parley.ID, at time.Time) (int, error) {
	query, args := `UPDATE notifications SET read_at = $2 WHERE user_id = $1 AND read_at IS NULL`, []any{userID, at}
	if ids != nil {
		if len(ids) == 0 {
			return 0, nil
		}
		in, list := inList(ids, 2)
		query += ` AND id IN (` + list + `)`
		args = append(args, in...)
	}
	res, err := tx.db.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, tx.wrap(err, "read notifications")
	}
	n, err := res.RowsAffected()
	return int(n), tx.wrap(err, "read notifications")
}
