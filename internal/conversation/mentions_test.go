package conversation_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestMentions checks that a mention is kept for someone who was not there
// to see it (SPEC COL-1): the Mentions view lists the conversation, its count
// is what is unread, and reading it clears the count until the next mention.
func TestMentions(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := newWorld(t, s)
		mentioned := w.open(w.supportAPI, "jo@client.example")
		other := w.open(w.supportAPI, "lu@client.example")
		comment := func(id parley.ID, text string) {
			t.Helper()
			if _, err := w.svc.Comment(ctx, w.ana, id, conversation.Body{Text: text}); err != nil {
				t.Fatal(err)
			}
			w.clock.Advance(time.Second)
		}
		unread := func() int64 {
			t.Helper()
			c, err := w.svc.Counts(ctx, w.bob, 0)
			if err != nil {
				t.Fatal(err)
			}
			return c.Views[parley.ViewMentions]
		}
		comment(mentioned, "Can you take this @bob?")
		comment(other, "A note for nobody")

		list, err := w.svc.List(ctx, w.bob, conversation.ListFilter{View: parley.ViewMentions})
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 1 || list[0].ID != mentioned {
			t.Fatalf("bob's mentions = %v, want only %d", list, mentioned)
		}
		if n := unread(); n != 1 {
			t.Errorf("unread mentions = %d, want 1", n)
		}
		marks, err := w.svc.Unread(ctx, w.bob, list)
		if err != nil {
			t.Fatal(err)
		}
		if !marks[mentioned] {
			t.Error("the mentioned conversation is not unread")
		}
		if err := w.svc.MarkRead(ctx, w.bob, mentioned, true); err != nil {
			t.Fatal(err)
		}
		w.clock.Advance(time.Second)
		if n := unread(); n != 0 {
			t.Errorf("after reading, unread mentions = %d, want 0", n)
		}
		// Still listed, no longer unread; a new mention is news again.
		if list, _ := w.svc.List(ctx, w.bob, conversation.ListFilter{View: parley.ViewMentions}); len(list) != 1 {
			t.Errorf("after reading, mentions = %v, want 1", list)
		}
		comment(mentioned, "@bob one more thing")
		if n := unread(); n != 1 {
			t.Errorf("after a new mention, unread = %d, want 1", n)
		}
		// Searching within Mentions finds only what mentions bob.
		hits, err := w.svc.List(ctx, w.bob, conversation.ListFilter{View: parley.ViewMentions, Query: "order", Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if ids := ids(hits); !slices.Equal(ids, []parley.ID{mentioned}) {
			t.Errorf("search in mentions = %v, want [%d]", ids, mentioned)
		}
		// Ana mentioned no one's mentions of her; the trash hides bob's.
		if list, _ := w.svc.List(ctx, w.ana, conversation.ListFilter{View: parley.ViewMentions}); len(list) != 0 {
			t.Errorf("ana's mentions = %v, want none", list)
		}
		if _, err := w.svc.Trash(ctx, w.ana, mentioned); err != nil {
			t.Fatal(err)
		}
		if n := unread(); n != 0 {
			t.Errorf("in the trash, unread mentions = %d, want 0", n)
		}
		if _, err := w.svc.List(ctx, parley.System, conversation.ListFilter{View: parley.ViewMentions}); parley.ErrorCode(err) != parley.EINVALID {
			t.Errorf("mentions without a user: %v, want EINVALID", err)
		}
	})
}

func ids(cs []parley.Conversation) []parley.ID {
	out := make([]parley.ID, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}
