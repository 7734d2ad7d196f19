package auth

import (
	"context"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
)

// SessionTTL is how long a web session lasts.
const SessionTTL = 30 * 24 * time.Hour

// Sessions signs users in and recognises them again.
type Sessions struct {
	store     *store.Store
	now       func() time.Time
	passwords *Hasher
}

// SessionOptions are the sessions' collaborators; every field has a working
// zero.
type SessionOptions struct {
	Now func() time.Time // the clock; nil means the real one
	// Passwords bounds the password checks in flight: share it with every
	// other user of passwords in the process. Nil makes one for these
	// sessions alone.
	Passwords *Hasher
}

// dummyHash is checked when the email is unknown or has no password, so a
// sign-in takes as long whether or not the account exists. It is a constant:
// hashing at start-up would cost 19 MiB of memory for nothing.
const dummyHash = "$argon2id$v=19$m=19456,t=2,p=1$8IhnrnQ7QLaNxSX+nROiYg$SzZaBLU6I8f/sgso/5q0ElQaY8vGVgMzTIPZENW/kkc"

// NewSessions returns a session service on s.
func NewSessions(s *store.Store, o SessionOptions) *Sessions {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Passwords == nil {
		o.Passwords = NewHasher(DefaultHashes())
	}
	return &Sessions{store: s, now: o.Now, passwords: o.Passwords}
}

func (s *Sessions) clock() time.Time { return parley.Normalize(s.now()) }

// Login checks an email and password and opens a session. It returns the
// session token for the cookie and the user. Wrong credentials, whichever part
// is wrong, are EUNAUTHORIZED; EUNAVAILABLE when too many passwords are
// being checked at once. A deactivated user who gives the right password is
// told so (EFORBIDDEN): only they can know the account exists.
func (s *Sessions) Login(ctx context.Context, email, password string) (string, *parley.User, error) {
	u, hash, err := s.store.UserByEmail(ctx, email)
	if err != nil && parley.ErrorCode(err) != parley.ENOTFOUND {
		return "", nil, err
	}
	if u == nil || hash == "" {
		hash = dummyHash
	}
	ok, err := s.passwords.Check(ctx, hash, password)
	if err != nil {
		return "", nil, err
	}
	if !ok || u == nil || hash == dummyHash {
		return "", nil, parley.Errorf(parley.EUNAUTHORIZED, "wrong email or password")
	}
	if !u.Active() {
		return "", nil, ErrDeactivated
	}
	token, err := s.open(ctx, u.ID)
	return token, u, err
}

// ErrDeactivated is the answer to a deactivated user signing in.
var ErrDeactivated = parley.Errorf(parley.EFORBIDDEN, "this account is deactivated: ask an admin to reactivate it")

// UseLoginLink signs a user in with a one-time link and opens a session. A
// link that is unknown, used or expired is EUNAUTHORIZED; a deactivated
// user's is EFORBIDDEN.
func (s *Sessions) UseLoginLink(ctx context.Context, linkToken string) (string, *parley.User, error) {
	var (
		u     *parley.User
		token string
	)
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if u, err = tx.UseLoginLink(ctx, HashToken(linkToken), s.clock()); err != nil {
			return err
		}
		if !u.Active() {
			return ErrDeactivated
		}
		token, err = s.openTx(ctx, tx, u.ID)
		return err
	})
	return token, u, err
}

func (s *Sessions) open(ctx context.Context, userID parley.ID) (string, error) {
	var token string
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		token, err = s.openTx(ctx, tx, userID)
		return err
	})
	return token, err
}

func (s *Sessions) openTx(ctx context.Context, tx *store.Tx, userID parley.ID) (string, error) {
	token, hash := NewToken("")
	now := s.clock()
	return token, tx.CreateSession(ctx, hash, userID, now, now.Add(SessionTTL))
}

// Logout ends a session; the event it records ends the streams opened
// with it. Ending a session that is gone already is not an error.
func (s *Sessions) Logout(ctx context.Context, token string) error {
	return s.store.InTx(ctx, func(tx *store.Tx) error {
		userID, err := tx.DeleteSession(ctx, HashToken(token))
		if parley.ErrorCode(err) == parley.ENOTFOUND {
			return nil
		}
		if err != nil {
			return err
		}
		tx.Append(SessionsEnded(userID, "signed_out", s.clock()))
		return nil
	})
}

// SessionsEnded is the event that says some of a user's sessions ended, for
// a reason (signed_out, password_changed): their streams check their
// credentials again, and those that no longer work are closed.
func SessionsEnded(userID parley.ID, reason string, at time.Time) parley.Event {
	return parley.NewEvent(parley.EventSessionEnded, parley.Actor{Kind: parley.ActorUser, UserID: userID}, at,
		map[string]any{"user_id": userID, "reason": reason})
}

// Session returns the user of a session token, or EUNAUTHORIZED.
func (s *Sessions) Session(ctx context.Context, token string) (*parley.User, error) {
	if token == "" {
		return nil, parley.Errorf(parley.EUNAUTHORIZED, "sign in first")
	}
	return s.store.SessionUser(ctx, HashToken(token), s.clock())
}

// Bearer returns the user of an API token, or EUNAUTHORIZED.
func (s *Sessions) Bearer(ctx context.Context, token string) (*parley.User, error) {
	if !strings.HasPrefix(token, "prl_") {
		return nil, parley.Errorf(parley.EUNAUTHORIZED, "invalid API token")
	}
	return s.store.TokenUser(ctx, HashToken(token))
}
