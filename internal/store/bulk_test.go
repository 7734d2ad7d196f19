package store_test

import (
	"context"
	"testing"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestCopyMessages loads messages in bulk and finds them as any other:
// stored whole, in the conversation, and searchable (PostgreSQL computes
// the search column on COPY, SQLite's trigger indexes them).
func TestCopyMessages(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := storetest.NewFixtures(t, s)
		in := f.Inbox("Support")
		ch := f.Channel(in, parley.ChannelAPI)
		agent := f.User("ana", parley.RoleAgent)
		c := &parley.Conversation{InboxID: in.ID, ChannelID: ch.ID, ChannelKind: ch.Kind, Status: parley.StatusOpen,
			Placement: parley.PlacementInbox, CreatedAt: f.At, LastActivityAt: f.At}
		if err := s.InTx(ctx, func(tx *store.Tx) error { return tx.CreateConversation(ctx, c) }); err != nil {
			t.Fatal(err)
		}
		ms := []*parley.Message{
			{ConversationID: c.ID, Kind: parley.KindMessage, Direction: parley.Inbound, Text: "Where is my parcel?", CreatedAt: f.At},
			{ConversationID: c.ID, Kind: parley.KindMessage, Direction: parley.Outbound, AuthorID: &agent.ID, Text: "On its way", HTML: "<p>On its way</p>", CreatedAt: f.At},
		}
		if err := s.CopyMessages(ctx, ms); err != nil {
			t.Fatal(err)
		}
		got, err := s.ConversationMessages(ctx, c.ID, 0, 1<<62)
		if err != nil || len(got) != 2 {
			t.Fatalf("messages: %d, %v; want 2", len(got), err)
		}
		for _, m := range got {
			if m.Direction == parley.Outbound && (m.AuthorID == nil || *m.AuthorID != agent.ID || m.HTML != "<p>On its way</p>") {
				t.Errorf("the agent's message came back as %+v", m)
			}
		}
		terms, _ := store.ParseSearch("parcel")
		var hits []parley.ID
		if err := s.Search(ctx, terms, []parley.ID{in.ID}, []parley.Placement{parley.PlacementInbox}, 10, func(ids []parley.ID) (bool, error) {
			hits = append(hits, ids...)
			return true, nil
		}); err != nil || len(hits) != 1 || hits[0] != c.ID {
			t.Errorf("search parcel: %v, %v; want the conversation", hits, err)
		}
	})
}
