package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestContactLists: admins keep the lists; whoever may act for a contact
// puts them in or takes them out, and nobody else — not an agent who
// cannot see the contact, not a viewer, not a guessed list; a chat flow
// shows to a list's contacts only, and a list a flow uses is not deleted
// from under it.
func TestContactLists(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := buildOrg(t, s)
		vic, _ := w.a.user("vic", parley.RoleViewer)
		names := func(r response, location string) bool {
			return strings.Contains(string(r.raw), `"location":"`+location+`"`)
		}
		lists := path("/contact-lists")
		vip := w.admin.must(201, "POST", lists, map[string]any{"name": "  VIP   customers "})
		if vip.body["name"] != "VIP customers" || vip.body["members"] != float64(0) {
			t.Errorf("created: %s", vip.raw)
		}
		list := vip.id()
		if got := w.admin.call("POST", lists, map[string]any{"name": "VIP customers"}); got.status != 409 || !names(got, "body.name") {
			t.Errorf("a taken name: %d %s", got.status, got.raw)
		}
		if got := w.bob.call("POST", lists, map[string]any{"name": "Mine"}); got.status != 403 {
			t.Errorf("an agent making a list: %d", got.status)
		}
		press := w.admin.must(201, "POST", lists, map[string]any{"name": "Press"}).id()

		contactOf := func(r response) parley.ID {
			conv := w.admin.must(200, "GET", path("/conversations/%d", parley.ID(r.num("conversation_id"))), nil)
			return parley.ID(conv.body["contact"].(map[string]any)["id"].(float64))
		}
		jo := contactOf(w.push(w.vipAPI, "l-1", "jo@example.org", "VIP only")) // ana (Tier2) sees VIP; bob does not
		sam := contactOf(w.push(w.salesAPI, "l-2", "sam@example.org", "Sales"))
		member := func(l, c parley.ID) string { return path("/contact-lists/%d/members/%d", l, c) }

		for _, tc := range []struct {
			who    *client
			name   string
			method string
			list   parley.ID
			c      parley.ID
			want   int
		}{
			{w.ana, "ana adds jo", "PUT", list, jo, 204},
			{w.ana, "ana adds jo again", "PUT", list, jo, 204},
			{w.bob, "bob adds jo, whom he cannot see", "PUT", list, jo, 404},
			{w.bob, "bob takes jo out", "DELETE", list, jo, 404},
			{w.bob, "bob adds sam", "PUT", list, sam, 204},
			{vic, "a viewer adds sam to the press", "PUT", press, sam, 403},
			{w.bob, "a guessed list", "PUT", 99999, sam, 404},
			{w.bob, "a guessed contact", "PUT", list, 99999, 404},
		} {
			if got := tc.who.call(tc.method, member(tc.list, tc.c), nil); got.status != tc.want {
				t.Errorf("%s: %d %s, want %d", tc.name, got.status, got.raw, tc.want)
			}
		}
		if got := w.admin.must(200, "GET", lists, nil).items(); len(got) != 2 || got[0]["name"] != "Press" || got[1]["members"] != float64(2) {
			t.Errorf("lists: %v", got)
		}
		if got := w.ana.must(200, "GET", path("/contacts/%d/lists", jo), nil).items(); len(got) != 1 || got[0]["name"] != "VIP customers" {
			t.Errorf("jo's lists: %v", got)
		}
		if got := w.bob.call("GET", path("/contacts/%d/lists", jo), nil); got.status != 404 {
			t.Errorf("bob reading jo's lists: %d", got.status)
		}
		first := w.admin.must(200, "GET", path("/contact-lists/%d/members?limit=1", list), nil)
		cursor, _ := first.body["next_cursor"].(string)
		second := w.admin.must(200, "GET", path("/contact-lists/%d/members?limit=1&cursor=%s", list, cursor), nil)
		if a, b := first.items(), second.items(); len(a) != 1 || len(b) != 1 || a[0]["email"] != "jo@example.org" || b[0]["email"] != "sam@example.org" {
			t.Errorf("members a page at a time: %s then %s", first.raw, second.raw)
		}
		if got := w.ana.call("GET", path("/contact-lists/%d/members", list), nil); got.status != 403 {
			t.Errorf("an agent reading a list's members: %d", got.status)
		}

		// A flow for the list's contacts.
		_, key := chatChannel(t, w)
		flows := path("/inboxes/%d/chat-flows", w.sales)
		if got := w.admin.call("POST", flows, map[string]any{"name": "VIPs", "enabled": true, "audience": "in_list", "audience_list": 99999}); got.status != 400 || !names(got, "body.audience_list") {
			t.Errorf("a flow for a list that is not: %d %s", got.status, got.raw)
		}
		if got := w.admin.call("POST", flows, map[string]any{"name": "VIPs", "enabled": true, "audience": "in_list"}); got.status != 400 || !names(got, "body.audience_list") {
			t.Errorf("a flow for a list, naming none: %d %s", got.status, got.raw)
		}
		flow := w.admin.must(201, "POST", flows, map[string]any{"name": "VIPs", "enabled": true, "audience": "in_list", "audience_list": press}).id()
		site := &client{api: w.a, name: "site", http: &http.Client{}}
		config := "/widget/v1/config?inbox=" + key + "&url=" + shop
		listed := openWidget(t, w, key, "", 0)
		hello := listed.write("c1", "Hello")
		listed.send(map[string]any{"type": "email", "client_id": "e1", "email": "kim@example.org"})
		if got := listed.next(); got.Type != "ack" {
			t.Fatalf("the visitor's email: %+v", got)
		}
		kim := w.admin.must(200, "GET", path("/conversations/%d", hello.Message.ConversationID), nil).body["contact"].(map[string]any)
		if got := site.call("GET", config, nil, "X-Parley-Visitor", listed.token); got.body["show"] != false {
			t.Errorf("a visitor not in the list sees its flow: %s", got.raw)
		}
		w.ana.must(204, "PUT", member(press, parley.ID(kim["id"].(float64))), nil)
		if got := site.call("GET", config, nil, "X-Parley-Visitor", listed.token); got.body["show"] != true || got.body["flow"] != float64(flow) {
			t.Errorf("a visitor in the list: %s, want flow %d", got.raw, flow)
		}
		if got := site.call("GET", config, nil); got.body["show"] != false {
			t.Errorf("an anonymous visitor sees the list's flow: %s", got.raw)
		}

		if got := w.admin.call("DELETE", path("/contact-lists/%d", press), nil); got.status != 409 || !strings.Contains(string(got.raw), "urn:parley:problem:list_in_use") {
			t.Errorf("deleting a list a flow uses: %d %s", got.status, got.raw)
		}
		w.admin.must(200, "PUT", path("/inboxes/%d/chat-flows/%d", w.sales, flow), map[string]any{"name": "VIPs", "enabled": true, "audience": "known"})
		if got := w.bob.call("DELETE", path("/contact-lists/%d", press), nil); got.status != 403 {
			t.Errorf("an agent deleting a list: %d", got.status)
		}
		w.admin.must(204, "DELETE", path("/contact-lists/%d", press), nil)
		if got := w.ana.must(200, "GET", path("/contacts/%d/lists", parley.ID(kim["id"].(float64))), nil).items(); len(got) != 0 {
			t.Errorf("a deleted list's contact is still in it: %v", got)
		}
		if got := w.admin.must(200, "PATCH", path("/contact-lists/%d", list), map[string]any{"name": "Gold"}); got.body["name"] != "Gold" || got.body["members"] != float64(2) {
			t.Errorf("renamed: %s", got.raw)
		}
	})
}
