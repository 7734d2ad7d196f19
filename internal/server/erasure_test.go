package server_test

import (
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestEraseContactAPI: who may erase a contact, how it is confirmed, what
// is gone after, and that the same message pushed again is not taken in.
func TestEraseContactAPI(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := buildOrg(t, s)
		viewer, _ := w.a.user("vera", parley.RoleViewer)
		first := w.push(w.salesAPI, "wa-jo-1", "jo@example.org", "My address is 12 Quay Street")
		if first.status != 201 {
			t.Fatalf("push: %d %s", first.status, first.raw)
		}
		conv := parley.ID(first.num("conversation_id"))
		c := w.admin.must(200, "GET", path("/conversations/%d", conv), nil)
		contact, _ := c.body["contact"].(map[string]any)
		jo := parley.ID(contact["id"].(float64))
		if contact["name"] != "Customer jo@example.org" {
			t.Fatalf("contact %v", contact)
		}
		for _, tc := range []struct {
			name    string
			who     *client
			id      parley.ID
			confirm string
			status  int
			want    string // in the answer
		}{
			{"an agent", w.ana, jo, "jo@example.org", 403, ""},
			{"a viewer", viewer, jo, "jo@example.org", 403, ""},
			{"nothing typed", w.admin, jo, "", 400, "body.confirm"},
			{"the wrong name", w.admin, jo, "Customer", 400, "urn:parley:problem:confirm_contact"},
			{"a guessed id", w.admin, jo + 1000, "jo@example.org", 404, ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r := tc.who.call("POST", path("/contacts/%d/erase", tc.id), map[string]string{"confirm": tc.confirm})
				if r.status != tc.status || !strings.Contains(string(r.raw), tc.want) {
					t.Errorf("= %d %s, want %d with %q", r.status, r.raw, tc.status, tc.want)
				}
			})
		}
		w.admin.must(200, "GET", path("/contacts/%d", jo), nil)
		if found := w.admin.must(200, "GET", path("/conversations?q=Quay"), nil).items(); len(found) != 1 {
			t.Fatalf("search before erasure: %v", found)
		}

		r := w.admin.must(200, "POST", path("/contacts/%d/erase", jo), map[string]string{"confirm": "Customer jo@example.org"})
		if r.num("contact_id") != float64(jo) || r.num("conversations") != 1 || r.num("messages") != 1 {
			t.Errorf("erased: %s", r.raw)
		}
		w.admin.must(404, "GET", path("/contacts/%d", jo), nil)
		w.admin.must(404, "GET", path("/conversations/%d", conv), nil)
		if found := w.admin.must(200, "GET", path("/conversations?q=Quay"), nil).items(); len(found) != 0 {
			t.Errorf("search after erasure: %v", found)
		}
		again := w.push(w.salesAPI, "wa-jo-1", "jo@example.org", "My address is 12 Quay Street")
		if again.status != 409 || !strings.Contains(string(again.raw), "deleted") {
			t.Errorf("the erased message pushed again: %d %s, want 409 as a deleted one", again.status, again.raw)
		}
		if found := w.admin.must(200, "GET", path("/contacts?q=jo"), nil).items(); len(found) != 0 {
			t.Errorf("the push made jo a contact again: %v", found)
		}
		w.admin.must(404, "POST", path("/contacts/%d/erase", jo), map[string]string{"confirm": "jo@example.org"})
	})
}

// TestRetentionAPI: an inbox's retention, for admins only, checked, and
// what it would delete said before it is set.
func TestRetentionAPI(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := buildOrg(t, s)
		viewer, _ := w.a.user("vera", parley.RoleViewer)
		for _, tc := range []struct {
			name   string
			who    *client
			method string
			path   string
			body   any
			status int
			want   string
		}{
			{"an agent reads", w.ana, "GET", path("/inboxes/%d/retention", w.sales), nil, 403, ""},
			{"a viewer sets", viewer, "PUT", path("/inboxes/%d/retention", w.sales), map[string]int{"days": 30}, 403, ""},
			{"an agent previews", w.ana, "GET", path("/inboxes/%d/retention/preview?days=30", w.sales), nil, 403, ""},
			{"too long", w.admin, "PUT", path("/inboxes/%d/retention", w.sales), map[string]int{"days": 3651}, 400, "body.days"},
			{"negative", w.admin, "PUT", path("/inboxes/%d/retention", w.sales), map[string]int{"days": -1}, 400, "body.days"},
			{"a preview of nothing", w.admin, "GET", path("/inboxes/%d/retention/preview", w.sales), nil, 400, "days"},
			{"a preview of 0", w.admin, "GET", path("/inboxes/%d/retention/preview?days=0", w.sales), nil, 400, "days"},
			{"no such inbox", w.admin, "PUT", path("/inboxes/%d/retention", w.sales+1000), map[string]int{"days": 30}, 404, ""},
			{"off by default", w.admin, "GET", path("/inboxes/%d/retention", w.sales), nil, 200, `"days":0`},
			{"a preview", w.admin, "GET", path("/inboxes/%d/retention/preview?days=30", w.sales), nil, 200, `"conversations":0`},
			{"set", w.admin, "PUT", path("/inboxes/%d/retention", w.sales), map[string]int{"days": 30}, 200, `"days":30`},
			{"read back", w.admin, "GET", path("/inboxes/%d/retention", w.sales), nil, 200, `"days":30`},
			{"another inbox is its own", w.admin, "GET", path("/inboxes/%d/retention", w.vip), nil, 200, `"days":0`},
			{"off again", w.admin, "PUT", path("/inboxes/%d/retention", w.sales), map[string]int{"days": 0}, 200, `"days":0`},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r := tc.who.call(tc.method, tc.path, tc.body)
				if r.status != tc.status || !strings.Contains(string(r.raw), tc.want) {
					t.Errorf("= %d %s, want %d with %s", r.status, r.raw, tc.status, tc.want)
				}
			})
		}
	})
}
