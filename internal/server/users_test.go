package server_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/server"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestDeactivateUser: PATCH active false stops a leaver at once — their
// streams close, their session and API token get 401, signing in says why —
// and keeps the last active admin; PATCH active true brings them back.
func TestDeactivateUser(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := buildOrg(t, s)
		head, err := s.LastSeq(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		leaver, leaverID := w.a.user("leaver", parley.RoleAgent)
		b, status := w.a.browser("leaver@example.com", "password-leaver")
		if status != http.StatusCreated {
			t.Fatalf("sign in: %d", status)
		}
		byCookie, byToken := b.dial(t, head), leaver.dial(t, head)
		defer byCookie.CloseNow()
		defer byToken.CloseNow()

		if got := leaver.call("PATCH", path("/users/%d", leaverID), map[string]any{"active": false}); got.status != http.StatusForbidden {
			t.Errorf("deactivating oneself as an agent: %d", got.status)
		}
		u := w.admin.must(200, "PATCH", path("/users/%d", leaverID), map[string]any{"active": false})
		if u.body["active"] != false || u.body["deactivated_at"] == nil {
			t.Errorf("deactivated user: %s", u.raw)
		}
		if _, code := until(t, byCookie, "never"); code != 4001 {
			t.Errorf("the leaver's cookie stream: close %d, want 4001", code)
		}
		if _, code := until(t, byToken, "never"); code != 4001 {
			t.Errorf("the leaver's token stream: close %d, want 4001", code)
		}
		b.must(401, "GET", path("/me"), nil)
		leaver.must(401, "GET", path("/me"), nil)
		if _, status := w.a.browser("leaver@example.com", "password-leaver"); status != http.StatusForbidden {
			t.Errorf("the leaver signing in: %d, want 403 (deactivated)", status)
		}
		users := w.admin.must(200, "GET", path("/users"), nil)
		for _, it := range users.items() {
			if it["email"] == "leaver@example.com" && it["active"] != false {
				t.Errorf("the list shows the leaver as %v", it)
			}
		}

		w.admin.must(200, "PATCH", path("/users/%d", leaverID), map[string]any{"active": true})
		leaver.must(200, "GET", path("/me"), nil)
		if _, status := w.a.browser("leaver@example.com", "password-leaver"); status != http.StatusCreated {
			t.Errorf("signing in after reactivation: %d", status)
		}
	})
}

// TestTeamsAPI: PATCH renames a team, DELETE removes it; admins only.
func TestTeamsAPI(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		a := newAPI(t, s, server.Config{BaseURL: "http://127.0.0.1"})
		admin, _ := a.user("root", parley.RoleAdmin)
		ana, anaID := a.user("ana", parley.RoleAgent)
		team := admin.must(201, "POST", path("/teams"), map[string]any{"name": "Billing", "user_ids": []parley.ID{anaID}})
		if got := ana.call("PATCH", path("/teams/%d", team.id()), map[string]string{"name": "Money"}); got.status != http.StatusForbidden {
			t.Errorf("an agent renaming: %d", got.status)
		}
		got := admin.must(200, "PATCH", path("/teams/%d", team.id()), map[string]string{"name": "Accounts"})
		if got.body["name"] != "Accounts" {
			t.Errorf("renamed: %s", got.raw)
		}
		if got := ana.call("DELETE", path("/teams/%d", team.id()), nil); got.status != http.StatusForbidden {
			t.Errorf("an agent deleting: %d", got.status)
		}
		admin.must(204, "DELETE", path("/teams/%d", team.id()), nil)
		if teams := admin.must(200, "GET", path("/teams"), nil); len(teams.items()) != 0 {
			t.Errorf("teams after delete: %s", teams.raw)
		}
		admin.must(404, "DELETE", path("/teams/%d", team.id()), nil)
	})
}

// TestOrganizationAPI: anyone signed in reads the name; admins change it.
func TestOrganizationAPI(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		a := newAPI(t, s, server.Config{BaseURL: "http://127.0.0.1"})
		if _, err := a.org.FirstStart(t.Context(), "My company", ""); err != nil {
			t.Fatal(err)
		}
		admin, _ := a.user("root", parley.RoleAdmin)
		ana, _ := a.user("ana", parley.RoleAgent)
		if got := ana.must(200, "GET", path("/organization"), nil); got.body["name"] != "My company" {
			t.Errorf("name: %s", got.raw)
		}
		if got := ana.call("PATCH", path("/organization"), map[string]string{"name": "Evil"}); got.status != http.StatusForbidden {
			t.Errorf("an agent renaming: %d", got.status)
		}
		if got := admin.call("PATCH", path("/organization"), map[string]string{"name": ""}); got.status != 400 || !strings.Contains(string(got.raw), "name") {
			t.Errorf("an empty name: %d %s", got.status, got.raw)
		}
		admin.must(200, "PATCH", path("/organization"), map[string]string{"name": "Acme"})
		if got := ana.must(200, "GET", path("/organization"), nil); got.body["name"] != "Acme" {
			t.Errorf("after rename: %s", got.raw)
		}
	})
}
