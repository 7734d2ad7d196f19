package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/parley"
)

// TwoFactor is a person's authenticator (SPEC ORG-5): its secret (opened),
// when it was turned on (nil while they enrol), and the last time step a
// code was taken for.
type TwoFactor struct {
	Secret    string
	EnabledAt *time.Time
	LastStep  int64
}

// TwoFactor returns a user's authenticator, or ENOTFOUND.
func (q *Q) TwoFactor(ctx context.Context, userID parley.ID) (*TwoFactor, error) {
	var f TwoFactor
	err := q.db.QueryRowContext(ctx, `SELECT secret, enabled_at, last_step FROM two_factor WHERE user_id = $1`, userID).
		Scan(&f.Secret, &f.EnabledAt, &f.LastStep)
	if err != nil {
		return nil, q.notFound(err, "two-factor")
	}
	if strings.HasPrefix(f.Secret, sealedPrefix) {
		if f.Secret, err = q.secrets.open(f.Secret); err != nil {
			return nil, err
		}
	}
	return &f, nil
}

// BeginTwoFactor keeps a secret a user is enrolling with, in place of one
// they began before; one already on is ECONFLICT.
func (tx *Tx) BeginTwoFactor(ctx context.Context, userID parley.ID, secret string, now time.Time) error {
	if _, err := tx.db.ExecContext(ctx, `DELETE FROM two_factor WHERE user_id = $1 AND enabled_at IS NULL`, userID); err != nil {
		return tx.wrap(err, "begin two-factor")
	}
	_, err := tx.db.ExecContext(ctx, `INSERT INTO two_factor (user_id, secret, created_at) VALUES ($1, $2, $3)`, userID, tx.sealed(secret), now)
	return tx.wrap(err, "begin two-factor")
}

// EnableTwoFactor turns a user's pending authenticator on, its code for
// step taken, with the hashes of their recovery codes.
func (tx *Tx) EnableTwoFactor(ctx context.Context, userID parley.ID, step int64, now time.Time, codes []string) error {
	if err := tx.exec1(ctx, "two-factor", `UPDATE two_factor SET enabled_at = $2, last_step = $3 WHERE user_id = $1 AND enabled_at IS NULL`,
		userID, now, step); err != nil {
		return err
	}
	return tx.SetRecoveryCodes(ctx, userID, codes)
}

// TakeStep records that a code for step was used: false when one for it
// or a later step was used already (a code works once).
func (tx *Tx) TakeStep(ctx context.Context, userID parley.ID, step int64) (bool, error) {
	err := tx.exec1(ctx, "two-factor", `UPDATE two_factor SET last_step = $2 WHERE user_id = $1 AND enabled_at IS NOT NULL AND last_step < $2`, userID, step)
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return false, nil
	}
	return err == nil, err
}

// SetRecoveryCodes replaces a user's recovery codes by these hashes.
func (tx *Tx) SetRecoveryCodes(ctx context.Context, userID parley.ID, hashes []string) error {
	if _, err := tx.db.ExecContext(ctx, `DELETE FROM recovery_codes WHERE user_id = $1`, userID); err != nil {
		return tx.wrap(err, "recovery codes")
	}
	for _, h := range hashes {
		if _, err := tx.db.ExecContext(ctx, `INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)`, userID, h); err != nil {
			return tx.wrap(err, "recovery codes")
		}
	}
	return nil
}

// UseRecoveryCode spends one of a user's recovery codes by its hash: false
// when it is not theirs or was used.
func (tx *Tx) UseRecoveryCode(ctx context.Context, userID parley.ID, hash string, now time.Time) (bool, error) {
	err := tx.exec1(ctx, "recovery code", `UPDATE recovery_codes SET used_at = $3 WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL`, userID, hash, now)
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return false, nil
	}
	return err == nil, err
}

// RecoveryCodesLeft counts a user's unused recovery codes.
func (q *Q) RecoveryCodesLeft(ctx context.Context, userID parley.ID) (int, error) {
	var n int
	err := q.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL`, userID).Scan(&n)
	return n, q.wrap(err, "recovery codes")
}

// DeleteTwoFactor turns a user's two-factor sign-in off: the secret and
// the recovery codes go.
func (tx *Tx) DeleteTwoFactor(ctx context.Context, userID parley.ID) error {
	if _, err := tx.db.ExecContext(ctx, `DELETE FROM recovery_codes WHERE user_id = $1`, userID); err != nil {
		return tx.wrap(err, "delete two-factor")
	}
	_, err := tx.db.ExecContext(ctx, `DELETE FROM two_factor WHERE user_id = $1`, userID)
	return tx.wrap(err, "delete two-factor")
}

// RequireTwoFactor is whom the organisation requires two-factor sign-in
// of: none, admins or everyone.
func (q *Q) RequireTwoFactor(ctx context.Context) (string, error) {
	var v string
	err := q.db.QueryRowContext(ctx, `SELECT require_two_factor FROM org WHERE id = 1`).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "none", nil // before the first start
	}
	return v, q.wrap(err, "require two-factor")
}

// SetRequireTwoFactor says whom two-factor sign-in is required of.
func (tx *Tx) SetRequireTwoFactor(ctx context.Context, who string) error {
	return tx.exec1(ctx, "organization", `UPDATE org SET require_two_factor = $1 WHERE id = 1`, who)
}
