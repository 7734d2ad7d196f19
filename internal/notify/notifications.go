package notify

import (
	"context"
	"sync"
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

	mu      sync.Mutex
	streams map[parley.ID]int // open streams on this node, by person
}

// NewNotifications returns the notification centre on s; now nil is the
// real clock.
func NewNotifications(s *store.Store, now func() time.Time) *Notifications {
	if now == nil {
		now = time.Now
	}
	return &Notifications{store: s, now: now, streams: map[parley.ID]int{}}
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

// Opened records that a stream of a person's opened on this node: they
// have the app open, and are told there rather than by email.
func (n *Notifications) Opened(ctx context.Context, a parley.Actor) error {
	if a.Kind != parley.ActorUser {
		return nil
	}
	n.mu.Lock()
	n.streams[a.UserID]++
	n.mu.Unlock()
	return n.Live(ctx, a)
}

// Live records that a person still has the app open; each of their
// streams says so every LiveEvery.
func (n *Notifications) Live(ctx context.Context, a parley.Actor) error {
	if a.Kind != parley.ActorUser {
		return nil
	}
	return n.store.InTx(ctx, func(tx *store.Tx) error { return tx.SetLive(ctx, a.UserID, parley.Normalize(n.now())) })
}

// Closed records that a stream of a person's ended. While they have
// another on this node nothing changes; after their last here, their
// presence fades: a stream of theirs on another node says so within
// LiveEvery, and if none does they count as gone LiveEvery from now.
func (n *Notifications) Closed(ctx context.Context, a parley.Actor) error {
	if a.Kind != parley.ActorUser {
		return nil
	}
	n.mu.Lock()
	n.streams[a.UserID]--
	left := n.streams[a.UserID]
	if left <= 0 {
		delete(n.streams, a.UserID)
	}
	n.mu.Unlock()
	if left > 0 {
		return nil
	}
	return n.store.InTx(ctx, func(tx *store.Tx) error {
		return tx.FadeLive(ctx, a.UserID, parley.Normalize(n.now()).Add(LiveEvery-LiveWindow))
	})
}
