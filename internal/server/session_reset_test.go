package server_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/server"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestPasswordResetAPI: the same 202 for any address; a link sets a new
// password once; requests per address are limited with 429 Retry-After.
func TestPasswordResetAPI(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		a := newAPI(t, s, server.Config{BaseURL: "http://127.0.0.1"})
		if _, err := a.org.FirstStart(t.Context(), "Acme", ""); err != nil {
			t.Fatal(err)
		}
		a.user("ana", parley.RoleAgent)
		anon := &client{api: a, name: "anyone", http: &http.Client{}}
		known := anon.call("POST", path("/password-reset"), map[string]string{"email": "ana@example.com"})
		unknown := anon.call("POST", path("/password-reset"), map[string]string{"email": "nobody@example.com"})
		if known.status != http.StatusAccepted || unknown.status != known.status || string(unknown.raw) != string(known.raw) {
			t.Errorf("known %d %s, unknown %d %s; want the same 202", known.status, known.raw, unknown.status, unknown.raw)
		}
		jobs, err := s.ClaimJobs(t.Context(), time.Now().Add(time.Hour), time.Minute, 10)
		if err != nil || len(jobs) != 1 {
			t.Fatalf("%d mails (%v), want one", len(jobs), err)
		}
		var mail struct{ To, Text string }
		json.Unmarshal(jobs[0].Payload, &mail)
		_, rest, _ := strings.Cut(mail.Text, "http://127.0.0.1/reset-password/")
		if mail.To != "ana@example.com" || rest == "" {
			t.Fatalf("mail %+v", mail)
		}
		token := strings.Fields(rest)[0]
		if got := anon.call("PUT", path("/password-reset"), map[string]string{"token": token, "password": "short"}); got.status != 400 {
			t.Errorf("a short password: %d %s", got.status, got.raw)
		}
		anon.must(204, "PUT", path("/password-reset"), map[string]string{"token": token, "password": "a brand new password"})
		anon.must(401, "PUT", path("/password-reset"), map[string]string{"token": token, "password": "a brand new password"})
		if _, status := a.browser("ana@example.com", "a brand new password"); status != http.StatusCreated {
			t.Errorf("sign in with the new password: %d", status)
		}

		for range 2 {
			anon.must(202, "POST", path("/password-reset"), map[string]string{"email": "ana@example.com"})
		}
		last := anon.call("POST", path("/password-reset"), map[string]string{"email": "ANA@example.com"})
		if last.status != http.StatusTooManyRequests || last.header.Get("Retry-After") == "" {
			t.Errorf("fourth request for one address: %d, Retry-After %q", last.status, last.header.Get("Retry-After"))
		}
	})
}

// TestLoginLinkFailed: a used link's page says so in a sentence, in the
// browser's language, and leads to sign-in and to a new link.
func TestLoginLinkFailed(t *testing.T) {
	s := storetest.New(t, "sqlite", nil)
	a := newAPI(t, s, server.Config{BaseURL: "http://127.0.0.1"})
	anon := &client{api: a, name: "anyone", http: &http.Client{}}
	for lang, want := range map[string][]string{
		"en-GB": {"already used or has expired", `href="/?forgot"`, `href="/"`},
		"fr":    {"déjà servi ou a expiré", "Recevoir un nouveau lien", `lang="fr"`},
	} {
		got := anon.call("GET", "/login/nope", nil, "Accept-Language", lang)
		page := string(got.raw)
		if got.status != 401 || strings.Contains(page, "expired Ask") || strings.Contains(page, "invalid, used") {
			t.Errorf("%s: %d %s", lang, got.status, page)
		}
		for _, w := range want {
			if !strings.Contains(page, w) {
				t.Errorf("%s: page lacks %q", lang, w)
			}
		}
	}
}

// TestLoginLinkGuessing: guessed sign-in links are counted per address like
// passwords, so neither the lookups nor the audit entries they write grow
// faster than the limit lets anyone guess; past it, 429 with Retry-After.
func TestLoginLinkGuessing(t *testing.T) {
	s := storetest.New(t, "sqlite", nil)
	a := newAPI(t, s, server.Config{BaseURL: "http://127.0.0.1"})
	root, _ := a.user("root", parley.RoleAdmin)
	anon := &client{api: a, name: "anyone", http: &http.Client{}}
	var refused response
	for i := range 60 {
		if r := anon.call("GET", fmt.Sprintf("/login/guess-%d", i), nil); r.status == http.StatusTooManyRequests {
			refused = r
			break
		}
	}
	if refused.status != http.StatusTooManyRequests || refused.header.Get("Retry-After") == "" || !strings.Contains(string(refused.raw), "Too many") {
		t.Fatalf("60 guessed links from one address: the last %d %v", refused.status, refused.header)
	}
	entries, _ := root.must(200, "GET", path("/audit")+"?action=sign_in.failed&limit=200", nil).body["entries"].([]any)
	if len(entries) == 0 || len(entries) > 50 {
		t.Errorf("%d failed sign-ins recorded, want some and at most the limit's 50", len(entries))
	}
}
