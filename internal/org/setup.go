package org

import (
	"context"
	"time"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
)

// LoginLinkTTL is how long a one-time sign-in link works.
const LoginLinkTTL = 24 * time.Hour

// Setup is what a first start created; fields are nil for what existed.
type Setup struct {
	Inbox *parley.Inbox
	Admin *parley.User
	// LoginToken is the secret of the admin's one-time sign-in link.
	LoginToken string
}

// FirstStart makes an empty database ready (SPEC INB-1): it creates the
// organisation with a default inbox and its API channel if there is no
// organisation, and, if adminEmail is set and there are no users, an admin
// without a password and a one-time sign-in link for them (again on later
// starts while that admin is the only user and has no password). Every start and
// command may call it; on a ready database it does nothing, and concurrent
// starts on one database create everything once.
func (s *Service) FirstStart(ctx context.Context, orgName, adminEmail string) (*Setup, error) {
	var out Setup
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		now := s.clock()
		if _, ok, err := tx.OrgName(ctx); err != nil {
			return err
		} else if !ok {
			if err := tx.CreateOrg(ctx, orgName, now); err != nil {
				return err
			}
			ib, err := createInbox(ctx, tx, parley.System, now, "Support", NewInbox{Access: parley.AccessEveryone})
			if err != nil {
				return err
			}
			ch := &parley.Channel{InboxID: ib.ID, Kind: parley.ChannelAPI, Name: "API", Enabled: true, CreatedAt: now}
			if err := tx.CreateChannel(ctx, ch); err != nil {
				return err
			}
			tx.Append(channelEvent(parley.EventChannelCreated, parley.System, ch, s))
			out.Inbox = ib
		}
		if adminEmail == "" {
			return nil
		}
		n, err := tx.CountUsers(ctx)
		if err != nil {
			return err
		}
		if n > 0 {
			// A first start that failed after this (the port taken, say)
			// lost its link: while the only user is the admin, still
			// without a password, each start gives them a fresh one.
			if n != 1 {
				return nil
			}
			admin, hash, err := tx.UserByEmail(ctx, adminEmail)
			if parley.ErrorCode(err) == parley.ENOTFOUND || err == nil && hash != "" {
				return nil
			}
			if err != nil {
				return err
			}
			token, linkHash := auth.NewToken("")
			if err := tx.CreateLoginLink(ctx, linkHash, admin.ID, now, now.Add(LoginLinkTTL)); err != nil {
				return err
			}
			out.Admin, out.LoginToken = admin, token
			return nil
		}
		email, err := normalizeEmail(adminEmail)
		if err != nil {
			return err
		}
		admin := &parley.User{Email: email, Name: "Admin", Role: parley.RoleAdmin, Routable: true,
			Availability: parley.Available, CreatedAt: now}
		if err := tx.CreateUser(ctx, admin, ""); err != nil {
			return err
		}
		tx.Append(parley.NewEvent(parley.EventUserCreated, parley.System, now, map[string]any{"user_id": admin.ID, "role": admin.Role}))
		token, hash := auth.NewToken("")
		if err := tx.CreateLoginLink(ctx, hash, admin.ID, now, now.Add(LoginLinkTTL)); err != nil {
			return err
		}
		out.Admin, out.LoginToken = admin, token
		return nil
	})
	if parley.ErrorCode(err) == parley.ECONFLICT {
		return &Setup{}, nil // another node won the race
	}
	if err != nil {
		return nil, err
	}
	return &out, nil
}
