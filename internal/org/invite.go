package org

import (
	"context"
	"encoding/json"
	"time"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/jobs"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
)

// InvitationTTL is how long an invitation's sign-in link works.
const InvitationTTL = 7 * 24 * time.Hour

// Invite makes a one-time sign-in link for a user (admins only) and mails
// it to them; the link is returned too, for the admin to pass on another
// way. base is the link's start, to which the token is appended.
func (s *Service) Invite(ctx context.Context, a parley.Actor, userID parley.ID, base string) (string, error) {
	if err := auth.Admin(a); err != nil {
		return "", err
	}
	token, hash := auth.NewToken("")
	link := base + token
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		u, err := tx.User(ctx, userID)
		if err != nil {
			return err
		}
		org, _, err := tx.OrgName(ctx)
		if err != nil {
			return err
		}
		now := s.clock()
		if err := tx.CreateLoginLink(ctx, hash, u.ID, now, now.Add(InvitationTTL)); err != nil {
			return err
		}
		payload, _ := json.Marshal(map[string]string{
			"to":      u.Email,
			"subject": "You are invited to " + org + "'s team inbox",
			"text": "Hello " + u.Name + ",\n\nYou have been invited to answer " + org + "'s customers with Parley.\n\n" +
				"Sign in with this link within 7 days (it works once; then set a password in your profile):\n\n    " + link + "\n",
		})
		tx.Append(parley.NewEvent(parley.EventUserUpdated, a, now, map[string]any{"user_id": u.ID, "invited": true}))
		return tx.Enqueue(ctx, &store.Job{Kind: jobs.KindSystemMail, Payload: payload, RunAt: now, MaxAttempts: 6, CreatedAt: now})
	})
	if err != nil {
		return "", err
	}
	return link, nil
}
