package server_test

import (
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestUpdateContact: a member of the contact's inbox names the contact and
// gives them an owner; nobody else can, and only a working teammate can
// own them.
func TestUpdateContact(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := buildOrg(t, s)
		pushed := w.push(w.vipAPI, "own-1", "owned@customer.example", "Hello")
		conv := w.admin.must(200, "GET", path("/conversations/%d", parley.ID(pushed.num("conversation_id"))), nil)
		contact := parley.ID(conv.body["contact"].(map[string]any)["id"].(float64))
		viewer := w.admin.must(201, "POST", path("/users"), map[string]any{"email": "vera@example.com", "name": "Vera", "role": "viewer"}).id()
		c := path("/contacts/%d", contact)

		tests := []struct {
			name   string
			who    *client
			path   string
			body   map[string]any
			status int
			want   string // in the answer
		}{
			{"outside the contact's inbox", w.bob, c, map[string]any{"owner_id": w.anaID}, 404, ""},
			{"a guessed contact", w.ana, path("/contacts/%d", contact+1000), map[string]any{"name": "X"}, 404, ""},
			{"a viewer as owner", w.ana, c, map[string]any{"owner_id": viewer}, 400, "owner_id"},
			{"no such owner", w.ana, c, map[string]any{"owner_id": 9999}, 400, "owner_id"},
			{"a bad phone", w.ana, c, map[string]any{"phone": "call me"}, 400, "phone"},
			{"owner, name and phone", w.ana, c, map[string]any{"owner_id": w.carolID, "name": "  Olive   Owned ", "phone": "+33 1 23 45 67 89"}, 200, `"name":"Olive Owned"`},
			{"no owner", w.ana, c, map[string]any{"owner_id": 0}, 200, `"owner_id":null`},
		}
		for _, tt := range tests {
			got := tt.who.call("PATCH", tt.path, tt.body)
			if got.status != tt.status || !strings.Contains(string(got.raw), tt.want) {
				t.Errorf("%s: %d %s, want %d with %s", tt.name, got.status, got.raw, tt.status, tt.want)
			}
		}
		got := w.ana.must(200, "GET", c, nil)
		if got.body["phone"] != "+33 1 23 45 67 89" || got.body["owner_id"] != nil || got.body["name"] != "Olive Owned" {
			t.Errorf("read back: %s", got.raw)
		}
		w.ana.must(200, "PATCH", c, map[string]any{"owner_id": w.carolID})
		if got := w.ana.must(200, "GET", c, nil); got.body["owner_id"] != float64(w.carolID) {
			t.Errorf("owner: %s", got.raw)
		}
	})
}
