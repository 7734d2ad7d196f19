package server_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestRoutingAPI: an admin routes Sales's API channel round-robin among
// Tier2 (ana, carol) and bob, capacity 2; customers write in; carol goes
// away with reassign replies on; each conversation lands where the rule
// says, with the reason in its timeline.
func TestRoutingAPI(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := buildOrg(t, s)
		tier2 := parley.ID(w.admin.must(200, "GET", path("/teams"), nil).items()[0]["id"].(float64))
		bobID := parley.ID(0)
		names := map[float64]string{}
		for _, u := range w.admin.must(200, "GET", path("/users"), nil).items() {
			names[u["id"].(float64)] = u["name"].(string)
			if u["name"] == "bob" {
				bobID = parley.ID(u["id"].(float64))
			}
		}
		quiet := w.admin.must(201, "POST", path("/users"), map[string]any{"email": "quiet@example.com", "name": "Quinn", "role": "agent", "routable": false}).id()
		route := path("/channels/%d/routing", w.salesAPI)

		if got := w.admin.must(200, "GET", route, nil); got.body["rule"] != "unassigned" {
			t.Errorf("a channel with no rule: %s", got.raw)
		}
		if got := w.ana.call("PUT", route, map[string]any{"rule": "unassigned"}); got.status != 403 {
			t.Errorf("an agent setting routing: %d, want 403", got.status)
		}
		if got := w.ana.call("GET", route, nil); got.status != 403 {
			t.Errorf("an agent reading routing: %d, want 403", got.status)
		}
		bad := w.admin.call("PUT", route, map[string]any{"rule": "specific", "user_ids": []parley.ID{bobID, quiet}})
		if bad.status != 400 || !strings.Contains(string(bad.raw), "user_ids[1]") || !strings.Contains(string(bad.raw), "Quinn is not routable") {
			t.Errorf("naming a non-routable person: %d %s, want 400 naming Quinn at user_ids[1]", bad.status, bad.raw)
		}
		set := w.admin.must(200, "PUT", route, map[string]any{"rule": "specific", "team_ids": []parley.ID{tier2}, "user_ids": []parley.ID{bobID}, "capacity": 2})
		if set.body["strategy"] != "round_robin" || set.body["only_available"] != true {
			t.Errorf("defaults: %s", set.raw)
		}
		if got := w.admin.must(200, "GET", route, nil); got.body["capacity"] != float64(2) {
			t.Errorf("read back: %s", got.raw)
		}

		owner := func(conv parley.ID) string {
			c := w.admin.must(200, "GET", path("/conversations/%d", conv), nil)
			a, _ := c.body["assignee"].(map[string]any)
			if a == nil {
				return ""
			}
			return a["name"].(string)
		}
		var got []string
		convs := map[string]parley.ID{}
		for i := range 7 {
			r := w.push(w.salesAPI, fmt.Sprintf("rr-%d", i), fmt.Sprintf("c%d@customer.example", i), "Hello")
			conv := parley.ID(r.num("conversation_id"))
			got = append(got, owner(conv))
			convs[owner(conv)] = conv
		}
		// The rule's people in order: bob, then Tier2's ana and carol.
		if want := "[bob ana carol bob ana carol ]"; fmt.Sprint(got) != want {
			t.Errorf("round-robin, capacity 2: %v, want %s", got, want)
		}

		// Admins see each person's load; agents do not.
		for _, u := range w.admin.must(200, "GET", path("/users"), nil).items() {
			if want := map[string]float64{"bob": 2, "ana": 2, "carol": 2, "root": 0}[u["name"].(string)]; u["open_count"] != want {
				t.Errorf("%s: open_count %v, want %v", u["name"], u["open_count"], want)
			}
		}
		for _, u := range w.ana.must(200, "GET", path("/users"), nil).items() {
			if _, ok := u["open_count"]; ok {
				t.Errorf("an agent sees %s's open count", u["name"])
			}
		}

		// Each decision says why, in the timeline.
		reason := func(conv parley.ID) map[string]any {
			var last map[string]any
			for _, it := range w.admin.must(200, "GET", path("/conversations/%d/timeline", conv), nil).items() {
				if it["type"] == "conversation.routed" {
					last, _ = it["data"].(map[string]any)
				}
			}
			return last
		}
		if r := reason(convs["ana"]); r["reason"] != "strategy" || r["strategy"] != "round_robin" || names[r["to_user_id"].(float64)] != "ana" {
			t.Errorf("ana's reason: %v", r)
		}
		if r := reason(convs[""]); r["reason"] != "at_capacity" || r["queued"] != true {
			t.Errorf("the seventh's reason: %v", r)
		}

		// carol goes away with reassign replies on and closes one; her
		// customer writes again: it goes to someone with room.
		carol, status := w.a.browser("carol@example.com", "password-carol")
		if status != 201 {
			t.Fatalf("carol signs in: %d", status)
		}
		carol.must(200, "PUT", path("/me/availability"), map[string]any{"status": "away", "reassign_when_away": true})
		w.admin.must(200, "POST", path("/conversations/%d/close", convs["bob"]), nil)
		w.admin.must(201, "POST", path("/channels/%d/messages", w.salesAPI), map[string]any{
			"client_id": "again", "text": "Still there?", "conversation_id": convs["carol"]})
		if got := owner(convs["carol"]); got != "bob" {
			t.Errorf("carol away with reassign on: owner %q, want bob (the one with room)", got)
		}
		if r := reason(convs["carol"]); r["previous"] != "away" || names[r["previous_user_id"].(float64)] != "carol" {
			t.Errorf("the reassignment's reason: %v", r)
		}
	})
}
