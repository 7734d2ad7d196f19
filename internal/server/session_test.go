package server_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/org"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/server"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

func TestSession(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		a := newAPI(t, s, server.Config{BaseURL: "http://127.0.0.1", LoginLimit: 5, LoginWindow: time.Minute})
		a.user("ana", parley.RoleAgent)

		if _, status := a.browser("ana@example.com", "wrong password"); status != 401 {
			t.Errorf("wrong password: %d, want 401", status)
		}
		if _, status := a.browser("nobody@example.com", "password-ana"); status != 401 {
			t.Errorf("unknown email: %d, want 401", status)
		}
		b, status := a.browser("ANA@example.com", "password-ana")
		if status != 201 {
			t.Fatalf("sign in: %d, want 201", status)
		}
		me := b.must(200, "GET", path("/me"), nil)
		if me.body["email"] != "ana@example.com" {
			t.Errorf("me = %s", me.raw)
		}
		// The cookie is HttpOnly and SameSite; cross-site writes are refused.
		res := b.call("POST", path("/tokens"), map[string]string{}, "Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site")
		if res.status != http.StatusForbidden {
			t.Errorf("cross-site POST with the session cookie: %d, want 403", res.status)
		}
		b.must(201, "POST", path("/tokens"), map[string]string{"name": "mine"})
		b.must(204, "DELETE", path("/session"), nil)
		b.must(401, "GET", path("/me"), nil)

		// Sign-in attempts are limited per email: 429 with Retry-After.
		var last response
		for range 5 {
			_, _ = a.browser("ana@example.com", "guess")
		}
		cl := &client{api: a, name: "guesser", http: &http.Client{}}
		last = cl.call("POST", path("/session"), map[string]string{"email": "ana@example.com", "password": "password-ana"})
		if last.status != http.StatusTooManyRequests || last.header.Get("Retry-After") == "" {
			t.Errorf("sixth attempt: %d, Retry-After %q; want 429 with Retry-After", last.status, last.header.Get("Retry-After"))
		}
		// Successes do not count: a whole team signs in from one address.
		a.user("bob", parley.RoleAgent)
		for i := range 12 {
			if _, status := a.browser("bob@example.com", "password-bob"); status != http.StatusCreated {
				t.Fatalf("sign-in %d from the same address: %d, want 201", i+1, status)
			}
		}
	})
}

func TestCookieFlags(t *testing.T) {
	s := storetest.New(t, "sqlite", nil)
	a := newAPI(t, s, server.Config{BaseURL: "https://parley.example.com"})
	a.user("ana", parley.RoleAgent)
	cl := &client{api: a, name: "raw", http: &http.Client{}}
	res := cl.must(201, "POST", path("/session"), map[string]string{"email": "ana@example.com", "password": "password-ana"})
	c := res.header.Get("Set-Cookie")
	for _, want := range []string{"parley_session=", "HttpOnly", "SameSite=Lax", "Secure", "Path=/"} {
		if !strings.Contains(c, want) {
			t.Errorf("Set-Cookie %q lacks %s", c, want)
		}
	}
	if strings.Contains(string(res.raw), "password-ana") || strings.Contains(string(res.raw), "argon2") {
		t.Errorf("the sign-in answer reveals the password or its hash: %s", res.raw)
	}
}

func TestOperations(t *testing.T) {
	s := storetest.New(t, "sqlite", nil)
	a := newAPI(t, s, server.Config{BaseURL: "http://127.0.0.1", Version: "test"})
	get := func(p string) (int, string) {
		res, err := http.Get(a.url + p)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	for _, tt := range []struct {
		path   string
		status int
		has    string
	}{
		{"/healthz", 200, "ok"},
		{"/readyz", 200, "ready"},
		{"/api/v1/openapi.json", 200, `"/api/v1/conversations/{id}/replies"`},
		{"/api/v1/openapi.json", 200, `"openapi":"3.1.0"`},
		{"/api/v1/docs", 200, "<html"},
		{"/", 200, "<h1>app</h1>"},
		{"/inbox/42", 200, "<h1>app</h1>"}, // the app's own routes survive a reload
		{"/api/v1/nope", 404, "no such API route"},
		{"/metrics", 200, "parley_http_requests_total"},
	} {
		status, body := get(tt.path)
		if status != tt.status || !strings.Contains(body, tt.has) {
			t.Errorf("GET %s: %d %.120q, want %d containing %q", tt.path, status, body, tt.status, tt.has)
		}
	}
}

// TestAPIRateLimit checks that one user over their rate gets 429 with
// Retry-After, and nobody else is affected.
func TestAPIRateLimit(t *testing.T) {
	s := storetest.New(t, "sqlite", nil)
	a := newAPI(t, s, server.Config{BaseURL: "http://127.0.0.1", APIRate: 1, APIBurst: 3})
	ana, _ := a.user("ana", parley.RoleAgent)
	bob, bobID := a.user("bob", parley.RoleAgent)
	for range 3 {
		ana.must(200, "GET", path("/me"), nil)
	}
	res := ana.call("GET", path("/me"), nil)
	if res.status != http.StatusTooManyRequests || res.header.Get("Retry-After") != "1" {
		t.Errorf("4th request at once: %d, Retry-After %q; want 429, 1", res.status, res.header.Get("Retry-After"))
	}
	bob.must(200, "GET", path("/me"), nil)

	// Bob's other tokens share his own rate (twice a credential's): minting
	// tokens does not multiply it.
	got := map[int]int{}
	for i := range 8 {
		tok, err := a.org.CreateToken(t.Context(), parley.System, bobID, org.NewAPIToken{Name: fmt.Sprint("extra ", i)})
		if err != nil {
			t.Fatal(err)
		}
		extra := &client{api: a, name: "bob's extra", token: tok, http: &http.Client{}}
		got[extra.call("GET", path("/me"), nil).status]++
	}
	if got[http.StatusTooManyRequests] == 0 || got[http.StatusOK] > 6 {
		t.Errorf("bob through 8 fresh tokens at once: %v; want his own rate (burst 6) to refuse some", got)
	}
}

// TestChangePassword: a user who signed in by link sets a first password;
// changing it needs the current one; a short one is refused naming it.
func TestChangePassword(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		a := newAPI(t, s, server.Config{BaseURL: "http://127.0.0.1"})
		u, err := a.org.CreateUser(t.Context(), parley.System, org.NewUser{Email: "link@example.com", Name: "Link", Role: parley.RoleAgent})
		if err != nil {
			t.Fatal(err)
		}
		tok, _ := a.org.CreateToken(t.Context(), parley.System, u.ID, org.NewAPIToken{Name: "t"})
		c := &client{api: a, name: "link", token: tok, http: &http.Client{}}
		if got := c.call("PUT", path("/me/password"), map[string]string{"password": "short"}); got.status != 400 || !strings.Contains(string(got.raw), "password") {
			t.Errorf("a short password: %d %s", got.status, got.raw)
		}
		c.must(204, "PUT", path("/me/password"), map[string]string{"password": "first-password-1"})
		if got := c.call("PUT", path("/me/password"), map[string]string{"password": "second-password-2"}); got.status != 400 || !strings.Contains(string(got.raw), "current_password") {
			t.Errorf("without the current one: %d %s", got.status, got.raw)
		}
		c.must(204, "PUT", path("/me/password"), map[string]string{"current_password": "first-password-1", "password": "second-password-2"})
		if _, status := a.browser("link@example.com", "second-password-2"); status != 201 {
			t.Errorf("signing in with the new password: %d", status)
		}
		// Guessing the current password through a stolen token counts as
		// sign-ins do: 10 free, then waits.
		got := map[int]int{}
		for range 15 {
			got[c.call("PUT", path("/me/password"), map[string]string{"current_password": "guess-guess", "password": "third-password-3"}).status]++
		}
		if got[http.StatusBadRequest] > 10 || got[http.StatusTooManyRequests] < 5 {
			t.Errorf("15 wrong current passwords: %v; want at most 10 checked, then 429", got)
		}
	})
}

// TestAvatar: a picture is an image told by its bytes, served to anyone
// signed in, gone when removed.
func TestAvatar(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		a := newAPI(t, s, server.Config{BaseURL: "http://127.0.0.1"})
		ana, anaID := a.user("ana", parley.RoleAgent)
		bob, _ := a.user("bob", parley.RoleViewer)
		png := "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
		if got := ana.call("PUT", path("/me/avatar"), "<svg onload=alert(1)>", "Content-Type", "image/png"); got.status != 400 {
			t.Errorf("an SVG said to be a PNG: %d %s", got.status, got.raw)
		}
		me := ana.call("PUT", path("/me/avatar"), png, "Content-Type", "application/octet-stream")
		url, _ := me.body["avatar_url"].(string)
		if me.status != 200 || !strings.HasPrefix(url, path("/users/%d/avatar?v=", anaID)) {
			t.Fatalf("set: %d %s", me.status, me.raw)
		}
		got := bob.call("GET", url, nil)
		if got.status != 200 || string(got.raw) != png || got.header.Get("Content-Type") != "image/png" {
			t.Errorf("served: %d %v", got.status, got.header)
		}
		anon := &client{api: a, name: "anyone", http: &http.Client{}}
		if got := anon.call("GET", url, nil); got.status != 401 {
			t.Errorf("signed out: %d", got.status)
		}
		if me := ana.must(200, "DELETE", path("/me/avatar"), nil); me.body["avatar_url"] != nil {
			t.Errorf("after removing: %s", me.raw)
		}
		if got := bob.call("GET", url, nil); got.status != 404 {
			t.Errorf("a removed picture: %d", got.status)
		}
	})
}

// TestInvite: an admin's invitation is a one-time link that signs the user
// in; agents cannot invite.
func TestInvite(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		a := newAPI(t, s, server.Config{BaseURL: "http://127.0.0.1"})
		if _, err := a.org.FirstStart(t.Context(), "Acme", ""); err != nil {
			t.Fatal(err)
		}
		admin, rootID := a.user("root", parley.RoleAdmin)
		ana, _ := a.user("ana", parley.RoleAgent)
		newbie := admin.must(201, "POST", path("/users"), map[string]any{"email": "new@example.com", "name": "New", "role": "agent"})
		if got := ana.call("POST", path("/users/%d/invitation", newbie.id()), nil); got.status != 403 {
			t.Errorf("an agent inviting: %d", got.status)
		}
		inv := admin.must(201, "POST", path("/users/%d/invitation", newbie.id()), nil)
		link, _ := inv.body["link"].(string)
		if !strings.HasPrefix(link, "http://127.0.0.1/login/") {
			t.Fatalf("link %q", link)
		}
		jar, _ := cookiejar.New(nil)
		c := &client{api: a, name: "new", http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
		if got := c.call("GET", strings.TrimPrefix(link, "http://127.0.0.1"), nil); got.status != http.StatusSeeOther {
			t.Fatalf("following the link: %d %s", got.status, got.raw)
		}
		if me := c.must(200, "GET", path("/me"), nil); me.body["email"] != "new@example.com" {
			t.Errorf("signed in as %v", me.body["email"])
		}
		if got := c.call("GET", strings.TrimPrefix(link, "http://127.0.0.1"), nil); got.status == http.StatusSeeOther {
			t.Error("the link worked twice")
		}

		// The mail is written in the inviting admin's language (SPEC PLT-6).
		if got := admin.call("PATCH", path("/users/%d", rootID), map[string]string{"locale": "de"}); got.status != 400 || !strings.Contains(string(got.raw), "locale") {
			t.Errorf("an unknown locale: %d %s", got.status, got.raw)
		}
		admin.must(200, "PATCH", path("/users/%d", rootID), map[string]string{"locale": "fr"})
		admin.must(201, "POST", path("/users/%d/invitation", newbie.id()), nil)
		jobs, err := s.ClaimJobs(t.Context(), time.Now().Add(time.Hour), time.Minute, 10)
		if err != nil {
			t.Fatal(err)
		}
		var subjects []string
		for _, j := range jobs {
			var p struct{ Subject string }
			json.Unmarshal(j.Payload, &p)
			subjects = append(subjects, p.Subject)
		}
		slices.Sort(subjects)
		if want := []string{"Vous êtes invité dans la boîte partagée de Acme", "You are invited to Acme's team inbox"}; !slices.Equal(subjects, want) {
			t.Errorf("invitation subjects %q, want %q", subjects, want)
		}
	})
}
