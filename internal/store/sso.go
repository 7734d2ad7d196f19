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
	// AllowedDomains are the email domains (lowercase, exact) whose people
	// may join; required when JoinRole is not "". Existing users match by
	// email whatever their domain.
	AllowedDomains []string
	UpdatedAt      time.Time
}

// SSOSettings returns the provider's settings; none saved yet is nil.
// A secret this server cannot open reads as empty, to be entered again.
func (q *Q) SSOSettings(ctx context.Context) (*SSOSettings, error) {
	var s SSOSettings
	var domains string
	err := q.db.QueryRowContext(ctx, `SELECT name, issuer, client_id, client_secret, enabled, join_role, password_sign_in, allowed_domains, updated_at
		FROM sso_settings WHERE id = 1`).
		Scan(&s.Name, &s.Issuer, &s.ClientID, &s.ClientSecret, &s.Enabled, &s.JoinRole, &s.PasswordSignIn, &domains, &s.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, q.wrap(err, "sso settings")
	}
	if domains != "" {
		s.AllowedDomains = strings.Split(domains, ",")
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
	_, err := tx.db.ExecContext(ctx, `INSERT INTO sso_settings (id, name, issuer, client_id, client_secret, enabled, join_role, password_sign_in,
			allowed_domains, updated_at)
		VALUES (1, $1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (id) DO UPDATE SET name = excluded.name, issuer = excluded.issuer, client_id = excluded.client_id,
			client_secret = excluded.client_secret, enabled = excluded.enabled, join_role = excluded.join_role,
			password_sign_in = excluded.password_sign_in, allowed_domains = excluded.allowed_domains, updated_at = excluded.updated_at`,
		s.Name, s.Issuer, s.ClientID, tx.sealed(s.ClientSecret), s.Enabled, string(s.JoinRole), s.PasswordSignIn,
		strings.Join(s.AllowedDomains, ","), s.UpdatedAt)
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

// SSOSubject returns the provider's subject recorded for a user at issuer,
// "" when none is yet.
func (tx *Tx) SSOSubject(ctx context.Context, userID parley.ID, issuer string) (string, error) {
	var sub string
	err := tx.db.QueryRowContext(ctx, `SELECT subject FROM sso_identities WHERE user_id = $1 AND issuer = $2`, userID, issuer).Scan(&sub)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return sub, tx.wrap(err, "sso identity")
}

// SSOSubjectUser returns the user a subject at issuer was recorded for, 0
// when none.
func (tx *Tx) SSOSubjectUser(ctx context.Context, issuer, subject string) (parley.ID, error) {
	var id parley.ID
	err := tx.db.QueryRowContext(ctx, `SELECT user_id FROM sso_identities WHERE issuer = $1 AND subject = $2`, issuer, subject).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, tx.wrap(err, "sso identity")
}

// AddSSOSubject records the provider's subject at issuer for a user, at
// their first sign-in from it.
func (tx *Tx) AddSSOSubject(ctx context.Context, userID parley.ID, issuer, subject string, now time.Time) error {
	_, err := tx.db.ExecContext(ctx, `INSERT INTO sso_identities (user_id, issuer, subject, created_at) VALUES ($1, $2, $3, $4)`,
		userID, issuer, subject, parley.Normalize(now))
	return tx.wrap(err, "add sso identity")
}
