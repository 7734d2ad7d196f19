package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/cookiejar"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/store/storetest"
)

// syncBuffer is a buffer that serve writes to while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestCommandLine drives the binary as a script would: the first start's
// sign-in link, then users and tokens from the command line, then the API
// with that token.
func TestCommandLine(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			addr := freeAddr(t)
			vars := map[string]string{
				"PARLEY_DATA_DIR":      t.TempDir(),
				"PARLEY_DATABASE_URL":  storetest.URL(t, engine),
				"PARLEY_LISTEN":        addr,
				"PARLEY_SMTP_ADDR":     freeAddr(t),
				"PARLEY_ADMIN_EMAIL":   "boss@example.com",
				"PARLEY_METRICS_TOKEN": "metrics-0123456789abcdef",
			}
			getenv := func(k string) string { return vars[k] }
			cli := func(stdin string, args ...string) (string, error) {
				var out, errOut bytes.Buffer
				err := run(context.Background(), args, getenv, strings.NewReader(stdin), &out, &errOut)
				return out.String() + errOut.String(), err
			}

			ctx, stop := context.WithCancel(context.Background())
			out := &syncBuffer{}
			done := make(chan error, 1)
			go func() { done <- run(ctx, []string{"serve"}, getenv, strings.NewReader(""), out, &syncBuffer{}) }()
			defer func() {
				stop()
				if err := <-done; err != nil {
					t.Errorf("serve: %v", err)
				}
			}()
			link := regexp.MustCompile(`http://\S+/login/\S+`)
			deadline := time.Now().Add(10 * time.Second)
			for !link.MatchString(out.String()) {
				if time.Now().After(deadline) {
					t.Fatalf("no sign-in link printed: %q", out.String())
				}
				time.Sleep(10 * time.Millisecond)
			}

			// The one-time link signs the admin in, once.
			jar, _ := cookiejar.New(nil)
			browser := &http.Client{Jar: jar}
			res, err := browser.Get(link.FindString(out.String()))
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			me := getJSON(t, browser, "http://"+addr+"/api/v1/me", "")
			if me["email"] != "boss@example.com" || me["role"] != "admin" {
				t.Errorf("signed in by link as %v", me)
			}
			res, err = http.Get(link.FindString(out.String()))
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusUnauthorized {
				t.Errorf("second use of the link: %d, want 401", res.StatusCode)
			}

			// Users and tokens from the command line.
			if got, err := cli("s3cret-passw0rd\n", "user", "create", "--email", "ana@example.com", "--name", "Ana Lima", "--role", "agent", "--password-stdin"); err != nil || !strings.Contains(got, "created agent ana@example.com") {
				t.Fatalf("user create: %q, %v", got, err)
			}
			if _, err := cli("", "user", "create", "--email", "ana@example.com", "--name", "Ana", "--role", "agent"); err == nil || !strings.Contains(err.Error(), "email") {
				t.Errorf("creating a taken email: %v, want an error naming the email", err)
			}
			if got, _ := cli("", "user", "list"); !strings.Contains(got, "ana@example.com") || !strings.Contains(got, "boss@example.com") {
				t.Errorf("user list: %q", got)
			}
			token, err := cli("", "token", "create", "--email", "ana@example.com")
			if err != nil || !strings.HasPrefix(token, "prl_") {
				t.Fatalf("token create: %q, %v", token, err)
			}
			me = getJSON(t, http.DefaultClient, "http://"+addr+"/api/v1/me", strings.TrimSpace(token))
			if me["name"] != "Ana Lima" {
				t.Errorf("the token is %v's, want Ana Lima's", me["name"])
			}
			if _, err := cli("new-passw0rd-123\n", "user", "set-password", "--email", "boss@example.com"); err != nil {
				t.Errorf("set-password: %v", err)
			}
			// PARLEY_METRICS_TOKEN guards /metrics.
			for authorization, want := range map[string]int{"": 401, "Bearer " + strings.TrimSpace(token): 401, "Bearer metrics-0123456789abcdef": 200} {
				req, _ := http.NewRequest("GET", "http://"+addr+"/metrics", nil)
				if authorization != "" {
					req.Header.Set("Authorization", authorization)
				}
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
				if res.StatusCode != want {
					t.Errorf("/metrics with %q: %d, want %d", authorization, res.StatusCode, want)
				}
			}
			if got, err := cli("", "version"); err != nil || !strings.HasPrefix(got, "parley ") {
				t.Errorf("version: %q, %v", got, err)
			}
			if _, err := cli("", "frobnicate"); err == nil {
				t.Error("an unknown command did not fail")
			}
		})
	}
}

func getJSON(t *testing.T, c *http.Client, url, token string) map[string]any {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil || res.StatusCode != 200 {
		t.Fatalf("GET %s: %d, %v", url, res.StatusCode, err)
	}
	return out
}
