package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestReadAndMentionTimes reads a user's reads and mentions of the
// conversations asked for, in one statement: each kept apart, the latest
// of each conversation, no other user's and no other conversation's.
func TestReadAndMentionTimes(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := storetest.NewFixtures(t, s)
		in := f.Inbox("Support")
		ch := f.Channel(in, parley.ChannelAPI)
		ana, bob := f.User("ana", parley.RoleAgent), f.User("bob", parley.RoleAgent)
		at := func(min int) time.Time { return f.At.Add(time.Duration(min) * time.Minute) }
		var c [3]*parley.Conversation
		if err := s.InTx(ctx, func(tx *store.Tx) error {
			for i := range c {
				c[i] = &parley.Conversation{InboxID: in.ID, ChannelID: ch.ID, ChannelKind: ch.Kind,
					Status: parley.StatusOpen, Placement: parley.PlacementInbox, CreatedAt: f.At, LastActivityAt: f.At}
				if err := tx.CreateConversation(ctx, c[i]); err != nil {
					return err
				}
			}
			mention := func(user *parley.User, conv *parley.Conversation, min int) error {
				m := &parley.Message{ConversationID: conv.ID, Kind: parley.KindComment, Direction: parley.Outbound, Text: "@" + user.Name, CreatedAt: at(min)}
				if err := tx.CreateMessage(ctx, m); err != nil {
					return err
				}
				return tx.AddMention(ctx, user.ID, m)
			}
			for _, step := range []func() error{
				func() error { return tx.MarkRead(ctx, ana.ID, c[0].ID, at(1)) },
				func() error { return tx.MarkRead(ctx, ana.ID, c[0].ID, at(5)) }, // read again: the latest
				func() error { return tx.MarkRead(ctx, ana.ID, c[2].ID, at(2)) }, // not asked for
				func() error { return tx.MarkRead(ctx, bob.ID, c[1].ID, at(3)) }, // another user's
				func() error { return mention(ana, c[1], 4) },
				func() error { return mention(ana, c[1], 7) },
				func() error { return mention(ana, c[0], 6) },
				func() error { return mention(bob, c[0], 8) },
				func() error { return mention(ana, c[2], 9) },
			} {
				if err := step(); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		reads, mentions, err := s.ReadAndMentionTimes(ctx, ana.ID, []parley.ID{c[0].ID, c[1].ID})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(map[parley.ID]time.Time{c[0].ID: at(5)}, reads, timesEqual); diff != "" {
			t.Errorf("reads (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(map[parley.ID]time.Time{c[0].ID: at(6), c[1].ID: at(7)}, mentions, timesEqual); diff != "" {
			t.Errorf("mentions (-want +got):\n%s", diff)
		}
		// Each alone reads the same.
		if got, err := s.ReadTimes(ctx, ana.ID, []parley.ID{c[0].ID, c[1].ID}); err != nil || !cmp.Equal(reads, got, timesEqual) {
			t.Errorf("ReadTimes = %v, %v; want %v", got, err, reads)
		}
		if got, err := s.MentionTimes(ctx, ana.ID, []parley.ID{c[0].ID, c[1].ID}); err != nil || !cmp.Equal(mentions, got, timesEqual) {
			t.Errorf("MentionTimes = %v, %v; want %v", got, err, mentions)
		}
		if r, m, err := s.ReadAndMentionTimes(ctx, ana.ID, nil); err != nil || len(r) != 0 || len(m) != 0 || r == nil || m == nil {
			t.Errorf("no ids: %v, %v, %v; want two empty maps", r, m, err)
		}
	})
}

var timesEqual = cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })
