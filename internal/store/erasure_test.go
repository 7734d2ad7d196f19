package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestEraseContactIndexes checks that an erased contact leaves no entry in
// the search indexes themselves — FTS5's tables on SQLite, the stored
// tsvectors on PostgreSQL — for their name, their subjects and their words,
// while another contact's stay; and that erased keys are kept as hashes.
func TestEraseContactIndexes(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := storetest.NewFixtures(t, s)
		in := f.Inbox("support")
		ch := f.Channel(in, parley.ChannelAPI)
		now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		mk := func(name, email, word string) *parley.Contact {
			c := &parley.Contact{Name: name, Email: email, CreatedAt: now}
			err := s.InTx(ctx, func(tx *store.Tx) error {
				if err := tx.CreateContact(ctx, c); err != nil {
					return err
				}
				conv := &parley.Conversation{InboxID: in.ID, ChannelID: ch.ID, ChannelKind: ch.Kind, ContactID: &c.ID, Subject: word + " trip",
					Status: parley.StatusOpen, Placement: parley.PlacementInbox, CreatedAt: now, LastActivityAt: now}
				if err := tx.CreateConversation(ctx, conv); err != nil {
					return err
				}
				m := &parley.Message{ConversationID: conv.ID, Kind: parley.KindMessage, Direction: parley.Inbound, ContactID: &c.ID,
					Text: "about " + word, CreatedAt: now}
				if err := tx.CreateMessage(ctx, m); err != nil {
					return err
				}
				return tx.PutInboundKey(ctx, ch.ID, "client:"+word, m, now)
			})
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		zed := mk("Zanzibar Quill", "zq@example.org", "zanzibar")
		mk("Kim Kept", "kim@example.org", "kilimanjaro")
		count := func(word string) int {
			n, err := s.IndexedRows(ctx, word)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := count("zanzibar"); n != 3 {
			t.Fatalf("before: %d index entries for zanzibar, want 3 (contact, subject, message)", n)
		}
		err := s.InTx(ctx, func(tx *store.Tx) error {
			c, err := tx.Contact(ctx, zed.ID)
			if err != nil {
				return err
			}
			_, err = tx.EraseContact(ctx, c, now)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		for word, want := range map[string]int{"zanzibar": 0, "quill": 0, "kilimanjaro": 2, "kim": 1} {
			if n := count(word); n != want {
				t.Errorf("after: %d index entries for %s, want %d", n, word, want)
			}
		}
		for _, tc := range []struct {
			kind, value string
			want        bool
		}{
			{store.ErasedKey, "client:zanzibar", true},
			{store.ErasedKey, "client:kilimanjaro", false},
			{store.ErasedEmail, " ZQ@example.org", true},
			{store.ErasedEmail, "kim@example.org", false},
		} {
			if got, err := s.AnyErased(ctx, tc.kind, []string{tc.value}); err != nil || got != tc.want {
				t.Errorf("erased %s %q = %v, %v; want %v", tc.kind, tc.value, got, err, tc.want)
			}
		}
		if _, err := s.InboundKey(ctx, ch.ID, "client:zanzibar"); parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Errorf("the erased item's dedupe key is still kept in clear: %v", err)
		}
	})
}
