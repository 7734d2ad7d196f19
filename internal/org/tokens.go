package org

import (
	"context"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
)

// MaxTokens is how many API tokens one user may hold: enough for every
// integration, few enough that tokens cannot be minted to multiply limits.
const MaxTokens = 50

// NewAPIToken describes a token to make.
type NewAPIToken struct {
	Name string
	// ExpiresAt, when set, is when it stops working (in the future).
	ExpiresAt *time.Time
	// ReadOnly tokens may only read: the API answers anything else 403.
	ReadOnly bool
}

// CreateToken makes a personal API token for the actor, or for another user
// when the actor is the system (the command line). The token is shown once.
// A user holding MaxTokens already gets ECONFLICT: revoke one first.
func (s *Service) CreateToken(ctx context.Context, a parley.Actor, userID parley.ID, t NewAPIToken) (string, error) {
	name := t.Name
	if a.Kind != parley.ActorSystem && (a.Kind != parley.ActorUser || a.UserID != userID) {
		return "", parley.Errorf(parley.EFORBIDDEN, "tokens are personal: create your own")
	}
	if t.ExpiresAt != nil && !t.ExpiresAt.After(s.clock()) {
		return "", parley.Invalid("expires_at", "must be in the future")
	}
	name = strings.TrimSpace(name)
	if name == "" {
		name = "API token"
	}
	if len(name) > 100 {
		return "", parley.Invalid("name", "is longer than 100 characters")
	}
	token, hash := auth.NewToken("prl_")
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		// Counted with the user's row held: two creations at once count
		// one after the other.
		if err := tx.LockUser(ctx, userID); err != nil {
			return err
		}
		held, err := tx.APITokens(ctx, userID)
		if err != nil {
			return err
		}
		if len(held) >= MaxTokens {
			return parley.Errorf(parley.ECONFLICT, "you hold %d API tokens, the most allowed: revoke one first", MaxTokens).Because("too_many_tokens")
		}
		now := s.clock()
		var expires *time.Time
		if t.ExpiresAt != nil {
			e := parley.Normalize(*t.ExpiresAt)
			expires = &e
		}
		id, err := tx.CreateAPIToken(ctx, hash, userID, name, now, expires, t.ReadOnly)
		if err != nil {
			return err
		}
		tx.Append(parley.NewEvent(parley.EventTokenCreated, a, now, map[string]any{"user_id": userID, "token_id": id, "name": name}))
		return nil
	})
	return token, err
}

// Tokens lists the actor's own API tokens, never the tokens themselves.
func (s *Service) Tokens(ctx context.Context, a parley.Actor) ([]store.APIToken, error) {
	if a.Kind != parley.ActorUser {
		return nil, parley.Errorf(parley.EUNAUTHORIZED, "sign in first")
	}
	return s.store.APITokens(ctx, a.UserID)
}

// RevokeToken deletes one of the actor's own API tokens; the event it
// records closes the streams opened with it. Another user's token is
// ENOTFOUND.
func (s *Service) RevokeToken(ctx context.Context, a parley.Actor, id parley.ID) error {
	if a.Kind != parley.ActorUser {
		return parley.Errorf(parley.EUNAUTHORIZED, "sign in first")
	}
	return s.store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.DeleteAPIToken(ctx, id, a.UserID); err != nil {
			return err
		}
		tx.Append(parley.NewEvent(parley.EventTokenRevoked, a, s.clock(), map[string]any{"user_id": a.UserID, "token_id": id}))
		return nil
	})
}
