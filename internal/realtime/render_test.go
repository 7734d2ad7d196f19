package realtime

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/present"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestRender names each event's actor once for every subscriber of its
// inbox: a user by their name now, a contact by the name learnt in that
// inbox only (elsewhere by address), in one batch that mixes inboxes.
func TestRender(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := storetest.NewFixtures(t, s)
		ana := f.User("ana", parley.RoleAgent)
		vip, sales := f.Inbox("vip", ana), f.Inbox("sales")
		jo := &parley.Contact{Name: "Jo Secretname", NameInbox: &vip.ID, Email: "jo@example.org", CreatedAt: f.At}
		if err := s.InTx(ctx, func(tx *store.Tx) error { return tx.CreateContact(ctx, jo) }); err != nil {
			t.Fatal(err)
		}
		ev := func(seq int64, inbox *parley.ID, kind parley.ActorKind, actor parley.ID) parley.Event {
			return parley.Event{Seq: seq, Type: parley.EventMessageReceived, InboxID: inbox, ActorKind: kind, ActorID: &actor,
				At: f.At, Data: json.RawMessage(`{}`)}
		}
		h := newTestHub(s, 16)
		out, err := h.render(ctx, []parley.Event{
			ev(1, &vip.ID, parley.ActorContact, jo.ID),
			ev(2, &sales.ID, parley.ActorContact, jo.ID),
			ev(3, nil, parley.ActorContact, jo.ID),
			ev(4, &sales.ID, parley.ActorUser, ana.ID),
			ev(5, &vip.ID, parley.ActorContact, jo.ID),
		})
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"Jo Secretname", "jo@example.org", "jo@example.org", "ana", "Jo Secretname"}
		for i, e := range out {
			var got present.EventJSON
			if err := json.Unmarshal(e.JSON, &got); err != nil {
				t.Fatal(err)
			}
			if got.Seq != e.Seq || got.Actor.Name != want[i] {
				t.Errorf("event %d: seq %d by %q, want %q", e.Seq, got.Seq, got.Actor.Name, want[i])
			}
		}
	})
}

// TestRenderNamesWhomItConcerns: the hub reads whom an event about a
// person concerns from its data, so only they are handed it.
func TestRenderNamesWhomItConcerns(t *testing.T) {
	s := storetest.New(t, "sqlite", nil)
	h := newTestHub(s, 16)
	for _, typ := range []string{parley.EventNotified, parley.EventSessionEnded, parley.EventTokenRevoked, parley.EventUserUpdated} {
		out, err := h.render(context.Background(), []parley.Event{{Seq: 1, Type: typ, ActorKind: parley.ActorSystem,
			Data: json.RawMessage(`{"user_id": 42}`)}})
		if err != nil {
			t.Fatal(err)
		}
		if u := out[0].UserID; u == nil || *u != 42 {
			t.Errorf("%s: rendered for %v, want user 42", typ, u)
		}
	}
}
