package storetest

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
)

// Counts fails t if the view counts stored in s differ from a recount of
// its conversations, and returns the recount, by inbox and view.
func Counts(t testing.TB, s *store.Store) map[parley.ID]map[string]int64 {
	t.Helper()
	ctx := context.Background()
	want, err := s.RecountViews(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.StoredViewCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("stored counts drifted from the rows (-recount +stored):\n%s", diff)
	}
	return want
}
