package server_test

import (
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestContactFieldsAPI: admins define fields; an agent sets a contact's
// value, refused naming the value when it does not fit; a contact in an
// inbox the agent is not in is not there for them.
func TestContactFieldsAPI(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := buildOrg(t, s)
		if got := w.bob.call("POST", path("/contact-fields"), map[string]any{"key": "plan", "label": "Plan", "type": "text"}); got.status != 403 {
			t.Errorf("an agent defines a field: %d", got.status)
		}
		w.admin.must(201, "POST", path("/contact-fields"), map[string]any{"key": "seats", "label": "Seats", "type": "number"})
		if got := w.bob.must(200, "GET", path("/contact-fields"), nil).items(); len(got) != 1 || got[0]["key"] != "seats" {
			t.Errorf("the fields as an agent reads them: %v", got)
		}
		conv := parley.ID(w.push(w.salesAPI, "f-1", "jo@client.example", "Hello").num("conversation_id"))
		contact := parley.ID(w.bob.must(200, "GET", path("/conversations/%d", conv), nil).body["contact"].(map[string]any)["id"].(float64))
		bad := w.bob.call("PUT", path("/contacts/%d/fields/seats", contact), map[string]any{"value": "twelve"})
		if bad.status != 400 || !strings.Contains(string(bad.raw), "body.value") || !strings.Contains(string(bad.raw), "field_value") {
			t.Errorf("a value that does not fit: %d %s", bad.status, bad.raw)
		}
		w.bob.must(204, "PUT", path("/contacts/%d/fields/seats", contact), map[string]any{"value": "12"})
		if got := w.bob.must(200, "GET", path("/contacts/%d", contact), nil); !strings.Contains(string(got.raw), `"seats":"12"`) {
			t.Errorf("the contact: %s", got.raw)
		}
		vip := parley.ID(w.push(w.vipAPI, "f-2", "ceo@client.example", "Hello").num("conversation_id"))
		hidden := parley.ID(w.ana.must(200, "GET", path("/conversations/%d", vip), nil).body["contact"].(map[string]any)["id"].(float64))
		if got := w.bob.call("PUT", path("/contacts/%d/fields/seats", hidden), map[string]any{"value": "1"}); got.status != 404 {
			t.Errorf("a contact of another inbox: %d", got.status)
		}
	})
}
