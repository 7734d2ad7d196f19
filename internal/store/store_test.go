package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestConstraintErrors checks that the database enforces invariants and that
// violations arrive as domain codes on both engines.
func TestConstraintErrors(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := storetest.NewFixtures(t, s)
		f.User("ana", parley.RoleAgent)
		err := s.InTx(ctx, func(tx *store.Tx) error {
			return tx.CreateUser(ctx, &parley.User{Email: "ANA@example.com", Name: "x", Role: parley.RoleAgent,
				Availability: parley.Available, CreatedAt: parley.Now()}, "")
		})
		if parley.ErrorCode(err) != parley.ECONFLICT {
			t.Errorf("duplicate email (any case): %v, want ECONFLICT", err)
		}
		team := f.Team("T")
		err = s.InTx(ctx, func(tx *store.Tx) error {
			return tx.SetTeamMembers(ctx, team.ID, []parley.ID{4242})
		})
		if parley.ErrorCode(err) != parley.EINVALID {
			t.Errorf("a member that does not exist: %v, want EINVALID", err)
		}
		err = s.InTx(ctx, func(tx *store.Tx) error {
			return tx.CreateUser(ctx, &parley.User{Email: "x@example.com", Name: "x", Role: "owner",
				Availability: parley.Available, CreatedAt: parley.Now()}, "")
		})
		if err == nil {
			t.Error("a role outside the check constraint was stored")
		}
		if _, err := s.User(ctx, 4242); parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Errorf("missing user: %v, want ENOTFOUND", err)
		}
	})
}

// TestTimesRoundTrip checks that a time written is the time read, to the
// microsecond, and that a nullable time reads back as nil.
// It runs with time.Local away from UTC, as on a server in Paris: drivers that
// scan into time.Local would then print another offset.
func TestTimesRoundTrip(t *testing.T) {
	local := time.Local
	time.Local = time.FixedZone("CET", 3600)
	t.Cleanup(func() { time.Local = local })
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		at := parley.Normalize(time.Date(2026, 2, 3, 4, 5, 6, 789123456, time.FixedZone("CET", 3600)))
		f := storetest.NewFixtures(t, s)
		f.At = at
		u := f.User("ana", parley.RoleAgent)
		got, err := s.User(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, off := got.CreatedAt.Zone(); !got.CreatedAt.Equal(at) || off != 0 {
			t.Errorf("created_at = %v, want %v at offset 0", got.CreatedAt, at)
		}
		in := f.Inbox("x")
		ch := f.Channel(in, parley.ChannelAPI)
		c := &parley.Conversation{InboxID: in.ID, ChannelID: ch.ID, Status: parley.StatusOpen, Placement: parley.PlacementInbox,
			CreatedAt: at, LastActivityAt: at}
		if err := s.InTx(ctx, func(tx *store.Tx) error { return tx.CreateConversation(ctx, c) }); err != nil {
			t.Fatal(err)
		}
		back, err := s.Conversation(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if back.ClosedAt != nil || back.TrashedAt != nil || back.AssigneeID != nil || !back.LastActivityAt.Equal(at) {
			t.Errorf("conversation read back as %+v", back)
		}
	})
}
