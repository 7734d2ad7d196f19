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
// (read after) — and ranks what it keeps by score, then last activity to
// the microsecond, then id.
func TestSearchKeepsWhereAsked(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := storetest.NewFixtures(t, s)
		a, b, c := f.Inbox("A"), f.Inbox("B"), f.Inbox("C")
		cha, chb, chc := f.Channel(a, parley.ChannelAPI), f.Channel(b, parley.ChannelAPI), f.Channel(c, parley.ChannelAPI)
		minute := func(n int) time.Time { return f.At.Add(time.Duration(n) * time.Minute) }
		ids := map[string]parley.ID{}
		add := func(name string, in parley.ID, ch *parley.Channel, at time.Time, contact, subject, text string) {
			ids[name] = addSearchable(t, s, in, ch, at, len(ids), contact, subject, text)
		}
		// In A, Kestrel is the contact of a0–a3, the oldest the last
		// made; a1 is moved to spam.
		for i, name := range []string{"a0", "a1", "a2", "a3"} {
			add(name, a.ID, cha, minute(10-i), "Kestrel Jones", "Plover sighting", "an osprey flew by")
		}
		// In B: kestrel only in b0's message (a score of 1), the newest of
		// all; b1's contact and subject (6), the oldest.
		add("b0", b.ID, chb, minute(20), "Robin Hood", "Plover sighting", "an osprey and a kestrel flew by")
		add("b1", b.ID, chb, minute(1), "Kestrel Jones", "Kestrel report", "nothing to add")
		// In C, last activities a second, half, a quarter of a second, a
		// microsecond and nothing (twice) after a whole second: newest
		// first, to the microsecond (SQLite's is text, made a number to be
		// ranked: ".5" is after ".25"), then the higher id.
		whole := f.At.Truncate(time.Second)
		for i, d := range []time.Duration{time.Second, time.Second / 2, time.Second / 4, time.Microsecond, 0, 0} {
			add("c"+string(rune('0'+i)), c.ID, chc, whole.Add(d), "Heron Smith", "Egret", "a heron")
		}
		if err := s.InTx(ctx, func(tx *store.Tx) error {
			c, err := tx.Conversation(ctx, ids["a1"])
			if err != nil {
				return err
			}
			c.Placement = parley.PlacementSpam
			return tx.UpdateConversation(ctx, c)
		}); err != nil {
			t.Fatal(err)
		}
		inbox, spam := []parley.Placement{parley.PlacementInbox}, []parley.Placement{parley.PlacementSpam}
		for _, tc := range []struct {
			q          string
			inboxes    []parley.ID
			placements []parley.Placement
			want       []string
		}{
			// b1 is a contact's match read with its row, and a subject's:
			// outside A, it stays out.
			{"kestrel", []parley.ID{a.ID}, inbox, []string{"a0", "a2", "a3"}},
			{"plover", []parley.ID{a.ID}, inbox, []string{"a0", "a2", "a3"}},
			{"osprey", []parley.ID{a.ID}, inbox, []string{"a0", "a2", "a3"}},
			{"kestrel", []parley.ID{a.ID}, spam, []string{"a1"}},
			{"osprey", []parley.ID{a.ID}, spam, []string{"a1"}},
			{"kestrel", []parley.ID{b.ID}, inbox, []string{"b1", "b0"}},
			// Score before recency: b0 is the newest and last.
			{"kestrel", []parley.ID{a.ID, b.ID}, inbox, []string{"b1", "a0", "a2", "a3", "b0"}},
			{"kestrel", []parley.ID{a.ID, b.ID}, append(inbox, spam...), []string{"b1", "a0", "a1", "a2", "a3", "b0"}},
			{"heron", []parley.ID{c.ID}, inbox, []string{"c0", "c1", "c2", "c3", "c5", "c4"}},
			{"egret", []parley.ID{c.ID}, inbox, []string{"c0", "c1", "c2", "c3", "c5", "c4"}},
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
			want := make([]parley.ID, len(tc.want))
			for i, name := range tc.want {
				want[i] = ids[name]
			}
			if !slices.Equal(got, want) {
				t.Errorf("%q in %v, %v: %v, want %v (%v)", tc.q, tc.inboxes, tc.placements, got, want, tc.want)
			}
		}
	})
}

// TestMatchesKeepsToInboxes: a view's check of a conversation found by
// search holds it to the view's inboxes as well as its placements, on the
// conversation as loaded (search itself may have judged an older row).
func TestMatchesKeepsToInboxes(t *testing.T) {
	v := store.ViewQuery{InboxIDs: []parley.ID{1, 2}, Placements: []parley.Placement{parley.PlacementInbox}}
	for _, tc := range []struct {
		inbox     parley.ID
		placement parley.Placement
		want      bool
	}{
		{1, parley.PlacementInbox, true},
		{2, parley.PlacementInbox, true},
		{3, parley.PlacementInbox, false},
		{1, parley.PlacementSpam, false},
	} {
		c := &parley.Conversation{InboxID: tc.inbox, Placement: tc.placement, Status: parley.StatusOpen}
		if got := v.Matches(c); got != tc.want {
			t.Errorf("inbox %d, %s: Matches = %v, want %v", tc.inbox, tc.placement, got, tc.want)
		}
	}
}
