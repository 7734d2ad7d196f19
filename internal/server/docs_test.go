package server_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/parleyhq/parley/internal/server"
)

// TestDocsPage checks that the API docs page loads everything from the
// server itself, runs no inline script and says so in its policy; and that
// a server built without the web app says the page comes with it.
func TestDocsPage(t *testing.T) {
	built := fstest.MapFS{
		"index.html":                   {Data: []byte("<h1>app</h1>")},
		"apidocs/swagger-ui-bundle.js": {Data: []byte("// Swagger UI")},
	}
	unbuilt := fstest.MapFS{"index.html": {Data: []byte("<h1>placeholder</h1>")}}
	for _, tt := range []struct {
		name string
		web  fstest.MapFS
		says string
	}{
		{"built", built, `<script src="/apidocs/swagger-ui-bundle.js">`},
		{"without the web app", unbuilt, "make build"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := server.New(server.Config{}, server.Deps{Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Web: tt.web})
			srv := httptest.NewServer(h)
			defer srv.Close()
			res, err := http.Get(srv.URL + "/api/v1/docs")
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := io.ReadAll(res.Body)
			res.Body.Close()
			page := string(raw)
			if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") || !strings.Contains(page, tt.says) {
				t.Fatalf("GET /api/v1/docs: %d %s %q", res.StatusCode, res.Header.Get("Content-Type"), page)
			}

			// Every reference is to this server: a path, never a scheme
			// or a protocol-relative //host.
			for _, m := range regexp.MustCompile(`(?i)(?:src|href)\s*=\s*"([^"]*)"`).FindAllStringSubmatch(page, -1) {
				if !strings.HasPrefix(m[1], "/") || strings.HasPrefix(m[1], "//") {
					t.Errorf("the page refers to %q, outside this server", m[1])
				}
			}
			if strings.Contains(page, "://") {
				t.Errorf("the page names an origin: %s", page)
			}
			for _, m := range regexp.MustCompile(`(?is)<script([^>]*)>(.*?)</script>`).FindAllStringSubmatch(page, -1) {
				if !strings.Contains(m[1], "src=") || strings.TrimSpace(m[2]) != "" {
					t.Errorf("inline script: %s", m[0])
				}
			}

			// The policy lets in nothing but the server itself (and data:
			// images, Swagger UI's icons).
			csp := res.Header.Get("Content-Security-Policy")
			if !strings.Contains(csp, "default-src 'self'") || !strings.Contains(csp, "frame-ancestors 'none'") {
				t.Errorf("Content-Security-Policy %q: want default-src 'self' and frame-ancestors 'none'", csp)
			}
			for _, directive := range strings.Split(csp, ";") {
				words := strings.Fields(directive)
				for _, source := range words[1:] {
					if source != "'self'" && source != "'none'" && (source != "data:" || words[0] != "img-src") {
						t.Errorf("Content-Security-Policy %q lets in %s", csp, source)
					}
				}
			}
		})
	}
}
