package conversation_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

func TestCommentMentions(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := newWorld(t, s)
		id := w.open(w.restrAPI, "jo@example.org")
		tests := []struct {
			text string
			want []parley.ID // mentioned users, in order
		}{
			{"no mention here, mail me at ana@example.com", nil},
			{"@ana can you look?", []parley.ID{w.ana.UserID}},
			{"@ana and @ana@example.com again", []parley.ID{w.ana.UserID}},
			{"@vic, fyi. @nobody", []parley.ID{w.vic.UserID}},
			{"@bob cannot see this inbox", nil},
		}
		for _, tt := range tests {
			m, err := w.svc.Comment(ctx, w.ana, id, conversation.Body{Text: tt.text})
			if err != nil {
				t.Fatal(err)
			}
			if m.Kind != parley.KindComment {
				t.Errorf("comment stored as %s", m.Kind)
			}
			evs, err := s.ConversationEvents(ctx, id, 0, 1000)
			if err != nil {
				t.Fatal(err)
			}
			var got []parley.ID
			for _, e := range evs {
				if e.Type == parley.EventMentioned && e.MessageID != nil && *e.MessageID == m.ID {
					var d struct {
						UserID parley.ID `json:"user_id"`
					}
					json.Unmarshal(e.Data, &d)
					got = append(got, d.UserID)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("%q mentions (-want +got):\n%s", tt.text, diff)
			}
		}
	})
}

func TestBlockSender(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := newWorld(t, s)
		spammer := w.open(w.supportAPI, "spam@example.org")
		trashed := w.open(w.supportAPI, "spam@example.org")
		other := w.open(w.supportAPI, "jo@example.org")
		if _, err := w.svc.Trash(ctx, w.bob, trashed); err != nil {
			t.Fatal(err)
		}
		contact := *w.get(spammer).ContactID
		c, err := w.svc.Block(ctx, w.bob, contact)
		if err != nil || c.BlockedAt == nil {
			t.Fatalf("block: %+v, %v", c, err)
		}
		for id, want := range map[parley.ID]parley.Placement{spammer: parley.PlacementFiltered, trashed: parley.PlacementTrash, other: parley.PlacementInbox} {
			if got := w.get(id).Placement; got != want {
				t.Errorf("conversation %d after block: %s, want %s", id, got, want)
			}
		}
		next := w.open(w.supportAPI, "spam@example.org")
		if got := w.get(next).Placement; got != parley.PlacementFiltered {
			t.Errorf("a blocked sender's new conversation is in %s, want filtered", got)
		}
		if _, err := w.svc.Unblock(ctx, w.bob, contact); err != nil {
			t.Fatal(err)
		}
		if got := w.get(w.open(w.supportAPI, "spam@example.org")).Placement; got != parley.PlacementInbox {
			t.Errorf("after unblock a new conversation is in %s, want inbox", got)
		}
		if got := w.get(next).Placement; got != parley.PlacementFiltered {
			t.Errorf("unblock moved an existing conversation to %s; it stays filtered until restored", got)
		}
	})
}
