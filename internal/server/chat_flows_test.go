package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestChatFlows: admins keep an inbox's flows in order; the widget's
// configuration is the first enabled flow that matches the page and the
// visitor, as its availability stands now; a bad flow is refused naming
// its field.
func TestChatFlows(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := buildOrg(t, s)
		_, key := chatChannel(t, w)
		flows := path("/inboxes/%d/chat-flows", w.sales)
		site := &client{api: w.a, name: "site", http: &http.Client{}}
		shown := func(page string) map[string]any {
			t.Helper()
			return site.must(200, "GET", "/widget/v1/config?inbox="+key+"&url="+page, nil).body
		}

		if got := shown(shop + "/pricing"); got["show"] != true || got["flow"] != nil || got["open"] != true {
			t.Errorf("an inbox with no flows: %v, want the chat everywhere, open", got)
		}
		if got := w.ana.call("GET", flows, nil); got.status != 403 {
			t.Errorf("an agent reading flows: %d", got.status)
		}
		bad := w.admin.call("POST", flows, map[string]any{"name": "Bad", "enabled": true,
			"targeting": [][]map[string]string{{{"field": "url", "op": "sounds_like", "value": "x"}}}})
		if bad.status != 400 || !strings.Contains(string(bad.raw), "targeting[0][0].op") {
			t.Errorf("a bad operator: %d %s", bad.status, bad.raw)
		}
		pricing := w.admin.must(201, "POST", flows, map[string]any{"name": "Pricing", "enabled": true,
			"targeting": [][]map[string]string{{{"field": "url", "op": "starts_with", "value": shop + "/pricing/*"}}},
			"welcome":   "Questions about plans?",
			"availability": map[string]any{"mode": "hours", "away": "hidden",
				"schedule": map[string]any{"time_zone": "Europe/Paris", "hours": []any{}}},
		}).id()
		everywhere := w.admin.must(201, "POST", flows, map[string]any{"name": "Everywhere", "enabled": true,
			"heading":      map[string]any{"kind": "custom", "name": "The shop team"},
			"availability": map[string]any{"mode": "team", "reply_time": "minutes"},
			"appearance":   map[string]any{"accent": "#FF6600", "position": "left", "launcher_text": "Chat"},
		}).id()

		if got := shown(shop + "/pricing/team"); got["show"] != false {
			t.Errorf("pricing, outside its hours, launcher hidden: %v", got)
		}
		home := shown(shop + "/")
		if home["show"] != true || home["flow"] != float64(everywhere) || home["title"] != "The shop team" || home["open"] != true ||
			home["appearance"].(map[string]any)["accent"] != "#ff6600" || home["reply_time"] != "minutes" {
			t.Errorf("home: %v", home)
		}

		// Everyone goes away: by team status, the chat is closed.
		for _, c := range []*client{w.admin, w.ana, w.bob, signIn(t, w, "carol")} {
			c.must(200, "PUT", path("/me/availability"), map[string]any{"status": "away"})
		}
		if got := shown(shop + "/"); got["open"] != false || got["show"] != true {
			t.Errorf("everyone away: %v, want shown, closed", got)
		}

		// Reordered, Everywhere comes first on pricing pages too.
		order := w.admin.must(200, "PUT", flows+"/order", map[string]any{"ids": []parley.ID{everywhere, pricing}}).items()
		if len(order) != 2 || order[0]["name"] != "Everywhere" {
			t.Errorf("order: %v", order)
		}
		if got := shown(shop + "/pricing/team"); got["flow"] != float64(everywhere) {
			t.Errorf("pricing after reordering: %v", got)
		}
		if got := w.admin.call("PUT", flows+"/order", map[string]any{"ids": []parley.ID{everywhere}}); got.status != 400 {
			t.Errorf("an order missing a flow: %d %s", got.status, got.raw)
		}

		// Only for known contacts: an anonymous visitor does not see it.
		w.admin.must(200, "PUT", path("/inboxes/%d/chat-flows/%d", w.sales, everywhere), map[string]any{"name": "Everywhere", "enabled": true, "audience": "known"})
		if got := shown(shop + "/"); got["show"] != false {
			t.Errorf("a flow for known contacts, to an anonymous visitor: %v", got)
		}
		w.admin.must(204, "DELETE", path("/inboxes/%d/chat-flows/%d", w.sales, everywhere), nil)
		if got := w.admin.call("DELETE", path("/inboxes/%d/chat-flows/%d", w.vip, pricing), nil); got.status != 404 {
			t.Errorf("deleting a flow through another inbox: %d", got.status)
		}
		if got := w.admin.must(200, "GET", flows, nil).items(); len(got) != 1 || got[0]["name"] != "Pricing" ||
			got[0]["availability"].(map[string]any)["schedule"].(map[string]any)["time_zone"] != "Europe/Paris" {
			t.Errorf("after deleting: %v", got)
		}
	})
}

// TestChatFlowRouting: a flow's routing rule routes the conversations
// opened on its pages, and stays with them; elsewhere the channel's rule
// does, whatever flow the visitor names; a flow naming someone who cannot
// be routed to is refused naming them; a flow asking explicit consent
// refuses a first message without it.
func TestChatFlowRouting(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := buildOrg(t, s)
		chID, key := chatChannel(t, w)
		_, bobID := userID(t, w, "bob")
		w.admin.must(200, "PUT", path("/channels/%d/routing", chID), map[string]any{"rule": "specific", "user_ids": []parley.ID{bobID}})
		flows := path("/inboxes/%d/chat-flows", w.sales)
		quiet := w.admin.must(201, "POST", path("/users"), map[string]any{"email": "q@example.com", "name": "Quinn", "role": "agent", "routable": false}).id()
		bad := w.admin.call("POST", flows, map[string]any{"name": "Bad", "enabled": true, "routing": map[string]any{"rule": "specific", "user_ids": []parley.ID{quiet}}})
		if bad.status != 400 || !strings.Contains(string(bad.raw), "routing.user_ids[0]") {
			t.Errorf("a flow routing to someone not routable: %d %s", bad.status, bad.raw)
		}
		flow := w.admin.must(201, "POST", flows, map[string]any{"name": "Sales leads", "enabled": true,
			"targeting": [][]map[string]string{{{"field": "url", "op": "starts_with", "value": shop + "/buy/*"}}},
			"routing":   map[string]any{"rule": "specific", "user_ids": []parley.ID{w.anaID}}}).id()
		owner := func(conv parley.ID) any {
			a, _ := w.admin.must(200, "GET", path("/conversations/%d", conv), nil).body["assignee"].(map[string]any)
			if a == nil {
				return nil
			}
			return a["name"]
		}
		lead := openWidget(t, w, key, "", 0)
		lead.send(map[string]any{"type": "message", "client_id": "m1", "text": "I want to buy", "url": shop + "/buy/now"})
		conv := lead.next().Message.ConversationID
		if got := owner(conv); got != "ana" {
			t.Errorf("a chat opened under the flow: owner %v, want ana", got)
		}
		// A visitor on another page does not choose the flow by naming it:
		// the server works out which one shows.
		plain := openWidget(t, w, key, "", 0)
		plain.send(map[string]any{"type": "message", "client_id": "m1", "text": "Just browsing", "url": shop + "/pricing", "flow": flow})
		if got := owner(plain.next().Message.ConversationID); got != "bob" {
			t.Errorf("a chat opened outside the flow's pages: owner %v, want bob (the channel's rule)", got)
		}
		// Ana goes away with reassign on; the lead writes again: the
		// flow's rule (Ana only) decides again — not the channel's, which
		// would give it to Bob.
		w.admin.must(201, "POST", flows, map[string]any{"name": "Careful", "enabled": true,
			"targeting": [][]map[string]string{{{"field": "url", "op": "contains", "value": "/careful"}}},
			"consent":   map[string]any{"processing": "explicit", "text": "I agree"}})
		careful := openWidget(t, w, key, "", 0)
		careful.send(map[string]any{"type": "message", "client_id": "c1", "text": "Hi", "url": shop + "/careful"})
		if got := careful.next(); got.Type != "error" || got.Status != 409 || got.Reason != "consent_required" {
			t.Errorf("a first message without the consent the flow asks: %+v", got)
		}
		careful.send(map[string]any{"type": "message", "client_id": "c2", "text": "Hi", "url": shop + "/careful", "consent": map[string]string{"processing": "I agree"}})
		if got := careful.next(); got.Type != "ack" {
			t.Errorf("with consent: %+v", got)
		}
		signIn(t, w, "ana").must(200, "PUT", path("/me/availability"), map[string]any{"status": "away", "reassign_when_away": true})
		lead.send(map[string]any{"type": "message", "client_id": "m2", "text": "Hello?", "url": shop + "/buy/now"})
		lead.next()
		if got := owner(conv); got != nil {
			t.Errorf("rerouted with the flow's one person away: owner %v, want none (queued), not bob", got)
		}
	})
}
