package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/blob"
	"github.com/parleyhq/parley/internal/chat"
	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/crm"
	"github.com/parleyhq/parley/internal/export"
	"github.com/parleyhq/parley/internal/library"
	"github.com/parleyhq/parley/internal/notify"
	"github.com/parleyhq/parley/internal/org"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/realtime"
	"github.com/parleyhq/parley/internal/routing"
	"github.com/parleyhq/parley/internal/server"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
	"github.com/parleyhq/parley/internal/webhook"
)

// api is a running server on a store, with helpers to call it.
type api struct {
	t    *testing.T
	url  string
	s    *store.Store
	org  *org.Service
	chat *chat.Service
	cfg  server.Config
	// webhooks is the server's; a test runs its consumer and sender by
	// hand (consume.Replay, SendDue).
	webhooks *webhook.Service
	// twoFactorClock is the two-factor service's: a test moves it to make
	// codes of another time (it starts at the real time).
	twoFactorClock *storetest.Clock
	// ssoClock is single sign-on's: its states expire and its ID tokens
	// are checked by it.
	ssoClock *storetest.Clock
	// exports is the server's; a test runs its runner by hand (RunOnce).
	exports *export.Service
}

func newAPI(t *testing.T, s *store.Store, cfg server.Config) *api {
	t.Helper()
	return newAPIWithHub(t, s, cfg, 0)
}

// newAPIWithHub starts the server with a running realtime hub whose
// subscribers hold buffer events (0: the default).
func newAPIWithHub(t *testing.T, s *store.Store, cfg server.Config, buffer int) *api {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	hub := realtime.NewHub(s, realtime.Options{Log: log, Buffer: buffer})
	s.SetOnEvents(func([]parley.Event) { hub.Wake() })
	blobs, err := blob.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	// A busy machine must not turn a password check into a 503: the tests
	// count answers. (The hasher's own test covers the wait.)
	passwords := auth.NewHasher(auth.DefaultHashes())
	passwords.Wait = time.Minute
	o := org.New(s, org.Options{Passwords: passwords, Blobs: blobs})
	sessions := auth.NewSessions(s, auth.SessionOptions{Passwords: passwords})
	clock := storetest.NewClock(time.Now())
	twoFactor := auth.NewTwoFactor(s, auth.TwoFactorOptions{Passwords: passwords, Now: clock.Now, Key: []byte("test two-factor key")})
	ssoClock := storetest.NewClock(time.Now())
	sso := auth.NewSSO(s, auth.SSOOptions{Now: ssoClock.Now})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { hub.Run(ctx); close(done) }()
	if cfg.MailDomain == "" {
		cfg.MailDomain = "parley.test"
	}
	conv := conversation.New(s, conversation.Options{MailDomain: "parley.test", Blobs: blobs})
	chats := chat.New(s, conv, chat.NewIdentities([]byte("test secret")), "parley.test", blobs)
	hooks := webhook.New(s, webhook.Options{Log: log, BaseURL: cfg.BaseURL})
	exports := export.New(s, export.Options{Log: log, Dir: t.TempDir(), Blobs: blobs})
	h := server.New(cfg, server.Deps{
		Log: log, Database: s, Conv: conv, Org: o, Hub: hub, Chat: chats, CRM: crm.New(s, crm.Options{InUse: chat.FlowsUsingList}),
		Library: library.New(s, blobs, nil), Routing: routing.New(s, nil), Notifications: notify.NewNotifications(s, nil),
		Webhooks: hooks, Sessions: sessions, TwoFactor: twoFactor, SSO: sso, Exports: exports, Blobs: blobs, Web: fstest.MapFS{"index.html": {Data: []byte("<h1>app</h1>")}, "widget.html": {Data: []byte("<h1>chat</h1>")}, "widget.js": {Data: []byte("/* loader */")}},
	})
	srv := httptest.NewServer(h)
	t.Cleanup(func() {
		cancel()
		<-done
		srv.Close()
	})
	return &api{t: t, url: srv.URL, s: s, org: o, chat: chats, cfg: cfg, webhooks: hooks, twoFactorClock: clock, ssoClock: ssoClock, exports: exports}
}

// client calls the API as one user.
type client struct {
	api   *api
	name  string
	token string
	http  *http.Client
}

// user creates a user with a password, and a client that uses a bearer token.
func (a *api) user(name string, role parley.Role) (*client, parley.ID) {
	a.t.Helper()
	u, err := a.org.CreateUser(context.Background(), parley.System, org.NewUser{
		Email: name + "@example.com", Name: name, Role: role, Password: "password-" + name})
	if err != nil {
		a.t.Fatal(err)
	}
	tok, err := a.org.CreateToken(context.Background(), parley.System, u.ID, org.NewAPIToken{Name: "test"})
	if err != nil {
		a.t.Fatal(err)
	}
	return &client{api: a, name: name, token: tok, http: &http.Client{}}, u.ID
}

// browser returns a client that signs in with a password and a cookie.
func (a *api) browser(email, password string) (*client, int) {
	jar, _ := cookiejar.New(nil)
	c := &client{api: a, name: email, http: &http.Client{Jar: jar}}
	res := c.call("POST", "/api/v1/session", map[string]string{"email": email, "password": password})
	return c, res.status
}

type response struct {
	status int
	header http.Header
	body   map[string]any
	raw    []byte
}

func (r response) id() parley.ID { return parley.ID(r.num("id")) }

func (r response) num(key string) float64 {
	v, _ := r.body[key].(float64)
	return v
}

func (r response) items() []map[string]any {
	raw, _ := r.body["items"].([]any)
	out := make([]map[string]any, len(raw))
	for i, v := range raw {
		out[i], _ = v.(map[string]any)
	}
	return out
}

// call sends a request; body may be nil, a string (sent as is) or a value
// marshalled to JSON.
func (c *client) call(method, path string, body any, headers ...string) response {
	c.api.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			c.api.t.Fatal(err)
		}
		rd = bytes.NewReader(buf)
	}
	req, err := http.NewRequest(method, c.api.url+path, rd)
	if err != nil {
		c.api.t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := c.http.Do(req)
	if err != nil {
		c.api.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	out := response{status: res.StatusCode, header: res.Header, raw: raw}
	_ = json.Unmarshal(raw, &out.body)
	return out
}

// must calls and fails the test unless the status is want.
func (c *client) must(want int, method, path string, body any) response {
	c.api.t.Helper()
	r := c.call(method, path, body)
	if r.status != want {
		c.api.t.Fatalf("%s %s %s: %d %s, want %d", c.name, method, path, r.status, r.raw, want)
	}
	return r
}

func path(format string, args ...any) string { return fmt.Sprintf("/api/v1"+format, args...) }
