package conversation_test

import (
	"context"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestCountsNeverDrift runs random operations from concurrent agents and
// checks that the stored counts equal a recount from the rows.
func TestCountsNeverDrift(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := newWorld(t, s)
		var ids []parley.ID
		for i := range 30 {
			ch := w.supportAPI
			if i%3 == 0 {
				ch = w.restrAPI
			}
			ids = append(ids, w.open(ch, string(rune('a'+i%26))+"@example.org"))
		}
		ana, bob := w.ana.UserID, w.bob.UserID
		ops := []func(rng *rand.Rand, id parley.ID) error{
			func(_ *rand.Rand, id parley.ID) error { _, err := w.svc.Close(ctx, w.ana, id); return err },
			func(_ *rand.Rand, id parley.ID) error { _, err := w.svc.Reopen(ctx, w.ana, id); return err },
			func(_ *rand.Rand, id parley.ID) error { _, err := w.svc.Spam(ctx, w.ana, id); return err },
			func(_ *rand.Rand, id parley.ID) error { _, err := w.svc.Trash(ctx, w.ana, id); return err },
			func(_ *rand.Rand, id parley.ID) error { _, err := w.svc.Restore(ctx, w.ana, id); return err },
			func(_ *rand.Rand, id parley.ID) error { return w.svc.Delete(ctx, w.ana, id) },
			func(rng *rand.Rand, id parley.ID) error {
				to := []*parley.ID{nil, &ana, &bob}[rng.IntN(3)]
				_, err := w.svc.Assign(ctx, w.ana, id, conversation.Assignment{UserID: to})
				return err
			},
			func(_ *rand.Rand, id parley.ID) error {
				_, err := w.svc.Receive(ctx, parley.System, conversation.Inbound{ChannelID: w.supportAPI.ID, ConversationID: id, Text: "again"})
				return err
			},
			func(rng *rand.Rand, _ parley.ID) error {
				// By the sender's address alone: it continues their latest
				// conversation on the channel, or opens one. Concurrent
				// pushes share a transaction, so one may move the same
				// conversation twice.
				email := string(rune('a'+rng.IntN(26))) + "@example.org"
				_, err := w.svc.Receive(ctx, parley.System, conversation.Inbound{ChannelID: w.supportAPI.ID, ContactEmail: email, Text: "again, by email"})
				return err
			},
			func(_ *rand.Rand, id parley.ID) error {
				c, err := s.Conversation(ctx, id)
				if err != nil {
					return err
				}
				_, err = w.svc.Block(ctx, w.ana, *c.ContactID)
				return err
			},
		}
		var wg sync.WaitGroup
		for worker := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rng := rand.New(rand.NewPCG(uint64(worker), 42))
				for range 60 {
					// Errors are expected (deleted, conflicts, bob in
					// Restricted): the counts must hold whatever happens.
					_ = ops[rng.IntN(len(ops))](rng, ids[rng.IntN(len(ids))])
				}
			}()
		}
		wg.Wait()
		want := storetest.Counts(t, s)
		if len(want) == 0 {
			t.Error("no counts at all: the test did nothing")
		}
		// Each person's open count (routing's capacity) holds too.
		owned := map[parley.ID]int{}
		for _, keys := range want {
			for k, n := range keys {
				if id, ok := parley.AssigneeOfCountKey(k); ok && n != 0 {
					owned[id] += int(n)
				}
			}
		}
		stored, err := s.OpenOwned(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(owned, stored); diff != "" {
			t.Errorf("people's open counts drifted from the rows (-recount +stored):\n%s", diff)
		}
	})
}
