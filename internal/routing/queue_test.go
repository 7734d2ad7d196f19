package routing_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/consume"
	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/org"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/routing"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// catchUp hands the routing consumer every event after seq, as its runner
// would, each in its own transaction, and returns the last seq.
func (w *world) catchUp(seq int64) int64 {
	w.t.Helper()
	ctx := context.Background()
	c := routing.Consumer(nil)
	for {
		evs, err := w.s.EventsAfter(ctx, seq, 100)
		if err != nil {
			w.t.Fatal(err)
		}
		if len(evs) == 0 {
			return seq
		}
		for _, e := range evs {
			if err := w.s.InTx(ctx, func(tx *store.Tx) error { return c.Handle(ctx, tx, e) }); err != nil {
				w.t.Fatal(err)
			}
			seq = e.Seq
		}
	}
}

// TestQueueDrains: a conversation left waiting is assigned, oldest first,
// on each event that lets someone take it.
func TestQueueDrains(t *testing.T) {
	on := true
	tests := []struct {
		name string
		// setup leaves two conversations waiting (ana and ben away or
		// full); free is the event that lets someone take the oldest.
		capacity int
		away     []string
		free     func(w *world, first parley.ID)
		want     string // the oldest's owner after
		second   string // the other's
	}{
		{"someone becomes available", 0, []string{"ana", "ben", "cy"}, func(w *world, _ parley.ID) {
			a := parley.Actor{Kind: parley.ActorUser, UserID: w.people["ben"], Role: parley.RoleAgent}
			if _, err := w.org.SetAvailability(context.Background(), a, parley.Available, false); err != nil {
				w.t.Fatal(err)
			}
		}, "ben", "ben"},
		{"a conversation closes and frees a place", 1, nil, func(w *world, _ parley.ID) {
			w.close(w.ownedBy("cy"))
		}, "cy", ""},
		{"an owner hands one back", 1, nil, func(w *world, _ parley.ID) {
			if _, err := w.conv.Assign(context.Background(), parley.System, w.ownedBy("ana"), conversation.Assignment{}); err != nil {
				w.t.Fatal(err)
			}
		}, "ana", ""},
		{"the capacity is raised", 1, nil, func(w *world, _ parley.ID) {
			w.rule(routing.Rule{Rule: routing.Specific, TeamIDs: []parley.ID{w.team}, Capacity: 2})
		}, "ana", "ben"},
		{"someone joins the team", 0, []string{"ana", "ben", "cy"}, func(w *world, _ parley.ID) {
			eve, err := w.org.CreateUser(context.Background(), parley.System, org.NewUser{Email: "eve@acme.example", Name: "eve", Role: parley.RoleAgent, Routable: &on})
			if err != nil {
				w.t.Fatal(err)
			}
			w.names[eve.ID] = "eve"
			if _, err := w.org.SetInboxMembers(context.Background(), parley.System, w.inbox, []parley.ID{w.people["ana"], w.people["ben"], w.people["cy"], eve.ID}, nil); err != nil {
				w.t.Fatal(err)
			}
			if _, err := w.org.SetTeamMembers(context.Background(), parley.System, w.team, []parley.ID{w.people["ana"], eve.ID}); err != nil {
				w.t.Fatal(err)
			}
		}, "eve", "eve"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			storetest.Run(t, func(t *testing.T, s *store.Store) {
				w := newWorld(t, s)
				for _, name := range tt.away {
					w.away(name, false)
				}
				w.rule(routing.Rule{Rule: routing.Specific, TeamIDs: []parley.ID{w.team}, Capacity: tt.capacity})
				if tt.capacity > 0 {
					for j := range 3 { // ana, ben, cy full
						w.write(fmt.Sprintf("full%d-%d@customer.example", i, j), 0)
					}
				}
				seq := w.catchUp(0)
				first := w.write(fmt.Sprintf("first%d@customer.example", i), 0)
				second := w.write(fmt.Sprintf("second%d@customer.example", i), 0)
				if w.owner(first) != "" || w.owner(second) != "" {
					t.Fatalf("nobody free, yet %q and %q own them", w.owner(first), w.owner(second))
				}
				seq = w.catchUp(seq) // their own events free nobody
				if w.owner(first) != "" {
					t.Fatalf("drained without a reason: %q", w.owner(first))
				}
				tt.free(w, first)
				w.catchUp(seq)
				if got := w.owner(first); got != tt.want {
					t.Errorf("the oldest went to %q, want %q (reasons %q)", got, tt.want, w.reasons(first))
				}
				if got := w.owner(second); got != tt.second {
					t.Errorf("the second went to %q, want %q", got, tt.second)
				}
			})
		})
	}
}

// ownedBy is one open conversation a person owns.
func (w *world) ownedBy(name string) parley.ID {
	w.t.Helper()
	id := w.people[name]
	ids, err := w.s.ListView(context.Background(), store.ViewQuery{InboxIDs: []parley.ID{w.inbox},
		Placements: []parley.Placement{parley.PlacementInbox}, Statuses: []parley.Status{parley.StatusOpen},
		AssigneeID: &id, Limit: 1})
	if err != nil || len(ids) == 0 {
		w.t.Fatalf("%s owns nothing open: %v", name, err)
	}
	return ids[0].ID
}

// TestQueueDrainsLive: with the routing consumer running as serve runs it,
// a waiting conversation is taken within a second of someone coming back.
func TestQueueDrainsLive(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := newWorld(t, s)
		r := consume.NewRunner(s, nil, routing.Consumer(nil), nil)
		held := make(chan bool, 1)
		r.OnHold = func(h bool) {
			if h {
				held <- h
			}
		}
		s.SetOnEvents(func([]parley.Event) { r.Wake() })
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { r.Run(ctx); close(done) }()
		defer func() { cancel(); <-done }()
		<-held // a new consumer starts at the end of the log

		w.away("ana", false)
		w.rule(routing.Rule{Rule: routing.Specific, UserIDs: []parley.ID{w.people["ana"]}})
		c := w.write("waiting@customer.example", 0)
		a := parley.Actor{Kind: parley.ActorUser, UserID: w.people["ana"], Role: parley.RoleAgent}
		if _, err := w.org.SetAvailability(context.Background(), a, parley.Available, false); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(5 * time.Second)
		for w.owner(c) != "ana" {
			if time.Now().After(deadline) {
				t.Fatalf("not taken within 5 s: owner %q", w.owner(c))
			}
			time.Sleep(10 * time.Millisecond)
		}
		if r := w.reasons(c); fmt.Sprint(r) != "[no_one_available queued strategy→ana]" {
			t.Errorf("reasons %q", r)
		}
	})
}
