package org

import (
	"context"
	"time"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/notify"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
)

// ResetTTL is how long a password reset link works.
const ResetTTL = time.Hour

// RequestPasswordReset mails a single-use password reset link to the user
// of email (SPEC ORG-5); base is the link's start, to which the token is
// appended. It answers the same (nil) whether or not the address belongs to
// a user, and sends nothing to an unknown address or a deactivated user, so
// it tells a stranger nothing. The mail is in the user's language, else in
// locale (the browser's).
func (s *Service) RequestPasswordReset(ctx context.Context, email, base, locale string) error {
	u, _, err := s.store.UserByEmail(ctx, email)
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return nil
	}
	if err != nil {
		return err
	}
	if !u.Active() {
		return nil
	}
	if u.Locale != "" {
		locale = u.Locale
	}
	token, hash := auth.NewToken("")
	return s.store.InTx(ctx, func(tx *store.Tx) error {
		org, _, err := tx.OrgName(ctx)
		if err != nil {
			return err
		}
		now := s.clock()
		if err := tx.CreatePasswordReset(ctx, hash, u.ID, now, now.Add(ResetTTL)); err != nil {
			return err
		}
		mail := notify.PasswordReset(locale, org, u.Name, base+token, ResetTTL)
		return sendSystemMail(ctx, tx, u.Email, mail, now)
	})
}

// ResetPassword sets a new password with a reset link, which then no
// longer works, and ends every session of the user's: whoever knew the old
// password is signed out. It returns the user. A link that is unknown, used,
// expired or whose user was deactivated since is EUNAUTHORIZED; a password
// the policy refuses is EINVALID and leaves the link usable.
func (s *Service) ResetPassword(ctx context.Context, token, password string) (*parley.User, error) {
	hash, err := s.hashPassword(ctx, password)
	if err != nil {
		return nil, err
	}
	var u *parley.User
	err = s.store.InTx(ctx, func(tx *store.Tx) error {
		if u, err = tx.UsePasswordReset(ctx, auth.HashToken(token), s.clock()); err != nil {
			return err
		}
		if !u.Active() {
			return parley.Errorf(parley.EUNAUTHORIZED, "this reset link is invalid, used or expired")
		}
		return s.setPasswordTx(ctx, tx, parley.UserActor(u), u.ID, hash, "")
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}
