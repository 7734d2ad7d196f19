package conversation_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestTimelineAfterIDReuse: SQLite may give a conversation deleted for good
// its id again (the newest one's); the new conversation's timeline must not
// show the old one's events, which may come from another inbox.
func TestTimelineAfterIDReuse(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := newWorld(t, s)
		old := w.open(w.restrAPI, "secret@example.org")
		if _, err := w.svc.Comment(ctx, w.ana, old, conversation.Body{Text: "about the merger"}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.Trash(ctx, w.ana, old); err != nil {
			t.Fatal(err)
		}
		if err := w.svc.Delete(ctx, w.ana, old); err != nil {
			t.Fatal(err)
		}
		fresh := w.open(w.supportAPI, "jo@example.org")
		want := []string{parley.EventConversationCreated, parley.EventMessageReceived}
		if diff := cmp.Diff(want, w.types(fresh)); diff != "" {
			t.Errorf("the new conversation %d (the old was %d): timeline (-want +got):\n%s", fresh, old, diff)
		}
		items, err := w.svc.Timeline(ctx, w.bob, fresh, 0, 100)
		if err != nil || len(items) != 2 {
			t.Errorf("bob's timeline of the new conversation: %d items, %v", len(items), err)
		}
	})
}
