package server

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestSecureHeadersPolicies checks how the middleware settles each
// response's Content-Security-Policy, and the path it can exempt from the
// framing rules (for a page made to be embedded, such as a chat widget's).
func TestSecureHeadersPolicies(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/page", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte("<p>hi</p>"))
	})
	mux.HandleFunc("/json", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusTeapot)
	})
	mux.HandleFunc("/sandboxed", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Security-Policy", "sandbox; default-src 'none'")
		w.Write([]byte("data"))
	})
	mux.HandleFunc("/nothing", func(http.ResponseWriter, *http.Request) {}) // net/http writes the header after
	mux.HandleFunc("/widget/", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'self'; frame-ancestors https://customer.example")
	})
	mux.HandleFunc("/widgetry", func(http.ResponseWriter, *http.Request) {})
	srv := httptest.NewServer(secureHeaders(mux, "/widget/"))
	defer srv.Close()

	for _, tt := range []struct {
		path, csp, frameOptions string
	}{
		{"/page", pagePolicy + "; frame-ancestors 'none'", "DENY"},
		{"/json", "default-src 'none'; frame-ancestors 'none'", "DENY"},
		{"/sandboxed", "sandbox; default-src 'none'; frame-ancestors 'none'", "DENY"},
		{"/nothing", "default-src 'none'; frame-ancestors 'none'", "DENY"},
		{"/widget/frame", "default-src 'self'; frame-ancestors https://customer.example", ""},
		{"/widgetry", "default-src 'none'; frame-ancestors 'none'", "DENY"}, // not under /widget/
	} {
		res, err := http.Get(srv.URL + tt.path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if got := res.Header.Values("Content-Security-Policy"); len(got) != 1 || got[0] != tt.csp {
			t.Errorf("%s: Content-Security-Policy %q, want %q", tt.path, got, tt.csp)
		}
		if got := res.Header.Get("X-Frame-Options"); got != tt.frameOptions {
			t.Errorf("%s: X-Frame-Options %q, want %q", tt.path, got, tt.frameOptions)
		}
		if res.Header.Get("X-Content-Type-Options") != "nosniff" || res.Header.Get("Referrer-Policy") != "same-origin" {
			t.Errorf("%s: nosniff %q, Referrer-Policy %q", tt.path, res.Header.Get("X-Content-Type-Options"), res.Header.Get("Referrer-Policy"))
		}
	}
}
