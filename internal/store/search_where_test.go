package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestSearchKeepsWhereAsked: search keeps to the inboxes and placements
// it is given, whichever kind found a conversation — a contact's (read
// with its conversations' rows on PostgreSQL), a subject's or a message's
// (read after) — and ranks what it keeps by score, then last activity
// to the microsecond, not by id.
func TestSearchKeepsWhereAsked(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := storetest.NewFixtures(t, s)
		a, b := f.Inbox("A"), f.Inbox("B")
		cha, chb := f.Channel(a, parley.ChannelAPI), f.Channel(b, parley.ChannelAPI)
		// Conversations 0–3 in A, with Kestrel as their contact; 4 in B,
		// with kestrel in its message; 1 is then moved to spam. Their last
		// activity runs against their ids: 0 is the most recent.
		var ids []parley.ID
		for i := range 5 {
			in, ch, name, text := a.ID, cha, "Kestrel Jones", "an osprey flew by"
			if i == 4 {
				in, ch, name, text = b.ID, chb, "Robin Hood", "an osprey and a kestrel flew by"
			}
			at := f.At.Add(time.Duration(10-i) * time.Minute)
			ids = append(ids, addSearchable(t, s, in, ch, at, i, name, "Plover sighting", text))
		}
		// Conversations 5–9 in C, their last activities a second, half, a
		// quarter of a second, a microsecond and nothing after a whole
		// second: found newest first, to the microsecond (SQLite's is
		// text, made a number to be ranked: ".5" is after ".25").
		c := f.Inbox("C")
		chc := f.Channel(c, parley.ChannelAPI)
		whole := f.At.Truncate(time.Second)
		for i, d := range []time.Duration{time.Second, time.Second / 2, time.Second / 4, time.Microsecond, 0} {
			ids = append(ids, addSearchable(t, s, c.ID, chc, whole.Add(d), 5+i, "Heron Smith", "Egret", "a heron"))
		}
		if err := s.InTx(ctx, func(tx *store.Tx) error {
			c, err := tx.Conversation(ctx, ids[1])
			if err != nil {
				return err
			}
			c.Placement = parley.PlacementSpam
			return tx.UpdateConversation(ctx, c)
		}); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			q          string
			inboxes    []parley.ID
			placements []parley.Placement
			want       []parley.ID
		}{
			{"kestrel", []parley.ID{a.ID}, []parley.Placement{parley.PlacementInbox}, []parley.ID{ids[0], ids[2], ids[3]}},
			{"plover", []parley.ID{a.ID}, []parley.Placement{parley.PlacementInbox}, []parley.ID{ids[0], ids[2], ids[3]}},
			{"osprey", []parley.ID{a.ID}, []parley.Placement{parley.PlacementInbox}, []parley.ID{ids[0], ids[2], ids[3]}},
			{"kestrel", []parley.ID{a.ID}, []parley.Placement{parley.PlacementSpam}, []parley.ID{ids[1]}},
			{"osprey", []parley.ID{a.ID}, []parley.Placement{parley.PlacementSpam}, []parley.ID{ids[1]}},
			{"kestrel", []parley.ID{b.ID}, []parley.Placement{parley.PlacementInbox}, []parley.ID{ids[4]}},
			{"osprey", []parley.ID{b.ID}, []parley.Placement{parley.PlacementInbox}, []parley.ID{ids[4]}},
			// Contacts' matches (read with their rows on PostgreSQL) and a
			// message's (read after) in one batch, by score.
			{"kestrel", []parley.ID{a.ID, b.ID}, []parley.Placement{parley.PlacementInbox}, []parley.ID{ids[0], ids[2], ids[3], ids[4]}},
			{"kestrel", []parley.ID{a.ID, b.ID}, []parley.Placement{parley.PlacementInbox, parley.PlacementSpam}, ids[:5]},
			{"heron", []parley.ID{c.ID}, []parley.Placement{parley.PlacementInbox}, ids[5:]},
			{"egret", []parley.ID{c.ID}, []parley.Placement{parley.PlacementInbox}, ids[5:]},
		} {
			terms, err := store.ParseSearch(tc.q)
			if err != nil {
				t.Fatal(err)
			}
			var got []parley.ID
			if err := s.Search(ctx, terms, tc.inboxes, tc.placements, 50, func(hits []parley.ID) (bool, error) {
				got = append(got, hits...)
				return true, nil
			}); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("%q in %v, %v: %v, want %v", tc.q, tc.inboxes, tc.placements, got, tc.want)
			}
		}
	})
}
