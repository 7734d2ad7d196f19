package server_test

import (
	"encoding/csv"
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestContactRecords walks the contacts' screens through the API: a page
// by cursor, a contact made by hand, a merge the other inbox's agent
// cannot make, an import with a bad line refused whole and then made, an
// export only admins get, as CSV.
func TestContactRecords(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := buildOrg(t, s)
		vip := parley.ID(w.push(w.vipAPI, "v1", "vip@example.org", "vip").num("conversation_id"))
		vipContact := w.ana.must(200, "GET", path("/conversations/%d", vip), nil).body["contact"].(map[string]any)["id"].(float64)
		sales := parley.ID(w.push(w.salesAPI, "s1", "jo@example.org", "hello").num("conversation_id"))
		jo := w.bob.must(200, "GET", path("/conversations/%d", sales), nil).body["contact"].(map[string]any)["id"].(float64)

		made := w.bob.must(201, "POST", path("/contacts"), map[string]any{"name": "Jo at home", "emails": []string{"jo.home@example.net"}, "phones": []string{"+44 20 7946 0000"}})
		if made.body["phones"].([]any)[0] != "+44 20 7946 0000" {
			t.Errorf("created: %s", made.raw)
		}
		if r := w.bob.call("POST", path("/contacts"), map[string]any{"emails": []string{"jo@example.org"}}); r.status != 409 || r.body["type"] != "urn:parley:problem:contact_email_taken" {
			t.Errorf("an address another contact has: %d %s", r.status, r.raw)
		}
		if r := w.bob.call("PATCH", path("/contacts/%v", jo), map[string]any{"phones": []string{"+1", "nope"}}); r.status != 400 || !strings.Contains(string(r.raw), "body.phones[1]") {
			t.Errorf("a bad phone: %d %s", r.status, r.raw)
		}

		page := w.bob.must(200, "GET", path("/contacts?limit=1"), nil)
		if len(page.items()) != 1 || page.body["next_cursor"] == nil {
			t.Fatalf("first page: %s", page.raw)
		}
		next := w.bob.must(200, "GET", path("/contacts?limit=5&cursor=%v", page.body["next_cursor"]), nil)
		for _, it := range append(page.items(), next.items()...) {
			if it["id"] == vipContact {
				t.Error("bob, outside VIP, lists its contact")
			}
		}
		if len(next.items()) != 1 || next.body["next_cursor"] != nil {
			t.Errorf("second page: %s", next.raw)
		}
		if found := w.bob.must(200, "GET", path("/contacts?q=home"), nil).items(); len(found) != 1 {
			t.Errorf("search: %v", found)
		}

		if r := w.bob.call("POST", path("/contacts/%v/merge", jo), map[string]any{"contact_id": vipContact}); r.status != 400 {
			t.Errorf("bob merges VIP's contact: %d %s", r.status, r.raw)
		}
		if r := w.bob.call("GET", path("/contacts/%v/merges", vipContact), nil); r.status != 404 {
			t.Errorf("bob reads VIP's contact's merges: %d", r.status)
		}
		merged := w.bob.must(200, "POST", path("/contacts/%v/merge", jo), map[string]any{"contact_id": made.id()})
		if len(merged.body["emails"].([]any)) != 2 {
			t.Errorf("merged: %s", merged.raw)
		}
		if ms := w.bob.must(200, "GET", path("/contacts/%v/merges", jo), nil).items(); len(ms) != 1 || ms[0]["name"] != "Jo at home" {
			t.Errorf("merges: %v", ms)
		}
		w.bob.must(404, "GET", path("/contacts/%d", made.id()), nil)

		file := "name,email\nAna,ana@example.org\nBo,bo-at-example\n"
		if r := w.bob.call("POST", path("/contacts/import"), map[string]any{"csv": file}); r.status != 403 {
			t.Errorf("an agent imports: %d", r.status)
		}
		res := w.admin.must(200, "POST", path("/contacts/import"), map[string]any{"csv": file})
		errs, _ := res.body["errors"].([]any)
		if res.body["imported"] != false || len(errs) != 1 || errs[0].(map[string]any)["row"] != float64(3) || errs[0].(map[string]any)["column"] != "email" {
			t.Errorf("a bad line: %s", res.raw)
		}
		if r := w.admin.call("POST", path("/contacts/import"), map[string]any{"csv": file, "columns": []string{"name"}}); r.status != 400 || !strings.Contains(string(r.raw), "body.columns") {
			t.Errorf("columns that do not fit: %d %s", r.status, r.raw)
		}
		res = w.admin.must(200, "POST", path("/contacts/import"), map[string]any{"csv": "name,email\nAna,ana@example.org\n"})
		if res.body["imported"] != true || res.body["create"] != float64(1) {
			t.Errorf("import: %s", res.raw)
		}
		if r := w.admin.call("POST", path("/contacts/import"), map[string]any{"csv": strings.Repeat("x", 9<<20)}); r.status != 413 {
			t.Errorf("a file too big: %d", r.status)
		}

		w.bob.must(403, "GET", path("/contacts/export"), nil)
		out := w.admin.must(200, "GET", path("/contacts/export"), nil)
		if !strings.HasPrefix(out.header.Get("Content-Type"), "text/csv") || !strings.Contains(out.header.Get("Content-Disposition"), "contacts.csv") {
			t.Errorf("export headers: %v", out.header)
		}
		recs, err := csv.NewReader(strings.NewReader(string(out.raw))).ReadAll()
		if err != nil || len(recs) != 4 || recs[1][1] != "Ana" {
			t.Errorf("export: %q %v", recs, err)
		}
	})
}
