package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestPublicSurfaceDefenses extends the defects issue's checks (issue 10:
// headers on every answer, bounded bodies, 429 with Retry-After) over what
// came after it: the chat widget, forms, bridges' delivery reports and
// webhooks. Every answer, refusals included, says nosniff and
// same-origin, carries one Content-Security-Policy, and may be framed only
// where it is meant to be (a chat's frame and a form's page, by their own
// sites; nothing else, not even their error pages, by anyone).
func TestPublicSurfaceDefenses(t *testing.T) {
	s := storetest.New(t, "sqlite", nil)
	w := buildOrg(t, s)
	_, chat := chatChannel(t, w)
	form := w.admin.must(201, "POST", path("/inboxes/%d/channels", w.sales), map[string]any{"kind": "form", "name": "Contact us",
		"config": map[string]any{"allowed_origins": []string{shop}}}).body["public_key"].(string)
	api := w.admin.must(201, "POST", path("/inboxes/%d/channels", w.sales), map[string]any{"kind": "api", "name": "SMS"}).id()
	pushed := w.ana.must(201, "POST", path("/channels/%d/messages", api), map[string]any{"client_id": "d1",
		"contact": map[string]any{"email": "c@example.org"}, "text": "Hi"})
	reply := w.ana.must(201, "POST", path("/conversations/%d/replies", parley.ID(pushed.num("conversation_id"))), map[string]any{"text": "Hello"}).id()
	big := strings.Repeat("x", 3<<20)
	formBig := `{"name":"A","email":"a@example.org","message":"` + strings.Repeat("x", 70<<10) + `"}`
	formOK := `{"name":"A","email":"a@example.org"}`

	for _, tt := range []struct {
		name, method, url, body string
		headers                 []string
		token                   string
		repeat                  int // send it this many times first
		status                  int
		framedBy                string // the one site that may frame it; "" for none
	}{
		{name: "the widget's loader", method: "GET", url: "/widget.js", status: 200},
		{name: "a chat's config", method: "GET", url: "/widget/v1/config?inbox=" + chat, headers: []string{"Origin", shop}, status: 200},
		{name: "a chat's config from another site", method: "GET", url: "/widget/v1/config?inbox=" + chat, headers: []string{"Origin", "https://evil.example"}, status: 403},
		{name: "no such chat's config", method: "GET", url: "/widget/v1/config?inbox=nope", status: 404},
		{name: "a chat's frame", method: "GET", url: "/widget/frame?inbox=" + chat, status: 200, framedBy: shop},
		{name: "no such chat's frame", method: "GET", url: "/widget/frame?inbox=nope", status: 404},
		{name: "a visitor's upload without a visitor", method: "POST", url: "/widget/v1/messages?inbox=" + chat, body: "x", status: 401},
		{name: "a file at a forged address", method: "GET", url: "/widget/v1/files/1/forged", status: 404},
		{name: "a form's page", method: "GET", url: "/f/" + form, status: 200, framedBy: shop},
		{name: "a form's page, embedded", method: "GET", url: "/f/" + form + "?embed=1", status: 200, framedBy: shop},
		{name: "no such form's page", method: "GET", url: "/f/nope", status: 404},
		{name: "a form's preflight", method: "OPTIONS", url: "/f/" + form, headers: []string{"Origin", shop, "Access-Control-Request-Method", "POST"}, status: 204},
		{name: "a form posted from another site", method: "POST", url: "/f/" + form, body: formOK,
			headers: []string{"Content-Type", "application/json", "Origin", "https://evil.example"}, status: 403},
		{name: "an oversized form", method: "POST", url: "/f/" + form, body: formBig, headers: []string{"Content-Type", "application/json"}, status: 413},
		{name: "a form posted too often", method: "POST", url: "/f/" + form, body: formOK,
			headers: []string{"Content-Type", "application/json", "X-Forwarded-For", "198.51.100.9"}, repeat: 12, status: 429},
		{name: "an oversized delivery report", method: "POST", url: path("/messages/%d/delivery", reply), body: `{"status":"delivered","detail":"` + big + `"}`,
			headers: []string{"Content-Type", "application/json"}, token: w.ana.token, status: 413},
		{name: "an oversized webhook", method: "POST", url: path("/webhooks"), body: `{"url":"https://hooks.example/` + big + `"}`,
			headers: []string{"Content-Type", "application/json"}, token: w.admin.token, status: 413},
		{name: "webhooks, to an agent", method: "GET", url: path("/webhooks"), token: w.ana.token, status: 403},
		{name: "the audit log, to an agent", method: "GET", url: path("/audit"), token: w.ana.token, status: 403},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := &client{api: w.a, name: tt.name, token: tt.token, http: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
			var body any
			if tt.body != "" {
				body = tt.body
			}
			for range tt.repeat {
				c.call(tt.method, tt.url, body, tt.headers...)
			}
			r := c.call(tt.method, tt.url, body, tt.headers...)
			if r.status != tt.status {
				t.Fatalf("%s %s: %d %.200s, want %d", tt.method, tt.url, r.status, r.raw, tt.status)
			}
			if r.status == 429 && r.header.Get("Retry-After") == "" {
				t.Errorf("429 without Retry-After")
			}
			for name, want := range map[string]string{"X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin"} {
				if got := r.header.Get(name); got != want {
					t.Errorf("%s: %q, want %q", name, got, want)
				}
			}
			csp := r.header.Values("Content-Security-Policy")
			if len(csp) != 1 {
				t.Fatalf("Content-Security-Policy: %q, want one", csp)
			}
			if tt.framedBy == "" {
				// 'self' is Parley's own pages (a form's preview in settings).
				if fa := csp[0][strings.Index(csp[0]+"frame-ancestors", "frame-ancestors"):]; !strings.HasPrefix(fa, "frame-ancestors 'none'") && strings.TrimRight(fa, "; ") != "frame-ancestors 'self'" {
					t.Errorf("may be framed: %q", csp[0])
				}
			} else if !strings.Contains(csp[0], "frame-ancestors 'self' "+tt.framedBy) || strings.Contains(csp[0], "*") || r.header.Get("X-Frame-Options") != "" {
				t.Errorf("framing: %q, X-Frame-Options %q; want framed by %s alone", csp[0], r.header.Get("X-Frame-Options"), tt.framedBy)
			}
		})
	}
}
