package server_test

import (
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/server"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestSessionsAndTokenScopes: a person lists their sessions (the browser,
// the address, which one is this) and signs another out; an admin signs a
// person out everywhere; an API token may be read-only or expire.
func TestSessionsAndTokenScopes(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		a := newAPI(t, s, server.Config{BaseURL: "http://127.0.0.1"})
		admin, _ := a.user("root", parley.RoleAdmin)
		ana, anaID := a.user("ana", parley.RoleAgent)
		laptop, _ := a.browser("ana@example.com", "password-ana")
		phone, _ := a.browser("ana@example.com", "password-ana")
		laptop.must(200, "GET", path("/me"), nil)

		list := laptop.must(200, "GET", path("/me/sessions"), nil).items()
		if len(list) != 2 {
			t.Fatalf("two browsers signed in: %v", list)
		}
		var current, other map[string]any
		for _, x := range list {
			if x["current"] == true {
				current = x
			} else {
				other = x
			}
		}
		if current == nil || other == nil || current["address"] != "127.0.0.1" || current["user_agent"] == "" || current["last_seen_at"] == nil {
			t.Fatalf("the sessions as listed: %v", list)
		}
		// Ana signs the phone out from the laptop; someone else cannot.
		if r := admin.call("DELETE", path("/me/sessions/%d", int64(other["id"].(float64))), nil); r.status != 404 {
			t.Errorf("another person's session ended by id: %d", r.status)
		}
		laptop.must(204, "DELETE", path("/me/sessions/%d", int64(other["id"].(float64))), nil)
		if r := phone.call("GET", path("/me"), nil); r.status != 401 {
			t.Errorf("the phone after being signed out: %d", r.status)
		}
		laptop.must(200, "GET", path("/me"), nil)

		// An admin signs Ana out everywhere; an agent cannot.
		if r := ana.call("DELETE", path("/users/%d/sessions", anaID), nil); r.status != 403 {
			t.Errorf("an agent signs someone out everywhere: %d", r.status)
		}
		admin.must(204, "DELETE", path("/users/%d/sessions", anaID), nil)
		if r := laptop.call("GET", path("/me"), nil); r.status != 401 {
			t.Errorf("the laptop after signed out everywhere: %d", r.status)
		}
		ana.must(200, "GET", path("/me"), nil) // her API token stays

		// A read-only token reads, and only reads.
		ro := ana.must(201, "POST", path("/tokens"), map[string]any{"name": "report", "read_only": true}).body["token"].(string)
		reader := &client{api: a, name: "reader", token: ro, http: ana.http}
		reader.must(200, "GET", path("/me"), nil)
		if r := reader.call("POST", path("/tokens"), map[string]any{"name": "more"}); r.status != 403 {
			t.Errorf("a read-only token writes: %d %s", r.status, r.raw)
		}
		// A token that expires: refused in the past, working until then.
		if r := ana.call("POST", path("/tokens"), map[string]any{"expires_at": time.Now().Add(-time.Hour)}); r.status != 400 {
			t.Errorf("a token expiring in the past: %d", r.status)
		}
		soon := time.Now().Add(time.Hour)
		tok := ana.must(201, "POST", path("/tokens"), map[string]any{"name": "soon", "expires_at": soon}).body["token"].(string)
		(&client{api: a, name: "soon", token: tok, http: ana.http}).must(200, "GET", path("/me"), nil)
		listed := ana.must(200, "GET", path("/tokens"), nil).items()
		if listed[0]["expires_at"] == nil || listed[1]["read_only"] != true {
			t.Errorf("tokens listed: %v", listed)
		}
		// One that has expired (made in the store: the API refuses a past date).
		expired, hash := auth.NewToken("prl_")
		past := time.Now().Add(-time.Minute).UTC().Truncate(time.Microsecond)
		if err := s.InTx(t.Context(), func(tx *store.Tx) error {
			_, err := tx.CreateAPIToken(t.Context(), hash, anaID, "old", past.Add(-time.Hour), &past, false)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if r := (&client{api: a, name: "expired", token: expired, http: ana.http}).call("GET", path("/me"), nil); r.status != 401 {
			t.Errorf("an expired token: %d", r.status)
		}
	})
}
