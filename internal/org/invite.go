package org

import (
	"context"
	"encoding/json"
	"time"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/jobs"
	"github.com/parleyhq/parley/internal/notify"
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
		// Written in the language of whoever invites: they likely share it.
		mail := notify.Invitation(actorLocale(ctx, tx, a), org, u.Name, link, InvitationTTL)
		tx.Append(parley.NewEvent(parley.EventUserUpdated, a, now, map[string]any{"user_id": u.ID, "invited": true}))
		return sendSystemMail(ctx, tx, u.Email, mail, now)
	})
	if err != nil {
		return "", err
	}
	return link, nil
}

// sendSystemMail queues mail Parley writes itself (jobs.KindSystemMail),
// sent when tx commits.
func sendSystemMail(ctx context.Context, tx *store.Tx, to string, mail notify.Mail, now time.Time) error {
	payload, _ := json.Marshal(map[string]string{"to": to, "subject": mail.Subject, "text": mail.Text})
	return tx.Enqueue(ctx, &store.Job{Kind: jobs.KindSystemMail, Payload: payload, RunAt: now, MaxAttempts: 6, CreatedAt: now})
}

// actorLocale is the language a user acting works in ("" for the system,
// which notify reads as English).
func actorLocale(ctx context.Context, tx *store.Tx, a parley.Actor) string {
	if a.Kind != parley.ActorUser {
		return ""
	}
	u, err := tx.User(ctx, a.UserID)
	if err != nil {
		return ""
	}
	return u.Locale
}
