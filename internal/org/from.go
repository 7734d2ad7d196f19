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

// FromLinkTTL is how long a from-address confirmation link works.
const FromLinkTTL = 72 * time.Hour

// RequestFromAddress sends a confirmation link to email; following it
// (VerifyFromAddress) makes it the from-address of the email channel
// (admins only, SPEC CHN-3). link is the link's base, to which the token is
// appended.
func (s *Service) RequestFromAddress(ctx context.Context, a parley.Actor, channelID parley.ID, email, link string) error {
	if err := auth.Admin(a); err != nil {
		return err
	}
	email, err := parley.EmailAddress("email", email)
	if err != nil {
		return err
	}
	token, hash := auth.NewToken("")
	return s.store.InTx(ctx, func(tx *store.Tx) error {
		ch, err := tx.Channel(ctx, channelID)
		if err != nil {
			return err
		}
		if ch.Kind != parley.ChannelEmail {
			return parley.Invalid("channel", "is not an email channel")
		}
		inbox, err := tx.Inbox(ctx, ch.InboxID)
		if err != nil {
			return err
		}
		now := s.clock()
		if err := tx.CreateFromVerification(ctx, hash, ch.ID, email, now, now.Add(FromLinkTTL)); err != nil {
			return err
		}
		mail := notify.FromAddress(actorLocale(ctx, tx, a), inbox.Name, email, link+token, FromLinkTTL)
		payload, _ := json.Marshal(map[string]string{"to": email, "subject": mail.Subject, "text": mail.Text})
		return tx.Enqueue(ctx, &store.Job{Kind: jobs.KindSystemMail, Payload: payload, RunAt: now, MaxAttempts: 6, CreatedAt: now})
	})
}

// VerifyFromAddress follows a confirmation link: the address it was sent
// to becomes its channel's from-address. An unknown, used or expired link
// is ENOTFOUND.
func (s *Service) VerifyFromAddress(ctx context.Context, token string) (*parley.Channel, error) {
	var out *parley.Channel
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		now := s.clock()
		id, email, err := tx.UseFromVerification(ctx, auth.HashToken(token), now)
		if err != nil {
			return err
		}
		ch, err := tx.Channel(ctx, id)
		if err != nil {
			return err
		}
		cfg := map[string]any{}
		_ = json.Unmarshal(ch.Config, &cfg)
		cfg["from_address"] = email
		if ch.Config, err = json.Marshal(cfg); err != nil {
			return err
		}
		if err := tx.UpdateChannel(ctx, ch); err != nil {
			return err
		}
		tx.Append(channelEventAt(parley.EventChannelUpdated, parley.System, ch, now))
		out = ch
		return nil
	})
	return out, err
}
