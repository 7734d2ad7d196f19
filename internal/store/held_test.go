package store_test

import (
	"context"
	"testing"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestHeldConversations: a write transaction moves a conversation's counts
// from where it last read or wrote it, not reading it again — through a
// read by latest, a read by id, an update with no read before it, and an
// update after a savepoint rolled back (which undid the row's last change,
// so its standing is read again). The stored counts equal a recount after.
func TestHeldConversations(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := storetest.NewFixtures(t, s)
		in := f.Inbox("Support")
		ch := f.Channel(in, parley.ChannelAPI)
		agent := f.User("ana", parley.RoleAgent)
		err := s.InTx(ctx, func(tx *store.Tx) error {
			k := &parley.Contact{Name: "Léa", Email: "lea@example.org", CreatedAt: f.At}
			if err := tx.CreateContact(ctx, k); err != nil {
				return err
			}
			c := &parley.Conversation{InboxID: in.ID, ChannelID: ch.ID, ChannelKind: ch.Kind, ContactID: &k.ID,
				Status: parley.StatusOpen, Placement: parley.PlacementInbox, CreatedAt: f.At, LastActivityAt: f.At}
			if err := tx.CreateConversation(ctx, c); err != nil {
				return err
			}
			latest, err := tx.LatestConversation(ctx, ch.ID, k.ID)
			if err != nil {
				return err
			}
			latest.AssigneeID = &agent.ID
			if err := tx.UpdateConversation(ctx, latest); err != nil {
				return err
			}
			c, err = tx.Conversation(ctx, c.ID)
			if err != nil {
				return err
			}
			c.Status, c.ClosedAt = parley.StatusClosed, &f.At
			if err := tx.UpdateConversation(ctx, c); err != nil {
				return err
			}
			c.Status, c.ClosedAt, c.Placement = parley.StatusOpen, nil, parley.PlacementFiltered
			if err := tx.UpdateConversation(ctx, c); err != nil { // no read: where the last update left it
				return err
			}
			sp, err := tx.Savepoint(ctx)
			if err != nil {
				return err
			}
			c.Placement = parley.PlacementSpam
			if err := tx.UpdateConversation(ctx, c); err != nil {
				return err
			}
			if err := tx.RollbackTo(ctx, sp); err != nil { // the row is in filtered again
				return err
			}
			c.Placement = parley.PlacementTrash
			return tx.UpdateConversation(ctx, c)
		})
		if err != nil {
			t.Fatal(err)
		}
		if want := storetest.Counts(t, s); want[in.ID][parley.ViewTrash] != 1 {
			t.Errorf("recount %v: want the conversation in the trash", want[in.ID])
		}
	})
}
