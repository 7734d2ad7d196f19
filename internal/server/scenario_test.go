package server_test

import (
	"net/http"
	"testing"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/server"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// org is the world of the scenario, built through the API by an admin:
// inbox Sales open to everyone, inbox VIP restricted to team Tier2 (ana,
// carol); bob is an agent outside Tier2.
type orgWorld struct {
	a                *api
	admin, ana, bob  *client
	anaID, carolID   parley.ID
	sales, vip       parley.ID
	salesAPI, vipAPI parley.ID
}

func buildOrg(t *testing.T, s *store.Store) *orgWorld {
	a := newAPI(t, s, server.Config{BaseURL: "http://127.0.0.1"})
	w := &orgWorld{a: a}
	w.admin, _ = a.user("root", parley.RoleAdmin)
	w.ana, w.anaID = a.user("ana", parley.RoleAgent)
	w.bob, _ = a.user("bob", parley.RoleAgent)
	_, w.carolID = a.user("carol", parley.RoleAgent)

	tier2 := w.admin.must(201, "POST", path("/teams"), map[string]any{"name": "Tier2", "user_ids": []parley.ID{w.anaID}}).id()
	w.admin.must(200, "PUT", path("/teams/%d/members", tier2), map[string]any{"user_ids": []parley.ID{w.anaID, w.carolID}})
	w.sales = w.admin.must(201, "POST", path("/inboxes"), map[string]any{"name": "Sales", "access": "everyone"}).id()
	w.vip = w.admin.must(201, "POST", path("/inboxes"), map[string]any{"name": "VIP", "access": "specific"}).id()
	w.admin.must(200, "PUT", path("/inboxes/%d/members", w.vip), map[string]any{"user_ids": []parley.ID{}, "team_ids": []parley.ID{tier2}})
	w.salesAPI = w.admin.must(201, "POST", path("/inboxes/%d/channels", w.sales), map[string]any{"kind": "api", "name": "SMS bridge"}).id()
	w.vipAPI = w.admin.must(201, "POST", path("/inboxes/%d/channels", w.vip), map[string]any{"kind": "api", "name": "WhatsApp"}).id()
	return w
}

// push sends a customer message through an API channel as the admin (the
// integration's token) and returns the answer.
func (w *orgWorld) push(channel parley.ID, clientID, email, text string) response {
	return w.admin.call("POST", path("/channels/%d/messages", channel), map[string]any{
		"client_id": clientID, "contact": map[string]string{"email": email, "name": "Customer " + email},
		"subject": "About my order", "text": text,
	})
}

// TestScenario walks the foundation's whole story through the API and reads
// every step back from the timeline.
func TestScenario(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := buildOrg(t, s)
		ana := w.ana

		first := w.push(w.vipAPI, "wa-1", "jo@example.org", "Where is my order?")
		again := w.push(w.vipAPI, "wa-1", "jo@example.org", "Where is my order?")
		if first.status != 201 || again.status != 200 || again.body["duplicate"] != true ||
			first.num("conversation_id") != again.num("conversation_id") || first.num("message_id") != again.num("message_id") {
			t.Fatalf("same client_id twice: %d %s then %d %s", first.status, first.raw, again.status, again.raw)
		}
		conv := parley.ID(first.num("conversation_id"))
		c := path("/conversations/%d", conv)

		ana.must(201, "POST", c+"/replies", map[string]string{"text": "Let me check."})
		ana.must(201, "POST", c+"/comments", map[string]string{"text": "@carol do you know this customer? @bob?"})
		got := ana.must(200, "PUT", c+"/assignee", map[string]any{"user_id": w.anaID})
		if a, _ := got.body["assignee"].(map[string]any); a["name"] != "ana" || a["initials"] != "a" {
			t.Errorf("assignee = %v", got.body["assignee"])
		}
		if got := ana.must(200, "POST", c+"/close", nil); got.body["status"] != "closed" {
			t.Errorf("close: status %v", got.body["status"])
		}
		w.push(w.vipAPI, "wa-2", "jo@example.org", "It arrived broken").mustStatus(t, 201)
		if got := ana.must(200, "GET", c, nil); got.body["status"] != "open" {
			t.Errorf("a new customer message did not reopen: %v", got.body["status"])
		}
		for _, step := range []struct{ action, placement string }{
			{"spam", "spam"}, {"restore", "inbox"}, {"trash", "trash"},
		} {
			if got := ana.must(200, "POST", c+"/"+step.action, nil); got.body["placement"] != step.placement {
				t.Errorf("%s: placement %v, want %s", step.action, got.body["placement"], step.placement)
			}
		}

		// Read it all back: who did what, and when.
		tl := ana.must(200, "GET", c+"/timeline", nil).items()
		want := []struct{ typ, actor string }{
			{parley.EventConversationCreated, "Customer jo@example.org"},
			{parley.EventMessageReceived, "Customer jo@example.org"},
			{parley.EventMessageSent, "ana"},
			{parley.EventCommentAdded, "ana"},
			{parley.EventMentioned, "ana"},
			{parley.EventAssigned, "ana"},
			{parley.EventClosed, "ana"},
			{parley.EventReopened, "Customer jo@example.org"},
			{parley.EventMessageReceived, "Customer jo@example.org"},
			{parley.EventMoved, "ana"},
			{parley.EventMoved, "ana"},
			{parley.EventMoved, "ana"},
		}
		if len(tl) != len(want) {
			t.Fatalf("timeline has %d items, want %d: %v", len(tl), len(want), tl)
		}
		for i, it := range tl {
			actor, _ := it["actor"].(map[string]any)
			if it["type"] != want[i].typ || actor["name"] != want[i].actor || it["at"] == "" {
				t.Errorf("timeline[%d] = %v by %v at %v, want %s by %s", i, it["type"], actor["name"], it["at"], want[i].typ, want[i].actor)
			}
		}
		if data, _ := tl[4]["data"].(map[string]any); data["user_id"] != float64(w.carolID) {
			t.Errorf("mention data = %v, want carol (bob cannot see VIP)", tl[4]["data"])
		}
		if msg, _ := tl[2]["message"].(map[string]any); msg["text"] != "Let me check." || msg["direction"] != "out" {
			t.Errorf("reply in the timeline = %v", tl[2]["message"])
		}

		// Delete for good, from the trash only; the message id stays known.
		ana.must(204, "DELETE", c, nil)
		ana.must(404, "GET", c, nil)
		if r := w.push(w.vipAPI, "wa-2", "jo@example.org", "It arrived broken"); r.status != http.StatusConflict {
			t.Errorf("re-delivery of a deleted message: %d %s, want 409", r.status, r.raw)
		}

		// Block a sender: their next message lands in filtered.
		spam := parley.ID(w.push(w.salesAPI, "sms-1", "spam@example.org", "BUY NOW").num("conversation_id"))
		contact := w.bob.must(200, "GET", path("/conversations/%d", spam), nil).body["contact"].(map[string]any)["id"]
		if got := w.bob.must(200, "POST", path("/contacts/%v/block", contact), nil); got.body["blocked"] != true {
			t.Errorf("block: %s", got.raw)
		}
		if same := parley.ID(w.push(w.salesAPI, "sms-2", "spam@example.org", "BUY MORE").num("conversation_id")); same != spam {
			t.Errorf("the blocked sender's next message opened %d, want it to continue %d", same, spam)
		}
		next := parley.ID(w.admin.must(201, "POST", path("/channels/%d/messages", w.salesAPI), map[string]any{
			"client_id": "sms-3", "contact": map[string]string{"email": "spam@example.org"}, "text": "NEW OFFER", "new_conversation": true,
		}).num("conversation_id"))
		filtered := w.bob.must(200, "GET", path("/conversations?placement=filtered"), nil).items()
		if len(filtered) != 2 || parley.ID(filtered[0]["id"].(float64)) != next || parley.ID(filtered[1]["id"].(float64)) != spam {
			t.Errorf("filtered view = %v, want the blocked sender's conversations %d and %d, newest first", filtered, next, spam)
		}
		w.bob.must(200, "POST", path("/contacts/%v/unblock", contact), nil)
	})
}

func (r response) mustStatus(t *testing.T, want int) response {
	t.Helper()
	if r.status != want {
		t.Fatalf("status %d %s, want %d", r.status, r.raw, want)
	}
	return r
}
