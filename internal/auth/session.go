package auth

import (
	"context"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
)

// Device is where a session is opened from: the browser and the address.
type Device = store.Device

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
	u, err := s.Verify(ctx, email, password)
	if err != nil {
		return "", nil, err
	}
	token, err := s.open(ctx, u.ID, store.Device{Address: parley.AddressOf(ctx)})
	return token, u, err
}

// Verify checks an email and password as Login does, without opening a
// session: the sign-in goes on with a second factor (Open when it is
// given).
func (s *Sessions) Verify(ctx context.Context, email, password string) (*parley.User, error) {
	u, hash, err := s.store.UserByEmail(ctx, email)
	if err != nil && parley.ErrorCode(err) != parley.ENOTFOUND {
		return nil, err
	}
	if u == nil || hash == "" {
		hash = dummyHash
	}
	ok, err := s.passwords.Check(ctx, hash, password)
	if err != nil {
		return nil, err
	}
	if !ok || u == nil || hash == dummyHash {
		return nil, parley.Errorf(parley.EUNAUTHORIZED, "wrong email or password")
	}
	if !u.Active() {
		return nil, ErrDeactivated
	}
	return u, nil
}

// Open opens a session for a user who proved who they are (their password
// and second factor), from device; a deactivated user's is EFORBIDDEN.
func (s *Sessions) Open(ctx context.Context, userID parley.ID, device store.Device) (string, *parley.User, error) {
	u, err := s.store.User(ctx, userID)
	if err != nil {
		return "", nil, err
	}
	if !u.Active() {
		return "", nil, ErrDeactivated
	}
	token, err := s.open(ctx, u.ID, device)
	return token, u, err
}

// ErrDeactivated is the answer to a deactivated user signing in.
var ErrDeactivated = parley.Errorf(parley.EFORBIDDEN, "this account is deactivated: ask an admin to reactivate it")

// UseLoginLink signs a user in with a one-time link and opens a session. A
// link that is unknown, used or expired is EUNAUTHORIZED; a deactivated
// user's is EFORBIDDEN.
func (s *Sessions) UseLoginLink(ctx context.Context, linkToken string, device store.Device) (string, *parley.User, error) {
	device.Method = MethodLink
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
		token, err = s.openTx(ctx, tx, u.ID, device)
		return err
	})
	return token, u, err
}

func (s *Sessions) open(ctx context.Context, userID parley.ID, device store.Device) (string, error) {
	var token string
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		token, err = s.openTx(ctx, tx, userID, device)
		return err
	})
	return token, err
}

// maxUserAgent bounds the browser's name kept with a session.
const maxUserAgent = 300

func (s *Sessions) openTx(ctx context.Context, tx *store.Tx, userID parley.ID, device store.Device) (string, error) {
	token, hash := NewToken("")
	now := s.clock()
	if len(device.UserAgent) > maxUserAgent {
		device.UserAgent = strings.ToValidUTF8(device.UserAgent[:maxUserAgent], "")
	}
	if err := tx.CreateSession(ctx, hash, userID, now, now.Add(SessionTTL), device); err != nil {
		return "", err
	}
	return token, auditSignIn(ctx, tx, userID, device, now)
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
	hash, now := HashToken(token), s.clock()
	u, seen, err := s.store.SessionUser(ctx, hash, now)
	if err == nil && (seen == nil || seen.Before(now.Add(-seenEvery))) {
		// Seen once every few minutes, not per request: a session in use
		// costs a write now and then.
		err = s.store.SeeSession(ctx, hash, now, now.Add(-seenEvery))
	}
	return u, err
}

// seenEvery is how stale a session's last-seen time may get.
const seenEvery = 5 * time.Minute

// Bearer returns the user of an unexpired API token, or EUNAUTHORIZED, and
// whether the token may only read.
func (s *Sessions) Bearer(ctx context.Context, token string) (*parley.User, bool, error) {
	if !strings.HasPrefix(token, "prl_") {
		return nil, false, parley.Errorf(parley.EUNAUTHORIZED, "invalid API token")
	}
	return s.store.TokenUser(ctx, HashToken(token), s.clock())
}

// Sessions lists a user's open sessions; current is the asking session's
// token, marked as such.
func (s *Sessions) List(ctx context.Context, userID parley.ID, current string) ([]store.Session, error) {
	return s.store.UserSessions(ctx, userID, HashToken(current), s.clock())
}

// End signs one of a user's sessions out, by its id; its streams close.
func (s *Sessions) End(ctx context.Context, userID, id parley.ID) error {
	return s.store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.DeleteUserSession(ctx, userID, id); err != nil {
			return err
		}
		tx.Append(SessionsEnded(userID, "signed_out", s.clock()))
		return nil
	})
}

// EndAll signs a person out everywhere (admins): every session of theirs
// ends, and their streams close. Their API tokens stay.
func (s *Sessions) EndAll(ctx context.Context, a parley.Actor, userID parley.ID) error {
	if err := Admin(a); err != nil {
		return err
	}
	return s.store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.User(ctx, userID); err != nil {
			return err
		}
		if _, err := tx.DeleteSessions(ctx, userID, ""); err != nil {
			return err
		}
		tx.Append(SessionsEnded(userID, "signed_out_by_admin", s.clock()))
		return nil
	})
}
