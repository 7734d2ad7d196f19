package server_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/server"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// concurrently makes n calls at once and counts the answers by status.
func concurrently(n int, call func(i int) int) map[int]int {
	var (
		mu   sync.Mutex
		wg   sync.WaitGroup
		got  = map[int]int{}
		gate = make(chan struct{})
	)
	for i := range n {
		wg.Go(func() {
			<-gate
			status := call(i)
			mu.Lock()
			got[status]++
			mu.Unlock()
		})
	}
	close(gate)
	wg.Wait()
	return got
}

// TestSignInConcurrent checks that sign-in attempts are counted before the
// password is checked: a flood of concurrent guesses gets no more tries than
// the limit, the right password in the middle of it does not get in, and the
// account's owner at a browser that signed in before is not locked out.
func TestSignInConcurrent(t *testing.T) {
	s := storetest.New(t, "sqlite", nil)
	// 10 free attempts per email, 50 per address, then an hour's wait: the
	// test does not depend on how fast the machine is.
	a := newAPI(t, s, server.Config{BaseURL: "http://127.0.0.1", LoginLimit: 10, LoginWindow: 2 * time.Hour, LoginDelay: time.Hour})
	a.user("ana", parley.RoleAgent)
	known, status := a.browser("ana@example.com", "password-ana")
	if status != http.StatusCreated {
		t.Fatalf("sign in: %d", status)
	}

	got := concurrently(100, func(int) int {
		cl := &client{api: a, name: "guesser", http: &http.Client{}}
		return cl.call("POST", path("/session"), map[string]string{"email": "ana@example.com", "password": "guess"}).status
	})
	if got[http.StatusUnauthorized] > 10 || got[http.StatusUnauthorized]+got[http.StatusTooManyRequests] != 100 {
		t.Errorf("100 concurrent guesses: %v; want at most 10 checked (401), the rest 429", got)
	}
	stranger := &client{api: a, name: "stranger", http: &http.Client{}}
	res := stranger.call("POST", path("/session"), map[string]string{"email": "ana@example.com", "password": "password-ana"})
	if res.status != http.StatusTooManyRequests || res.header.Get("Retry-After") == "" {
		t.Errorf("the right password from a new browser after the flood: %d, want 429 with Retry-After", res.status)
	}
	// The browser ana signed in with before keeps its own count.
	res = known.call("POST", path("/session"), map[string]string{"email": "ana@example.com", "password": "password-ana"})
	if res.status != http.StatusCreated {
		t.Errorf("ana at her usual browser after the flood: %d %s, want 201", res.status, res.raw)
	}
	// A device cookie for ana lifts nothing for bob's account.
	a.user("bob", parley.RoleAgent)
	for range 12 {
		known.call("POST", path("/session"), map[string]string{"email": "bob@example.com", "password": "guess"})
	}
	if res := known.call("POST", path("/session"), map[string]string{"email": "bob@example.com", "password": "guess"}); res.status != http.StatusTooManyRequests {
		t.Errorf("guessing bob's password from ana's browser: %d, want 429", res.status)
	}
}

// TestSignInFloodFromOneAddress checks the per-address count holds under
// concurrency too, and that nothing got in.
func TestSignInFloodFromOneAddress(t *testing.T) {
	s := storetest.New(t, "sqlite", nil)
	a := newAPI(t, s, server.Config{BaseURL: "http://127.0.0.1", LoginLimit: 10, LoginWindow: 2 * time.Hour, LoginDelay: time.Hour})
	got := concurrently(300, func(i int) int {
		cl := &client{api: a, name: "guesser", http: &http.Client{}}
		return cl.call("POST", path("/session"), map[string]string{"email": fmt.Sprintf("u%d@example.com", i), "password": "guess"}).status
	})
	if got[http.StatusUnauthorized] > 50 || got[http.StatusCreated] > 0 {
		t.Errorf("300 concurrent guesses from one address: %v; want at most 50 checked (401)", got)
	}
	if n := got[http.StatusUnauthorized] + got[http.StatusTooManyRequests] + got[http.StatusServiceUnavailable]; n != 300 {
		t.Errorf("answers: %v", got)
	}
}

// TestAnonymousLimits checks that requests without credentials, and bad
// credentials, are limited per address, while the app's files are not.
func TestAnonymousLimits(t *testing.T) {
	s := storetest.New(t, "sqlite", nil)
	a := newAPI(t, s, server.Config{BaseURL: "http://127.0.0.1"})
	ana, _ := a.user("ana", parley.RoleAgent)

	random := &client{api: a, name: "prober", http: &http.Client{}}
	got := map[int]int{}
	for i := range 100 {
		random.token = fmt.Sprintf("prl_random%d", i)
		res := random.call("GET", path("/me"), nil)
		got[res.status]++
		if res.status == http.StatusTooManyRequests && res.header.Get("Retry-After") == "" {
			t.Fatal("429 without Retry-After")
		}
	}
	if got[http.StatusUnauthorized] > 21 || got[http.StatusTooManyRequests] < 79 {
		t.Errorf("100 random bearer tokens: %v; want about 20 looked up (401), the rest 429", got)
	}
	// For a while the address's tokens are all refused unseen, a valid one
	// too; a signed-in browser there is not.
	if res := ana.call("GET", path("/me"), nil); res.status != http.StatusTooManyRequests {
		t.Errorf("a valid token from the flooding address: %d, want 429", res.status)
	}
	browser, status := a.browser("ana@example.com", "password-ana")
	if status != http.StatusCreated {
		t.Fatalf("sign in from the flooding address: %d", status)
	}
	browser.must(200, "GET", path("/me"), nil)

	// A stale session cookie goes on anonymous, and is cleared.
	stale := random.call("GET", path("/me"), nil, "Authorization", "", "Cookie", "parley_session=stale")
	if c := stale.header.Get("Set-Cookie"); stale.status != http.StatusUnauthorized || !strings.Contains(c, "parley_session=;") || !strings.Contains(c, "Max-Age=0") {
		t.Errorf("a stale cookie: %d, Set-Cookie %q; want 401 and the cookie cleared", stale.status, c)
	}

	// Random cookies from one address: looked up at most 60 a minute.
	got = map[int]int{}
	for i := range 80 {
		got[random.call("GET", path("/me"), nil, "Authorization", "", "Cookie", fmt.Sprintf("parley_session=guess%d", i)).status]++
	}
	if got[http.StatusTooManyRequests] < 15 {
		t.Errorf("80 random cookies: %v; want the ones past 60 refused", got)
	}

	anon := &client{api: a, name: "anonymous", http: &http.Client{}}
	got = map[int]int{}
	for range 400 {
		got[anon.call("GET", path("/me"), nil).status]++
	}
	if got[http.StatusTooManyRequests] == 0 {
		t.Errorf("400 anonymous API requests at once: %v; want some 429", got)
	}
	for range 300 {
		if res := anon.call("GET", "/", nil); res.status != http.StatusOK {
			t.Fatalf("the app's page: %d; the app's own files are not limited", res.status)
		}
	}
}

// TestStreamAndTokenCaps checks that one user cannot multiply streams by
// multiplying tokens: streams are capped per user, tokens too.
func TestStreamAndTokenCaps(t *testing.T) {
	s := storetest.New(t, "sqlite", nil)
	a := newAPI(t, s, server.Config{BaseURL: "http://127.0.0.1", StreamsPerUser: 3})
	ana, _ := a.user("ana", parley.RoleAgent)
	bob, _ := a.user("bob", parley.RoleAgent)

	for range 3 {
		defer ana.dial(t, -1).CloseNow()
	}
	second := &client{api: a, name: "ana's second token", http: &http.Client{}}
	second.token = ana.must(201, "POST", path("/tokens"), map[string]string{"name": "second"}).body["token"].(string)
	if status := second.dialStatus(t); status != http.StatusTooManyRequests {
		t.Errorf("a fourth stream of ana's, with another token: %d, want 429", status)
	}
	defer bob.dial(t, -1).CloseNow() // another user is not affected

	// Tokens: at most 50 (ana holds two).
	for i := range 48 {
		ana.must(201, "POST", path("/tokens"), map[string]string{"name": fmt.Sprint("t", i)})
	}
	if res := ana.call("POST", path("/tokens"), map[string]string{"name": "one too many"}); res.status != http.StatusConflict {
		t.Errorf("the 51st token: %d %s, want 409", res.status, res.raw)
	}
	tokens := ana.must(200, "GET", path("/tokens"), nil).items()
	if len(tokens) != 50 || tokens[0]["name"] != "t47" || tokens[0]["token"] != nil {
		t.Fatalf("listed %d tokens, first %v", len(tokens), tokens[0])
	}
	bob.must(404, "DELETE", path("/tokens/%d", int64(tokens[0]["id"].(float64))), nil)
	ana.must(204, "DELETE", path("/tokens/%d", int64(tokens[0]["id"].(float64))), nil)
	ana.must(201, "POST", path("/tokens"), map[string]string{"name": "room again"})
}

// TestStreamNodeCap: past the node's streams, 503 with Retry-After, so the
// connections left answer requests.
func TestStreamNodeCap(t *testing.T) {
	s := storetest.New(t, "sqlite", nil)
	a := newAPI(t, s, server.Config{BaseURL: "http://127.0.0.1", MaxStreams: 1})
	ana, _ := a.user("ana", parley.RoleAgent)
	bob, _ := a.user("bob", parley.RoleAgent)
	defer ana.dial(t, -1).CloseNow()
	if status := bob.dialStatus(t); status != http.StatusServiceUnavailable {
		t.Errorf("a stream past the node's cap: %d, want 503", status)
	}
	bob.must(200, "GET", path("/me"), nil)
}

// dialStatus tries to open the stream and returns the HTTP status of the
// refusal, or 101 when it opened.
func (c *client) dialStatus(t *testing.T) int {
	t.Helper()
	req, _ := http.NewRequest("GET", c.api.url+"/api/v1/stream", nil)
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Connection", "Upgrade")
	req.Header.Set("Upgrade", "websocket")
	req.Header.Set("Sec-WebSocket-Version", "13")
	req.Header.Set("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
	res, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}
