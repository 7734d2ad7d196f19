package server_test

import (
	"testing"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestContactConversations: a contact's past conversations, only from the
// inboxes the caller reads; dissociating takes the contact off one, which
// keeps its messages and leaves the list.
func TestContactConversations(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := buildOrg(t, s)
		sales1 := parley.ID(w.push(w.salesAPI, "s1", "jo@example.org", "first").num("conversation_id"))
		w.admin.must(200, "POST", path("/conversations/%d/close", sales1), nil)
		sales2 := parley.ID(w.admin.must(201, "POST", path("/channels/%d/messages", w.salesAPI), map[string]any{
			"client_id": "s2", "contact": map[string]string{"email": "jo@example.org"}, "text": "second", "new_conversation": true}).num("conversation_id"))
		vip := parley.ID(w.push(w.vipAPI, "v1", "jo@example.org", "vip").num("conversation_id"))
		contact := w.ana.must(200, "GET", path("/conversations/%d", vip), nil).body["contact"].(map[string]any)["id"]

		ids := func(c *client) []parley.ID {
			var out []parley.ID
			for _, it := range c.must(200, "GET", path("/contacts/%v/conversations", contact), nil).items() {
				out = append(out, parley.ID(it["id"].(float64)))
			}
			return out
		}
		if got := ids(w.ana); len(got) != 3 || got[0] != vip {
			t.Errorf("ana (both inboxes): %v, want 3, newest (%d) first", got, vip)
		}
		if got := ids(w.bob); len(got) != 2 || got[0] != sales2 || got[1] != sales1 {
			t.Errorf("bob (Sales only): %v, want [%d %d]", got, sales2, sales1)
		}

		res := w.ana.must(200, "DELETE", path("/conversations/%d/contact", sales2), nil)
		if res.body["contact"] != nil {
			t.Errorf("after dissociating: contact %v", res.body["contact"])
		}
		if got := ids(w.bob); len(got) != 1 || got[0] != sales1 {
			t.Errorf("bob after dissociating: %v, want [%d]", got, sales1)
		}
		var saw bool
		for _, it := range w.ana.must(200, "GET", path("/conversations/%d/timeline", sales2), nil).items() {
			if it["type"] == parley.EventContactDissociated {
				saw = true
			}
			if it["type"] == parley.EventMessageReceived && it["message"] == nil {
				t.Error("the message went with the contact")
			}
		}
		if !saw {
			t.Error("no dissociation event in the timeline")
		}
	})
}
