package routing_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/routing"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestCapacityUnderConcurrency: customers write in all at once, on two
// nodes of one database on PostgreSQL; nobody ever owns more than the
// capacity, every place is filled, and no conversation is routed twice.
func TestCapacityUnderConcurrency(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			url := storetest.URL(t, engine)
			open := func() *store.Store {
				s, err := store.Open(ctx, store.Options{URL: url})
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { s.Close() })
				return s
			}
			s := open()
			w := newWorld(t, s)
			const capacity = 4
			w.rule(routing.Rule{Rule: routing.Specific, TeamIDs: []parley.ID{w.team}, Capacity: capacity, Strategy: routing.LeastOpen})
			nodes := []*conversation.Service{w.conv}
			if engine == "postgres" {
				nodes = append(nodes, conversation.New(open(), conversation.Options{}))
			}
			const customers = 60
			var wg sync.WaitGroup
			errs := make(chan error, customers)
			ids := make([]parley.ID, customers)
			for i := range customers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					r, err := nodes[i%len(nodes)].Receive(ctx, parley.System, conversation.Inbound{ChannelID: w.channel,
						ContactEmail: fmt.Sprintf("rush%d@customer.example", i), Text: "now", NewConversation: true})
					if err != nil {
						errs <- err
						return
					}
					ids[i] = r.ConversationID
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Fatal(err)
			}
			owned := map[string]int{}
			for _, id := range ids {
				owner := w.owner(id)
				owned[owner]++
				decisions := w.reasons(id)
				if len(decisions) != 1 {
					t.Errorf("conversation %d: routed %d times: %q", id, len(decisions), decisions)
				}
			}
			// ana, ben and cy may be routed to: 3 × capacity places.
			for _, name := range []string{"ana", "ben", "cy"} {
				if owned[name] != capacity {
					t.Errorf("%s owns %d, want %d (owned: %v)", name, owned[name], capacity, owned)
				}
			}
			if owned[""] != customers-3*capacity || len(owned) != 4 {
				t.Errorf("owned %v: want %d waiting and only ana, ben and cy", owned, customers-3*capacity)
			}

			// Each closes one; the queue is drained by every node at once:
			// three more are taken, and nobody is over capacity.
			for _, name := range []string{"ana", "ben", "cy"} {
				w.close(w.ownedBy(name))
			}
			stores := []*store.Store{s}
			if engine == "postgres" {
				stores = append(stores, open())
			}
			var drained sync.WaitGroup
			taken := make(chan int, 8)
			for i := range 8 {
				drained.Add(1)
				go func() {
					defer drained.Done()
					err := stores[i%len(stores)].InTx(ctx, func(tx *store.Tx) error {
						n, err := routing.Drain(ctx, tx, parley.Now())
						taken <- n
						return err
					})
					if err != nil {
						t.Error(err)
					}
				}()
			}
			drained.Wait()
			close(taken)
			total := 0
			for n := range taken {
				total += n
			}
			if total != 3 {
				t.Errorf("the drains took %d, want 3", total)
			}
			openOwned := map[string]int{}
			for _, id := range ids {
				c, err := s.Conversation(ctx, id)
				if err != nil {
					t.Fatal(err)
				}
				if c.Status == parley.StatusOpen && c.AssigneeID != nil {
					openOwned[w.names[*c.AssigneeID]]++
				}
				routedTo := 0
				for _, r := range w.reasons(id) {
					if strings.Contains(r, "→") {
						routedTo++
					}
				}
				if routedTo > 1 {
					t.Errorf("conversation %d routed to someone %d times: %q", id, routedTo, w.reasons(id))
				}
			}
			for name, n := range openOwned {
				if n != capacity {
					t.Errorf("%s owns %d open after the drain, want %d", name, n, capacity)
				}
			}
		})
	}
}

// TestRoutingRacesOtherWrites: arrivals routed to ana race closes of her
// conversations and her availability changes, on two nodes on PostgreSQL:
// nothing fails (no deadlock between the routing lock, her row and the
// counts), and her open count equals her open conversations after.
func TestRoutingRacesOtherWrites(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			url := storetest.URL(t, engine)
			s, err := store.Open(ctx, store.Options{URL: url})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			w := newWorld(t, s)
			w.rule(routing.Rule{Rule: routing.Specific, UserIDs: []parley.ID{w.people["ana"]}})
			var first []parley.ID
			for i := range 40 {
				first = append(first, w.write(fmt.Sprintf("before%d@customer.example", i), 0))
			}
			ana := parley.Actor{Kind: parley.ActorUser, UserID: w.people["ana"], Role: parley.RoleAgent}
			var wg sync.WaitGroup
			errs := make(chan error, 200)
			run := func(f func() error) {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if err := f(); err != nil {
						errs <- err
					}
				}()
			}
			for i := range 40 {
				run(func() error {
					_, err := w.conv.Receive(ctx, parley.System, conversation.Inbound{ChannelID: w.channel,
						ContactEmail: fmt.Sprintf("race%d@customer.example", i), Text: "now", NewConversation: true})
					return err
				})
				run(func() error { _, err := w.conv.Close(ctx, parley.System, first[i]); return err })
				if i%10 == 0 {
					run(func() error { _, err := w.org.SetAvailability(ctx, ana, parley.Available, i%20 == 0); return err })
				}
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}
			owned, err := s.OpenOwned(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if owned[w.people["ana"]] != 40 {
				t.Errorf("ana's open count %d, want 40 (40 closed, 40 routed)", owned[w.people["ana"]])
			}
		})
	}
}
