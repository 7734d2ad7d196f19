package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/parley"
)

// SSOSettings are the organisation's single sign-on provider (SPEC ORG-5):
// an OpenID Connect issuer and the client Parley is there.
type SSOSettings struct {
	Name         string // on the sign-in button: "Sign in with <Name>"
	Issuer       string
	ClientID     string
	ClientSecret string // opened; sealed at rest
	Enabled      bool
	// JoinRole is the role of someone unknown who signs in through the
	// provider: "" refuses them, else agent or viewer.
	JoinRole parley.Role
	// PasswordSignIn says whether people other than admins may sign in
	// with a password while single sign-on is on.
	PasswordSignIn bool
	UpdatedAt      time.Time
}

// SSOSettings returns the provider's settings; none saved yet is nil.
// A secret this server cannot open reads as empty, to be entered again.
func (q *Q) SSOSettings(ctx context.Context) (*SSOSettings, error) {
	var s SSOSettings
	err := q.db.QueryRowContext(ctx, `SELECT name, issuer, client_id, client_secret, enabled, join_role, password_sign_in, updated_at
		FROM sso_settings WHERE id = 1`).
		Scan(&s.Name, &s.Issuer, &s.ClientID, &s.ClientSecret, &s.Enabled, &s.JoinRole, &s.PasswordSignIn, &s.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, q.wrap(err, "sso settings")
	}
	if strings.HasPrefix(s.ClientSecret, sealedPrefix) {
		if s.ClientSecret, err = q.secrets.open(s.ClientSecret); err != nil {
			s.ClientSecret = ""
		}
	}
	return &s, nil
}

// SetSSOSettings saves the provider's settings, its secret sealed.
func (tx *Tx) SetSSOSettings(ctx context.Context, s *SSOSettings) error {
	_, err := tx.db.ExecContext(ctx, `INSERT INTO sso_settings (id, name, issuer, client_id, client_secret, enabled, join_role, password_sign_in, updated_at)
		VALUES (1, $1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (id) DO UPDATE SET name = excluded.name, issuer = excluded.issuer, client_id = excluded.client_id,
			client_secret = excluded.client_secret, enabled = excluded.enabled, join_role = excluded.join_role,
			password_sign_in = excluded.password_sign_in, updated_at = excluded.updated_at`,
		s.Name, s.Issuer, s.ClientID, tx.sealed(s.ClientSecret), s.Enabled, string(s.JoinRole), s.PasswordSignIn, s.UpdatedAt)
	return tx.wrap(err, "save sso settings")
}

// SSOState is a sign-in through the provider begun and not yet finished:
// the nonce the ID token must carry and the PKCE verifier of the code.
type SSOState struct {
	Nonce     string
	Verifier  string
	ExpiresAt time.Time
}

// AddSSOState keeps a sign-in begun, by the hash of its state, and drops
// those that expired before now.
func (tx *Tx) AddSSOState(ctx context.Context, stateHash string, st SSOState, now time.Time) error {
	if _, err := tx.db.ExecContext(ctx, `DELETE FROM sso_states WHERE expires_at < $1`, parley.Normalize(now)); err != nil {
		return tx.wrap(err, "purge sso states")
	}
	_, err := tx.db.ExecContext(ctx, `INSERT INTO sso_states (state_hash, nonce, verifier, expires_at) VALUES ($1, $2, $3, $4)`,
		stateHash, st.Nonce, st.Verifier, parley.Normalize(st.ExpiresAt))
	return tx.wrap(err, "add sso state")
}

// TakeSSOState removes a sign-in begun and returns it: a state is taken
// once, whoever asks first. An unknown one is ENOTFOUND; the caller checks
// its expiry.
func (tx *Tx) TakeSSOState(ctx context.Context, stateHash string) (*SSOState, error) {
	var st SSOState
	err := tx.db.QueryRowContext(ctx, `DELETE FROM sso_states WHERE state_hash = $1 RETURNING nonce, verifier, expires_at`, stateHash).
		Scan(&st.Nonce, &st.Verifier, &st.ExpiresAt)
	if err != nil {
		return nil, tx.notFound(err, "sign-in")
	}
	return &st, nil
}
