package conversation_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/parleyhq/parley/internal/blob"
	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestEraseBlobGrace: a file no row names any more is kept while a Put
// touched it within blob.Grace — an ingest of the same content may be
// about to commit a row naming it — and removed by the retention round
// once it has been idle for that long.
func TestEraseBlobGrace(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := newWorld(t, s)
		mailCh := storetest.NewFixtures(t, s).Channel(w.support, parley.ChannelEmail)
		r, err := w.svc.ReceiveEmail(ctx, parley.System, conversation.Email{ChannelID: mailCh.ID, Source: "test",
			Raw: withFiles(eml{from: "gus@example.org", id: "g1@example.org", body: "files"}, [2]string{"gus.txt", "only gus sent this"})})
		if err != nil {
			t.Fatal(err)
		}
		key := blob.Key([]byte("only gus sent this"))
		c, err := s.Conversation(ctx, r.ConversationID)
		if err != nil || c.ContactID == nil {
			t.Fatalf("conversation %+v, %v", c, err)
		}
		w.clock.Advance(2 * blob.Grace)
		// An ingest of the same content has Put it again and not committed.
		if k, err := w.blobs.Put([]byte("only gus sent this")); err != nil || k != key {
			t.Fatalf("Put = %s, %v", k, err)
		}
		got, err := w.svc.EraseContact(ctx, w.root, *c.ContactID, "GUS@example.org")
		if err != nil {
			t.Fatal(err)
		}
		if got.Blobs != 0 {
			t.Errorf("erasure removed %d files, want 0 (touched within the grace period)", got.Blobs)
		}
		if _, err := w.blobs.Read(key); err != nil {
			t.Fatalf("a file touched a moment ago was removed: %v", err)
		}
		// Within the hour, the next round still keeps it…
		w.clock.Advance(blob.Grace / 2)
		if _, err := w.svc.ExpireClosed(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := w.blobs.Read(key); err != nil {
			t.Fatalf("removed within the grace period: %v", err)
		}
		// …and the first round after it removes it.
		w.clock.Advance(blob.Grace / 2)
		if _, err := w.svc.ExpireClosed(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := w.blobs.Read(key); parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Errorf("an idle unnamed file is kept after the grace period: %v", err)
		}
		if left, err := s.BlobOrphans(ctx, "", 10); err != nil || len(left) != 0 {
			t.Errorf("noted orphans left: %v, %v", left, err)
		}
	})
}

// TestEraseConfirm: a contact with no name, address or phone (a chat
// visitor) is confirmed by its "#id", and a name by its words whatever
// their case and the spaces around them.
func TestEraseConfirm(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := newWorld(t, s)
		mk := func(name string) *parley.Contact {
			c := &parley.Contact{Name: name, CreatedAt: w.clock.Now()}
			if err := s.InTx(ctx, func(tx *store.Tx) error { return tx.CreateContact(ctx, c) }); err != nil {
				t.Fatal(err)
			}
			return c
		}
		visitor := mk("")
		for _, typed := range []string{"", "#", "visitor", fmt.Sprintf("#%d", visitor.ID+1)} {
			if _, err := w.svc.EraseContact(ctx, w.root, visitor.ID, typed); parley.ErrorCode(err) != parley.EINVALID {
				t.Errorf("confirmed by %q: %v", typed, err)
			}
		}
		if _, err := w.svc.EraseContact(ctx, w.root, visitor.ID, fmt.Sprintf(" #%d ", visitor.ID)); err != nil {
			t.Errorf("a visitor by its #id: %v", err)
		}
		named := mk("Zoë Named ")
		if _, err := w.svc.EraseContact(ctx, w.root, named.ID, "  zoë NAMED"); err != nil {
			t.Errorf("a name in another case: %v", err)
		}
		for _, c := range []*parley.Contact{visitor, named} {
			if _, err := s.Contact(ctx, c.ID); parley.ErrorCode(err) != parley.ENOTFOUND {
				t.Errorf("contact %d not erased: %v", c.ID, err)
			}
		}
	})
}
