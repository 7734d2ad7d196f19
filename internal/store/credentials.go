package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/parleyhq/parley/internal/parley"
)

// Credentials are stored as hashes of random tokens: a stolen database does not
// yield working sessions or API tokens.

// CreateSession stores a session for a user.
func (tx *Tx) CreateSession(ctx context.Context, tokenHash string, userID parley.ID, at, expires time.Time, d Device) error {
	_, err := tx.db.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, expires_at, user_agent, address, last_seen_at)
		VALUES ($1, $2, $3, $4, $5, $6, $3)`, tokenHash, userID, at, expires, d.UserAgent, d.Address)
	return tx.wrap(err, "create session")
}

// DeleteSession removes a session and returns its user; removing a missing
// one is ENOTFOUND.
func (tx *Tx) DeleteSession(ctx context.Context, tokenHash string) (parley.ID, error) {
	var userID parley.ID
	err := tx.db.QueryRowContext(ctx, `DELETE FROM sessions WHERE token_hash = $1 RETURNING user_id`, tokenHash).Scan(&userID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, parley.Errorf(parley.ENOTFOUND, "no such session")
	}
	return userID, tx.wrap(err, "delete session")
}

// DeleteSessions removes a user's sessions but the one of keepHash (""
// keeps none) and says how many it removed.
func (tx *Tx) DeleteSessions(ctx context.Context, userID parley.ID, keepHash string) (int64, error) {
	res, err := tx.db.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2`, userID, keepHash)
	if err != nil {
		return 0, tx.wrap(err, "delete sessions")
	}
	n, err := res.RowsAffected()
	return n, tx.wrap(err, "delete sessions")
}

// SessionUser returns the active user of an unexpired session, or
// EUNAUTHORIZED, with when the session was last seen (nil: never).
func (q *Q) SessionUser(ctx context.Context, tokenHash string, now time.Time) (*parley.User, *time.Time, error) {
	var seen *time.Time
	u, err := q.credentialUser(ctx, `SELECT `+prefixed("u.", userColumns)+`, s.last_seen_at FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.deactivated_at IS NULL`, []any{tokenHash, now}, &seen)
	return u, seen, err
}

// CreateAPIToken stores a personal API token and returns its id.
func (tx *Tx) CreateAPIToken(ctx context.Context, tokenHash string, userID parley.ID, name string, at time.Time, expires *time.Time, readOnly bool) (parley.ID, error) {
	var id parley.ID
	err := tx.db.QueryRowContext(ctx, `INSERT INTO api_tokens (token_hash, user_id, name, created_at, expires_at, read_only) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		tokenHash, userID, name, at, expires, readOnly).Scan(&id)
	return id, tx.wrap(err, "create token")
}

// APIToken is a personal API token as its owner sees it: never the token.
type APIToken struct {
	ID        parley.ID
	Name      string
	CreatedAt time.Time
	ExpiresAt *time.Time // nil: never
	ReadOnly  bool       // it may only read (GET)
}

// APITokens lists a user's tokens, newest first.
func (q *Q) APITokens(ctx context.Context, userID parley.ID) ([]APIToken, error) {
	return appendRows(ctx, q, nil, "tokens", `SELECT id, name, created_at, expires_at, read_only FROM api_tokens WHERE user_id = $1 ORDER BY id DESC`, []any{userID},
		func(sc interface{ Scan(...any) error }, t *APIToken) error {
			return sc.Scan(&t.ID, &t.Name, &t.CreatedAt, &t.ExpiresAt, &t.ReadOnly)
		})
}

// DeleteAPIToken removes a user's token; another user's, or none, is
// ENOTFOUND.
func (tx *Tx) DeleteAPIToken(ctx context.Context, id, userID parley.ID) error {
	res, err := tx.db.ExecContext(ctx, `DELETE FROM api_tokens WHERE id = $1 AND user_id = $2`, id, userID)
	if err != nil {
		return tx.wrap(err, "delete token")
	}
	n, err := res.RowsAffected()
	if err != nil {
		return tx.wrap(err, "delete token")
	}
	if n == 0 {
		return parley.Errorf(parley.ENOTFOUND, "no such token")
	}
	return nil
}

// TokenUser returns the active user of an unexpired API token, or
// EUNAUTHORIZED, and whether the token may only read.
func (q *Q) TokenUser(ctx context.Context, tokenHash string, now time.Time) (*parley.User, bool, error) {
	var readOnly bool
	u, err := q.credentialUser(ctx, `SELECT `+prefixed("u.", userColumns)+`, t.read_only FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE t.token_hash = $1 AND (t.expires_at IS NULL OR t.expires_at > $2) AND u.deactivated_at IS NULL`, []any{tokenHash, now}, &readOnly)
	return u, readOnly, err
}

// CreateLoginLink stores a one-time sign-in link for a user.
func (tx *Tx) CreateLoginLink(ctx context.Context, tokenHash string, userID parley.ID, at, expires time.Time) error {
	return tx.createLink(ctx, "login_links", tokenHash, userID, at, expires)
}

// UseLoginLink marks an unused, unexpired link as used and returns its user;
// any other link is EUNAUTHORIZED. A link works once.
func (tx *Tx) UseLoginLink(ctx context.Context, tokenHash string, now time.Time) (*parley.User, error) {
	return tx.useLink(ctx, "login_links", tokenHash, now, "this sign-in link is invalid, used or expired")
}

// createLink stores a link of table (login_links, password_resets): a
// token's hash for a user, until it expires.
func (tx *Tx) createLink(ctx context.Context, table, tokenHash string, userID parley.ID, at, expires time.Time) error {
	_, err := tx.db.ExecContext(ctx, `INSERT INTO `+table+` (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
		tokenHash, userID, at, expires)
	return tx.wrap(err, "create "+table)
}

// useLink marks a link of table used, if it is unused and unexpired, and
// returns its user; any other link is EUNAUTHORIZED with refusal.
func (tx *Tx) useLink(ctx context.Context, table, tokenHash string, now time.Time, refusal string) (*parley.User, error) {
	var userID parley.ID
	err := tx.db.QueryRowContext(ctx, `UPDATE `+table+` SET used_at = $2
		WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING user_id`, tokenHash, now).Scan(&userID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, parley.Errorf(parley.EUNAUTHORIZED, "%s", refusal)
	}
	if err != nil {
		return nil, tx.wrap(err, "use "+table)
	}
	return tx.User(ctx, userID)
}

func (q *Q) credentialUser(ctx context.Context, query string, args []any, more ...any) (*parley.User, error) {
	var u parley.User
	if err := scanUserAnd(q.db.QueryRowContext(ctx, query, args...), &u, more...); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, parley.Errorf(parley.EUNAUTHORIZED, "invalid or expired credentials")
		}
		return nil, q.wrap(err, "credentials")
	}
	return &u, nil
}

// CreatePasswordReset stores a password reset link for a user.
func (tx *Tx) CreatePasswordReset(ctx context.Context, tokenHash string, userID parley.ID, at, expires time.Time) error {
	return tx.createLink(ctx, "password_resets", tokenHash, userID, at, expires)
}

// UsePasswordReset marks an unused, unexpired reset link as used and
// returns its user; any other link is EUNAUTHORIZED. A link works once.
func (tx *Tx) UsePasswordReset(ctx context.Context, tokenHash string, now time.Time) (*parley.User, error) {
	return tx.useLink(ctx, "password_resets", tokenHash, now, "this reset link is invalid, used or expired")
}
