package server_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/routing"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestRoutingScenario is issue 13's story through the API: three agents
// in a team, round-robin, capacity 2. Customers write in; one agent goes
// away with reassign replies on; customers write again on closed and open
// conversations; conversations close and the queue drains. Each assignment
// lands where the rules say, and each reason is in the timeline. The
// routing consumer is driven by hand after each step, as its runner would
// be after each commit, so the test waits on nothing.
func TestRoutingScenario(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := buildOrg(t, s)
		_, daveID := w.a.user("dave", parley.RoleAgent)
		_, bobID := userID(t, w, "bob")
		desk := w.admin.must(201, "POST", path("/teams"), map[string]any{"name": "Desk", "user_ids": []parley.ID{w.anaID, bobID, daveID}}).id()
		w.admin.must(200, "PUT", path("/channels/%d/routing", w.salesAPI), map[string]any{"rule": "specific", "team_ids": []parley.ID{desk}, "capacity": 2})
		name := map[parley.ID]string{w.anaID: "ana", bobID: "bob", daveID: "dave"}

		seq, consumer := int64(0), routing.Consumer(nil)
		settle := func() {
			t.Helper()
			for {
				evs, err := s.EventsAfter(ctx, seq, 500)
				if err != nil {
					t.Fatal(err)
				}
				if len(evs) == 0 {
					return
				}
				for _, e := range evs {
					if err := s.InTx(ctx, func(tx *store.Tx) error { return consumer.Handle(ctx, tx, e) }); err != nil {
						t.Fatal(err)
					}
				}
				seq = evs[len(evs)-1].Seq
			}
		}
		settle()
		owner := func(conv parley.ID) string {
			t.Helper()
			c := w.admin.must(200, "GET", path("/conversations/%d", conv), nil)
			a, _ := c.body["assignee"].(map[string]any)
			if a == nil {
				return ""
			}
			return a["name"].(string)
		}
		// why is the conversation's last routing decision in words.
		why := func(conv parley.ID) string {
			t.Helper()
			var last map[string]any
			for _, it := range w.admin.must(200, "GET", path("/conversations/%d/timeline", conv), nil).items() {
				if it["type"] == "conversation.routed" {
					last, _ = it["data"].(map[string]any)
				}
			}
			if last == nil {
				return "no decision"
			}
			out := fmt.Sprint(last["reason"])
			if to, ok := last["to_user_id"].(float64); ok {
				out = name[parley.ID(to)] + ": " + out
			}
			if last["queued"] == true {
				out += ", queued"
			}
			if p, ok := last["previous_user_id"].(float64); ok {
				out += fmt.Sprintf(" (was %s: %v)", name[parley.ID(p)], last["previous"])
			}
			return out
		}
		write := func(client string, conv parley.ID) parley.ID {
			t.Helper()
			body := map[string]any{"client_id": client, "text": "Hello again", "conversation_id": conv}
			if conv == 0 {
				body = map[string]any{"client_id": client, "contact": map[string]string{"email": client + "@customer.example"}, "subject": "Order " + client, "text": "Hello"}
			}
			r := w.admin.must(201, "POST", path("/channels/%d/messages", w.salesAPI), body)
			settle()
			return parley.ID(r.num("conversation_id"))
		}
		step := func(what string, conv parley.ID, wantOwner, wantWhy string) {
			t.Helper()
			if got, reason := owner(conv), why(conv); got != wantOwner || reason != wantWhy {
				t.Errorf("%s: owner %q, %q; want %q, %q", what, got, reason, wantOwner, wantWhy)
			}
		}

		// Seven customers: round-robin in the team's order, two each, the
		// seventh waits.
		var c []parley.ID
		for i := range 7 {
			c = append(c, write(fmt.Sprintf("c%d", i), 0))
		}
		for i, who := range []string{"ana", "bob", "dave", "ana", "bob", "dave"} {
			step(fmt.Sprintf("customer %d", i), c[i], who, who+": strategy")
		}
		step("the seventh", c[6], "", "at_capacity, queued")

		// Dave goes away with reassign replies on: he keeps what he has,
		// and frees nothing.
		daveBrowser := signIn(t, w, "dave")
		daveBrowser.must(200, "PUT", path("/me/availability"), map[string]any{"status": "away", "reassign_when_away": true})
		settle()
		step("dave away keeps his", c[2], "dave", "dave: strategy")
		step("still waiting", c[6], "", "at_capacity, queued")

		// Ana closes one: the queue drains to her, oldest first.
		w.ana.must(200, "POST", path("/conversations/%d/close", c[0]), nil)
		settle()
		step("the seventh, drained when ana closed one", c[6], "ana", "ana: strategy")

		// Her customer writes again on the closed one: it reopens with her,
		// capacity or not (the owner keeps a reopened conversation).
		write("c0-again", c[0])
		if got := w.admin.must(200, "GET", path("/conversations/%d", c[0]), nil); got.body["status"] != "open" || owner(c[0]) != "ana" {
			t.Errorf("a reply to ana's closed conversation: %s, owner %q; want open, ana", got.body["status"], owner(c[0]))
		}

		// Dave's customer writes: he is away with reassign on, so the rule
		// routes it again; everyone available is full, so it waits.
		write("c2-again", c[2])
		step("dave's customer writes while he is away", c[2], "", "at_capacity, queued (was dave: away)")

		// Bob closes one, and his customer writes on another closed one.
		w.bob.must(200, "POST", path("/conversations/%d/close", c[1]), nil)
		settle()
		step("dave's, drained to bob when he closed one", c[2], "bob", "bob: strategy")
		w.bob.must(200, "POST", path("/conversations/%d/close", c[4]), nil)
		write("c4-again", c[4])
		step("a reply to bob's closed one stays his", c[4], "bob", "bob: strategy")

		// Dave comes back: a new customer goes to whoever has waited
		// longest with room — dave.
		daveBrowser.must(200, "PUT", path("/me/availability"), map[string]any{"status": "available"})
		settle()
		step("a new customer once dave is back", write("c7", 0), "dave", "dave: strategy")

		// Bob leaves: his customer's reply to a closed conversation is
		// routed again, to someone with room (ana has three, dave closes
		// one of his two).
		w.bob.must(200, "POST", path("/conversations/%d/close", c[2]), nil)
		daveBrowser.must(200, "POST", path("/conversations/%d/close", c[5]), nil)
		w.admin.must(200, "PATCH", path("/users/%d", bobID), map[string]any{"active": false})
		settle()
		write("c2-third", c[2])
		step("bob deactivated: his customer's reply", c[2], "dave", "dave: strategy (was bob: deactivated)")
	})
}

// userID finds a user of buildOrg's by name.
func userID(t *testing.T, w *orgWorld, name string) (map[string]any, parley.ID) {
	t.Helper()
	for _, u := range w.admin.must(200, "GET", path("/users"), nil).items() {
		if u["name"] == name {
			return u, parley.ID(u["id"].(float64))
		}
	}
	t.Fatalf("no user %s", name)
	return nil, 0
}

// signIn signs a buildOrg user in with their password.
func signIn(t *testing.T, w *orgWorld, name string) *client {
	t.Helper()
	c, status := w.a.browser(name+"@example.com", "password-"+name)
	if status != 201 {
		t.Fatalf("%s signs in: %d", name, status)
	}
	return c
}
