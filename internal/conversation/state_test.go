package conversation_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

func TestAssign(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := newWorld(t, s)
		id := w.open(w.restrAPI, "jo@example.org")
		ana, bob, vic := w.ana.UserID, w.bob.UserID, w.vic.UserID
		tier2 := w.tier2.ID

		_, err := w.svc.Assign(ctx, w.ana, id, conversation.Assignment{UserID: &bob})
		wantCode(t, err, parley.EINVALID) // bob is not a member
		_, err = w.svc.Assign(ctx, w.ana, id, conversation.Assignment{UserID: &vic})
		wantCode(t, err, parley.EINVALID) // a viewer cannot act
		missing := parley.ID(4242)
		_, err = w.svc.Assign(ctx, w.ana, id, conversation.Assignment{UserID: &ana, TeamID: &missing})
		wantCode(t, err, parley.EINVALID)

		steps := []struct {
			to   conversation.Assignment
			want string // event type, "" for none
		}{
			{conversation.Assignment{UserID: &ana}, parley.EventAssigned},
			{conversation.Assignment{UserID: &ana}, ""},
			{conversation.Assignment{UserID: &ana, TeamID: &tier2}, parley.EventReassigned},
			{conversation.Assignment{}, parley.EventUnassigned},
			{conversation.Assignment{TeamID: &tier2}, parley.EventAssigned},
		}
		for i, st := range steps {
			before := len(w.types(id))
			c, err := w.svc.Assign(ctx, w.ana, id, st.to)
			if err != nil {
				t.Fatalf("step %d: %v", i, err)
			}
			if !equalID(c.AssigneeID, st.to.UserID) || !equalID(c.TeamID, st.to.TeamID) {
				t.Errorf("step %d: assignee %v team %v, want %v %v", i, c.AssigneeID, c.TeamID, st.to.UserID, st.to.TeamID)
			}
			got := w.types(id)[before:]
			want := []string{}
			if st.want != "" {
				want = []string{st.want}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("step %d events (-want +got):\n%s", i, diff)
			}
		}
		// The assignment event names who it went from and to.
		evs, _ := s.ConversationEvents(ctx, id, 0, 100)
		var data map[string]any
		json.Unmarshal(evs[len(evs)-2].Data, &data) // the unassignment
		if data["from_user_id"] != float64(ana) || data["to_user_id"] != nil {
			t.Errorf("unassigned event data = %v, want from %d to null", data, ana)
		}
	})
}

func equalID(a, b *parley.ID) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

func TestLifecycle(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := newWorld(t, s)
		id := w.open(w.supportAPI, "jo@example.org")
		steps := []struct {
			name      string
			run       func() error
			status    parley.Status
			placement parley.Placement
			events    []string
		}{
			{"close", func() error { _, err := w.svc.Close(ctx, w.bob, id); return err }, parley.StatusClosed, parley.PlacementInbox, []string{parley.EventClosed}},
			{"close again", func() error { _, err := w.svc.Close(ctx, w.bob, id); return err }, parley.StatusClosed, parley.PlacementInbox, nil},
			{"reply reopens", func() error {
				_, err := w.svc.Reply(ctx, w.bob, id, conversation.Body{Text: "On it"})
				return err
			}, parley.StatusOpen, parley.PlacementInbox, []string{parley.EventReopened, parley.EventMessageSent}},
			{"spam", func() error { _, err := w.svc.Spam(ctx, w.bob, id); return err }, parley.StatusOpen, parley.PlacementSpam, []string{parley.EventMoved}},
			{"delete outside trash", func() error {
				err := w.svc.Delete(ctx, w.bob, id)
				if parley.ErrorCode(err) != parley.ECONFLICT {
					t.Errorf("delete from spam: %v, want ECONFLICT", err)
				}
				return nil
			}, parley.StatusOpen, parley.PlacementSpam, nil},
			{"restore", func() error { _, err := w.svc.Restore(ctx, w.bob, id); return err }, parley.StatusOpen, parley.PlacementInbox, []string{parley.EventMoved}},
			{"trash", func() error { _, err := w.svc.Trash(ctx, w.bob, id); return err }, parley.StatusOpen, parley.PlacementTrash, []string{parley.EventMoved}},
		}
		for _, st := range steps {
			before := len(w.types(id))
			if err := st.run(); err != nil {
				t.Fatalf("%s: %v", st.name, err)
			}
			c := w.get(id)
			if c.Status != st.status || c.Placement != st.placement {
				t.Errorf("%s: %s/%s, want %s/%s", st.name, c.Status, c.Placement, st.status, st.placement)
			}
			if diff := cmp.Diff(st.events, w.types(id)[before:], cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("%s: events (-want +got):\n%s", st.name, diff)
			}
		}
		if w.get(id).TrashedAt == nil {
			t.Fatal("trashed_at not set")
		}
		// Delete for good: gone, and the client id stays known.
		w.receive(w.supportAPI, conversation.Inbound{ConversationID: id, ClientID: "k1", Text: "again"})
		if err := w.svc.Delete(ctx, w.bob, id); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Conversation(ctx, id); parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Fatalf("after delete: %v, want ENOTFOUND", err)
		}
		_, err := w.svc.Receive(ctx, parley.System, conversation.Inbound{ChannelID: w.supportAPI.ID, ClientID: "k1", ContactEmail: "jo@example.org", Text: "again"})
		wantCode(t, err, parley.ECONFLICT)
		if got := w.types(id); got[len(got)-1] != parley.EventConversationDeleted {
			t.Errorf("last event %s, want %s", got[len(got)-1], parley.EventConversationDeleted)
		}
	})
}

func TestPurgeTrash(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := newWorld(t, s)
		old := w.open(w.supportAPI, "a@example.org")
		restored := w.open(w.supportAPI, "b@example.org")
		kept := w.open(w.supportAPI, "c@example.org")
		for _, id := range []parley.ID{old, restored} {
			if _, err := w.svc.Trash(ctx, w.bob, id); err != nil {
				t.Fatal(err)
			}
		}
		w.clock.Advance(10 * 24 * time.Hour)
		if _, err := w.svc.Trash(ctx, w.bob, kept); err != nil { // trashed 10 days later
			t.Fatal(err)
		}
		w.clock.Advance(parley.TrashRetention - 10*24*time.Hour - time.Minute)
		if n, err := w.svc.PurgeTrash(ctx); err != nil || n != 0 {
			t.Fatalf("29 days 23h59 after trashing: purged %d, %v; want 0", n, err)
		}
		if _, err := w.svc.Restore(ctx, w.bob, restored); err != nil {
			t.Fatal(err)
		}
		w.clock.Advance(2 * time.Minute)
		n, err := w.svc.PurgeTrash(ctx)
		if err != nil || n != 1 {
			t.Fatalf("30 days after: purged %d, %v; want 1", n, err)
		}
		for id, gone := range map[parley.ID]bool{old: true, restored: false, kept: false} {
			_, err := s.Conversation(ctx, id)
			if got := parley.ErrorCode(err) == parley.ENOTFOUND; got != gone {
				t.Errorf("conversation %d gone = %v, want %v", id, got, gone)
			}
		}
		evs, _ := s.ConversationEvents(ctx, old, 0, 100)
		if last := evs[len(evs)-1]; last.Type != parley.EventConversationDeleted || last.ActorKind != parley.ActorSystem {
			t.Errorf("last event of the purged conversation: %s by %s, want %s by system", last.Type, last.ActorKind, parley.EventConversationDeleted)
		}
	})
}
