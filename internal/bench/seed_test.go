package bench

import (
	"context"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/org"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

func TestSeed(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ds, err := Seed(ctx, s, org.New(s, org.Options{}), SeedOptions{Conversations: 600, Messages: 3000, Inboxes: 3, Agents: 20})
		if err != nil {
			t.Fatal(err)
		}
		if ds.Messages != 3000 || len(ds.Tokens) != 20 || len(ds.Channels) != 3 {
			t.Errorf("dataset = %+v", ds)
		}
		var open, closed int64
		for _, c := range storetest.Counts(t, s) {
			open += c["open"]
			closed += c["closed"]
		}
		if open == 0 || closed < open {
			t.Errorf("open %d, closed %d: want some open and more closed", open, closed)
		}
		u, _, err := s.TokenUser(ctx, auth.HashToken(ds.Tokens[0]), time.Now())
		if err != nil || u.Role != "admin" {
			t.Errorf("the first token is %v's, %v; want an admin's", u, err)
		}
		terms, _ := store.ParseSearch("order")
		ids, _ := s.InboxIDs(ctx)
		hits := 0
		err = s.Search(ctx, terms, ids, []parley.Placement{parley.PlacementInbox}, 100, func(ids []parley.ID) (bool, error) { hits += len(ids); return true, nil })
		if err != nil || hits == 0 {
			t.Errorf("searching the seeded text for a common word: %d hits, %v", hits, err)
		}
	})
}

func TestPercentiles(t *testing.T) {
	var s sample
	for i := 1; i <= 100; i++ {
		s = append(s, time.Duration(i)*time.Millisecond)
	}
	for p, want := range map[float64]time.Duration{50: 50 * time.Millisecond, 99: 99 * time.Millisecond, 100: 100 * time.Millisecond} {
		if got := s.pct(p); got != want {
			t.Errorf("p%v = %v, want %v", p, got, want)
		}
	}
	if (sample{}).pct(99) != 0 {
		t.Error("empty sample")
	}
}
