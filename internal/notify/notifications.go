package notify

import (
	"context"
	"time"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
)

// Notifications is the notification centre's use-cases: each person reads
// and marks their own.
type Notifications struct {
	store *store.Store
	now   func() time.Time
}

// NewNotifications returns the notification centre on s; now nil is the
// real clock.
func NewNotifications(s *store.Store, now func() time.Time) *Notifications {
	if now == nil {
		now = time.Now
	}
	return &Notifications{store: s, now: now}
}

// Item is a notification with the conversation it is about.
type Item = store.NotificationAbout

// MaxList bounds a page of notifications.
const MaxList = 100

// List returns the actor's notifications about conversations they may
// still read, newest first, below before (0: from the newest), and how
// many of those are unread.
func (n *Notifications) List(ctx context.Context, a parley.Actor, before parley.ID, limit int) ([]Item, int, error) {
	if a.Kind != parley.ActorUser {
		return nil, 0, parley.Errorf(parley.EFORBIDDEN, "notifications are a person's")
	}
	inboxes, err := auth.ReadableInboxIDs(ctx, n.store, a)
	if err != nil {
		return nil, 0, err
	}
	return n.store.Notifications(ctx, a.UserID, inboxes, before, min(max(limit, 1), MaxList))
}

// Read marks the actor's notifications read — those with ids, or all when
// ids is nil — and returns how many are left unread.
func (n *Notifications) Read(ctx context.Context, a parley.Actor, ids []parley.ID) (int, error) {
	if a.Kind != parley.ActorUser {
		return 0, parley.Errorf(parley.EFORBIDDEN, "notifications are a person's")
	}
	err := n.store.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.ReadNotifications(ctx, a.UserID, ids, parley.Normalize(n.now()))
		return err
	})
	if err != nil {
		return 0, err
	}
	_, unread, err := n.List(ctx, a, 0, 1)
	return unread, err
}

// Live records that a person has the app open (a stream of theirs, every
// LiveEvery), or that a stream of theirs ended: someone with the app open
// is told there, not by email.
func (n *Notifications) Live(ctx context.Context, a parley.Actor, live bool) error {
	if a.Kind != parley.ActorUser {
		return nil
	}
	return n.store.InTx(ctx, func(tx *store.Tx) error {
		if !live {
			return tx.SetLive(ctx, a.UserID, nil)
		}
		at := parley.Normalize(n.now())
		return tx.SetLive(ctx, a.UserID, &at)
	})
}
