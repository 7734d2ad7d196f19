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

// Item is a notification with the conversation it is about, as its reader
// may see it.
type Item struct {
	store.Notification
	Conversation *parley.Conversation
}

// MaxList bounds a page of notifications.
const MaxList = 100

// List returns the actor's notifications, newest first, below before (0:
// from the newest), and how many are unread. One about a conversation the
// actor may no longer read is left out.
func (n *Notifications) List(ctx context.Context, a parley.Actor, before parley.ID, limit int) ([]Item, int, error) {
	if a.Kind != parley.ActorUser {
		return nil, 0, parley.Errorf(parley.EFORBIDDEN, "notifications are a person's")
	}
	limit = min(max(limit, 1), MaxList)
	ns, err := n.store.Notifications(ctx, a.UserID, before, limit)
	if err != nil {
		return nil, 0, err
	}
	out := make([]Item, 0, len(ns))
	for _, x := range ns {
		c, err := auth.Conversation(ctx, n.store, a, x.ConversationID, auth.Read)
		if parley.ErrorCode(err) == parley.ENOTFOUND {
			continue
		}
		if err != nil {
			return nil, 0, err
		}
		out = append(out, Item{Notification: x, Conversation: c})
	}
	unread, err := n.store.UnreadNotifications(ctx, a.UserID)
	return out, unread, err
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
	return n.store.UnreadNotifications(ctx, a.UserID)
}
