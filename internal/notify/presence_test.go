package notify_test

import (
	"context"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/notify"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestPresence: a person counts as having the app open while any stream of
// theirs is; closing one tab of two changes nothing, closing the last lets
// their presence fade within LiveEvery, and a stream of theirs on another
// node keeps it.
func TestPresence(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		clock := storetest.NewClock(time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC))
		ana := parley.UserActor(storetest.NewFixtures(t, s).User("Ana", parley.RoleAgent))
		node, other := notify.NewNotifications(s, clock.Now), notify.NewNotifications(s, clock.Now)
		live := func() bool {
			t.Helper()
			ok, err := s.LiveSince(ctx, ana.UserID, clock.Now().Add(-notify.LiveWindow))
			if err != nil {
				t.Fatal(err)
			}
			return ok
		}
		check := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}

		check(node.Opened(ctx, ana))
		check(node.Opened(ctx, ana)) // a second tab
		check(node.Closed(ctx, ana))
		clock.Advance(notify.LiveWindow - time.Second)
		if !live() {
			t.Fatal("closing one tab of two: gone")
		}
		check(node.Live(ctx, ana)) // the other tab's tick
		check(node.Closed(ctx, ana))
		if !live() {
			t.Fatal("the last tab just closed: gone at once, not faded")
		}
		clock.Advance(notify.LiveEvery + time.Second)
		if live() {
			t.Fatal("the last tab closed a minute ago: still live")
		}

		// A stream on another node keeps them present after this node's last closes.
		check(other.Opened(ctx, ana))
		check(node.Opened(ctx, ana))
		check(node.Closed(ctx, ana))
		clock.Advance(notify.LiveEvery - time.Second)
		check(other.Live(ctx, ana))
		clock.Advance(notify.LiveEvery)
		if !live() {
			t.Fatal("a stream on another node did not keep them present")
		}
	})
}
