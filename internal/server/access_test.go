package server_test

import (
	"fmt"
	"testing"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestOutsiderGets404 tries every route that touches a VIP conversation,
// its contact, inbox or channel as bob, who is not a member: each answers
// exactly as for an id that does not exist, and nothing changes.
func TestOutsiderGets404(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := buildOrg(t, s)
		res := w.push(w.vipAPI, "wa-1", "jo@example.org", "secret")
		conv := parley.ID(res.num("conversation_id"))
		contact := w.ana.must(200, "GET", path("/conversations/%d", conv), nil).body["contact"].(map[string]any)["id"]
		w.ana.must(200, "POST", path("/conversations/%d/trash", conv), nil) // so DELETE would be allowed
		before, err := s.LastSeq(t.Context())
		if err != nil {
			t.Fatal(err)
		}

		routes := []struct {
			method, path string
			body         any
		}{
			{"GET", "/conversations/%d", nil},
			{"GET", "/conversations/%d/timeline", nil},
			{"POST", "/conversations/%d/replies", map[string]string{"text": "x"}},
			{"POST", "/conversations/%d/comments", map[string]string{"text": "x"}},
			{"POST", "/conversations/%d/forwards", map[string]any{"to": []map[string]string{{"email": "x@y.example"}}}},
			{"PUT", "/conversations/%d/assignee", map[string]any{"user_id": nil}},
			{"POST", "/conversations/%d/close", nil},
			{"POST", "/conversations/%d/reopen", nil},
			{"POST", "/conversations/%d/spam", nil},
			{"POST", "/conversations/%d/trash", nil},
			{"POST", "/conversations/%d/restore", nil},
			{"DELETE", "/conversations/%d/contact", nil},
			{"DELETE", "/conversations/%d", nil},
		}
		for _, r := range routes {
			for _, id := range []parley.ID{conv, 987654} {
				got := w.bob.call(r.method, path(r.path, id), r.body)
				if got.status != 404 {
					t.Errorf("bob %s %s: %d %s, want 404", r.method, fmt.Sprintf(r.path, id), got.status, got.raw)
				}
			}
		}
		for _, r := range []struct{ method, path string }{
			{"GET", path("/contacts/%v", contact)},
			{"GET", path("/contacts/%v/conversations", contact)},
			{"POST", path("/contacts/%v/block", contact)},
			{"POST", path("/contacts/%v/unblock", contact)},
			{"GET", path("/inboxes/%d", w.vip)},
			{"GET", path("/inboxes/%d/channels", w.vip)},
			{"GET", path("/conversations?inbox=%d", w.vip)},
		} {
			if got := w.bob.call(r.method, r.path, nil); got.status != 404 {
				t.Errorf("bob %s %s: %d %s, want 404", r.method, r.path, got.status, got.raw)
			}
		}
		push := w.bob.call("POST", path("/channels/%d/messages", w.vipAPI), map[string]any{"contact": map[string]string{"email": "x@example.org"}, "text": "x"})
		if push.status != 404 {
			t.Errorf("bob pushing to a VIP channel: %d, want 404", push.status)
		}
		bulk := w.bob.must(200, "POST", path("/conversations/bulk"), map[string]any{"ids": []parley.ID{conv}, "action": "restore"}).items()
		if len(bulk) != 1 || bulk[0]["status"] != float64(404) || bulk[0]["ok"] != false {
			t.Errorf("bob's bulk item: %v, want 404", bulk)
		}
		for _, placement := range []string{"inbox", "trash"} {
			for _, it := range w.bob.must(200, "GET", path("/conversations?placement=%s", placement), nil).items() {
				if it["inbox_id"] == float64(w.vip) {
					t.Errorf("bob's %s list shows VIP conversation %v", placement, it["id"])
				}
			}
		}
		for _, it := range w.bob.must(200, "GET", path("/inboxes"), nil).items() {
			if it["id"] == float64(w.vip) {
				t.Error("bob's inbox list shows VIP")
			}
		}
		if after, _ := s.LastSeq(t.Context()); after != before {
			t.Errorf("the outsider's attempts wrote events %d..%d", before+1, after)
		}
	})
}

// TestRoles checks what each role may do beyond inbox membership.
func TestRoles(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := buildOrg(t, s)
		viewer, viewerID := w.a.user("vic", parley.RoleViewer)
		w.admin.must(200, "PUT", path("/inboxes/%d/members", w.sales), map[string]any{"user_ids": []parley.ID{viewerID, w.anaID}})
		w.admin.must(200, "PATCH", path("/inboxes/%d", w.sales), map[string]any{"access": "specific"})
		conv := parley.ID(w.push(w.salesAPI, "s-1", "jo@example.org", "hi").num("conversation_id"))
		c := path("/conversations/%d", conv)

		viewer.must(200, "GET", c, nil)
		viewer.must(200, "GET", c+"/timeline", nil)
		viewer.must(403, "POST", c+"/replies", map[string]string{"text": "x"})
		viewer.must(403, "POST", c+"/close", nil)
		// Admins see every inbox but act only where they are members.
		w.admin.must(200, "GET", c, nil)
		w.admin.must(403, "POST", c+"/replies", map[string]string{"text": "x"})
		// Settings are for admins.
		for _, r := range []struct {
			method, path string
			body         any
		}{
			{"POST", path("/inboxes"), map[string]any{"name": "X"}},
			{"PATCH", path("/inboxes/%d", w.sales), map[string]any{"name": "X"}},
			{"PUT", path("/inboxes/%d/members", w.sales), map[string]any{"user_ids": []int{}}},
			{"DELETE", path("/inboxes/%d", w.sales), map[string]any{"name": "Sales"}},
			{"POST", path("/inboxes/%d/channels", w.sales), map[string]any{"kind": "api", "name": "x"}},
			{"PATCH", path("/channels/%d", w.salesAPI), map[string]any{"enabled": false}},
			{"POST", path("/users"), map[string]any{"email": "z@example.com", "name": "Z", "role": "admin"}},
			{"PATCH", path("/users/%d", viewerID), map[string]any{"role": "admin"}},
			{"POST", path("/teams"), map[string]any{"name": "X"}},
		} {
			if got := w.ana.call(r.method, r.path, r.body); got.status != 403 {
				t.Errorf("agent %s %s: %d %s, want 403", r.method, r.path, got.status, got.raw)
			}
		}
		// Anyone may rename themselves, and nothing more.
		if got := w.ana.must(200, "PATCH", path("/users/%d", w.anaID), map[string]any{"name": "Ana Lima"}); got.body["initials"] != "AL" {
			t.Errorf("rename: %s", got.raw)
		}
		w.ana.must(403, "PATCH", path("/users/%d", w.anaID), map[string]any{"role": "admin"})
		// No credentials at all.
		anon := &client{api: w.a, name: "anonymous", http: w.ana.http}
		anon.must(401, "GET", c, nil)
		anon.must(401, "GET", path("/me"), nil)
		bad := &client{api: w.a, name: "forger", token: "prl_forged", http: w.ana.http}
		bad.must(401, "GET", path("/me"), nil)
	})
}
