package server_test

import (
	"testing"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestDealsAPI: a deal made from a conversation over HTTP, with its
// contact; a bad amount names the field; the other inbox's agent, a
// guessed id and a viewer's edit are refused.
func TestDealsAPI(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := buildOrg(t, s)
		viewer, _ := w.a.user("vera", parley.RoleViewer)
		sales := parley.ID(w.push(w.salesAPI, "s1", "jo@example.org", "40 seats").num("conversation_id"))
		vip := parley.ID(w.push(w.vipAPI, "v1", "vip@example.org", "board").num("conversation_id"))
		p := w.admin.must(201, "POST", path("/pipelines"), map[string]any{"kind": "deal", "name": "Sales", "stages": []map[string]any{{"name": "Lead"}, {"name": "Won", "closed": true}}})
		if r := w.bob.call("POST", path("/deals"), map[string]any{"name": "Seats", "amount": "lots", "currency": "EUR"}); r.status != 400 || r.body["type"] != "urn:parley:problem:amount_invalid" {
			t.Errorf("a bad amount: %d %s", r.status, r.raw)
		}
		d := w.bob.must(201, "POST", path("/deals"), map[string]any{"name": "Seats", "amount": "12500.5", "currency": "eur", "conversation_ids": []parley.ID{sales}})
		if d.body["currency"] != "EUR" || len(d.body["contact_ids"].([]any)) != 1 || d.body["pipeline_id"] != float64(p.id()) {
			t.Errorf("created: %s", d.raw)
		}
		secret := w.ana.must(201, "POST", path("/deals"), map[string]any{"name": "Board", "conversation_ids": []parley.ID{vip}})
		for _, r := range []struct{ method, path string }{
			{"GET", path("/deals/%d", secret.id())},
			{"PATCH", path("/deals/%d", secret.id())},
			{"DELETE", path("/deals/%d", secret.id())},
			{"GET", path("/deals/%d", secret.id()+1000)},
		} {
			if got := w.bob.call(r.method, r.path, map[string]any{"name": "x"}); got.status != 404 {
				t.Errorf("bob %s %s: %d", r.method, r.path, got.status)
			}
		}
		if got := viewer.call("PATCH", path("/deals/%d", d.id()), map[string]any{"name": "x"}); got.status != 403 {
			t.Errorf("a viewer edits: %d", got.status)
		}
		if got := w.bob.must(200, "GET", path("/deals?conversation_id=%d", sales), nil).items(); len(got) != 1 {
			t.Errorf("the conversation's deals: %v", got)
		}
		won := w.bob.must(200, "PATCH", path("/deals/%d", d.id()), map[string]any{"stage_id": p.body["stages"].([]any)[1].(map[string]any)["id"]})
		if won.body["status"] != "closed" {
			t.Errorf("won: %s", won.raw)
		}
		w.bob.must(204, "DELETE", path("/deals/%d", d.id()), nil)
	})
}
