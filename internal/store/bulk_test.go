package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

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

// TestCopyContactsAndConversations loads contacts and conversations in
// bulk: each gets its id, is stored whole, moves the views' counts, and
// what is created one at a time afterwards gets ids of its own.
func TestCopyContactsAndConversations(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := storetest.NewFixtures(t, s)
		in := f.Inbox("Support")
		ch := f.Channel(in, parley.ChannelEmail)
		agent := f.User("ana", parley.RoleAgent)
		cs := []*parley.Contact{
			{Name: "Léa Martin", Email: "Lea@Example.org", Emails: []string{"lea.martin@work.example"}, Phone: "+33 6 12 34 56 78", CreatedAt: f.At},
			{Name: "Tom", Email: "tom@example.org", CreatedAt: f.At},
		}
		if err := s.CopyContacts(ctx, cs); err != nil {
			t.Fatal(err)
		}
		if cs[0].ID == 0 || cs[1].ID <= cs[0].ID {
			t.Fatalf("contact ids %d, %d: want increasing ids", cs[0].ID, cs[1].ID)
		}
		got, err := s.ContactByEmail(ctx, "lea.martin@work.example")
		if err != nil || got.ID != cs[0].ID || got.Email != "lea@example.org" || got.Phone != "+33 6 12 34 56 78" || len(got.Emails) != 2 {
			t.Errorf("Léa by her second address: %+v, %v", got, err)
		}
		// A load that fails stores none of it: two contacts with one address.
		twice := []*parley.Contact{{Name: "Quentin Twice", Email: "q@example.org", CreatedAt: f.At}, {Name: "Quentin Twice", Email: "q@example.org", CreatedAt: f.At}}
		if err := s.CopyContacts(ctx, twice); parley.ErrorCode(err) != parley.ECONFLICT {
			t.Errorf("two contacts with one address: %v; want ECONFLICT", err)
		}
		if ids, err := s.SearchContacts(ctx, "quentin", nil, true, 10); err != nil || len(ids) != 0 {
			t.Errorf("after the failed load, Quentin is %v, %v; want nobody", ids, err)
		}
		closedAt := f.At.Add(time.Hour)
		convs := []*parley.Conversation{
			{InboxID: in.ID, ChannelID: ch.ID, ChannelKind: ch.Kind, ContactID: &cs[0].ID, Subject: "Parcel", Status: parley.StatusOpen,
				Placement: parley.PlacementInbox, AssigneeID: &agent.ID, CreatedAt: f.At, LastActivityAt: f.At},
			{InboxID: in.ID, ChannelID: ch.ID, ChannelKind: ch.Kind, ContactID: &cs[1].ID, Subject: "Invoice", Status: parley.StatusClosed,
				Placement: parley.PlacementInbox, CreatedAt: f.At, LastActivityAt: closedAt, ClosedAt: &closedAt},
		}
		if err := s.CopyConversations(ctx, convs); err != nil {
			t.Fatal(err)
		}
		c, err := s.Conversation(ctx, convs[1].ID)
		if err != nil || c.Subject != "Invoice" || c.Status != parley.StatusClosed || c.ClosedAt == nil || !c.ClosedAt.Equal(closedAt) ||
			c.ContactID == nil || *c.ContactID != cs[1].ID || c.Origin != parley.OriginCustomer {
			t.Errorf("the closed conversation came back as %+v, %v", c, err)
		}
		if want := storetest.Counts(t, s); want[in.ID]["open"] != 1 {
			t.Errorf("recount %v: want one open conversation", want[in.ID])
		}
		next := &parley.Conversation{InboxID: in.ID, ChannelID: ch.ID, ChannelKind: ch.Kind, Status: parley.StatusOpen,
			Placement: parley.PlacementInbox, CreatedAt: f.At, LastActivityAt: f.At}
		nextContact := &parley.Contact{Name: "Zoé", Email: "zoe@example.org", CreatedAt: f.At}
		err = s.InTx(ctx, func(tx *store.Tx) error {
			return errors.Join(tx.CreateConversation(ctx, next), tx.CreateContact(ctx, nextContact))
		})
		if err != nil || next.ID <= convs[1].ID || nextContact.ID <= cs[1].ID {
			t.Errorf("created after the load: conversation %d, contact %d, %v; want ids after the loaded ones", next.ID, nextContact.ID, err)
		}
	})
}

// TestWithoutIndexes: the indexes set aside for a load are all back after
// it, the same, whether the load succeeded or failed.
func TestWithoutIndexes(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		tables := []string{"conversations", "messages", "contacts"}
		before := map[string][]string{}
		for _, tb := range tables {
			before[tb], _ = s.IndexDefs(ctx, tb)
		}
		failed := errors.New("the load failed")
		for _, result := range []error{nil, failed} {
			var during []string
			err := s.WithoutIndexes(ctx, tables, func() error {
				during, _ = s.IndexDefs(ctx, "messages")
				return result
			})
			if !errors.Is(err, result) || (result == nil && err != nil) {
				t.Errorf("load returning %v: %v", result, err)
			}
			if s.Engine() == "postgres" && (len(during) == 0 || len(during) >= len(before["messages"])) {
				t.Errorf("during the load messages had %d indexes of %d; want only the primary key's", len(during), len(before["messages"]))
			}
			for _, tb := range tables {
				after, _ := s.IndexDefs(ctx, tb)
				if diff := cmp.Diff(before[tb], after); diff != "" || len(after) == 0 {
					t.Errorf("%s's indexes after a load returning %v (-before +after):\n%s", tb, result, diff)
				}
			}
		}
	})
}
