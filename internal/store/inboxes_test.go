package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestInboxIDsNeverReused: events and contact names are tied to an inbox by
// its id, so a deleted inbox's id must never be given to a new inbox, whose
// readers would then see what only the old one's members could.
func TestInboxIDsNeverReused(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		create := func(slug string) parley.ID {
			t.Helper()
			in := &parley.Inbox{Name: slug, Slug: slug, Access: parley.AccessEveryone, CreatedAt: time.Now().UTC()}
			if err := s.InTx(ctx, func(tx *store.Tx) error { return tx.CreateInbox(ctx, in) }); err != nil {
				t.Fatal(err)
			}
			return in.ID
		}
		create("kept")
		board := create("board")
		if err := s.InTx(ctx, func(tx *store.Tx) error { return tx.DeleteInbox(ctx, board) }); err != nil {
			t.Fatal(err)
		}
		if next := create("open"); next == board {
			t.Errorf("the new inbox took the deleted inbox's id %d", board)
		}
	})
}
