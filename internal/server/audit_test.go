package server_test

import (
	"testing"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/server"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestAuditLogAPI: sign-ins that work and that fail, and changes of
// settings and access, are in the audit log with who, from where, and
// before and after; only admins read it, filtered by action and person.
func TestAuditLogAPI(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		a := newAPI(t, s, server.Config{BaseURL: "http://127.0.0.1"})
		root, rootID := a.user("root", parley.RoleAdmin)
		ana, anaID := a.user("ana", parley.RoleAgent)
		viewer, _ := a.user("vic", parley.RoleViewer)
		if _, status := a.browser("ana@example.com", "password-ana"); status != 201 {
			t.Fatalf("ana signs in: %d", status)
		}
		if _, status := a.browser("ana@example.com", "wrong"); status != 401 {
			t.Fatalf("a wrong password: %d", status)
		}
		if _, status := a.browser("nobody@example.com", "guess"); status != 401 {
			t.Fatalf("an unknown email: %d", status)
		}
		inbox := root.must(201, "POST", path("/inboxes"), map[string]any{"name": "Billing"}).id()
		root.must(200, "PATCH", path("/inboxes/%d", inbox), map[string]any{"name": "Invoices"})
		root.must(200, "PATCH", path("/users/%d", anaID), map[string]any{"role": "viewer"})

		for _, c := range []struct {
			who    *client
			status int
		}{{ana, 403}, {viewer, 403}, {&client{api: a, name: "anonymous", http: root.http}, 401}} {
			if r := c.who.call("GET", path("/audit"), nil); r.status != c.status {
				t.Errorf("%s reads the audit log: %d, want %d", c.who.name, r.status, c.status)
			}
		}

		entries := func(query string) []map[string]any {
			t.Helper()
			raw, _ := root.must(200, "GET", path("/audit")+query, nil).body["entries"].([]any)
			out := make([]map[string]any, len(raw))
			for i, v := range raw {
				out[i] = v.(map[string]any)
			}
			return out
		}
		signIns := entries("?action=sign_in.")
		if len(signIns) != 3 {
			t.Fatalf("sign-ins: %v", signIns)
		}
		for i, want := range []struct{ action, actor, reason string }{
			{parley.AuditSignInFailed, "nobody@example.com", "wrong_credentials"},
			{parley.AuditSignInFailed, "ana@example.com", "wrong_credentials"},
			{parley.AuditSignedIn, "ana", ""},
		} {
			e := signIns[i]
			after, _ := e["after"].(map[string]any)
			actor, _ := e["actor"].(map[string]any)
			if e["action"] != want.action || actor["name"] != want.actor || e["address"] != "127.0.0.1" || want.reason != "" && after["reason"] != want.reason {
				t.Errorf("sign-in %d: %v", i, e)
			}
		}
		if after, _ := signIns[2]["after"].(map[string]any); after["method"] != "password" {
			t.Errorf("the sign-in's method: %v", signIns[2])
		}

		renamed := entries("?action=inbox.updated")
		if len(renamed) != 1 {
			t.Fatalf("inbox updates: %v", renamed)
		}
		before, _ := renamed[0]["before"].(map[string]any)
		after, _ := renamed[0]["after"].(map[string]any)
		subject, _ := renamed[0]["subject"].(map[string]any)
		if before["name"] != "Billing" || after["name"] != "Invoices" || subject["kind"] != "inbox" || subject["id"] != float64(inbox) {
			t.Errorf("the rename: %v", renamed[0])
		}
		role := entries("?action=user.updated")
		if len(role) != 1 || role[0]["before"].(map[string]any)["role"] != "agent" || role[0]["after"].(map[string]any)["role"] != "viewer" {
			t.Errorf("the role change: %v", role)
		}

		byRoot := entries("?actor_id=" + itoa(rootID))
		for _, e := range byRoot {
			if e["actor"].(map[string]any)["id"] != float64(rootID) {
				t.Errorf("filtered by root, an entry by someone else: %v", e)
			}
		}
		if len(byRoot) < 3 {
			t.Errorf("root's entries: %v", byRoot)
		}
		page := root.must(200, "GET", path("/audit")+"?limit=2", nil).body
		if next, _ := page["next"].(float64); next == 0 || len(entries("?before="+itoa(parley.ID(next)))) == 0 {
			t.Errorf("the first page of two does not lead on: %v", page)
		}
		if r := root.call("GET", path("/audit")+"?since=yesterday", nil); r.status != 400 {
			t.Errorf("a bad since: %d", r.status)
		}
	})
}
