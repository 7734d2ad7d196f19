package server_test

import (
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestTicketsAPI: an admin defines a pipeline; an agent opens a ticket
// from a conversation (linked to it and its contact, in its timeline) and
// moves it to a closed stage; a ticket linked only to an inbox the agent
// is not in is not there for them — read, listed, changed or guessed; a
// viewer reads but does not write; a pipeline holding tickets stays.
func TestTicketsAPI(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := buildOrg(t, s)
		viewer, _ := w.a.user("vic", parley.RoleViewer)
		if got := w.ana.call("POST", path("/pipelines"), map[string]any{"kind": "ticket", "name": "X", "stages": []map[string]any{{"name": "New"}}}); got.status != 403 {
			t.Errorf("an agent defines a pipeline: %d", got.status)
		}
		bad := w.admin.call("POST", path("/pipelines"), map[string]any{"kind": "ticket", "name": "X", "stages": []map[string]any{{"name": "New"}, {"name": "new"}}})
		if bad.status != 400 || !strings.Contains(string(bad.raw), "body.stages[1].name") {
			t.Errorf("two stages of one name: %d %s", bad.status, bad.raw)
		}
		p := w.admin.must(201, "POST", path("/pipelines"), map[string]any{"kind": "ticket", "name": "Support",
			"stages": []map[string]any{{"name": "New"}, {"name": "Waiting"}, {"name": "Done", "closed": true}}})
		stages := p.body["stages"].([]any)
		stage := func(i int) parley.ID { return parley.ID(stages[i].(map[string]any)["id"].(float64)) }
		if got := w.bob.must(200, "GET", path("/pipelines?kind=ticket"), nil).items(); len(got) != 1 || got[0]["name"] != "Support" {
			t.Errorf("pipelines as an agent sees them: %v", got)
		}

		sales := parley.ID(w.push(w.salesAPI, "t-1", "jo@client.example", "My parcel is late").num("conversation_id"))
		vip := parley.ID(w.push(w.vipAPI, "t-2", "ceo@client.example", "Board matter").num("conversation_id"))
		tk := w.bob.must(201, "POST", path("/tickets"), map[string]any{"subject": "Late parcel", "priority": "high", "conversation_ids": []parley.ID{sales}})
		if tk.body["stage_id"] != float64(stage(0)) || tk.body["status"] != "open" || tk.body["contact_id"] == nil {
			t.Errorf("a ticket from a conversation: %s", tk.raw)
		}
		secret := w.ana.must(201, "POST", path("/tickets"), map[string]any{"subject": "Board", "conversation_ids": []parley.ID{vip}})
		if got := w.bob.call("POST", path("/tickets"), map[string]any{"subject": "Mine?", "conversation_ids": []parley.ID{vip}}); got.status != 400 ||
			!strings.Contains(string(got.raw), "conversation_ids[0]") {
			t.Errorf("linking a conversation bob cannot see: %d %s", got.status, got.raw)
		}
		for _, call := range []struct{ method, path string }{
			{"GET", path("/tickets/%d", secret.id())},
			{"PATCH", path("/tickets/%d", secret.id())},
			{"DELETE", path("/tickets/%d", secret.id())},
			{"GET", path("/tickets/%d", secret.id()+1000)},
		} {
			if got := w.bob.call(call.method, call.path, map[string]any{"subject": "x"}); got.status != 404 {
				t.Errorf("bob: %s %s: %d, want 404", call.method, call.path, got.status)
			}
		}
		if got := w.bob.must(200, "GET", path("/tickets"), nil).items(); len(got) != 1 || got[0]["subject"] != "Late parcel" {
			t.Errorf("bob's tickets: %v", got)
		}
		if got := w.ana.must(200, "GET", path("/tickets?conversation_id=%d", vip), nil).items(); len(got) != 1 {
			t.Errorf("ana's tickets of the VIP conversation: %v", got)
		}
		if got := viewer.call("POST", path("/tickets"), map[string]any{"subject": "x"}); got.status != 403 {
			t.Errorf("a viewer opens a ticket: %d", got.status)
		}

		moved := w.bob.must(200, "PATCH", path("/tickets/%d", tk.id()), map[string]any{"stage_id": stage(2)})
		if moved.body["status"] != "closed" {
			t.Errorf("to a closed stage: %s", moved.raw)
		}
		if got := w.bob.call("PATCH", path("/tickets/%d", tk.id()), map[string]any{"priority": "whenever"}); got.status != 400 {
			t.Errorf("a bad priority: %d", got.status)
		}
		var said []string
		for _, it := range w.bob.must(200, "GET", path("/conversations/%d/timeline", sales), nil).items() {
			if strings.HasPrefix(it["type"].(string), "ticket.") {
				d := it["data"].(map[string]any)
				said = append(said, it["type"].(string)+" "+d["subject"].(string))
			}
		}
		if strings.Join(said, ", ") != "ticket.created Late parcel, ticket.stage_changed Late parcel" {
			t.Errorf("the conversation's timeline: %v", said)
		}
		if got := w.bob.must(200, "GET", path("/tickets?status=closed"), nil).items(); len(got) != 1 {
			t.Errorf("closed tickets: %v", got)
		}
		if got := w.admin.call("DELETE", path("/pipelines/%d", p.id()), nil); got.status != 409 || !strings.Contains(string(got.raw), "pipeline_in_use") {
			t.Errorf("deleting a pipeline with tickets: %d %s", got.status, got.raw)
		}
		// Treating a channel's conversations as tickets: admins only, in a
		// stage of a ticket pipeline; a pipeline a channel uses stays.
		if got := w.bob.call("PUT", path("/channels/%d/tickets", w.salesAPI), map[string]any{"pipeline_id": p.id(), "stage_id": stage(1)}); got.status != 403 {
			t.Errorf("an agent sets a channel's tickets: %d", got.status)
		}
		if got := w.admin.call("PUT", path("/channels/%d/tickets", w.salesAPI), map[string]any{"pipeline_id": p.id(), "stage_id": 999999}); got.status != 400 ||
			!strings.Contains(string(got.raw), "stage_id") {
			t.Errorf("a stage of nothing: %d %s", got.status, got.raw)
		}
		if got := w.admin.must(200, "GET", path("/channels/%d/tickets", w.salesAPI), nil); strings.TrimSpace(string(got.raw)) != "null" {
			t.Errorf("a channel without: %s", got.raw)
		}
		w.admin.must(200, "PUT", path("/channels/%d/tickets", w.salesAPI), map[string]any{"pipeline_id": p.id(), "stage_id": stage(1)})
		if got := w.admin.must(200, "GET", path("/channels/%d/tickets", w.salesAPI), nil); got.body["stage_id"] != float64(stage(1)) || got.body["owner_id"] != nil {
			t.Errorf("a channel's tickets: %s", got.raw)
		}
		w.admin.must(204, "DELETE", path("/channels/%d/tickets", w.salesAPI), nil)

		w.bob.must(204, "DELETE", path("/tickets/%d", tk.id()), nil)
		w.ana.must(204, "DELETE", path("/tickets/%d", secret.id()), nil)
		w.admin.must(204, "DELETE", path("/pipelines/%d", p.id()), nil)
	})
}
