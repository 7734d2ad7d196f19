package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/server"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestSecurityHeaders checks that every kind of response carries nosniff,
// a Referrer-Policy and the framing refusals (issue 10: the app could be
// framed and clickjacked): the app, API answers and their errors from huma
// and from the middleware in front of it, the websocket's refusals, the
// server's own pages, downloads (which keep their sandbox), operations.
func TestSecurityHeaders(t *testing.T) {
	s := storetest.New(t, "sqlite", nil)
	w := buildOrg(t, s)
	// A second server on the same data, whose API rate is spent at once.
	limited := newAPI(t, s, server.Config{BaseURL: "http://127.0.0.1", APIRate: 1e-9, APIBurst: 1})

	doc := w.ana.call("POST", path("/documents?name=Prices.pdf"), "%PDF-1.7 prices", "Content-Type", "application/pdf").mustStatus(t, 201)
	docPath := strings.TrimPrefix(doc.body["url"].(string), "http://127.0.0.1")
	mail := w.ana.call("POST", path("/channels/%d/mime", w.emailChannel(w.vip)), fixture(t, "inline_images.eml"), "Content-Type", "message/rfc822")
	var attachment string
	for _, it := range w.ana.must(200, "GET", path("/conversations/%d/timeline", parley.ID(mail.num("conversation_id"))), nil).items() {
		if m, ok := it["message"].(map[string]any); ok {
			attachment = m["attachments"].([]any)[0].(map[string]any)["url"].(string)
		}
	}
	websocket := []string{"Connection", "Upgrade", "Upgrade", "websocket", "Sec-WebSocket-Version", "13", "Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="}

	for _, tt := range []struct {
		name, method, url string
		headers           []string
		token             string // a bearer token to send
		twice             bool   // the first request spends the credential's only one
		status            int
		csp               []string // more that the policy must say
	}{
		{name: "the app", method: "GET", url: "/", status: 200,
			csp: []string{"script-src 'self';", "object-src 'none'", "base-uri 'none'", "form-action 'self'", "connect-src 'self'"}},
		{name: "the app's own route", method: "GET", url: "/inbox/42", status: 200, csp: []string{"script-src 'self';"}},
		{name: "an API answer", method: "GET", url: path("/inboxes"), token: w.ana.token, status: 200, csp: []string{"default-src 'none'"}},
		{name: "huma's refusal", method: "GET", url: path("/me"), status: 401},
		{name: "an unknown token", method: "GET", url: path("/me"), token: "prl_unknown", status: 401},
		{name: "a credential over its rate", method: "GET", url: limited.url + path("/me"), token: "prl_unknown", twice: true, status: 429},
		{name: "no such API route", method: "GET", url: path("/nope"), status: 404},
		{name: "cross-origin protection", method: "POST", url: path("/session"), headers: []string{"Sec-Fetch-Site", "cross-site"}, status: 403},
		{name: "the stream, signed out", method: "GET", url: path("/stream"), headers: websocket, status: 401},
		{name: "the stream, from another site", method: "GET", url: path("/stream"), token: w.ana.token,
			headers: append([]string{"Origin", "https://evil.example"}, websocket...), status: 403},
		{name: "a one-time link that fails", method: "GET", url: "/login/nope", status: 401, csp: []string{"default-src 'none'"}},
		{name: "an address confirmation", method: "GET", url: "/verify-from/nope", status: 200, csp: []string{"form-action 'self'"}},
		{name: "a shared document", method: "GET", url: docPath, status: 200, csp: []string{"sandbox"}},
		{name: "no such shared document", method: "GET", url: "/d/nope", status: 404},
		{name: "an attachment", method: "GET", url: attachment, token: w.ana.token, status: 200, csp: []string{"sandbox"}},
		{name: "the docs page", method: "GET", url: path("/docs"), status: 200},
		{name: "health", method: "GET", url: "/healthz", status: 200},
		{name: "readiness", method: "GET", url: "/readyz", status: 200},
		{name: "metrics", method: "GET", url: "/metrics", status: 200},
	} {
		t.Run(tt.name, func(t *testing.T) {
			url := tt.url
			if strings.HasPrefix(url, "/") {
				url = w.a.url + url
			}
			if tt.twice {
				get(t, tt.method, url, tt.token, tt.headers...)
			}
			res := get(t, tt.method, url, tt.token, tt.headers...)
			if res.StatusCode != tt.status {
				t.Fatalf("%s %s: %d, want %d", tt.method, tt.url, res.StatusCode, tt.status)
			}
			for name, want := range map[string]string{
				"X-Content-Type-Options": "nosniff",
				"Referrer-Policy":        "same-origin",
				"X-Frame-Options":        "DENY",
			} {
				if got := res.Header.Get(name); got != want {
					t.Errorf("%s: %q, want %q", name, got, want)
				}
			}
			csp := res.Header.Values("Content-Security-Policy")
			if len(csp) != 1 || !strings.Contains(csp[0], "frame-ancestors 'none'") {
				t.Fatalf("Content-Security-Policy: %q, want one policy with frame-ancestors 'none'", csp)
			}
			for _, want := range tt.csp {
				if !strings.Contains(csp[0], want) {
					t.Errorf("Content-Security-Policy %q does not say %q", csp[0], want)
				}
			}
		})
	}
}

// get sends one request and returns the response, its body read and closed;
// it follows no redirect.
func get(t *testing.T, method, url, token string, headers ...string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res
}
