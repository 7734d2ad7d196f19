package store

import (
	"context"
	"time"

	"github.com/parleyhq/parley/internal/parley"
)

// Device is where a session was opened: the browser's User-Agent and the
// client's address.
type Device struct {
	UserAgent string
	Address   string
	// Method is how the person proved who they are (auth.MethodPassword…),
	// for the audit log; it is not kept with the session.
	Method string
}

// Session is one of a person's sessions as they see it: never its token.
type Session struct {
	ID         parley.ID
	Device     Device
	CreatedAt  time.Time
	LastSeenAt *time.Time
	ExpiresAt  time.Time
	// Current is the session the list was asked with.
	Current bool
}

// UserSessions lists a user's unexpired sessions, the most recently seen
// first; current is the hash of the asking session's token.
func (q *Q) UserSessions(ctx context.Context, userID parley.ID, current string, now time.Time) ([]Session, error) {
	return appendRows(ctx, q, nil, "sessions", `SELECT id, user_agent, address, created_at, last_seen_at, expires_at, token_hash = $3
		FROM sessions WHERE user_id = $1 AND expires_at > $2 ORDER BY COALESCE(last_seen_at, created_at) DESC, id DESC`, []any{userID, now, current},
		func(sc interface{ Scan(...any) error }, s *Session) error {
			return sc.Scan(&s.ID, &s.Device.UserAgent, &s.Device.Address, &s.CreatedAt, &s.LastSeenAt, &s.ExpiresAt, &s.Current)
		})
}

// DeleteUserSession ends one of a user's sessions by its id; another
// user's, or none, is ENOTFOUND.
func (tx *Tx) DeleteUserSession(ctx context.Context, userID, id parley.ID) error {
	return tx.exec1(ctx, "session", `DELETE FROM sessions WHERE id = $1 AND user_id = $2`, id, userID)
}

// SeeSession records that a session was used at now, if it was last seen
// before stale: a session in use writes once in a while, not per request.
func (q *Q) SeeSession(ctx context.Context, tokenHash string, now, stale time.Time) error {
	_, err := q.db.ExecContext(ctx, `UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1 AND (last_seen_at IS NULL OR last_seen_at < $3)`,
		tokenHash, now, stale)
	return q.wrap(err, "see session")
}
