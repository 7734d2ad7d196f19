package store

import (
	"context"
	"database/sql"
	"strings"
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

const notificationColumns = `n.id, n.user_id, n.kind, n.conversation_id, n.seq, n.actor_kind, n.actor_id, n.created_at, n.read_at`

func scanNotification(sc interface{ Scan(...any) error }, n *Notification) error {
	return sc.Scan(&n.ID, &n.UserID, &n.Kind, &n.ConversationID, &n.Seq, &n.ActorKind, &n.ActorID, &n.CreatedAt, &n.ReadAt)
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

// NotificationAbout is a notification with the conversation it is about.
type NotificationAbout struct {
	Notification
	Conversation parley.Conversation
}

// collect gathers the destinations scan functions give, so one row can be
// read by two of them.
type collect []any

func (c *collect) Scan(dest ...any) error { *c = append(*c, dest...); return nil }

// Notifications returns a user's notifications about conversations in
// inboxes, with those conversations, newest first, with ids below before
// (0: from the newest), up to limit, and how many of those are unread:
// what they may still read.
func (q *Q) Notifications(ctx context.Context, userID parley.ID, inboxes []parley.ID, before parley.ID, limit int) ([]NotificationAbout, int, error) {
	// Kinds turned off in the app are not shown there.
	hidden := `AND n.kind NOT IN (SELECT m.kind FROM notification_muted m WHERE m.user_id = n.user_id AND m.medium = 'app')`
	if len(inboxes) == 0 {
		return []NotificationAbout{}, 0, nil
	}
	if before == 0 {
		before = 1<<62 - 1
	}
	args, in := inList(inboxes, 3)
	out, err := appendRows(ctx, q, []NotificationAbout{}, "notifications", `SELECT `+notificationColumns+`, `+conversationColumns+`
		FROM notifications n JOIN conversations c ON c.id = n.conversation_id
		WHERE n.user_id = $1 AND n.id < $2 AND c.inbox_id IN (`+in+`) `+hidden+` ORDER BY n.id DESC LIMIT $3`,
		append([]any{userID, before, limit}, args...), func(sc interface{ Scan(...any) error }, n *NotificationAbout) error {
			var dest collect
			scanNotification(&dest, &n.Notification)
			scanConversation(&dest, &n.Conversation)
			return sc.Scan(dest...)
		})
	if err != nil {
		return nil, 0, err
	}
	args, in = inList(inboxes, 1)
	var unread int
	err = q.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM notifications n JOIN conversations c ON c.id = n.conversation_id
		WHERE n.user_id = $1 AND n.read_at IS NULL AND c.inbox_id IN (`+in+`) `+hidden, append([]any{userID}, args...)...).Scan(&unread)
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

// SetLive records that a user has the app open at at.
func (tx *Tx) SetLive(ctx context.Context, userID parley.ID, at time.Time) error {
	_, err := tx.db.ExecContext(ctx, `INSERT INTO user_presence (user_id, seen_at) VALUES ($1, $2)
		ON CONFLICT (user_id) DO UPDATE SET seen_at = excluded.seen_at`, userID, at)
	return tx.wrap(err, "presence of user %d", userID)
}

// FadeLive moves a user's last sign of life back to at, if it was later.
func (tx *Tx) FadeLive(ctx context.Context, userID parley.ID, at time.Time) error {
	_, err := tx.db.ExecContext(ctx, `UPDATE user_presence SET seen_at = $2 WHERE user_id = $1 AND seen_at > $2`, userID, at)
	return tx.wrap(err, "presence of user %d", userID)
}

// LiveSince reports whether a user had the app open at or after since.
func (q *Q) LiveSince(ctx context.Context, userID parley.ID, since time.Time) (bool, error) {
	var n int
	err := q.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM user_presence WHERE user_id = $1 AND seen_at >= $2`, userID, since).Scan(&n)
	return n > 0, q.wrap(err, "presence of user %d", userID)
}

// PendMail marks an email about a conversation as on its way to a user; it
// reports false when one already is.
func (tx *Tx) PendMail(ctx context.Context, userID, conversationID parley.ID) (bool, error) {
	res, err := tx.db.ExecContext(ctx, `INSERT INTO notification_mail (user_id, conversation_id) VALUES ($1, $2)
		ON CONFLICT (user_id, conversation_id) DO NOTHING`, userID, conversationID)
	if err != nil {
		return false, tx.wrap(err, "pend mail")
	}
	n, err := res.RowsAffected()
	return n > 0, tx.wrap(err, "pend mail")
}

// TakeMail clears the pending email about a conversation to a user and
// returns the notifications it is to tell: unread, not yet mailed.
func (tx *Tx) TakeMail(ctx context.Context, userID, conversationID parley.ID) ([]Notification, error) {
	if _, err := tx.db.ExecContext(ctx, `DELETE FROM notification_mail WHERE user_id = $1 AND conversation_id = $2`, userID, conversationID); err != nil {
		return nil, tx.wrap(err, "take mail")
	}
	return appendRows(ctx, &tx.Q, nil, "mail notifications", `SELECT `+notificationColumns+` FROM notifications n
		WHERE n.user_id = $1 AND n.conversation_id = $2 AND n.read_at IS NULL AND n.mailed_at IS NULL ORDER BY n.id`,
		[]any{userID, conversationID}, scanNotification)
}

// MarkMailed records that notifications were emailed at at.
func (tx *Tx) MarkMailed(ctx context.Context, ids []parley.ID, at time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	args, in := inList(ids, 1)
	_, err := tx.db.ExecContext(ctx, `UPDATE notifications SET mailed_at = $1 WHERE id IN (`+in+`)`, append([]any{at}, args...)...)
	return tx.wrap(err, "mark mailed")
}

// Muted returns what a user turned off, as "kind/medium" keys.
func (q *Q) Muted(ctx context.Context, userID parley.ID) (map[string]bool, error) {
	out := map[string]bool{}
	err := q.eachRow(ctx, "muted notifications", `SELECT kind, medium FROM notification_muted WHERE user_id = $1`, []any{userID},
		func(rows *sql.Rows) error {
			var kind, medium string
			if err := rows.Scan(&kind, &medium); err != nil {
				return err
			}
			out[kind+"/"+medium] = true
			return nil
		})
	return out, err
}

// SetMuted replaces what a user turned off ("kind/medium" keys).
func (tx *Tx) SetMuted(ctx context.Context, userID parley.ID, muted []string) error {
	if _, err := tx.db.ExecContext(ctx, `DELETE FROM notification_muted WHERE user_id = $1`, userID); err != nil {
		return tx.wrap(err, "muted notifications")
	}
	for _, m := range muted {
		kind, medium, _ := strings.Cut(m, "/")
		if _, err := tx.db.ExecContext(ctx, `INSERT INTO notification_muted (user_id, kind, medium) VALUES ($1, $2, $3)`, userID, kind, medium); err != nil {
			return tx.wrap(err, "muted notifications")
		}
	}
	return nil
}
