// Package org holds the use-cases that set up the organisation: users and
// their availability, API tokens, teams, inboxes with their members, channels,
// and the first start. Each change is one transaction with its audit event.
package org

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/notify"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
)

// Service runs the organisation's use-cases against a store.
type Service struct {
	store     *store.Store
	now       func() time.Time
	passwords *auth.Hasher
	blobs     Blobs
}

// Blobs keeps users' pictures; Put returns once the picture is on disk.
type Blobs interface {
	Put(data []byte) (key string, err error)
}

// Options are a service's collaborators; every field has a working zero.
type Options struct {
	Now func() time.Time // the clock; nil means the real one
	// Passwords bounds the password hashes in flight: share the sign-in's
	// (auth.SessionOptions). Nil makes one for this service alone.
	Passwords *auth.Hasher
	Blobs     Blobs // keeps users' pictures; without it, SetAvatar is EUNAVAILABLE
}

// New returns a service on s.
func New(s *store.Store, o Options) *Service {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Passwords == nil {
		o.Passwords = auth.NewHasher(auth.DefaultHashes())
	}
	return &Service{store: s, now: o.Now, passwords: o.Passwords, blobs: o.Blobs}
}

func (s *Service) clock() time.Time { return parley.Normalize(s.now()) }

// NewUser describes a user to create.
type NewUser struct {
	Email    string
	Name     string
	Role     parley.Role
	Password string // optional: a user without one signs in by link
	Routable *bool  // default true
}

// CreateUser adds a user (admins only). A taken email is ECONFLICT.
func (s *Service) CreateUser(ctx context.Context, a parley.Actor, in NewUser) (*parley.User, error) {
	if err := auth.Admin(a); err != nil {
		return nil, err
	}
	email, err := normalizeEmail(in.Email)
	if err != nil {
		return nil, err
	}
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" {
		return nil, parley.Invalid("name", "is required")
	}
	if !in.Role.Valid() {
		return nil, parley.Invalid("role", "must be admin, agent or viewer")
	}
	hash := ""
	if in.Password != "" {
		if hash, err = s.hashPassword(ctx, in.Password); err != nil {
			return nil, err
		}
	}
	u := &parley.User{Email: email, Name: in.Name, Role: in.Role, Routable: in.Routable == nil || *in.Routable,
		Availability: parley.Available, CreatedAt: s.clock()}
	err = s.store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateUser(ctx, u, hash); err != nil {
			if parley.ErrorCode(err) == parley.ECONFLICT {
				return &parley.Error{Code: parley.ECONFLICT, Field: "email", Message: "a user with this email exists", Reason: "email_taken"}
			}
			return err
		}
		tx.Append(parley.NewEvent(parley.EventUserCreated, a, u.CreatedAt, map[string]any{"user_id": u.ID, "role": u.Role}))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// UserPatch changes some of a user's fields; nil leaves one as it is.
type UserPatch struct {
	Name        *string
	Role        *parley.Role
	Routable    *bool
	MeetingLink *string // "" removes it
	Locale      *string // en or fr (SPEC PLT-6)
	// Active false deactivates the user (a leaver): their sessions and API
	// tokens stop at once, they cannot sign in, be assigned or routed to,
	// and their conversations stay. True reactivates them.
	Active *bool
}

// UpdateUser changes a user: admins change anyone's fields; a user may change
// their own name, meeting link and language only. Leaving no active admin
// (by deactivating or demoting the last) is ECONFLICT; an admin cannot
// deactivate themselves (EINVALID).
func (s *Service) UpdateUser(ctx context.Context, a parley.Actor, id parley.ID, p UserPatch) (*parley.User, error) {
	self := a.Kind == parley.ActorUser && a.UserID == id
	if auth.Admin(a) != nil && (!self || p.Role != nil || p.Routable != nil || p.Active != nil) {
		return nil, parley.Errorf(parley.EFORBIDDEN, "only admins can change other users, roles and seats")
	}
	if self && p.Active != nil && !*p.Active {
		return nil, parley.Invalid("active", "you cannot deactivate yourself: ask another admin")
	}
	if p.Name != nil && strings.TrimSpace(*p.Name) == "" {
		return nil, parley.Invalid("name", "cannot be empty")
	}
	if p.Role != nil && !p.Role.Valid() {
		return nil, parley.Invalid("role", "must be admin, agent or viewer")
	}
	if p.Locale != nil && !slices.Contains(notify.Locales(), *p.Locale) {
		return nil, parley.Invalid("locale", "must be one of %s", strings.Join(notify.Locales(), ", "))
	}
	if p.MeetingLink != nil {
		link := strings.TrimSpace(*p.MeetingLink)
		if u, err := url.Parse(link); link != "" && (err != nil || u.Host == "" || u.Scheme != "https" && u.Scheme != "http" || len(link) > 2000) {
			return nil, parley.Invalid("meeting_link", "must be an http or https address")
		}
		p.MeetingLink = &link
	}
	return s.updateUser(ctx, a, id, func(u *parley.User) {
		if p.MeetingLink != nil {
			u.MeetingLink = *p.MeetingLink
		}
		if p.Locale != nil {
			u.Locale = *p.Locale
		}
		if p.Name != nil {
			u.Name = strings.TrimSpace(*p.Name)
		}
		if p.Role != nil {
			u.Role = *p.Role
		}
		if p.Routable != nil {
			u.Routable = *p.Routable
		}
		if p.Active != nil && *p.Active != u.Active() {
			if *p.Active {
				u.DeactivatedAt = nil
			} else {
				now := s.clock()
				u.DeactivatedAt = &now
			}
		}
	}, parley.EventUserUpdated)
}

// updateUser applies change to a user in one transaction. A change that
// takes away an active admin is checked, with the organisation held, to
// leave one; a deactivation ends the user's sessions, and the event it
// records closes their streams.
func (s *Service) updateUser(ctx context.Context, a parley.Actor, id parley.ID, change func(*parley.User), typ string) (*parley.User, error) {
	var out *parley.User
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		u, err := s.updateUserTx(ctx, tx, a, id, change, typ)
		out = u
		return err
	})
	return out, err
}

// updateUserTx is updateUser within tx.
func (s *Service) updateUserTx(ctx context.Context, tx *store.Tx, a parley.Actor, id parley.ID, change func(*parley.User), typ string) (*parley.User, error) {
	u, err := tx.User(ctx, id)
	if err != nil {
		return nil, err
	}
	wasAdmin, wasActive := u.Role == parley.RoleAdmin && u.Active(), u.Active()
	before := userState(u)
	change(u)
	lostAdmin := wasAdmin && (u.Role != parley.RoleAdmin || !u.Active())
	if lostAdmin {
		if err := tx.LockOrg(ctx); err != nil {
			return nil, err
		}
	}
	if err := tx.UpdateUser(ctx, u); err != nil {
		return nil, err
	}
	if lostAdmin {
		n, err := tx.CountActiveAdmins(ctx)
		if err != nil {
			return nil, err
		}
		if n == 0 {
			return nil, parley.Errorf(parley.ECONFLICT, "%s is the last active admin: make someone else an admin first", u.Name)
		}
	}
	now := s.clock()
	tx.Append(parley.NewEvent(typ, a, now, userState(u)).Was(before))
	if wasActive && !u.Active() {
		if _, err := tx.DeleteSessions(ctx, u.ID, ""); err != nil {
			return nil, err
		}
		tx.Append(auth.SessionsEnded(u.ID, "deactivated", now))
	}
	return u, nil
}

// userState is what a user's event says of them, and the audit log keeps
// from before and after a change.
func userState(u *parley.User) map[string]any {
	return map[string]any{
		"user_id": u.ID, "name": u.Name, "role": u.Role, "locale": u.Locale, "routable": u.Routable, "availability": u.Availability,
		"reassign_when_away": u.ReassignWhenAway, "active": u.Active(),
	}
}

// Users lists every user; any signed-in user may, to assign and mention.
func (s *Service) Users(ctx context.Context, a parley.Actor) ([]parley.User, error) {
	if a.Kind != parley.ActorUser && a.Kind != parley.ActorSystem {
		return nil, parley.Errorf(parley.EUNAUTHORIZED, "sign in first")
	}
	return s.store.Users(ctx)
}

// OpenOwned returns, to admins, how many open conversations each person
// owns (SPEC ORG-4: admins see everyone's availability and load).
func (s *Service) OpenOwned(ctx context.Context, a parley.Actor) (map[parley.ID]int, error) {
	if err := auth.Admin(a); err != nil {
		return nil, err
	}
	return s.store.OpenOwned(ctx)
}

// Names returns, to anyone signed in, the names of the users and teams with
// the given ids, by id; an id that names none is left out. They are read
// from the database at each call, never cached: a rename shows on the next
// page on every node. EUNAUTHORIZED without a user.
func (s *Service) Names(ctx context.Context, a parley.Actor, userIDs, teamIDs []parley.ID) (users, teams map[parley.ID]string, err error) {
	if a.Kind != parley.ActorUser && a.Kind != parley.ActorSystem {
		return nil, nil, parley.Errorf(parley.EUNAUTHORIZED, "sign in first")
	}
	return s.store.Names(ctx, userIDs, teamIDs)
}

// User returns a user to anyone signed in, or ENOTFOUND.
func (s *Service) User(ctx context.Context, a parley.Actor, id parley.ID) (*parley.User, error) {
	if a.Kind != parley.ActorUser && a.Kind != parley.ActorSystem {
		return nil, parley.Errorf(parley.EUNAUTHORIZED, "sign in first")
	}
	return s.store.User(ctx, id)
}

// SetPassword replaces a user's password (the command line's set-password).
func (s *Service) SetPassword(ctx context.Context, a parley.Actor, email, password string) error {
	if err := auth.Admin(a); err != nil {
		return err
	}
	hash, err := s.hashPassword(ctx, password)
	if err != nil {
		return err
	}
	u, _, err := s.store.UserByEmail(ctx, email)
	if err != nil {
		return err
	}
	return s.setPassword(ctx, a, u.ID, hash, "")
}

// setPassword stores a password hash with the event that says it changed,
// and ends the user's sessions but the one of keepSession (a session token;
// "" keeps none): whoever knew the old password is signed out.
func (s *Service) setPassword(ctx context.Context, a parley.Actor, userID parley.ID, hash, keepSession string) error {
	return s.store.InTx(ctx, func(tx *store.Tx) error {
		return s.setPasswordTx(ctx, tx, a, userID, hash, keepSession)
	})
}

func (s *Service) setPasswordTx(ctx context.Context, tx *store.Tx, a parley.Actor, userID parley.ID, hash, keepSession string) error {
	keep := ""
	if keepSession != "" {
		keep = auth.HashToken(keepSession)
	}
	if err := tx.SetPassword(ctx, userID, hash); err != nil {
		return err
	}
	now := s.clock()
	tx.Append(parley.NewEvent(parley.EventUserUpdated, a, now, map[string]any{"user_id": userID, "password": "changed"}))
	n, err := tx.DeleteSessions(ctx, userID, keep)
	if err != nil {
		return err
	}
	if n > 0 {
		tx.Append(auth.SessionsEnded(userID, "password_changed", now))
	}
	return nil
}

// MaxAvatarBytes bounds a picture: a user's, a chat flow's.
const MaxAvatarBytes = 2 << 20

// PictureType returns the type of a picture's bytes, or says why they are
// not one Parley shows (PNG, JPEG, GIF or WebP, up to MaxAvatarBytes).
func PictureType(data []byte) (string, error) {
	switch typ := http.DetectContentType(data); typ {
	case "image/png", "image/jpeg", "image/gif", "image/webp":
		if len(data) > MaxAvatarBytes {
			return "", parley.Invalid("body", "is larger than %d MB", MaxAvatarBytes>>20)
		}
		return typ, nil
	}
	return "", parley.Invalid("body", "is not a PNG, JPEG, GIF or WebP image")
}

// SetAvatar sets the actor's own picture, a PNG, JPEG, GIF or WebP image
// (told by its bytes, not by what the client says); nil data removes it.
func (s *Service) SetAvatar(ctx context.Context, a parley.Actor, data []byte) (*parley.User, error) {
	if a.Kind != parley.ActorUser {
		return nil, parley.Errorf(parley.EUNAUTHORIZED, "sign in first")
	}
	var key, typ string
	if data != nil {
		var err error
		if typ, err = PictureType(data); err != nil {
			return nil, err
		}
		if s.blobs == nil {
			return nil, parley.Errorf(parley.EUNAVAILABLE, "pictures are not available on this server")
		}
		if key, err = s.blobs.Put(data); err != nil {
			return nil, err
		}
	}
	return s.updateUser(ctx, a, a.UserID, func(u *parley.User) {
		u.AvatarBlob, u.AvatarType = key, typ
	}, parley.EventUserUpdated)
}

// ChangePassword sets the actor's own password. Whoever has one must give
// it (current); a user who signed in by link and has none sets a first one.
// A wrong current password is EINVALID naming current_password (not
// EUNAUTHORIZED: the session is fine). Every other session of the user's
// ends; keepSession, the session token the change was made with, if any,
// stays.
func (s *Service) ChangePassword(ctx context.Context, a parley.Actor, current, next, keepSession string) error {
	if a.Kind != parley.ActorUser {
		return parley.Errorf(parley.EUNAUTHORIZED, "sign in first")
	}
	u, err := s.store.User(ctx, a.UserID)
	if err != nil {
		return err
	}
	_, hash, err := s.store.UserByEmail(ctx, u.Email)
	if err != nil {
		return err
	}
	if hash != "" {
		ok, err := s.passwords.Check(ctx, hash, current)
		if err != nil {
			return err
		}
		if !ok {
			return parley.Invalid("current_password", "is not your password").Because("password_wrong")
		}
	}
	newHash, err := s.hashPassword(ctx, next)
	if err != nil {
		return err
	}
	return s.setPassword(ctx, a, u.ID, newHash, keepSession)
}

func normalizeEmail(s string) (string, error) {
	return parley.EmailAddress("email", s)
}

func (s *Service) hashPassword(ctx context.Context, pw string) (string, error) {
	if len([]rune(pw)) < auth.MinPasswordLength {
		return "", parley.Invalid("password", "must be at least %d characters", auth.MinPasswordLength).Because("password_short")
	}
	if len(pw) > 1024 {
		return "", parley.Invalid("password", "is too long")
	}
	return s.passwords.Hash(ctx, pw)
}
