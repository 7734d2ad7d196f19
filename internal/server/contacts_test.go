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

// TestAssociateContact: a dissociated conversation gets a contact again
// (SPEC CRM-2), an existing one found by search or a new address, recorded
// in the timeline; replies then reach them. Nobody attaches, or finds, a
// contact they may not see.
func TestAssociateContact(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := buildOrg(t, s)
		conv := parley.ID(w.ana.must(201, "POST", path("/channels/%d/mime", w.emailChannel(w.sales)), copiedMail).num("conversation_id"))
		c := path("/conversations/%d", conv)
		jo := w.ana.must(200, "GET", c, nil).body["contact"].(map[string]any)["id"]
		vip := parley.ID(w.push(w.vipAPI, "v1", "vip@example.org", "vip").num("conversation_id"))
		vipContact := w.ana.must(200, "GET", path("/conversations/%d", vip), nil).body["contact"].(map[string]any)["id"]

		w.ana.must(200, "DELETE", c+"/contact", nil)
		if got := w.ana.call("POST", c+"/replies", map[string]any{"text": "Hello?"}); got.status != 400 {
			t.Errorf("reply without a contact: %d %s", got.status, got.raw)
		}

		found := func(who *client, q string) []any {
			var ids []any
			for _, it := range who.must(200, "GET", path("/contacts?q=%s", q), nil).items() {
				ids = append(ids, it["id"])
			}
			return ids
		}
		if got := found(w.bob, "vip"); len(got) != 0 {
			t.Errorf("bob (Sales only) finds the VIP contact: %v", got)
		}
		if got := found(w.ana, "VIP@"); len(got) != 1 || got[0] != vipContact {
			t.Errorf("ana finds %v, want the VIP contact", got)
		}
		if got := found(w.admin, "customer"); len(got) != 1 {
			t.Errorf("admin finds %v by name, want the VIP contact", got)
		}

		for _, tt := range []struct {
			who    *client
			conv   parley.ID
			body   map[string]any
			status int
		}{
			{w.bob, conv, map[string]any{"contact_id": vipContact}, 404},
			{w.bob, vip, map[string]any{"email": "x@example.org"}, 404},
			{w.ana, conv, map[string]any{"contact_id": 987654}, 404},
			{w.ana, 987654, map[string]any{"email": "x@example.org"}, 404},
			{w.ana, conv, map[string]any{}, 400},
			{w.ana, conv, map[string]any{"contact_id": jo, "email": "x@example.org"}, 400},
			{w.ana, conv, map[string]any{"email": "not an address"}, 400},
		} {
			if got := tt.who.call("PUT", path("/conversations/%d/contact", tt.conv), tt.body); got.status != tt.status {
				t.Errorf("%s associating %v on %d: %d %s, want %d", tt.who.name, tt.body, tt.conv, got.status, got.raw, tt.status)
			}
		}

		got := w.ana.must(200, "PUT", c+"/contact", map[string]any{"email": "New.Person@example.org"})
		if ct := got.body["contact"].(map[string]any); ct["email"] != "new.person@example.org" {
			t.Errorf("by a new email: contact %v", ct)
		}
		sam := parley.ID(w.push(w.salesAPI, "s1", "sam@example.org", "hi").num("conversation_id"))
		samContact := w.ana.must(200, "GET", path("/conversations/%d", sam), nil).body["contact"].(map[string]any)["id"]
		got = w.ana.must(200, "PUT", c+"/contact", map[string]any{"contact_id": samContact})
		if ct := got.body["contact"].(map[string]any); ct["id"] != samContact {
			t.Errorf("by id: contact %v, want %v", ct, samContact)
		}
		// Jo, whose only conversation this was, is found again by address.
		got = w.ana.must(200, "PUT", c+"/contact", map[string]any{"email": "jo@client.example"})
		if ct := got.body["contact"].(map[string]any); ct["id"] != jo {
			t.Errorf("by Jo's address: contact %v, want %v", ct, jo)
		}
		reply := w.ana.must(201, "POST", c+"/replies", map[string]any{"text": "Here it is."})
		if to := emails(reply.body["email"].(map[string]any)["to"]); len(to) != 1 || to[0] != "jo@client.example" {
			t.Errorf("reply after associating goes to %v", to)
		}
		var associated int
		for _, it := range w.ana.must(200, "GET", c+"/timeline", nil).items() {
			if it["type"] == parley.EventContactAssociated {
				associated++
			}
		}
		if associated != 3 {
			t.Errorf("%d association events in the timeline, want 3", associated)
		}
	})
}
