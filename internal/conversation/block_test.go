package conversation_test

import (
	"context"
	"testing"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// Undoing a block puts back exactly what the block moved (issue 11, item 2):
// the sender is unblocked, the threads it filtered return to the inbox, and
// threads elsewhere before the block stay where they were.
func TestUndoBlock(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := newWorld(t, s)
		first := w.open(w.supportAPI, "pat@example.org")
		second := w.open(w.supportAPI, "pat@example.org")
		trashed := w.open(w.supportAPI, "pat@example.org")
		closed := w.open(w.supportAPI, "pat@example.org")
		if _, err := w.svc.Trash(ctx, w.bob, trashed); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.Close(ctx, w.bob, closed); err != nil {
			t.Fatal(err)
		}
		contact := *w.get(first).ContactID

		n, err := w.svc.BlockPreview(ctx, w.bob, contact)
		if err != nil || n != 3 {
			t.Fatalf("block preview: %d, %v; want 3 (the trashed thread stays)", n, err)
		}
		_, err = w.svc.BlockPreview(ctx, w.vic, contact)
		wantCode(t, err, parley.EFORBIDDEN) // as Block

		if _, err := w.svc.Block(ctx, w.bob, contact); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.Restore(ctx, w.bob, second); err != nil { // someone restored it meanwhile
			t.Fatal(err)
		}
		if _, err := w.svc.Spam(ctx, w.bob, second); err != nil { // then marked it spam
			t.Fatal(err)
		}
		c, err := w.svc.UndoBlock(ctx, w.bob, contact)
		if err != nil || c.BlockedAt != nil {
			t.Fatalf("undo block: %+v, %v", c, err)
		}
		want := map[parley.ID]parley.Placement{first: parley.PlacementInbox, closed: parley.PlacementInbox,
			second: parley.PlacementSpam, trashed: parley.PlacementTrash}
		for id, p := range want {
			if got := w.get(id).Placement; got != p {
				t.Errorf("conversation %d after undoing the block: %s, want %s", id, got, p)
			}
		}
		if got := w.get(w.open(w.supportAPI, "pat@example.org")).Placement; got != parley.PlacementInbox {
			t.Errorf("after undoing the block a new conversation is in %s, want inbox", got)
		}
	})
}
